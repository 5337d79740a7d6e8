/**
 * One cost function per operator kind: the compute and memory seconds of an operator from its evaluated fields and
 * the step's rates. A calibrated term or a new kind of operator is added here and nowhere else in the core.
 */
import type { OpKind } from '../op.js';
import { AT_ACT_READ, AT_ACT_WRITE, AT_EXPS, AT_FLOPS, AT_HOPS, AT_KV_READ, AT_KV_WRITE, AT_NETWORK, AT_WEIGHT, FIELD_COUNT } from './fields.js';
import { memorySeconds, shortStreamBytes, type RooflineExtras } from '../roofline.js';

/** Bytes per second a transfer over a link reaches: the link's rate × its efficiency × the profile's collective fraction. */
export function linkRateOf(link: { readonly bytesPerSecond: number; readonly efficiency: number }, collectiveFraction: number): number {
  return link.bytesPerSecond * link.efficiency * collectiveFraction;
}

/** Seconds of a transfer over a link: each hop's latency, then the bytes at the link's reachable rate. */
export function linkSeconds(hops: number, latencySeconds: number, bytes: number, rate: number): number {
  return hops * latencySeconds + bytes / rate;
}

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
  /** Seconds added to every operator invocation (0 = not measured). */
  readonly overheadSeconds: number;
  /** Fraction of its compute rate each kind reaches (the efficiency profile's; all 1 at peak). */
  readonly fraction: Readonly<Record<OpKind, number>>;
  /** A collective's link: seconds per hop and bytes per second it reaches, by operator index (0 for other kinds). */
  readonly linkLatency: Float64Array;
  readonly linkRate: Float64Array;
  /** Out: each operator's seconds, by operator index. */
  readonly seconds: Float64Array;
  /** Out: 1 where an operator is compute-bound, 2 where it waits on a link, 0 where memory-bound, by operator index. */
  readonly computeBound: Uint8Array;
}

/**
 * Costs the operators of one kind, at `indices`, whose fields start at index × FIELD_COUNT in `f`: writes each one's
 * seconds (the slower of compute and memory, plus the per-call overhead) and bound into the step's out arrays. A
 * kind's function holds its loop, so its per-operator arithmetic is one call site the JIT sees with one function.
 */
export type KindCost = (f: Float64Array, indices: Int32Array, env: StepEnv) => void;


/** FLOPs at `peak` plus exponentials at the measured exp rate (when measured). */
function atPeak(f: Float64Array, at: number, peak: number, env: StepEnv): number {
  const exps = f[at + AT_EXPS]!;
  return f[at + AT_FLOPS]! / peak + (env.expPerSecond > 0 ? exps / env.expPerSecond : 0);
}

/** Bytes at the step's bandwidth, weights and cache read in a short stream paying extra, KV reads at the KV rate. */
function memory(f: Float64Array, at: number, env: StepEnv): number {
  const weight = f[at + AT_WEIGHT]!;
  const kvRead = f[at + AT_KV_READ]!;
  const bytes = weight + f[at + AT_ACT_READ]! + f[at + AT_ACT_WRITE]! + kvRead + f[at + AT_KV_WRITE]!;
  // The same value memorySeconds gives without those terms, without its checks (the sweep's common case).
  if (env.plainMemory) return bytes / env.bytesPerSecond;
  return memorySeconds(bytes + shortStreamBytes(weight + kvRead, env.share, env.extras), kvRead, env.bytesPerSecond, env.extras);
}

/** Records operator `i`'s time: the slower term wins and names the bound; the per-call overhead is added. */
function settle(i: number, compute: number, memorySec: number, env: StepEnv): void {
  env.computeBound[i] = compute >= memorySec ? 1 : 0;
  env.seconds[i] = (compute >= memorySec ? compute : memorySec) + env.overheadSeconds;
}

/** A kind whose operators all run at the peak (the blended few-row rate when in effect) times the kind's fraction. */
function atStepPeak(kind: 'elementwise' | 'gather'): KindCost {
  return (f, indices, env) => {
    const peak = (env.few > 0 ? env.few : env.peak) * env.fraction[kind];
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j]!;
      const at = i * FIELD_COUNT;
      settle(i, atPeak(f, at, peak, env), memory(f, at, env), env);
    }
  };
}

/** The cost of each kind of operator (a kind without one fails to compile). */
export const KIND_COST = {
  // A product by weights runs at its shape's measured GEMM rate (or the blended few-row rate), times its fraction.
  gemm: (f, indices, env) => {
    const share = env.fraction.gemm;
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j]!;
      const at = i * FIELD_COUNT;
      settle(i, atPeak(f, at, (env.few > 0 ? env.few : env.gemmGrid ? env.gemmPeaks[i]! : env.peak) * share, env), memory(f, at, env), env);
    }
  },
  // The attention core runs at the attention kernel's measured rate when the profile has one, times its fraction.
  attention: (f, indices, env) => {
    const share = env.fraction.attention;
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j]!;
      const at = i * FIELD_COUNT;
      const compute = f[at + AT_EXPS]! > 0 && env.attentionFlopPerSecond > 0 ? f[at + AT_FLOPS]! / (env.attentionFlopPerSecond * share) : atPeak(f, at, (env.few > 0 ? env.few : env.peak) * share, env);
      settle(i, compute, memory(f, at, env), env);
    }
  },
  elementwise: atStepPeak('elementwise'),
  gather: atStepPeak('gather'),
  // A collective waits its hops' latencies and sends its bytes at the link's reachable rate (the efficiency profile's
  // collective fraction is already in linkRate); it moves no memory of its own in this model (the copies in and out
  // of the network buffers are left out) and computes nothing.
  collective: (f, indices, env) => {
    for (let j = 0; j < indices.length; j++) {
      const i = indices[j]!;
      const at = i * FIELD_COUNT;
      env.computeBound[i] = 2;
      env.seconds[i] = linkSeconds(f[at + AT_HOPS]!, env.linkLatency[i]!, f[at + AT_NETWORK]!, env.linkRate[i]!);
    }
  },
} as const satisfies Record<OpKind, KindCost>;
