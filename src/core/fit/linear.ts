/**
 * The fit's linear model. Once every operator's bound is fixed, a measurement's predicted time is linear in the
 * unknowns: 1/f for each compute kind and for memory, and the two overheads. An operator of kind k is compute-bound
 * when compute · 1/f_k ≥ memory · 1/f_memory, that is when its ratio compute / memory reaches the kind's threshold
 * f_k / f_memory: so a classification is one threshold per kind, which the search in fit.ts moves.
 */
import { computeDtype } from '../dtype.js';
import { PEAK_EFFICIENCY, type EfficiencyProfile } from '../efficiency.js';
import type { Plan, Point } from '../engine.js';
import { determinedColumns, nnls } from './nnls.js';

/** One measured time and how to build its plan (same model, device, phase and scope) under any efficiency profile. */
export interface FitMeasurement {
  readonly plan: (e: EfficiencyProfile) => Plan;
  readonly point: Point;
  readonly measuredSeconds: number;
}

/** The unknowns, in column order: four fractions (as 1/f), the memory fraction (1/f), two overheads (seconds). */
export const UNKNOWNS = ['gemm', 'attention', 'elementwise', 'gather', 'memory', 'layerOverheadSeconds', 'stepOverheadSeconds'] as const;
export type Unknown = (typeof UNKNOWNS)[number];
/** The memory fraction's column; the compute kinds' columns come before it. */
export const MEMORY = 4;
/** Columns before this one are inverted fractions (1/f ≥ 1); the rest are overheads in seconds (≥ 0). */
export const FRACTIONS = 5;
/** The profile format's limits: a fraction of at least 0.01 (1/f ≤ 100), an overhead of at most a second. */
export const MAX_INVERSE_FRACTION = 100;
export const MAX_OVERHEAD_SECONDS = 1;

/** A measurement's operators as the linear model sees them: seconds at 100% of each roof, and the overhead counts. */
export interface Row {
  /** Index in UNKNOWNS of each operator's kind fraction. */
  readonly kind: Uint8Array;
  readonly count: Float64Array;
  readonly compute: Float64Array;
  readonly memory: Float64Array;
  readonly layers: number;
  readonly steps: number;
  readonly measured: number;
}

/** A profile's value of each unknown (fractions inverted). */
export function unknownsOf(e: EfficiencyProfile): Float64Array {
  const { gemm, attention, elementwise, gather } = e.kinds;
  return Float64Array.from([1 / gemm, 1 / attention, 1 / elementwise, 1 / gather, 1 / e.memory, e.layerOverheadSeconds, e.stepOverheadSeconds]);
}

/** Profiles that read a plan's overhead counts off `overheadSeconds`: one second per layer, or one per pass. */
const PER_LAYER: EfficiencyProfile = { ...PEAK_EFFICIENCY, layerOverheadSeconds: 1 };
const PER_STEP: EfficiencyProfile = { ...PEAK_EFFICIENCY, stepOverheadSeconds: 1 };

/**
 * A measurement's linear-model row, from its plan at peak: each operator's compute seconds (FLOPs at the device's
 * peak for the widths) and memory seconds (bytes at its bandwidth). Checked against the engine's own time of every
 * operator, so a plan the model does not describe (a calibrated profile's measured rates, a collective) is refused.
 */
export function rowOf(m: FitMeasurement): Row {
  const plan = m.plan(PER_LAYER);
  const hw = plan.hardware;
  const peak = (hw.peakFlopPerSecond[computeDtype(m.point.bits)] ?? Number.NaN) * hw.efficiency.compute;
  const bandwidth = hw.memoryBandwidthBytesPerSecond * hw.efficiency.memory;
  const ops = plan.operators(m.point);
  const row: Row = {
    kind: new Uint8Array(ops.length),
    count: new Float64Array(ops.length),
    compute: new Float64Array(ops.length),
    memory: new Float64Array(ops.length),
    layers: plan.overheadSeconds,
    steps: m.plan(PER_STEP).overheadSeconds,
    measured: m.measuredSeconds,
  };
  ops.forEach((o, i) => {
    if (o.kind === 'collective') throw new Error(`fit: ${plan.model.id} has a collective (${o.name}); the fit models one device`);
    const c = o.flops / peak;
    const b = o.bytes.total / bandwidth;
    if (!(Math.abs(Math.max(c, b) - o.timeSeconds) <= 1e-9 * o.timeSeconds)) throw new Error(`fit: ${plan.model.id} on ${hw.id}: ${o.name} is not a plain roofline operator (a calibrated profile?)`);
    row.kind[i] = UNKNOWNS.indexOf(o.kind);
    row.count[i] = o.count;
    row.compute[i] = c;
    row.memory[i] = b;
  });
  return row;
}

