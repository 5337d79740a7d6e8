/**
 * How a model is split over devices: tensor parallel (t devices split each layer's heads and MLP columns), pipeline
 * parallel (s stages of contiguous layers), expert parallel (e ranks split the routed experts and run attention
 * data-parallel, each on its share of the batch) and data parallel (d whole replicas). A replica spans t × e × s
 * devices, placed tensor-parallel ranks first, then expert ranks, then stages; the whole deployment d times that.
 */
import type { Interconnect, Link } from './hardware.js';
import type { ModelConfig } from './model-config.js';
import { mlpOf } from './mlp/index.js';
import type { DeviceGroup } from './op.js';
import type { Parallelism } from './parallelism.js';
import { variantOf } from './variants/index.js';

/** A degree that does not fit the model: the config field it conflicts with, under the flag's name. */
export class ParallelismError extends Error {
  constructor(readonly flag: '--tp' | '--pp' | '--ep' | '--dp', readonly field: string, message: string) {
    super(message);
  }
}

/** Throws a ParallelismError for the first degree the model cannot be split by. */
export function checkParallelism(m: ModelConfig, p: Parallelism): void {
  const a = m.attention;
  if (p.tp > 1) {
    const problem = variantOf(a).shard(a, p.tp).problems[0];
    if (problem !== undefined) throw new ParallelismError('--tp', `attention.${problem.path}`, problem.message);
    for (const run of m.blocks) {
      const mlpProblem = mlpOf(run.layer.mlp).shard(run.layer.mlp, p, 1).problems[0];
      if (mlpProblem !== undefined) throw new ParallelismError('--tp', `mlp.${mlpProblem.path}`, mlpProblem.message);
    }
  }
  if (p.ep > 1) {
    if (!m.blocks.some((b) => b.layer.mlp.kind === 'moe')) throw new ParallelismError('--ep', 'mlp', `expert parallelism needs a mixture-of-experts model (${m.id} has no routed experts); use --tp or --dp`);
    if (p.tp > 1) throw new ParallelismError('--ep', '', `expert parallelism is modelled with attention data-parallel over the expert ranks, one device each: give --tp 1 with --ep ${String(p.ep)} (got --tp ${String(p.tp)})`);
    for (const run of m.blocks) {
      const mlpProblem = mlpOf(run.layer.mlp).shard(run.layer.mlp, p, 1).problems[0];
      if (mlpProblem !== undefined) throw new ParallelismError('--ep', `mlp.${mlpProblem.path}`, mlpProblem.message);
    }
  }
  if (p.pp > m.layers) throw new ParallelismError('--pp', 'layers', `cannot exceed the model's layers (got --pp ${String(p.pp)}, ${String(m.layers)} layers)`);
}

/**
 * Layers per pipeline stage: L / s each, the first L mod s stages one more when s does not divide L (the embedding
 * runs on the first stage, the final norm and lm_head on the last).
 */
export function stageSizes(layers: number, stages: number): number[] {
  const base = Math.floor(layers / stages);
  const extra = layers % stages;
  return Array.from({ length: stages }, (_, i) => base + (i < extra ? 1 : 0));
}

/** The stage each of the model's layers runs on, in layer order. */
export function layerStages(layers: number, stages: number): number[] {
  return stageSizes(layers, stages).flatMap((n, stage) => Array.from({ length: n }, () => stage));
}

/**
 * For each pipeline boundary (stage k to k + 1, k = 0 … s − 2), whether its two stages sit in different nodes: the
 * last device of stage k and the first of stage k + 1, with t × e devices per stage placed in order.
 */
export function boundariesAcrossNodes(p: Parallelism, devicesPerNode: number): boolean[] {
  const g = p.tp * p.ep;
  return Array.from({ length: p.pp - 1 }, (_, k) => Math.floor(((k + 1) * g - 1) / devicesPerNode) !== Math.floor(((k + 1) * g) / devicesPerNode));
}

/** The link a group's collectives run on, with the tier's name; a group larger than a node crosses the network. */
export interface GroupLink {
  readonly tier: 'scale-up' | 'scale-out';
  readonly link: Link;
}

/** A device without the link a group needs: what is missing, for the message. */
export class MissingLinkError extends Error {}

/** The link of each group of a parallelism on an interconnect (groups that do not communicate are left out). */
export function groupLinks(p: Parallelism, ic: Interconnect | undefined): Partial<Record<DeviceGroup, GroupLink>> {
  const perNode = ic?.devicesPerNode ?? 1;
  const pick = (span: number, what: string): GroupLink => {
    if (ic === undefined) throw new MissingLinkError(`has no link between devices (its profile has no interconnect), which ${what} needs`);
    const tier = span <= perNode ? 'scale-up' : 'scale-out';
    const link = tier === 'scale-up' ? ic.scaleUp : ic.scaleOut;
    if (link === undefined) {
      throw new MissingLinkError(
        tier === 'scale-up'
          ? `has no link between devices (interconnect.scaleUp or host), which ${what} needs`
          : `has no scale-out network (interconnect.scaleOut), which ${what} needs: it spans ${String(span)} devices, more than a node's ${String(perNode)}`,
      );
    }
    return { tier, link };
  };
  const out: Partial<Record<DeviceGroup, GroupLink>> = {};
  if (p.tp > 1) out.tp = pick(p.tp, `--tp ${String(p.tp)}`);
  if (p.ep > 1) out.ep = pick(p.tp * p.ep, `--ep ${String(p.ep)}`);
  if (p.pp > 1) {
    const across = boundariesAcrossNodes(p, perNode);
    if (across.includes(false)) out.pp = pick(2, `--pp ${String(p.pp)}`);
    if (across.includes(true)) out['pp-network'] = pick(perNode + 1, `--pp ${String(p.pp)}`);
  }
  return out;
}
