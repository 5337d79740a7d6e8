/**
 * One cost function per operator kind: the compute and memory seconds of an operator from its evaluated fields and
 * the step's rates. A calibrated term or a new kind of operator is added here and nowhere else in the core.
 */
import type { OpKind } from '../op.js';
import { memorySeconds, shortStreamBytes, type RooflineExtras } from '../roofline.js';

/** Rates of one step (one point), shared by its operators. */
export interface StepEnv {
  /** Compute peak for the step's rows, FLOP/s. */
  peak: number;
  /** Blended few-row rate that replaces every operator's peak (0 = not in effect). */
  few: number;
  /** The step's memory bandwidth (working-set curve applied), bytes/s. */
  bytesPerSecond: number;
  /** Share of reused bytes that come from memory (cold-stream term). */
  share: number;
  /** The attention kernel's measured rate for this step (0 = not measured). */
  attentionFlopPerSecond: number;
  /** Exponentials per second (0 = not measured). */
  readonly expPerSecond: number;
  /** The profile has a GEMM grid: each GEMM's peak at its own shape is in gemmPeaks, by operator index. */
  readonly gemmGrid: boolean;
  readonly gemmPeaks: Float64Array;
  readonly extras: RooflineExtras;
  /** The profile measured neither a cold-stream curve nor a KV streaming rate: memory time is bytes / bandwidth. */
  readonly plainMemory: boolean;
}

/** Compute and memory seconds of operator `i` whose fields start at `at` in `f`. */
export type KindCost = (f: Float64Array, at: number, i: number, env: StepEnv) => { compute: number; memory: number };

// Field offsets (see fields.ts FIELDS).
const FLOPS = 0, WEIGHT = 1, ACT_READ = 2, ACT_WRITE = 3, KV_READ = 4, KV_WRITE = 5, EXPS = 7;

const result = { compute: 0, memory: 0 };

/** FLOPs at `peak` plus exponentials at the measured exp rate (when measured). */
function atPeak(f: Float64Array, at: number, peak: number, env: StepEnv): number {
  const exps = f[at + EXPS]!;
  return f[at + FLOPS]! / peak + (env.expPerSecond > 0 ? exps / env.expPerSecond : 0);
}

/** Bytes at the step's bandwidth, weights and cache read in a short stream paying extra, KV reads at the KV rate. */
function memory(f: Float64Array, at: number, env: StepEnv): number {
  const weight = f[at + WEIGHT]!;
  const kvRead = f[at + KV_READ]!;
  const bytes = weight + f[at + ACT_READ]! + f[at + ACT_WRITE]! + kvRead + f[at + KV_WRITE]!;
  // The same value memorySeconds gives without those terms, without its checks (the sweep's common case).
  if (env.plainMemory) return bytes / env.bytesPerSecond;
  return memorySeconds(bytes + shortStreamBytes(weight + kvRead, env.share, env.extras), kvRead, env.bytesPerSecond, env.extras);
}

/** The cost of each kind of operator (a kind without one fails to compile). */
export const KIND_COST = {
  // A product by weights runs at its shape's measured GEMM rate (or the blended few-row rate).
  gemm: (f, at, i, env) => {
    result.compute = atPeak(f, at, env.few > 0 ? env.few : env.gemmGrid ? env.gemmPeaks[i]! : env.peak, env);
    result.memory = memory(f, at, env);
    return result;
  },
  // The attention core runs at the attention kernel's measured rate when the profile has one.
  attention: (f, at, _i, env) => {
    result.compute = f[at + EXPS]! > 0 && env.attentionFlopPerSecond > 0 ? f[at + FLOPS]! / env.attentionFlopPerSecond : atPeak(f, at, env.few > 0 ? env.few : env.peak, env);
    result.memory = memory(f, at, env);
    return result;
  },
  elementwise: (f, at, _i, env) => {
    result.compute = atPeak(f, at, env.few > 0 ? env.few : env.peak, env);
    result.memory = memory(f, at, env);
    return result;
  },
  gather: (f, at, _i, env) => {
    result.compute = atPeak(f, at, env.few > 0 ? env.few : env.peak, env);
    result.memory = memory(f, at, env);
    return result;
  },
} as const satisfies Record<OpKind, KindCost>;
