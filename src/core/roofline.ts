/** Roofline timing of one operator: the slower of compute at peak and memory traffic at bandwidth. */

export type Bound = 'compute' | 'memory';

/**
 * Measured extensions of the roofline, present only in calibrated profiles: exponentials cost time on the same
 * units as the FLOPs (added to the compute term), and each operator invocation has a fixed overhead (added).
 */
export interface RooflineExtras {
  /** Exponentials per second; 0 = not modelled. */
  readonly expPerSecond: number;
  /** Seconds added to every operator invocation; 0 = not modelled. */
  readonly operatorOverheadSeconds: number;
  /**
   * Measured FLOP rate of the attention kernel (scores, softmax and values together) for this phase; when set it
   * replaces peak and exp rate for the operators that evaluate exps. 0 = not modelled.
   */
  readonly attentionFlopPerSecond: number;
  /** Largest working set measured to stay resident in the last-level cache, bytes; 0 = not modelled. */
  readonly cacheBytes: number;
  /** Measured rate of streaming data that is resident in the last-level cache; 0 = not modelled. */
  readonly cacheBytesPerSecond: number;
}

export const NO_EXTRAS: RooflineExtras = { expPerSecond: 0, operatorOverheadSeconds: 0, attentionFlopPerSecond: 0, cacheBytes: 0, cacheBytesPerSecond: 0 };

/**
 * Bandwidth the memory term uses for a whole step: the measured cache rate when the bytes every step reads again
 * (weights and KV cache, `residentBytes`) fit in the working set calibration measured the cache to hold, so
 * repeated steps find them there; otherwise memory bandwidth.
 */
export function stepBandwidth(residentBytes: number, memoryBytesPerSecond: number, extras: RooflineExtras): number {
  return extras.cacheBytesPerSecond > 0 && residentBytes <= extras.cacheBytes ? extras.cacheBytesPerSecond : memoryBytesPerSecond;
}

/** Compute seconds of an operator: at the attention kernel's measured rate when it has one, else peak plus exps. */
export function computeSeconds(flops: number, exps: number, peak: number, extras: RooflineExtras): number {
  if (exps > 0 && extras.attentionFlopPerSecond > 0) return flops / extras.attentionFlopPerSecond;
  return flops / peak + (extras.expPerSecond > 0 ? exps / extras.expPerSecond : 0);
}

/** Time and bound of work `flops` (with `exps` exponentials) moving `bytes` on a device. */
export function roofline(flops: number, bytes: number, peakFlopPerSecond: number, bytesPerSecond: number, exps = 0, extras: RooflineExtras = NO_EXTRAS): { timeSeconds: number; bound: Bound } {
  const compute = computeSeconds(flops, exps, peakFlopPerSecond, extras);
  const memory = bytes / bytesPerSecond;
  const overhead = extras.operatorOverheadSeconds;
  return compute >= memory ? { timeSeconds: compute + overhead, bound: 'compute' } : { timeSeconds: memory + overhead, bound: 'memory' };
}

/** FLOPs per byte moved; 0 when nothing moves (so reports never carry Infinity or NaN). */
export function intensity(flops: number, bytes: number): number {
  return bytes > 0 ? flops / bytes : 0;
}
