/** The one tick format, log axes bounded by the data, and the one time unit per chart. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linearAxis, logAxis, tickLabel, timeUnit } from '../../src/render/axes.js';

const PREFIX: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18, m: 1e-3, µ: 1e-6, n: 1e-9, p: 1e-12 };

/** Reads a tick label back into a number (the inverse the reader's eye performs). */
function parse(label: string): number {
  const m = /^(-?\d+(?:\.\d+)?)([kMGTPEmµnp]?)$/.exec(label);
  if (m === null) throw new Error(`not a tick label: ${label}`);
  return Number(m[1]) * (m[2] === '' || m[2] === undefined ? 1 : (PREFIX[m[2]] ?? NaN));
}

describe('tickLabel', () => {
  it('is plain from 0.001 to below 1000 and SI-prefixed outside, 3 significant digits at most', () => {
    const cases: [number, string][] = [
      [0, '0'], [0.001, '0.001'], [0.0025, '0.0025'], [0.1, '0.1'], [0.30000000000000004, '0.3'], [1, '1'], [2.5, '2.5'],
      [512, '512'], [999, '999'], [1000, '1k'], [1024, '1.02k'], [2000, '2k'], [12500, '12.5k'], [1e5, '100k'], [999_950, '1M'],
      [1e6, '1M'], [2.5e6, '2.5M'], [1e11, '100G'], [1e12, '1T'], [1.98e15, '1.98P'], [1e18, '1E'],
      [5e-4, '500µ'], [1e-4, '100µ'], [2e-6, '2µ'], [3e-9, '3n'], [-2000, '-2k'], [-0.5, '-0.5'],
    ];
    for (const [v, label] of cases) expect([v, tickLabel(v)]).toEqual([v, label]);
  });

  it('reads back within rounding to 3 significant digits, never in exponent form, in the range charts use', () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-12, max: 9.99e20, noNaN: true }), fc.boolean(), (a, neg) => {
        const v = neg ? -a : a;
        const label = tickLabel(v);
        expect(label).not.toMatch(/e/);
        expect(Math.abs(parse(label) - v) / Math.abs(v)).toBeLessThanOrEqual(5e-3 + 1e-12);
      }),
    );
  });
});

describe('logAxis', () => {
  it('bounded: the range is exactly the data, ticks at 1, 2, 5 × 10^k inside it', () => {
    const a = logAxis([512, 1024, 2048, 4096, 8192], true);
    expect(a.tLo).toBeCloseTo(Math.log10(512), 12);
    expect(a.tHi).toBeCloseTo(Math.log10(8192), 12);
    expect(a.ticks.map((t) => t.label)).toEqual(['1k', '2k', '5k']);
  });

  it('bounded: decades when three fit, every digit when 1-2-5 gives fewer than two, the ends when nothing round fits', () => {
    expect(logAxis([128, 1e5], true).ticks.map((t) => t.label)).toEqual(['1k', '10k', '100k']);
    expect(logAxis([2048, 8192], true).ticks.map((t) => t.label)).toEqual(['3k', '4k', '5k', '6k', '7k', '8k']);
    expect(logAxis([1100, 1150], true).ticks.map((t) => t.label)).toEqual(['1.1k', '1.15k']);
  });

  it('padded: out to the powers of ten around the data, thinned past nine ticks', () => {
    const a = logAxis([0.02, 300], false);
    expect([a.tLo, a.tHi]).toEqual([-2, 3]);
    expect(a.ticks.map((t) => t.label)).toEqual(['0.01', '0.1', '1', '10', '100', '1k']);
    expect(logAxis([3e-6, 2e4], false).ticks.map((t) => t.label)).toEqual(['1µ', '100µ', '0.01', '1', '100', '10k']);
  });

  it('every tick lies inside the range, and a bounded range never runs past the data', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 1e-9, max: 1e15, noNaN: true }), { minLength: 1, maxLength: 20 }), fc.boolean(), (xs, bounded) => {
        const a = logAxis(xs, bounded);
        const [lo, hi] = [Math.log10(Math.min(...xs)), Math.log10(Math.max(...xs))];
        expect(a.tHi).toBeGreaterThan(a.tLo);
        expect(a.ticks.length).toBeGreaterThanOrEqual(2);
        for (const t of a.ticks) {
          expect(a.t(t.v)).toBeGreaterThanOrEqual(a.tLo - 1e-9);
          expect(a.t(t.v)).toBeLessThanOrEqual(a.tHi + 1e-9);
        }
        if (bounded && hi - lo > 1e-9) {
          expect(a.tLo).toBeCloseTo(lo, 9);
          expect(a.tHi).toBeCloseTo(hi, 9);
        }
      }),
    );
  });
});

describe('linearAxis', () => {
  it('labels with the same format as log axes', () => {
    expect(linearAxis([0, 25000], true).ticks.map((t) => t.label)).toEqual(['0', '5k', '10k', '15k', '20k', '25k']);
  });
});

describe('timeUnit', () => {
  it('is the unit in which the largest time lies in [1, 1000)', () => {
    expect(timeUnit([0.002, 31.9]).name).toBe('s');
    expect(timeUnit([1e-5, 0.5]).name).toBe('ms');
    expect(timeUnit([1e-3 * (1 - 1e-12)]).name).toBe('µs');
    expect(timeUnit([5e-7]).name).toBe('ns');
    expect(timeUnit([2e-3, 7e-3])).toEqual({ name: 'ms', scale: 1e3 });
  });
});
