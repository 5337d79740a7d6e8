/** Roofline timing of one operator: the slower of compute at peak and memory traffic at bandwidth. */

/** What limits an operator: compute, memory traffic, or (a collective) the link between devices. */
export type Bound = 'compute' | 'memory' | 'network';

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
  /** Measured streaming rate by working-set size (absent = not modelled). */
  readonly workingSet: WorkingSetCurve | undefined;
  /** Measured rate of an operator reading its weights from memory, by the operator's size (absent = not modelled). */
  readonly coldStream?: ColdStreamCurve | undefined;
  /**
   * Measured rate at which the attention kernel streams a KV cache from memory, bytes/s (absent or 0 = not
   * modelled): the KV reads of an operator go at the faster of it and the step's bandwidth, the rest of its bytes at
   * the step's bandwidth.
   */
  readonly kvStream?: number | undefined;
}

/**
 * Rate of one operator whose weights come from memory, by the bytes it reads: ascending in bytes with rates that
 * never fall (a short stream pays the memory latency before the hardware prefetchers ramp up, a long one does not).
 */
export interface ColdStreamCurve {
  readonly bytes: readonly number[];
  readonly bytesPerSecond: readonly number[];
}

/**
 * Streaming rate by working-set size: what a step that reads `bytes[i]` again and again achieves, ascending in
 * bytes with rates that never rise (a larger working set never streams faster).
 */
export interface WorkingSetCurve {
  readonly bytes: readonly number[];
  readonly bytesPerSecond: readonly number[];
}

export const NO_EXTRAS: RooflineExtras = { expPerSecond: 0, operatorOverheadSeconds: 0, attentionFlopPerSecond: 0, workingSet: undefined };

/**
 * A curve from measured (bytes, rate) points in any order: sorted by size, with the rates replaced by their closest
 * non-rising fit (pool adjacent violators: a run of sizes whose rates rise is given the run's mean), so noise in one
 * measurement neither makes a larger working set faster nor drags every smaller size down to it.
 */
export function workingSetCurve(points: readonly { bytes: number; bytesPerSecond: number }[]): WorkingSetCurve {
  const sorted = [...points].sort((a, b) => a.bytes - b.bytes);
  return { bytes: sorted.map((p) => p.bytes), bytesPerSecond: monotoneFit(sorted.map((p) => p.bytesPerSecond), false) };
}

/** Pool adjacent violators: the closest fit to `rates` that never rises (or, with `rising`, never falls). */
function monotoneFit(rates: readonly number[], rising: boolean): number[] {
  const blocks: { sum: number; n: number }[] = [];
  const wrong = (later: number, earlier: number): boolean => (rising ? later < earlier : later > earlier);
  for (const r of rates) {
    blocks.push({ sum: r, n: 1 });
    for (let b = blocks.length - 1; b > 0 && wrong(blocks[b]!.sum / blocks[b]!.n, blocks[b - 1]!.sum / blocks[b - 1]!.n); b--) {
      const last = blocks.pop()!;
      blocks[b - 1]!.sum += last.sum;
      blocks[b - 1]!.n += last.n;
    }
  }
  return blocks.flatMap((b) => Array.from({ length: b.n }, () => b.sum / b.n));
}

/** A cold-stream curve from measured (bytes, rate) points in any order: sorted by size, rates fitted never to fall. */
export function coldStreamCurve(points: readonly { bytes: number; bytesPerSecond: number }[]): ColdStreamCurve {
  const sorted = [...points].sort((a, b) => a.bytes - b.bytes);
  return { bytes: sorted.map((p) => p.bytes), bytesPerSecond: monotoneFit(sorted.map((p) => p.bytesPerSecond), true) };
}

/** Linear interpolation in log2 of the size between a curve's points; the end points' rates beyond them. */
function rateAtSize(bytes: readonly number[], rates: readonly number[], size: number): number {
  const n = bytes.length;
  if (size <= bytes[0]!) return rates[0]!;
  if (size >= bytes[n - 1]!) return rates[n - 1]!;
  let i = 0;
  while (size > bytes[i + 1]!) i++;
  const lo = Math.log2(bytes[i]!);
  const t = (Math.log2(size) - lo) / (Math.log2(bytes[i + 1]!) - lo);
  return rates[i]! * (1 - t) + rates[i + 1]! * t;
}

/**
 * The share of a step's reused bytes (weights and KV cache) that come from memory: 0 when the step streams at the
 * working-set curve's in-cache rate (its first point), 1 when it streams at memory bandwidth, linear between; 1
 * without a working-set curve.
 */
