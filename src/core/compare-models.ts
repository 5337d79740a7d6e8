/** Side-by-side mode of `compare`: a sweep's points grouped by everything but the model, with ratios to the first model. */
import { Plan, type OpResult, type Totals } from './engine.js';
import type { Bound } from './roofline.js';
import { efficiencyAt, sweep, type SweepGrid, type SweepMemory, type SweepPoint, type SweepWorkload } from './sweep.js';
import type { MlaMode } from './workload.js';

export const COMPARE_SCHEMA = 'llm-roofline.compare/v1';

/** Each metric over the first model's; 1 when both are 0, null when only the first model's is 0 (never Infinity). */
export interface Ratios {
  readonly timeSeconds: number | null;
  readonly flops: number | null;
  readonly bytes: number | null;
  readonly kvCacheBytes: number | null;
  readonly weightBytes: number | null;
}

/** One model at one point. */
export interface ModelEntry {
  readonly model: string;
  /** Only for MLA models: the form it is computed in (the row's workload leaves it out, as other models lack it). */
  readonly mla?: MlaMode;
  readonly totals: Totals;
  readonly memory: SweepMemory;
  /** The bound of the operators that take most of the time. */
  readonly bound: Bound;
  readonly ratio: Ratios;
}

/** One (hardware, workload) point with every model. */
export interface CompareRow {
  readonly hardware: string;
  readonly workload: Omit<SweepWorkload, 'mla'>;
  readonly models: readonly ModelEntry[];
}

/** The `llm-roofline.compare/v1` document. */
export interface CompareDocument {
  readonly schema: typeof COMPARE_SCHEMA;
  readonly baselineModel: string;
  readonly rows: readonly CompareRow[];
}

/**
 * The bound whose operators' Σ count × time is largest (compute on a tie with memory, as the roofline itself
 * decides; the network only when its collectives take longer than either).
 */
export function dominantBound(ops: readonly OpResult[]): Bound {
  const time = { compute: 0, memory: 0, network: 0 };
  for (const o of ops) time[o.bound] += o.count * o.timeSeconds;
  if (time.network > time.compute && time.network > time.memory) return 'network';
  return time.compute >= time.memory ? 'compute' : 'memory';
}

/** A function giving a sweep point's dominant bound, compiling one plan per (model, device, phase, kernel style). */
export function boundsOf(g: SweepGrid): (p: SweepPoint) => Bound {
  const plans = new Map<string, Plan>();
  return (p) => {
    const w = p.workload;
    const key = JSON.stringify([p.model, p.hardware, w.phase, w.flash, w.parallelism ?? null]);
    let plan = plans.get(key);
    if (plan === undefined) {
      const model = g.models.find((m) => m.id === p.model);
      const index = g.hardware.findIndex((h) => h.id === p.hardware);
      const hardware = g.hardware[index];
      if (model === undefined || hardware === undefined) throw new Error(`internal: ${p.model} on ${p.hardware} is not in the grid`);
      // The sweep already resolved pairs and the MLA form; reusing them keeps the plan identical to the sweep's.
      plan = new Plan(model, hardware, { phase: w.phase, flash: w.flash, pairs: w.pairs, mla: w.mla ?? 'absorbed', scope: w.scope, costModel: w.costModel, moeImbalance: w.moeImbalance, mtp: g.mtp, parallel: w.parallelism, overlap: w.overlap, efficiency: efficiencyAt(g, index) });
      plans.set(key, plan);
    }
    // A sweep point reports decode's seqLen as 1; the plan reads the length from the field its phase uses.
    const len = w.phase === 'prefill' ? w.seqLen : w.contextLen;
    return dominantBound(plan.operators({ batch: w.batch, seqLen: len, contextLen: len, bits: w.bits }));
  };
}

function ratio(value: number, first: number): number | null {
  if (first === 0) return value === 0 ? 1 : null;
  return value / first;
}

function ratios(e: Pick<ModelEntry, 'totals' | 'memory'>, first: Pick<ModelEntry, 'totals' | 'memory'>): Ratios {
  return {
    timeSeconds: ratio(e.totals.timeSeconds, first.totals.timeSeconds),
    flops: ratio(e.totals.flops, first.totals.flops),
    bytes: ratio(e.totals.bytes, first.totals.bytes),
    kvCacheBytes: ratio(e.memory.kvCacheBytes, first.memory.kvCacheBytes),
    weightBytes: ratio(e.memory.weightBytes, first.memory.weightBytes),
  };
}

function withoutMla(w: SweepWorkload): Omit<SweepWorkload, 'mla'> {
  const { phase, batch, seqLen, contextLen, bits, bitsLabel, computeDtype, flash, pairs, scope, costModel, parallelism, overlap, microBatches, efficiency } = w;
  const split = parallelism === undefined ? {} : { parallelism, overlap: overlap === true, ...(microBatches === undefined ? {} : { microBatches }) };
  return { phase, batch, seqLen, contextLen, bits, bitsLabel, computeDtype, flash, pairs, scope, costModel, ...split, efficiency };
}

/** Evaluates the grid with the sweep engine and groups its points by everything but the model, first model first. */
export function compareModels(g: SweepGrid): CompareDocument {
  const boundOf = boundsOf(g);
  const groups = new Map<string, { hardware: string; workload: Omit<SweepWorkload, 'mla'>; points: SweepPoint[] }>();
  for (const p of sweep(g)) {
    const workload = withoutMla(p.workload);
    // MLA's form differs from other models' (absent) one, so it cannot be part of the grouping key.
    const key = JSON.stringify([p.hardware, workload.parallelism ?? null, workload.phase, workload.batch, workload.seqLen, workload.contextLen, workload.bitsLabel, workload.flash]);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { hardware: p.hardware, workload, points: [p] });
    else group.points.push(p);
  }
  const rows = [...groups.values()].map(({ hardware, workload, points }): CompareRow => {
    const first = points[0];
    if (first === undefined) throw new Error('internal: empty comparison group');
    const models = points.map((p): ModelEntry => {
      const entry = { model: p.model, totals: p.totals, memory: p.memory, bound: boundOf(p), ratio: ratios(p, first) };
      return p.workload.mla === undefined ? entry : { ...entry, mla: p.workload.mla };
    });
    return { hardware, workload, models };
  });
  return { schema: COMPARE_SCHEMA, baselineModel: g.models[0]?.id ?? '', rows };
}
