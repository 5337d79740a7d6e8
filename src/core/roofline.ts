/** Roofline timing of one operator: the slower of compute at peak and memory traffic at bandwidth. */

export type Bound = 'compute' | 'memory';

/** Time and bound of work `flops` moving `bytes` on a device with the given effective peak and bandwidth. */
export function roofline(flops: number, bytes: number, peakFlopPerSecond: number, bytesPerSecond: number): { timeSeconds: number; bound: Bound } {
  const compute = flops / peakFlopPerSecond;
  const memory = bytes / bytesPerSecond;
  return compute >= memory ? { timeSeconds: compute, bound: 'compute' } : { timeSeconds: memory, bound: 'memory' };
}

/** FLOPs per byte moved; 0 when nothing moves (so reports never carry Infinity or NaN). */
export function intensity(flops: number, bytes: number): number {
  return bytes > 0 ? flops / bytes : 0;
}
