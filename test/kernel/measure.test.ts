/** timeLayer: warm-up by time as well as by count, then the median of repeats within a budget. */
import { describe, expect, it } from 'vitest';
import { newCounters, type Buf } from '../../src/kernel/backend.js';
import type { AttentionLayer } from '../../src/kernel/layers/index.js';
import { now, summarize, timeLayer } from '../../src/kernel/measure.js';

/** A layer whose every run busy-waits `ms` milliseconds and records how long it took. */
function busyLayer(ms: number): AttentionLayer & { durations: number[] } {
  const durations: number[] = [];
  const out: Buf = new Float32Array(4);
  const run = (): Buf => {
    const t0 = now();
    while (now() - t0 < ms / 1000) { /* busy */ }
    durations.push(now() - t0);
    return out;
  };
  return {
    durations, hidden: 4, cached: 0,
    load: () => undefined, run, forward: run, prime: () => undefined, rewind: () => undefined, reset: () => undefined,
  };
}

describe('timeLayer', () => {
  it('warms up until warmupSeconds have passed, however many runs that takes', () => {
    const layer = busyLayer(1);
    const r = timeLayer(layer, { phase: 'decode', batch: 1, seqLen: 1, contextLen: 8, warmup: 1, warmupSeconds: 0.05, minRepeats: 3, maxRepeats: 3, budgetSeconds: 0 });
    const warm = layer.durations.slice(0, layer.durations.length - r.repeats);
    // Short steps need hundreds of warm-up runs; a cap of 10 would stop this one at about 10 ms. (timeLayer's clock
    // also counts the call around each run, so the runs' own durations may fall microseconds short of 50 ms.)
    expect(warm.reduce((a, b) => a + b, 0)).toBeGreaterThan(0.045);
    expect(r.repeats).toBe(3);
  });

  it('times at least minRepeats runs, more while under budget, and reports their median and spread', () => {
    const layer = busyLayer(2);
    const r = timeLayer(layer, { phase: 'prefill', batch: 1, seqLen: 4, contextLen: 4, warmup: 2, minRepeats: 4, maxRepeats: 1000, budgetSeconds: 0.03 });
    const timed = layer.durations.slice(2);
    expect(timed).toHaveLength(r.repeats);
    expect(r.repeats).toBeGreaterThanOrEqual(4);
    expect(timed.reduce((a, b) => a + b, 0) - timed[timed.length - 1]!).toBeLessThan(0.03);
    expect(r.minSeconds).toBeGreaterThanOrEqual(0.002);
    expect(r.minSeconds).toBeLessThanOrEqual(r.medianSeconds);
    expect(r.medianSeconds).toBeLessThanOrEqual(r.maxSeconds);
    expect(r.counted).toEqual(newCounters());
  });

  it('calls onTimed once, between the warm-up and the first timed run; meanSeconds is the timed runs\' mean', () => {
    const layer = busyLayer(1);
    const seen: number[] = [];
    const r = timeLayer(layer, { phase: 'decode', batch: 1, seqLen: 1, contextLen: 8, warmup: 3, minRepeats: 5, maxRepeats: 5, budgetSeconds: 0, onTimed: () => { seen.push(layer.durations.length); } });
    expect(seen).toEqual([3]);
    const timed = layer.durations.slice(3);
    const mean = timed.reduce((a, b) => a + b, 0) / timed.length;
    expect(r.meanSeconds).toBeGreaterThanOrEqual(mean); // its clock also counts the call around each run
    expect(r.meanSeconds).toBeLessThan(mean + 0.001);
  });

  it('summarize: the median of an even count is the mean of the middle two', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ medianSeconds: 2.5, minSeconds: 1, maxSeconds: 4, repeats: 4 });
  });
});
