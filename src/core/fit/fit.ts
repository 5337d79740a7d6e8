/**
 * Fits an efficiency profile to measured times. Under a profile, a measurement's predicted time is what the engine
 * computes: Σ count × max(compute / f_kind, memory / f_memory) over its operators, plus layers × o_layer and (at model
 * scope) o_step. Once each operator's bound is fixed, that is linear in 1/f_gemm, 1/f_attention, 1/f_elementwise,
 * 1/f_gather, 1/f_memory, o_layer and o_step; the fit alternates between classifying every operator under the current
 * profile and a non-negative least squares on relative residuals, until the classification stops changing.
 */
import type { EfficiencyProfile, EfficiencyTerm } from '../efficiency.js';
import { classify, columns, flatten, FRACTIONS, MAX_INVERSE_FRACTION, MAX_OVERHEAD_SECONDS, MEMORY, objective, rowOf, same, solve, thresholds, UNKNOWNS, unknownsOf, withThreshold, type FitMeasurement, type Unknown } from './linear.js';

export type { FitMeasurement } from './linear.js';

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

/** A solution under a classification, scored by the max-model. */
interface Solution {
  readonly x: Float64Array;
  readonly determined: boolean[];
  readonly cols: Float64Array[];
  readonly score: number;
}

/** Rounds of threshold search at most: each one that improves the fit starts the alternation again. */
const SEARCH_PASSES = 20;

/**
 * Fits the terms of an efficiency profile to the measurements and re-evaluates every one through its plan.
 *
 * The alternation (classify under the current profile, solve, repeat) stops at a classification that its own
 * solution reproduces, which can be a local minimum: an operator left memory-bound by a fraction fitted too high
 * keeps it too high. So each kind's threshold is then moved across its operators' ratios, one kind at a time; a
 * classification whose solution scores better starts the alternation again from there.
 */
export function fitEfficiency(measurements: readonly FitMeasurement[], o: FitOptions): FitResult {
  if (measurements.length === 0) throw new Error('fit: no measurements');
  const rows = measurements.map(rowOf);
  const flat = flatten(rows);
  const base = unknownsOf(o.base);
  const maxIterations = o.maxIterations ?? 50;
  let iterations = 0;
  const solveAt = (bound: Uint8Array): Solution => {
    const cols = columns(rows, bound);
    const { x, determined } = solve(cols, base);
    return { x, determined, cols, score: objective(rows, x) };
  };
  /** The alternation from a classification: the best solution it passes, and whether it reached a fixed point. */
  const descend = (start: Uint8Array): Solution & { settled: boolean } => {
    let bound = start;
    let best: Solution | undefined;
    for (let round = 0; round < maxIterations; round++) {
      iterations++;
      const s = solveAt(bound);
      const next = classify(rows, s.x);
      // At a fixed point the linear model is the engine's own: take it even over a lower-scoring earlier round.
      if (same(next, bound)) return { ...s, settled: true };
      if (best === undefined || s.score < best.score) best = s;
      bound = next;
    }
    return { ...best!, settled: false };
  };
  let best = descend(classify(rows, base));
  for (let pass = 0; pass < SEARCH_PASSES; pass++) {
    let improved = false;
    for (let k = 0; k < MEMORY; k++) {
      const current = classify(rows, best.x);
      for (const tau of thresholds(flat, k)) {
        const bound = withThreshold(flat, current, k, tau);
        if (same(bound, current) || !(solveAt(bound).score < best.score * (1 - 1e-9))) continue;
        const found = descend(bound);
        if (found.score < best.score * (1 - 1e-9)) {
          best = found;
          improved = true;
          break;
        }
      }
    }
    if (!improved) break;
  }
  const fit = best;
  const settled = best.settled;
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
