import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coldShare, coldStreamCurve, fewRowRate, memorySeconds, NO_EXTRAS, roofline, shortStreamBytes, stepBandwidth, workingSetCurve } from '../../src/core/roofline.js';

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
  it('a step streams at the measured working-set rate for its size, log-linear between sizes, memory past the last', () => {
    const extras = { ...NO_EXTRAS, workingSet: workingSetCurve([{ bytes: 32e6, bytesPerSecond: 30e9 }, { bytes: 8e6, bytesPerSecond: 60e9 }, { bytes: 16e6, bytesPerSecond: 40e9 }]) };
    expect(stepBandwidth(1e3, 20e9, extras)).toBe(60e9); // below the smallest size: its rate
    expect(stepBandwidth(8e6, 20e9, extras)).toBe(60e9);
    expect(stepBandwidth(8e6 * Math.SQRT2, 20e9, extras)).toBeCloseTo(50e9, 0); // halfway from 8 to 16 MB in log2
    expect(stepBandwidth(32e6, 20e9, extras)).toBe(30e9);
    expect(stepBandwidth(32e6 + 1, 20e9, extras)).toBe(20e9); // past the largest measured size
    expect(stepBandwidth(16e6, 50e9, extras)).toBe(50e9); // never below memory bandwidth
    expect(stepBandwidth(1e3, 20e9, NO_EXTRAS)).toBe(20e9); // not modelled
  });

  it('a cold-stream curve never falls with size: a falling run of measurements is replaced by its mean', () => {
    const c = coldStreamCurve([{ bytes: 4, bytesPerSecond: 10 }, { bytes: 1, bytesPerSecond: 5 }, { bytes: 16, bytesPerSecond: 8 }, { bytes: 64, bytesPerSecond: 20 }]);
    expect(c).toEqual({ bytes: [1, 4, 16, 64], bytesPerSecond: [5, 9, 9, 20] }); // 10 then 8 → their mean
  });

  it('the share of a step read from memory: 0 at the in-cache rate, 1 at memory bandwidth, linear between', () => {
    const extras = { ...NO_EXTRAS, workingSet: workingSetCurve([{ bytes: 8e6, bytesPerSecond: 60e9 }, { bytes: 32e6, bytesPerSecond: 30e9 }]) };
    expect(coldShare(60e9, 20e9, extras)).toBe(0);
    expect(coldShare(40e9, 20e9, extras)).toBe(0.5);
    expect(coldShare(20e9, 20e9, extras)).toBe(1);
    expect(coldShare(70e9, 20e9, extras)).toBe(0); // clamped
    expect(coldShare(20e9, 20e9, NO_EXTRAS)).toBe(1); // no curve: all from memory
    expect(coldShare(20e9, 80e9, extras)).toBe(1); // a cache no faster than memory
  });

  it('a few-row product blends its time per FLOP between the from-memory and in-cache rates by the share from memory', () => {
    expect(fewRowRate(0, 20e9, 60e9)).toBe(60e9);
    expect(fewRowRate(1, 20e9, 60e9)).toBe(20e9);
    // Half from memory: 1 / (0.5 / 20e9 + 0.5 / 60e9) = 30e9 (a harmonic mean, not the arithmetic 40e9).
    expect(fewRowRate(0.5, 20e9, 60e9)).toBeCloseTo(30e9, 3);
  });

  it('KV-cache reads go at the measured KV streaming rate when it beats the step bandwidth; other bytes at the step bandwidth', () => {
    const kv = { ...NO_EXTRAS, kvStream: 40e9 };
    // 1000 bytes, 600 of them KV reads, step at 20 GB/s: 400 B at 20 GB/s + 600 B at 40 GB/s = 20 ns + 15 ns.
    expect(memorySeconds(1000, 600, 20e9, kv)).toBeCloseTo(35e-9, 20);
    expect(roofline(1, 1000, 1e15, 20e9, 0, kv, 600).timeSeconds).toBe(memorySeconds(1000, 600, 20e9, kv));
    // A step already faster than the KV rate (its cache in cache), no KV reads, or no measured rate: all at the step's.
    expect(memorySeconds(1000, 600, 50e9, kv)).toBe(1000 / 50e9);
    expect(memorySeconds(1000, 0, 20e9, kv)).toBe(1000 / 20e9);
    expect(memorySeconds(1000, 600, 20e9, NO_EXTRAS)).toBe(1000 / 20e9);
    expect(roofline(1, 1000, 1e15, 20e9, 0, NO_EXTRAS, 600).timeSeconds).toBe(1000 / 20e9);
  });

  it('a short cold stream costs extra bytes: reused · share · (r_largest / r(size) − 1), log-linear between sizes', () => {
    const extras = { ...NO_EXTRAS, coldStream: coldStreamCurve([{ bytes: 2 ** 16, bytesPerSecond: 5e9 }, { bytes: 2 ** 20, bytesPerSecond: 10e9 }, { bytes: 2 ** 24, bytesPerSecond: 20e9 }]) };
    expect(shortStreamBytes(2 ** 16, 1, extras)).toBe(2 ** 16 * 3); // a quarter of the largest rate: 4× the time
    expect(shortStreamBytes(2 ** 10, 1, extras)).toBe(2 ** 10 * 3); // below the smallest size: its rate
    expect(shortStreamBytes(2 ** 18, 1, extras)).toBeCloseTo(2 ** 18 * (20 / 7.5 - 1), 6); // halfway in log2: 7.5e9
    expect(shortStreamBytes(2 ** 20, 0.5, extras)).toBe(2 ** 20 * 0.5); // half of it from memory
    expect(shortStreamBytes(2 ** 26, 1, extras)).toBe(0); // at or past the largest size: a long stream
    expect(shortStreamBytes(2 ** 16, 0, extras)).toBe(0); // all in cache
    expect(shortStreamBytes(0, 1, extras)).toBe(0); // reads no weights or cache
    expect(shortStreamBytes(2 ** 16, 1, NO_EXTRAS)).toBe(0); // not modelled
  });

  it('a working-set curve never rises with size: a rising run of measurements is replaced by its mean', () => {
    const c = workingSetCurve([{ bytes: 4, bytesPerSecond: 10 }, { bytes: 8, bytesPerSecond: 30 }, { bytes: 2, bytesPerSecond: 20 }, { bytes: 16, bytesPerSecond: 5 }]);
    expect(c).toEqual({ bytes: [2, 4, 8, 16], bytesPerSecond: [20, 20, 20, 5] }); // 20, 10, 30 → their mean
    const d = workingSetCurve([22.7, 28.2, 33.6, 24.8, 17.4, 16.8].map((r, i) => ({ bytes: (i + 1) * 4, bytesPerSecond: r })));
    expect(d.bytesPerSecond.slice(0, 3).every((r) => Math.abs(r - (22.7 + 28.2 + 33.6) / 3) < 1e-9)).toBe(true);
    expect(d.bytesPerSecond.slice(3)).toEqual([24.8, 17.4, 16.8]);
    fc.assert(fc.property(fc.array(fc.record({ bytes: fc.integer({ min: 1, max: 1e9 }), bytesPerSecond: fc.double({ min: 1, max: 1e12, noNaN: true }) }), { minLength: 1, maxLength: 12 }), (pts) => {
      const r = workingSetCurve(pts).bytesPerSecond;
      return r.every((x, i) => i === 0 || x <= r[i - 1]! * (1 + 1e-12));
    }));
  });
});
