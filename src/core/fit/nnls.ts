/**
 * Small dense least squares for the efficiency fit: Householder QR for an unconstrained problem, Lawson–Hanson for a
 * non-negative one, and a test of which columns the data can tell apart. Matrices are arrays of columns (a fit has a
 * handful of unknowns and up to thousands of rows), and every solver scales columns to unit length first, so that a
 * fraction's column (seconds over seconds, ~1) and an overhead's (layers over seconds, ~1e4) weigh alike.
 */

/** Euclidean length of a vector. */
function norm(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

/**
 * The least-squares solution of Σ_j x_j · cols[j] ≈ b, by Householder QR of the column-scaled matrix. Columns must
 * be independent (the callers only pass columns `determinedColumns` kept); a zero column gets 0.
 */
export function leastSquares(cols: readonly Float64Array[], b: Float64Array): Float64Array {
  const n = cols.length;
  const m = b.length;
  const scale = cols.map((c) => norm(c));
  const a = cols.map((c, j) => Float64Array.from(c, (v) => (scale[j]! > 0 ? v / scale[j]! : 0)));
  const y = Float64Array.from(b);
  const diag = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const col = a[k]!;
    let s = 0;
    for (let i = k; i < m; i++) s += col[i]! * col[i]!;
    const alpha = col[k]! > 0 ? -Math.sqrt(s) : Math.sqrt(s);
    diag[k] = alpha;
    if (alpha === 0) continue;
    // v = x − alpha·e_k, kept in col[k..]; H = I − 2 v vᵀ / vᵀv.
    col[k] = col[k]! - alpha;
    const vv = s - 2 * alpha * (col[k]! + alpha) + alpha * alpha;
    if (vv === 0) continue;
    const reflect = (t: Float64Array): void => {
      let d = 0;
      for (let i = k; i < m; i++) d += col[i]! * t[i]!;
      const f = (2 * d) / vv;
      for (let i = k; i < m; i++) t[i] = t[i]! - f * col[i]!;
    };
    for (let j = k + 1; j < n; j++) reflect(a[j]!);
    reflect(y);
  }
  // Back substitution on R (its diagonal in diag, above it in a[j][k] for k < j).
  const x = new Float64Array(n);
  for (let k = n - 1; k >= 0; k--) {
    let s = y[k]!;
    for (let j = k + 1; j < n; j++) s -= a[j]![k]! * x[j]!;
    x[k] = diag[k] === 0 ? 0 : s / diag[k]!;
  }
  return x.map((v, j) => (scale[j]! > 0 ? v / scale[j]! : 0));
}

/** Residual b − Σ x_j cols[j]. */
function residual(cols: readonly Float64Array[], x: ArrayLike<number>, b: Float64Array): Float64Array {
  const r = Float64Array.from(b);
  cols.forEach((c, j) => {
    const xj = x[j]!;
    if (xj !== 0) for (let i = 0; i < r.length; i++) r[i] = r[i]! - xj * c[i]!;
  });
  return r;
}

/**
 * Which columns the data determines: a column is determined when it is not zero and not (to `tol` of its own length)
 * a combination of the other non-zero columns. Columns that are combinations of each other (a per-layer and a
 * per-pass overhead when every measurement has the same layer count) are all undetermined: no one of them can be
 * told apart from the rest.
 */
export function determinedColumns(cols: readonly Float64Array[], tol = 1e-9): boolean[] {
  const nonzero = cols.map((c) => norm(c) > 0);
  return cols.map((c, j) => {
    if (!nonzero[j]) return false;
    const others = cols.filter((_, k) => k !== j && nonzero[k]);
    const independent = basis(others);
    const x = leastSquares(independent, c);
    return norm(residual(independent, x, c)) > tol * norm(c);
  });
}

/** A subset of the columns with the same span and no column a combination of the ones before it (Gram–Schmidt). */
function basis(cols: readonly Float64Array[], tol = 1e-12): Float64Array[] {
  const kept: Float64Array[] = [];
  const ortho: Float64Array[] = [];
  for (const c of cols) {
    const length = norm(c);
    if (length === 0) continue;
    const v = Float64Array.from(c, (x) => x / length);
    // Twice, for orthogonality to working precision.
    for (let pass = 0; pass < 2; pass++) {
      for (const q of ortho) {
        let d = 0;
        for (let i = 0; i < v.length; i++) d += q[i]! * v[i]!;
        for (let i = 0; i < v.length; i++) v[i] = v[i]! - d * q[i]!;
      }
    }
    const left = norm(v);
    if (left <= tol) continue;
    kept.push(c);
    ortho.push(v.map((x) => x / left));
  }
  return kept;
}

/**
 * Non-negative least squares (Lawson and Hanson, 1974, chapter 23): min ‖Σ x_j cols[j] − b‖ subject to x ≥ 0, with
 * independent columns. Columns move into the passive set while the gradient says a positive value helps; a step
 * that would turn a passive value negative stops at the boundary and drops that column again.
 */
export function nnls(cols: readonly Float64Array[], b: Float64Array): Float64Array {
  const n = cols.length;
  const scale = cols.map((c) => norm(c));
  const a = cols.map((c, j) => Float64Array.from(c, (v) => (scale[j]! > 0 ? v / scale[j]! : 0)));
  const x = new Float64Array(n);
  const passive = new Array<boolean>(n).fill(false);
  const tol = 1e-12 * Math.max(1, norm(b)) * Math.max(n, b.length);
  const gradient = (): Float64Array => {
    const r = residual(a, x, b);
    return Float64Array.from(a, (c) => c.reduce((s, v, i) => s + v * r[i]!, 0));
  };
  // Each outer round adds one column; an inner round drops at least one, so 3n rounds end it.
  for (let round = 0; round < 3 * n + 3; round++) {
    const w = gradient();
    let best = -1;
    for (let j = 0; j < n; j++) if (!passive[j] && scale[j]! > 0 && w[j]! > tol && (best < 0 || w[j]! > w[best]!)) best = j;
    if (best < 0) break;
    passive[best] = true;
    for (let inner = 0; inner <= n; inner++) {
      const idx = passive.flatMap((p, j) => (p ? [j] : []));
      const s = leastSquares(idx.map((j) => a[j]!), b);
      const z = new Float64Array(n);
      idx.forEach((j, k) => (z[j] = s[k]!));
      if (idx.every((j) => z[j]! > 0)) {
        x.set(z);
        break;
      }
      // Step from x towards z as far as every passive value stays ≥ 0, then drop the ones that reached 0.
      let alpha = 1;
      for (const j of idx) if (z[j]! <= 0) alpha = Math.min(alpha, x[j]! / (x[j]! - z[j]!));
      for (let j = 0; j < n; j++) x[j] = x[j]! + alpha * (z[j]! - x[j]!);
      for (const j of idx) {
        if (x[j]! <= tol * 1e-3) {
          x[j] = 0;
          passive[j] = false;
        }
      }
    }
  }
  return x.map((v, j) => (scale[j]! > 0 ? v / scale[j]! : 0));
}
