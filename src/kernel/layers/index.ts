/** An executable attention layer for any model config, with seeded weights: one builder per variant. */
import type { Attention, AttentionKind, ModelConfig } from '../../core/model-config.js';
import type { MlaMode } from '../../core/workload.js';
import type { Backend } from '../backend.js';
import { groupedLayer, randomGroupedWeights } from './grouped.js';
import { gtaLayer, randomGtaWeights } from './gta.js';
import type { AttentionLayer, LayerSize } from './layer.js';
import { mlaLayer, randomMlaWeights } from './mla.js';

export interface LayerOptions extends LayerSize {
  readonly seed: number;
  readonly mla: MlaMode;
}

type Builder<A extends Attention> = (a: A, hidden: number, backend: Backend, o: LayerOptions) => AttentionLayer;

const BUILDERS: { readonly [K in AttentionKind]: Builder<Extract<Attention, { kind: K }>> } = {
  mha: (a, H, backend, o) => {
    const d = { hidden: H, heads: a.heads, kvHeads: a.heads, headDim: a.headDim };
    return groupedLayer(backend, d, randomGroupedWeights(d, o.seed, { qkv: a.qkvBias, out: a.outBias }), o);
  },
  gqa: (a, H, backend, o) => {
    const d = { hidden: H, heads: a.heads, kvHeads: a.kvHeads, headDim: a.headDim };
    return groupedLayer(backend, d, randomGroupedWeights(d, o.seed, { qkv: a.qkvBias, out: a.outBias }), o);
  },
  mla: (a, H, backend, o) => {
    const d = { ...a, hidden: H };
    return mlaLayer(backend, d, randomMlaWeights(d, o.seed), o, o.mla);
  },
  gta: (a, H, backend, o) => {
    const d = { ...a, hidden: H };
    return gtaLayer(backend, d, randomGtaWeights(d, o.seed, { decoder: a.decoder, gate: a.gate, bias: a.bias }), o);
  },
};

/**
 * What a model's attention does that the kernels do not run (q/k norms, soft-capping, sinks, sliding windows), so a
 * run can be refused instead of timing a different layer than the one predicted; empty when the kernels run it.
 */
export function kernelGaps(model: ModelConfig): string[] {
  const a = model.attention;
  return [
    ...((a.kind === 'mha' || a.kind === 'gqa') && a.qkNorm === true ? ['q/k norms'] : []),
    ...(model.logitSoftcap ? ['soft-capped logits'] : []),
    ...(model.attentionSinks ? ['attention sinks'] : []),
    ...(model.blocks.some((b) => b.layer.window > 0) ? ['sliding windows'] : []),
  ];
}

/** One attention layer of a model, executed on a backend, with weights from a seed. */
export function createLayer(model: ModelConfig, backend: Backend, o: LayerOptions): AttentionLayer {
  const build = BUILDERS[model.attention.kind] as Builder<Attention>;
  return build(model.attention, model.hiddenSize, backend, o);
}

export type { AttentionLayer } from './layer.js';
