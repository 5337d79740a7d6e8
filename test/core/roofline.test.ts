import { describe, expect, it } from 'vitest';
import { NO_EXTRAS, roofline, stepBandwidth } from '../../src/core/roofline.js';

describe('roofline', () => {
  it('is the slower of compute and memory', () => {
    expect(roofline(2e12, 1e9, 1e15, 1e12)).toEqual({ timeSeconds: 2e-3, bound: 'compute' });
    expect(roofline(1e9, 2e9, 1e15, 1e12)).toEqual({ timeSeconds: 2e-3, bound: 'memory' });
  });
  it('with measured extras: exps add to compute at their own rate, and every operator pays the overhead', () => {
    // 1e12 FLOPs at 1e15 = 1 ms, 1e6 exps at 1e9/s = 1 ms: 2 ms of compute beats 1.5 ms of memory; + 10 µs.
    const r = roofline(1e12, 1.5e9, 1e15, 1e12, 1e6, { ...NO_EXTRAS, expPerSecond: 1e9, operatorOverheadSeconds: 1e-5 });
    expect(r.bound).toBe('compute');
    expect(r.timeSeconds).toBeCloseTo(2.01e-3, 15);
  });
  it('an operator that evaluates exps runs at the measured attention rate when the profile has one', () => {
    // 1e12 FLOPs at 2e14 attention FLOP/s = 5 ms (the exp term is inside that rate), against 1.5 ms of memory.
    const r = roofline(1e12, 1.5e9, 1e15, 1e12, 1e6, { ...NO_EXTRAS, expPerSecond: 1e9, attentionFlopPerSecond: 2e14 });
    expect(r).toEqual({ timeSeconds: 5e-3, bound: 'compute' });
    // Operators without exps keep the peak.
    expect(roofline(1e12, 1.5e9, 1e15, 1e12, 0, { ...NO_EXTRAS, expPerSecond: 1e9, attentionFlopPerSecond: 2e14 }).timeSeconds).toBe(1.5e-3);
  });
  it('a step whose weights and KV cache fit in the measured resident working set streams at the measured cache rate', () => {
    const extras = { ...NO_EXTRAS, cacheBytes: 8e6, cacheBytesPerSecond: 60e9 };
    expect(stepBandwidth(8e6, 20e9, extras)).toBe(60e9); // exactly the resident size: fits
    expect(stepBandwidth(8e6 + 1, 20e9, extras)).toBe(20e9);
    expect(stepBandwidth(1e3, 20e9, NO_EXTRAS)).toBe(20e9); // not modelled
    expect(stepBandwidth(1e3, 20e9, { ...extras, cacheBytesPerSecond: 0 })).toBe(20e9);
  });
});
