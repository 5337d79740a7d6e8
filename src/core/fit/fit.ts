/**
 * Fits an efficiency profile to measured times. Under a profile, a measurement's predicted time is what the engine
 * computes: Σ count × max(compute / f_kind, memory / f_memory) over its operators, plus layers × o_layer and (at model
 * scope) o_step. Once each operator's bound is fixed, that is linear in 1/f_gemm, 1/f_attention, 1/f_elementwise,
 * 1/f_gather, 1/f_memory, o_layer and o_step; the fit alternates between classifying every operator under the current
 * profile and a non-negative least squares on relative residuals, until the classification stops changing.
 */
import { computeDtype } from '../dtype.js';
import { PEAK_EFFICIENCY, type EfficiencyProfile, type EfficiencyTerm } from '../efficiency.js';
import type { Plan, Point } from '../engine.js';
import { determinedColumns, nnls } from './nnls.js';

/** One measured time and how to build its plan (same model, device, phase and scope) under any efficiency profile. */
export interface FitMeasurement {
  readonly plan: (e: EfficiencyProfile) => Plan;
  readonly point: Point;
  readonly measuredSeconds: number;
}

export interface FitOptions {
  /** Where the iteration starts, and the value of every term the data cannot determine. */
  readonly base: EfficiencyProfile;
  /** The fitted profile's label. */
  readonly label: string;
  /** Rounds of classify-then-solve at most (default 50). */
  readonly maxIterations?: number | undefined;
}

/** One term: its base and fitted value, whether the data determined it, and why not. */
export interface FitTerm {
  readonly term: EfficiencyTerm;
  readonly base: number;
  readonly fitted: number;
  readonly determined: boolean;
  /** Why the data does not determine it (undetermined terms only). */
  readonly why?: string | undefined;
  /** The fit ran into a limit of the profile format and stopped there (a fraction of 1 or 0.01, an overhead of 1 s). */
  readonly atLimit?: boolean | undefined;
}

/** A measurement's time at the base and at the fitted profile, evaluated by the engine, and their relative errors. */
export interface FitResidual {
  readonly measuredSeconds: number;
  readonly baseSeconds: number;
  readonly fittedSeconds: number;
  /** (predicted − measured) / measured at the base profile. */
  readonly baseError: number;
  readonly fittedError: number;
}

export interface FitResult {
  readonly profile: EfficiencyProfile;
  readonly terms: readonly FitTerm[];
  readonly residuals: readonly FitResidual[];
  /** Median |relative error| over the measurements at the base and at the fitted profile. */
  readonly medianAbsError: { readonly base: number; readonly fitted: number };
  /** Rounds of classify-then-solve run. */
  readonly iterations: number;
  /** Whether the operators' bounds stopped changing within maxIterations. */
  readonly settled: boolean;
}

/** The unknowns, in column order: four fractions (as 1/f), the memory fraction (1/f), two overheads (seconds). */
const UNKNOWNS = ['gemm', 'attention', 'elementwise', 'gather', 'memory', 'layerOverheadSeconds', 'stepOverheadSeconds'] as const;
type Unknown = (typeof UNKNOWNS)[number];
const MEMORY = 4;
const FRACTIONS = 5;
/** The profile format's limits: a fraction of at least 0.01 (1/f ≤ 100), an overhead of at most a second. */
const MAX_INVERSE_FRACTION = 100;
const MAX_OVERHEAD_SECONDS = 1;

