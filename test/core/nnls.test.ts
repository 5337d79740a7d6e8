/** The fit's small solvers against hand-solved systems. */
import { describe, expect, it } from 'vitest';
import { determinedColumns, leastSquares, nnls } from '../../src/core/fit/nnls.js';
import { expectRel } from '../helpers/rel.js';

const v = (...x: number[]): Float64Array => Float64Array.from(x);

describe('fit solvers', () => {
  it('leastSquares fits a line through (0, 1), (1, 2), (2, 4): slope 3/2, intercept 7/3 − 3/2 = 5/6', () => {
    const [a, b] = leastSquares([v(1, 1, 1), v(0, 1, 2)], v(1, 2, 4));
    expectRel(a!, 5 / 6, 1e-14);
    expectRel(b!, 1.5, 1e-14);
  });

  it('leastSquares gives the same line with its columns scaled 1e-6 and 1e6 (each solution scales back)', () => {
    const [a, b] = leastSquares([v(1e-6, 1e-6, 1e-6), v(0, 1e6, 2e6)], v(1, 2, 4));
    expectRel(a!, 5 / 6 / 1e-6, 1e-13);
    expectRel(b!, 1.5 / 1e6, 1e-13);
  });

  it('nnls keeps a component ≥ 0 that plain least squares makes negative, and re-solves the rest', () => {
    // Unconstrained: x = (2, −3). With x ≥ 0 the second is 0 and the first still 2 (the columns are orthogonal).
    expect([...nnls([v(1, 0, 0), v(0, 1, 0)], v(2, -3, 5))]).toEqual([2, 0]);
    // Coupled columns: min ‖x1·(1, 1) + x2·(1, −1) − (1, 3)‖ has x2 = −1 free; with x2 = 0, x1 = 2 (the mean).
    const x = nnls([v(1, 1), v(1, -1)], v(1, 3));
    expectRel(x[0]!, 2, 1e-14);
    expect(x[1]).toBe(0);
  });

  it('determinedColumns: a zero column and columns that are multiples of each other are not determined', () => {
    expect(determinedColumns([v(1, 2, 3), v(2, 4, 6), v(1, 0, 0), v(0, 0, 0)])).toEqual([false, false, true, false]);
    expect(determinedColumns([v(1, 0, 0), v(0, 1, 0), v(1, 1, 0)])).toEqual([false, false, false]);
    expect(determinedColumns([v(1, 0, 0), v(0, 1, 0), v(1, 1, 1)])).toEqual([true, true, true]);
  });
});
