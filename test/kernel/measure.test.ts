/** timeLayer: warm-up by time as well as by count, then the median of repeats within a budget. */
import { describe, expect, it } from 'vitest';
import { newCounters, type Buf } from '../../src/kernel/backend.js';
import type { AttentionLayer } from '../../src/kernel/layers/index.js';
import { summarize, timeLayer } from '../../src/kernel/measure.js';

/**
 * A layer whose every run takes exactly `seconds` on its own clock (a counter each run advances, so the tests' outcome
 * does not depend on how busy the machine is); `durations` records each run. Steps are powers of two, so sums of them
 * are exact and the counts below follow by hand.
 */
function busyLayer(seconds: number): AttentionLayer & { durations: number[]; clock: () => number } {
  const durations: number[] = [];
  const out: Buf = new Float32Array(4);
  let t = 0;
  const run = (): Buf => {
    t += seconds;
    durations.push(seconds);
    return out;
  };
  return {
    durations, clock: () => t, hidden: 4, cached: 0,
    load: () => undefined, run, forward: run, prime: () => undefined, rewind: () => undefined, reset: () => undefined,
  };
}

const STEP = 2 ** -10; // about 1 ms

describe('timeLayer', () => {
  it('warms up until warmupSeconds have passed, however many runs that takes', () => {
    const layer = busyLayer(STEP);
    const r = timeLayer(layer, { phase: 'decode', batch: 1, seqLen: 1, contextLen: 8, warmup: 1, warmupSeconds: 50 * STEP, minRepeats: 3, maxRepeats: 3, budgetSeconds: 0, clock: layer.clock });
    // Short steps need hundreds of warm-up runs; a cap of 10 would stop this one at 10 runs: it takes exactly 50.
    expect(layer.durations.length - r.repeats).toBe(50);
    expect(r.repeats).toBe(3);
  });

  it('times at least minRepeats runs, more while under budget, and reports their median and spread', () => {
    const layer = busyLayer(2 * STEP);
    const r = timeLayer(layer, { phase: 'prefill', batch: 1, seqLen: 4, contextLen: 4, warmup: 2, minRepeats: 4, maxRepeats: 1000, budgetSeconds: 0.03, clock: layer.clock });
    // Runs go on while the timed total is under 0.03 s: 15 runs make 0.0293 s, the 16th passes the budget.
    expect(layer.durations).toHaveLength(2 + 16);
    expect(r.repeats).toBe(16);
    expect([r.minSeconds, r.medianSeconds, r.maxSeconds, r.meanSeconds]).toEqual([2 * STEP, 2 * STEP, 2 * STEP, 2 * STEP]);
    expect(r.counted).toEqual(newCounters());
  });

  it('stops at maxRepeats even under budget, and never below minRepeats past it', () => {
    const capped = busyLayer(STEP);
    expect(timeLayer(capped, { phase: 'decode', batch: 1, seqLen: 1, contextLen: 8, warmup: 0, minRepeats: 1, maxRepeats: 5, budgetSeconds: 10, clock: capped.clock }).repeats).toBe(5);
    const slow = busyLayer(1);
    expect(timeLayer(slow, { phase: 'decode', batch: 1, seqLen: 1, contextLen: 8, warmup: 0, minRepeats: 3, maxRepeats: 100, budgetSeconds: 0.5, clock: slow.clock }).repeats).toBe(3);
  });

  it('calls onTimed once, between the warm-up and the first timed run; meanSeconds is the timed runs\' mean', () => {
    const layer = busyLayer(STEP);
    const seen: number[] = [];
    const r = timeLayer(layer, { phase: 'decode', batch: 1, seqLen: 1, contextLen: 8, warmup: 3, minRepeats: 5, maxRepeats: 5, budgetSeconds: 0, onTimed: () => { seen.push(layer.durations.length); }, clock: layer.clock });
    expect(seen).toEqual([3]);
    expect(r.meanSeconds).toBe(STEP);
  });

  it('summarize: the median of an even count is the mean of the middle two', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ medianSeconds: 2.5, minSeconds: 1, maxSeconds: 4, repeats: 4 });
  });
});
