/**
 * What fits: the largest batch at a point's lengths and the longest context at its batch, on the device that holds
 * the most (per device when the model is split), with part of the memory left to the serving engine.
 */
import type { Plan, Point } from './engine.js';
import { WORKLOAD_LIMITS } from './limits.js';

/** Share of device memory a serving engine keeps for itself: vLLM's default gpu_memory_utilization is 0.9. */
export const DEFAULT_MEMORY_RESERVE = 0.1;

/** The capacity answers at a point. */
export interface Capacity {
  /** Largest batch whose footprint fits at the point's lengths (0: not even one sequence fits). */
  readonly maxBatch: number;
  /** Longest cached context whose footprint fits at the point's batch (0: not even one token fits). */
  readonly maxContext: number;
  /** The share of memory left to the engine. */
  readonly reserve: number;
  /** Memory the footprint may use: the device's memory × (1 − reserve). */
  readonly usableBytes: number;
}

/** Bytes the point needs on the device that holds the most: one device's share when split, else the whole model. */
function neededBytes(plan: Plan, p: Point): number {
  return plan.deviceMemory(p)?.totalBytes ?? plan.memory(p).totalBytes;
}

/**
 * The largest n in [1, max] for which `fits(n)` holds, given that it holds for every n below one that does (memory
 * never shrinks with batch or length); 0 when it holds for none. Doubling then bisection: O(log max) evaluations.
 */
export function largestFitting(max: number, fits: (n: number) => boolean): number {
  if (!fits(1)) return 0;
  let lo = 1;
  let hi = 2;
  while (hi <= max && fits(hi)) {
    lo = hi;
    hi *= 2;
  }
  if (hi > max) {
    if (fits(max)) return max;
    hi = max;
  }
  // fits(lo) holds and fits(hi) does not.
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * The capacity at a point: the largest batch at its lengths, and the longest context (the prompt in prefill, the
 * attended context in decode) at its batch, with `reserve` of the device's memory kept back.
 */
export function capacity(plan: Plan, p: Point, reserve = DEFAULT_MEMORY_RESERVE): Capacity {
  const usableBytes = plan.hardware.memoryBytes * (1 - reserve);
  const fits = (q: Point): boolean => neededBytes(plan, q) <= usableBytes;
  const maxBatch = largestFitting(WORKLOAD_LIMITS.batch.max, (b) => fits({ ...p, batch: b }));
  const prefill = plan.phase === 'prefill';
  const maxContext = largestFitting(prefill ? WORKLOAD_LIMITS.seqLen.max : WORKLOAD_LIMITS.contextLen.max, (n) => fits(prefill ? { ...p, seqLen: n, contextLen: n } : { ...p, contextLen: n }));
  return { maxBatch, maxContext, reserve, usableBytes };
}
