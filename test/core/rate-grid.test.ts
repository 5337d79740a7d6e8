// The rate grid calibrated profiles carry: exact at its points, log-linear between them, clamped outside.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gridOf, rateAt, type RateGrid } from '../../src/core/rate-grid.js';

const G: RateGrid = { xs: [128, 512, 2048], ys: [64, 128], rates: [[10, 20], [30, 40], [50, 80]] };

describe('rateAt', () => {
  it('returns the measured rate at every grid point', () => {
    G.xs.forEach((x, i) => {
      G.ys.forEach((y, j) => {
        expect(rateAt(G, x, y)).toBe(G.rates[i]![j]);
      });
    });
  });

  it('interpolates linearly in log2 of each parameter', () => {
    expect(rateAt(G, 256, 64)).toBeCloseTo(20, 12); // halfway from 128 to 512 in log2
    expect(rateAt(G, 1024, 128)).toBeCloseTo(60, 12);
    expect(rateAt(G, 512, 64 * Math.SQRT2)).toBeCloseTo(35, 12);
    expect(rateAt(G, 256, 64 * Math.SQRT2)).toBeCloseTo((10 + 20 + 30 + 40) / 4, 12);
  });

  it('clamps to the edges instead of extrapolating', () => {
    expect(rateAt(G, 1, 1)).toBe(10);
    expect(rateAt(G, 1e6, 1e6)).toBe(80);
    expect(rateAt(G, 16384, 64)).toBe(50);
    expect(rateAt({ xs: [4], ys: [64], rates: [[7]] }, 100, 3)).toBe(7);
  });

  it('stays between the smallest and largest measured rate', () => {
    fc.assert(fc.property(fc.double({ min: 1, max: 1e5, noNaN: true }), fc.double({ min: 1, max: 1e4, noNaN: true }), (x, y) => {
      const r = rateAt(G, x, y);
      return r >= 10 && r <= 80;
    }));
  });
});

describe('gridOf', () => {
  it('arranges measured points into a grid whatever their order', () => {
    const g = gridOf([{ x: 4, y: 64, rate: 3 }, { x: 1, y: 256, rate: 2 }, { x: 1, y: 64, rate: 1 }, { x: 4, y: 256, rate: 4 }]);
    expect(g).toEqual({ xs: [1, 4], ys: [64, 256], rates: [[1, 2], [3, 4]] });
  });

  it('says what is wrong with an incomplete or repeated grid', () => {
    expect(gridOf([{ x: 1, y: 64, rate: 1 }, { x: 4, y: 256, rate: 4 }])).toMatch(/full grid .* got 2 points/);
    expect(gridOf([{ x: 1, y: 64, rate: 1 }, { x: 1, y: 64, rate: 2 }, { x: 4, y: 64, rate: 3 }, { x: 4, y: 64, rate: 3 }].slice(0, 2))).toMatch(/full grid/);
    expect(gridOf([{ x: 1, y: 64, rate: 1 }, { x: 1, y: 64, rate: 2 }, { x: 4, y: 256, rate: 3 }, { x: 4, y: 64, rate: 3 }])).toMatch(/appears twice/);
  });
});