/** A measurement's operators as the linear model sees them: seconds at 100% of each roof, and the overhead counts. */
interface Row {
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
function unknownsOf(e: EfficiencyProfile): Float64Array {
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
function rowOf(m: FitMeasurement): Row {
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
function classify(rows: readonly Row[], x: Float64Array): Uint8Array {
  const n = rows.reduce((s, r) => s + r.kind.length, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const r of rows) for (let i = 0; i < r.kind.length; i++) out[at++] = r.compute[i]! * x[r.kind[i]!]! >= r.memory[i]! * x[MEMORY]! ? 1 : 0;
  return out;
}

/** The linear model's columns under a classification, each row divided by its measured time. */
function columns(rows: readonly Row[], bound: Uint8Array): Float64Array[] {
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
function objective(rows: readonly Row[], x: Float64Array): number {
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
function solve(cols: readonly Float64Array[], base: Float64Array): { x: Float64Array; determined: boolean[] } {
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
function same(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** Each unknown's value in a profile (fractions as fractions). */
function valuesOf(e: EfficiencyProfile): number[] {
  return [e.kinds.gemm, e.kinds.attention, e.kinds.elementwise, e.kinds.gather, e.memory, e.layerOverheadSeconds, e.stepOverheadSeconds];
}

/** The profile the unknowns describe: `base` with the determined terms replaced (the others keep its exact values). */
function profileOf(base: EfficiencyProfile, x: Float64Array, determined: readonly boolean[], label: string): EfficiencyProfile {
  const v = valuesOf(base).map((b, j) => (!determined[j] ? b : j < FRACTIONS ? 1 / x[j]! : x[j]!));
  return {
    label,
    kinds: { gemm: v[0]!, attention: v[1]!, elementwise: v[2]!, gather: v[3]!, collective: base.kinds.collective },
    memory: v[4]!,
    layerOverheadSeconds: v[5]!,
    stepOverheadSeconds: v[6]!,
  };
}

/** Why an unknown is not determined: never bound in the data, or confounded with the other undetermined ones. */
function whyNot(u: Unknown, col: Float64Array, confounded: readonly Unknown[]): string {
  if (col.some((v) => v !== 0)) return `cannot be told apart from ${confounded.filter((c) => c !== u).join(', ') || 'the other terms'} with these measurements`;
  if (u === 'memory') return 'no operator is memory-bound in any measurement';
  if (u === 'layerOverheadSeconds') return 'no measurement at layer or model scope';
  if (u === 'stepOverheadSeconds') return 'no measurement at model scope';
  return `no ${u} operator is compute-bound in any measurement`;
}

/** The median of |values|. */
export function medianAbs(values: readonly number[]): number {
  const s = values.map(Math.abs).sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? 0 : s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Fits the terms of an efficiency profile to the measurements and re-evaluates every one through its plan. */
export function fitEfficiency(measurements: readonly FitMeasurement[], o: FitOptions): FitResult {
  if (measurements.length === 0) throw new Error('fit: no measurements');
  const rows = measurements.map(rowOf);
  const base = unknownsOf(o.base);
  const maxIterations = o.maxIterations ?? 50;
  let bound = classify(rows, base);
  let best: { x: Float64Array; determined: boolean[]; cols: Float64Array[]; score: number } | undefined;
  let iterations = 0;
  let settled = false;
  while (iterations < maxIterations) {
    iterations++;
    const cols = columns(rows, bound);
    const { x, determined } = solve(cols, base);
    const score = objective(rows, x);
    if (best === undefined || score < best.score) best = { x, determined, cols, score };
    const next = classify(rows, x);
    if (same(next, bound)) {
      // The solution's own classification is the one it was solved under: the linear model is the engine's there.
      best = { x, determined, cols, score };
      settled = true;
      break;
    }
    bound = next;
  }
  const fit = best!;
  const profile = profileOf(o.base, fit.x, fit.determined, o.label);
  const confounded = UNKNOWNS.filter((u, j) => !fit.determined[j] && fit.cols[j]!.some((v) => v !== 0));
  const baseValues = valuesOf(o.base);
  const fitted = valuesOf(profile);
  const terms: FitTerm[] = UNKNOWNS.map((u, j) => {
    const b = baseValues[j]!;
    const f = fitted[j]!;
    if (!fit.determined[j]) return { term: u, base: b, fitted: b, determined: false, why: whyNot(u, fit.cols[j]!, confounded) };
    const atLimit = j < FRACTIONS ? fit.x[j] === 1 || fit.x[j] === MAX_INVERSE_FRACTION : fit.x[j] === MAX_OVERHEAD_SECONDS;
    return atLimit ? { term: u, base: b, fitted: f, determined: true, atLimit } : { term: u, base: b, fitted: f, determined: true };
  });
  const collective = o.base.kinds.collective;
  terms.splice(4, 0, { term: 'collective', base: collective, fitted: collective, determined: false, why: 'no collective: the measurements are of one device' });
  // The residuals are the engine's own predictions, not the linear model's.
  const residuals = measurements.map((m): FitResidual => {
    const baseSeconds = m.plan(o.base).totalsAt(m.point).timeSeconds;
    const fittedSeconds = m.plan(profile).totalsAt(m.point).timeSeconds;
    const t = m.measuredSeconds;
    return { measuredSeconds: t, baseSeconds, fittedSeconds, baseError: (baseSeconds - t) / t, fittedError: (fittedSeconds - t) / t };
  });
  return {
    profile,
    terms,
    residuals,
    medianAbsError: { base: medianAbs(residuals.map((r) => r.baseError)), fitted: medianAbs(residuals.map((r) => r.fittedError)) },
    iterations,
    settled,
  };
}