/** Each operator's bound under unknowns `x` (1 = compute, as the engine settles a tie), all rows in one array. */
export function classify(rows: readonly Row[], x: Float64Array): Uint8Array {
  const n = rows.reduce((s, r) => s + r.kind.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const r of rows) for (let i = 0; i < r.kind.length; i++) out[at++] = r.compute[i]! * x[r.kind[i]!]! >= r.memory[i]! * x[MEMORY]! ? 1 : 0;
  return out;
}

/** The linear model's columns under a classification, each row divided by its measured time. */
export function columns(rows: readonly Row[], bound: Uint8Array): Float64Array[] {
  const cols = UNKNOWNS.map(() => new Float64Array(rows.length));
  let at = 0;
  rows.forEach((r, k) => {
    for (let i = 0; i < r.kind.length; i++) {
      const j = bound[at++] === 1 ? r.kind[i]! : MEMORY;
      cols[j]![k] = cols[j]![k]! + (r.count[i]! * (j === MEMORY ? r.memory[i]! : r.compute[i]!)) / r.measured;
    }
    cols[5]![k] = r.layers / r.measured;
    cols[6]![k] = r.steps / r.measured;
  });
  return cols;
}

/** Σ of squared relative errors of the max-model (what the engine computes) under unknowns `x`. */
export function objective(rows: readonly Row[], x: Float64Array): number {
  let s = 0;
  for (const r of rows) {
    let t = r.layers * x[5]! + r.steps * x[6]!;
    for (let i = 0; i < r.kind.length; i++) t += r.count[i]! * Math.max(r.compute[i]! * x[r.kind[i]!]!, r.memory[i]! * x[MEMORY]!);
    s += ((t - r.measured) / r.measured) ** 2;
  }
  return s;
}

/**
 * One solve under a classification: terms whose column is zero or a combination of the others keep the base value;
 * the rest are fitted with 1/f ≥ 1 and overheads ≥ 0, then held within the profile format's limits.
 */
export function solve(cols: readonly Float64Array[], base: Float64Array): { x: Float64Array; determined: boolean[] } {
  const determined = determinedColumns(cols);
  const rhs = new Float64Array(cols[0]!.length).fill(1);
  // Fractions are fitted as 1/f = 1 + y with y ≥ 0; fixed terms move to the right-hand side.
  cols.forEach((c, j) => {
    const fixed = determined[j] ? (j < FRACTIONS ? 1 : 0) : base[j]!;
    if (fixed !== 0) for (let i = 0; i < rhs.length; i++) rhs[i] = rhs[i]! - fixed * c[i]!;
  });
  const free = UNKNOWNS.flatMap((_, j) => (determined[j] ? [j] : []));
  const y = nnls(free.map((j) => cols[j]!), rhs);
  const x = Float64Array.from(base);
  free.forEach((j, k) => (x[j] = j < FRACTIONS ? Math.min(1 + y[k]!, MAX_INVERSE_FRACTION) : Math.min(y[k]!, MAX_OVERHEAD_SECONDS)));
  return { x, determined };
}

/** Whether two classifications agree. */
export function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}


/** Every operator of every row in classify's order: its kind's index and its compute / memory ratio. */
export interface Flat {
  readonly kind: Uint8Array;
  readonly ratio: Float64Array;
}

/** The operators flattened; an operator that moves no bytes has ratio ∞ (compute-bound, as classify settles it). */
export function flatten(rows: readonly Row[]): Flat {
  const kind: number[] = [];
  const ratio: number[] = [];
  for (const r of rows) {
    for (let i = 0; i < r.kind.length; i++) {
      kind.push(r.kind[i]!);
      ratio.push(r.memory[i]! > 0 ? r.compute[i]! / r.memory[i]! : Number.POSITIVE_INFINITY);
    }
  }
  return { kind: Uint8Array.from(kind), ratio: Float64Array.from(ratio) };
}

/**
 * Thresholds that classify kind k's operators differently from each other: one below every ratio (all
 * compute-bound), one between each pair of neighbouring distinct ratios, one above all (all memory-bound); at most
 * `limit` of them, spread evenly over the sorted ratios.
 */
export function thresholds(flat: Flat, k: number, limit = 64): number[] {
  const r = [...new Set(flat.ratio.filter((_, i) => flat.kind[i] === k && Number.isFinite(flat.ratio[i]!)))].sort((a, b) => a - b);
  if (r.length === 0) return [];
  const cuts = [r[0]! / 2, ...r.slice(1).map((v, i) => (v + r[i]!) / 2), r.at(-1)! * 2];
  const step = Math.max(1, Math.ceil(cuts.length / limit));
  return cuts.filter((_, i) => i % step === 0 || i === cuts.length - 1);
}

/** `bound` with kind k's operators reclassified at threshold tau (compute-bound where ratio ≥ tau). */
export function withThreshold(flat: Flat, bound: Uint8Array, k: number, tau: number): Uint8Array {
  const out = Uint8Array.from(bound);
  for (let i = 0; i < out.length; i++) if (flat.kind[i] === k) out[i] = flat.ratio[i]! >= tau ? 1 : 0;
  return out;
}