export function coldShare(stepBytesPerSecond: number, memoryBytesPerSecond: number, extras: RooflineExtras): number {
  const c = extras.workingSet;
  if (c === undefined || c.bytes.length === 0) return 1;
  const top = c.bytesPerSecond[0]!;
  if (top <= memoryBytesPerSecond) return 1;
  return Math.min(1, Math.max(0, (top - stepBytesPerSecond) / (top - memoryBytesPerSecond)));
}

/**
 * Extra bytes, at the step's bandwidth, that an operator reading `reusedBytes` of weights and cache pays for
 * reading them in one short stream: reused × share × (r_max / r(reused) − 1), where r is the cold-stream curve and
 * r_max its largest size's rate. 0 without a curve, with nothing reused, or with everything in cache.
 */
export function shortStreamBytes(reusedBytes: number, share: number, extras: RooflineExtras): number {
  const c = extras.coldStream;
  if (c === undefined || c.bytes.length === 0 || reusedBytes <= 0 || share <= 0) return 0;
  const rate = rateAtSize(c.bytes, c.bytesPerSecond, reusedBytes);
  return rate > 0 ? reusedBytes * share * (c.bytesPerSecond[c.bytes.length - 1]! / rate - 1) : 0;
}

/**
 * Compute rate of a few-row product (the engine's unpacked kernel) in a step that reads `share` of its weights from
 * memory: its time per FLOP blended between the rate measured with the weights from memory and the rate with them
 * in cache, 1 / (share / fromMemory + (1 − share) / inCache).
 */
export function fewRowRate(share: number, fromMemory: number, inCache: number): number {
  // Finite: share ∈ [0, 1] and both rates ≥ 1e6 FLOP/s (hardware-schema; the plan blends only when both are set).
  return 1 / (share / fromMemory + (1 - share) / inCache);
}

/**
 * Bandwidth the memory term uses for a whole step that reads `residentBytes` again every step (the scope's weights
 * and KV cache): on the measured working-set curve, interpolated linearly in log2 of the size between its points and
 * the smallest size's rate below them; memory bandwidth past its largest point, and never less than it.
 */
export function stepBandwidth(residentBytes: number, memoryBytesPerSecond: number, extras: RooflineExtras): number {
  const c = extras.workingSet;
  const n = c === undefined ? 0 : c.bytes.length;
  if (c === undefined || n === 0 || residentBytes > c.bytes[n - 1]!) return memoryBytesPerSecond;
  return Math.max(rateAtSize(c.bytes, c.bytesPerSecond, residentBytes), memoryBytesPerSecond);
}

/** Compute seconds of an operator: at the attention kernel's measured rate when it has one, else peak plus exps. */
export function computeSeconds(flops: number, exps: number, peak: number, extras: RooflineExtras): number {
  if (exps > 0 && extras.attentionFlopPerSecond > 0) return flops / extras.attentionFlopPerSecond;
  return flops / peak + (extras.expPerSecond > 0 ? exps / extras.expPerSecond : 0);
}

/**
 * Memory seconds of an operator moving `bytes`, `kvReadBytes` of them reads of the KV cache: all at the step's
 * `bytesPerSecond`, except that with a measured KV streaming rate faster than it, the KV reads go at that rate.
 */
export function memorySeconds(bytes: number, kvReadBytes: number, bytesPerSecond: number, extras: RooflineExtras): number {
  const kv = extras.kvStream ?? 0;
  if (kvReadBytes <= 0 || kv <= bytesPerSecond) return bytes / bytesPerSecond;
  return (bytes - kvReadBytes) / bytesPerSecond + kvReadBytes / kv;
}

/**
 * Time and bound of work `flops` (with `exps` exponentials) moving `bytes` on a device, `kvReadBytes` of them reads
 * of the KV cache.
 */
export function roofline(flops: number, bytes: number, peakFlopPerSecond: number, bytesPerSecond: number, exps = 0, extras: RooflineExtras = NO_EXTRAS, kvReadBytes = 0): { timeSeconds: number; bound: Bound } {
  const compute = computeSeconds(flops, exps, peakFlopPerSecond, extras);
  const memory = memorySeconds(bytes, kvReadBytes, bytesPerSecond, extras);
  const overhead = extras.operatorOverheadSeconds;
  return compute >= memory ? { timeSeconds: compute + overhead, bound: 'compute' } : { timeSeconds: memory + overhead, bound: 'memory' };
}

/** FLOPs per byte moved; 0 when nothing moves (so reports never carry Infinity or NaN). */
export function intensity(flops: number, bytes: number): number {
  return bytes > 0 ? flops / bytes : 0;
}
