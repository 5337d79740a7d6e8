/**
 * A rate measured over a grid of two shape parameters (for example the attention kernel's FLOP rate by sequence
 * length and head dimension), read at any shape by bilinear interpolation in log2 of both parameters, clamped to
 * the grid's edges so nothing is extrapolated.
 */

export interface RateGrid {
  /** First parameter's grid values, ascending, all > 0. */
  readonly xs: readonly number[];
  /** Second parameter's grid values, ascending, all > 0. */
  readonly ys: readonly number[];
  /** rates[i][j]: the rate measured at (xs[i], ys[j]), > 0. */
  readonly rates: readonly (readonly number[])[];
}

/** Index i and weight t ∈ [0, 1] with v between axis[i] and axis[i + 1] in log2 (clamped at both ends). */
function bracket(axis: readonly number[], v: number): [number, number] {
  const n = axis.length;
  if (n === 1 || !(v > axis[0]!)) return [0, 0];
  if (v >= axis[n - 1]!) return [n - 2, 1];
  let i = 0;
  while (v > axis[i + 1]!) i++;
  const lo = Math.log2(axis[i]!);
  return [i, (Math.log2(v) - lo) / (Math.log2(axis[i + 1]!) - lo)];
}

/** The grid's rate at (x, y): bilinear in (log2 x, log2 y) between the surrounding grid points, clamped. */
export function rateAt(g: RateGrid, x: number, y: number): number {
  const [i, s] = bracket(g.xs, x);
  const [j, t] = bracket(g.ys, y);
  const at = (a: number, b: number): number => g.rates[Math.min(a, g.xs.length - 1)]![Math.min(b, g.ys.length - 1)]!;
  const r0 = at(i, j) * (1 - t) + at(i, j + 1) * t;
  const r1 = at(i + 1, j) * (1 - t) + at(i + 1, j + 1) * t;
  return r0 * (1 - s) + r1 * s;
}

/**
 * The grid of a list of measured points, or a description of what is wrong: every (x, y) combination of the values
 * that occur must be present exactly once.
 */
export function gridOf(points: readonly { x: number; y: number; rate: number }[]): RateGrid | string {
  const xs = [...new Set(points.map((p) => p.x))].sort((a, b) => a - b);
  const ys = [...new Set(points.map((p) => p.y))].sort((a, b) => a - b);
  if (points.length !== xs.length * ys.length) return `a full grid (every combination of ${xs.join(', ')} and ${ys.join(', ')} once; got ${String(points.length)} points)`;
  const rates = xs.map(() => ys.map(() => 0));
  for (const p of points) {
    const row = rates[xs.indexOf(p.x)]!;
    const j = ys.indexOf(p.y);
    if (row[j] !== 0) return `each combination once (${String(p.x)}, ${String(p.y)} appears twice)`;
    row[j] = p.rate;
  }
  return { xs, ys, rates };
}
