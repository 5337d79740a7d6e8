// The element-wise steps of a layer: bias add, rotate-half RoPE from a cos/sin table, strided copies (cache
// appends), RMSNorm, GTA's tiled latent add and sigmoid gate. Memory-bound, so they run on the calling thread;
// matrices are row-major with strides in elements, pointers are byte addresses.
import { exp4, hsum, madd } from './common';

// @ts-ignore: decorator
@inline function fl(n: i32): usize { return <usize>n << 2; }

/** c[r][j] += bias[j] for rows × cols. */
export function addBias(c: usize, ldc: i32, rows: i32, cols: i32, bias: usize): void {
  const vec = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = c + fl(r * ldc);
    let j = 0;
    for (; j < vec; j += 4) v128.store(row + fl(j), f32x4.add(v128.load(row + fl(j)), v128.load(bias + fl(j))));
    for (; j < cols; j++) store<f32>(row + fl(j), load<f32>(row + fl(j)) + load<f32>(bias + fl(j)));
  }
}

/** dst += src for rows × cols. */
export function accumulate(dst: usize, ldd: i32, src: usize, lds: i32, rows: i32, cols: i32): void {
  const vec = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const d = dst + fl(r * ldd), s = src + fl(r * lds);
    let j = 0;
    for (; j < vec; j += 4) v128.store(d + fl(j), f32x4.add(v128.load(d + fl(j)), v128.load(s + fl(j))));
    for (; j < cols; j++) store<f32>(d + fl(j), load<f32>(d + fl(j)) + load<f32>(s + fl(j)));
  }
}

/** dst = src for rows × cols (the two must not overlap). */
export function copy2d(dst: usize, ldd: i32, src: usize, lds: i32, rows: i32, cols: i32): void {
  for (let r = 0; r < rows; r++) memory.copy(dst + fl(r * ldd), src + fl(r * lds), fl(cols));
}

/**
 * Rotate-half RoPE in place on `tokens` tokens × `heads` heads of 2·half elements each (element j pairs with
 * j + half); token t's row of the table (cos at cos + t·half, sin likewise) holds its position's angles.
 */
export function rope(x: usize, tokenStride: i32, headStride: i32, tokens: i32, heads: i32, half: i32, cos: usize, sin: usize): void {
  const vec = half & ~3;
  for (let t = 0; t < tokens; t++) {
    const ct = cos + fl(t * half), st = sin + fl(t * half);
    for (let h = 0; h < heads; h++) {
      const a = x + fl(t * tokenStride + h * headStride), b = a + fl(half);
      let j = 0;
      for (; j < vec; j += 4) {
        const o = fl(j);
        const x1 = v128.load(a + o), x2 = v128.load(b + o), c = v128.load(ct + o), s = v128.load(st + o);
        v128.store(a + o, f32x4.sub(f32x4.mul(x1, c), f32x4.mul(x2, s)));
        v128.store(b + o, madd(x1, s, f32x4.mul(x2, c)));
      }
      for (; j < half; j++) {
        const o = fl(j);
        const x1 = load<f32>(a + o), x2 = load<f32>(b + o), c = load<f32>(ct + o), s = load<f32>(st + o);
        store<f32>(a + o, x1 * c - x2 * s);
        store<f32>(b + o, x2 * c + x1 * s);
      }
    }
  }
}

/** RMSNorm (ε = 1e-6) in place on the first `cols` elements of each row, times scale[j]. */
export function rmsNorm(x: usize, ld: i32, rows: i32, cols: i32, scale: usize): void {
  const vec = cols & ~3;
  for (let r = 0; r < rows; r++) {
    const row = x + fl(r * ld);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j < vec; j += 4) {
      const v = v128.load(row + fl(j));
      acc = madd(v, v, acc);
    }
    let ss = hsum(acc);
    for (; j < cols; j++) ss += load<f32>(row + fl(j)) * load<f32>(row + fl(j));
    const inv: f32 = <f32>(1 / Math.sqrt(<f64>ss / <f64>cols + 1e-6));
    const iv = f32x4.splat(inv);
    j = 0;
    for (; j < vec; j += 4) v128.store(row + fl(j), f32x4.mul(f32x4.mul(v128.load(row + fl(j)), iv), v128.load(scale + fl(j))));
    for (; j < cols; j++) store<f32>(row + fl(j), load<f32>(row + fl(j)) * inv * load<f32>(scale + fl(j)));
  }
}

/** u[r][j] += a[r][j mod period] for rows × cols (cols a multiple of period): GTA's tiled latent. */
export function tileAdd(u: usize, ldu: i32, a: usize, lda: i32, rows: i32, cols: i32, period: i32): void {
  const vec = period & ~3;
  for (let r = 0; r < rows; r++) {
    const ar = a + fl(r * lda);
    for (let t = 0; t < cols; t += period) {
      const ur = u + fl(r * ldu + t);
      let j = 0;
      for (; j < vec; j += 4) v128.store(ur + fl(j), f32x4.add(v128.load(ur + fl(j)), v128.load(ar + fl(j))));
      for (; j < period; j++) store<f32>(ur + fl(j), load<f32>(ur + fl(j)) + load<f32>(ar + fl(j)));
    }
  }
}

/** u[r][j] ·= sigmoid(g[r][j]) = 1 / (1 + e^(−g)) for rows × cols (e^(−g) capped at e^88, where it is 0 anyway). */
export function gate(u: usize, ldu: i32, g: usize, ldg: i32, rows: i32, cols: i32): void {
  const vec = cols & ~3;
  const one = f32x4.splat(1), cap = f32x4.splat(88);
  for (let r = 0; r < rows; r++) {
    const ur = u + fl(r * ldu), gr = g + fl(r * ldg);
    let j = 0;
    for (; j < vec; j += 4) {
      const e = exp4(f32x4.pmin(f32x4.neg(v128.load(gr + fl(j))), cap));
      v128.store(ur + fl(j), f32x4.div(v128.load(ur + fl(j)), f32x4.add(one, e)));
    }
    for (; j < cols; j++) {
      const e = f32x4.extract_lane(exp4(f32x4.pmin(f32x4.splat(-load<f32>(gr + fl(j))), cap)), 0);
      store<f32>(ur + fl(j), load<f32>(ur + fl(j)) / (1 + e));
    }
  }
}
