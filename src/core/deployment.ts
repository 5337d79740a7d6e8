/**
 * A model split over devices as a deployment: how many devices, which links their collectives run on, the pipeline's
 * stages and bubble, and the tokens per second of all the replicas together.
 */
import type { Plan, Point } from './engine.js';
import type { Scope } from './model.js';
import { stageSizes } from './parallel.js';
import { replicaDevices } from './parallelism.js';
import type { Workload } from './workload.js';

/** A link as a report states it. */
export interface LinkUse {
  readonly group: string;
  readonly tier: 'scale-up' | 'scale-out';
  readonly name: string;
  readonly bytesPerSecond: number;
  readonly latencySeconds: number;
  readonly efficiency: number;
}

/** The pipeline at a point: one micro-batch's trip through the stages, and m micro-batches in flight. */
export interface PipelineTimes {
  readonly stages: number;
  readonly layersPerStage: readonly number[];
  /** Each stage's seconds for one micro-batch, its send to the next stage included. */
  readonly stageSeconds: readonly number[];
  readonly microBatches: number;
  /** Share of the stages' time idle while the pipeline fills and drains: (s − 1) / (m + s − 1). */
  readonly bubbleFraction: number;
  /** One micro-batch through every stage: the sum of the stages (= totals.timeSeconds). */
  readonly latencySeconds: number;
  /** m micro-batches: (m + s − 1) × the slowest stage. */
  readonly batchSeconds: number;
}

export interface Deployment {
  readonly devices: number;
  readonly devicesPerReplica: number;
  readonly communication: { readonly overlap: boolean; readonly links: readonly LinkUse[] };
  readonly pipeline?: PipelineTimes;
  /**
   * Tokens per second over all replicas: processed prompt tokens in prefill, generated tokens in decode (whole-model
   * scope only: a layer's time is not a pass's).
   */
  readonly tokensPerSecond?: number;
}

/** Micro-batches a pipeline of `stages` keeps in flight by default: one per stage. */
export function defaultMicroBatches(stages: number): number {
  return stages;
}

/** The deployment of a workload's parallelism at a point, whose pass takes `latency` seconds; undefined on one device. */
export function deploymentOf(plan: Plan, w: Workload, point: Point, scope: Scope, latency: number): Deployment | undefined {
  const par = plan.parallel;
  const devicesPerReplica = replicaDevices(par);
  if (devicesPerReplica * par.dp === 1) return undefined;
  const links = Object.entries(plan.links).map(([group, l]) => ({ group, tier: l!.tier, name: l!.link.name, bytesPerSecond: l!.link.bytesPerSecond, latencySeconds: l!.link.latencySeconds, efficiency: l!.link.efficiency }));
  const tokens = point.batch * (w.phase === 'prefill' ? point.seqLen : 1);
  let pipeline: PipelineTimes | undefined;
  let tokensPerSecond = latency > 0 ? (tokens * par.dp) / latency : 0;
  if (par.pp > 1 && scope === 'model') {
    const m = w.microBatches ?? defaultMicroBatches(par.pp);
    const stageSeconds = plan.stageSeconds(point);
    const slowest = Math.max(...stageSeconds);
    const batchSeconds = (m + par.pp - 1) * slowest;
    pipeline = { stages: par.pp, layersPerStage: stageSizes(plan.model.layers, par.pp), stageSeconds, microBatches: m, bubbleFraction: (par.pp - 1) / (m + par.pp - 1), latencySeconds: latency, batchSeconds };
    tokensPerSecond = batchSeconds > 0 ? (m * tokens * par.dp) / batchSeconds : 0;
  }
  return { devices: devicesPerReplica * par.dp, devicesPerReplica, communication: { overlap: w.overlap === true, links }, ...(pipeline === undefined ? {} : { pipeline }), ...(scope === 'model' ? { tokensPerSecond } : {}) };
}

/** What a reader should know about how the split is costed. */
export function parallelNotes(plan: Plan, w: Workload): string[] {
  const p = plan.parallel;
  if (replicaDevices(p) * p.dp === 1) return [];
  const notes = [`parallelism: tp ${String(p.tp)} × pp ${String(p.pp)} × ep ${String(p.ep)} per replica, dp ${String(p.dp)} replicas; operators, times and memory.perDevice are one device's (the busiest), memory's weights and KV cache the whole model's (its activation is one device's largest operator).`];
  if (Object.keys(plan.links).length > 0) {
    notes.push(
      `collectives: ring algorithms on the group's link (scale-up inside a node, scale-out across nodes): all-reduce sends 2(p−1)/p of the message in 2(p−1) hops, all-gather and all-to-all (p−1)/p in p−1 hops, a pipeline send the message in 1 hop; time = hops × latency + bytes / (bandwidth per direction × efficiency); ${w.overlap === true ? 'overlapped with compute (--overlap): a pass (in a pipeline, each stage) takes the longer of its compute and its communication' : 'not overlapped with compute (add --overlap to let them overlap)'}.`,
    );
  }
  if (p.ep > 1) notes.push(`expert parallel: ${String(p.ep)} ranks each hold E/${String(p.ep)} routed experts and run attention on ⌈batch/${String(p.ep)}⌉ sequences; tokens go to their experts' ranks and back in two all-to-alls per MoE layer.`);
  if (p.pp > 1) notes.push(`pipeline: ${String(p.pp)} stages of contiguous layers (the first stages one more when the layers do not divide); the embedding on the first, the head on the last; micro-batches of the point's batch.`);
  return notes;
}
