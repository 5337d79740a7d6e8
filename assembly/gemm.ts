// Packed SGEMM: C = A·B for row-major strided matrices (strides in elements). Panels of B (KC×NC, 8-column
// strips) and A (MC×KC, 4-row strips) are packed contiguously so the micro-kernel streams them with unit stride
// and no cache-set aliasing from large row strides; edges are zero-padded and written back through a 6×8 temp.
import { CNT_MADD, count, madd, MK_ADD, MK_STORE } from './common';

const KC: i32 = 256;
const NC: i32 = 512;
const MC: i32 = 72;
/** Rows of A per packed strip: the height of micro6x8. */
const MR: i32 = 6;

/**
 * C[6×8] = A[6×kLen] · B[kLen×8], plus C's previous value when `add`; A packed in 6-row strips (A(r, p) at
 * a + 4r + 24p), B in 8-column strips (row p at b + 32p). Twelve accumulator chains keep both FMA pipes of a
 * 4-cycle-latency core busy where the 4×8 kernel's eight do not: 1.14-1.19× as fast on data in L1 (Zen 3 VM).
 * The accumulators start from C rather than adding C after the loop: with the add after the loop, V8 spilled an
 * accumulator to the stack inside it and the kernel ran at half speed.
 */
function micro6x8(a: usize, b: usize, kLen: i32, c: usize, ldc: usize, add: bool): void {
  const r1 = c + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
  const z = f32x4.splat(0);
  let c00 = add ? v128.load(c) : z, c01 = add ? v128.load(c, 16) : z;
  let c10 = add ? v128.load(r1) : z, c11 = add ? v128.load(r1, 16) : z;
  let c20 = add ? v128.load(r2) : z, c21 = add ? v128.load(r2, 16) : z;
  let c30 = add ? v128.load(r3) : z, c31 = add ? v128.load(r3, 16) : z;
  let c40 = add ? v128.load(r4) : z, c41 = add ? v128.load(r4, 16) : z;
  let c50 = add ? v128.load(r5) : z, c51 = add ? v128.load(r5, 16) : z;
  for (let p = 0; p < kLen; p++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let s = v128.load32_splat(a);
    c00 = madd(s, b0, c00); c01 = madd(s, b1, c01);
    s = v128.load32_splat(a, 4);
    c10 = madd(s, b0, c10); c11 = madd(s, b1, c11);
    s = v128.load32_splat(a, 8);
    c20 = madd(s, b0, c20); c21 = madd(s, b1, c21);
    s = v128.load32_splat(a, 12);
    c30 = madd(s, b0, c30); c31 = madd(s, b1, c31);
    s = v128.load32_splat(a, 16);
    c40 = madd(s, b0, c40); c41 = madd(s, b1, c41);
    s = v128.load32_splat(a, 20);
    c50 = madd(s, b0, c50); c51 = madd(s, b1, c51);
    a += 24; b += 32;
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
  v128.store(r4, c40); v128.store(r4, c41, 16);
  v128.store(r5, c50); v128.store(r5, c51, 16);
}

/** Scratch bytes one thread needs for gemm. */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * 8 + 64) * 4;
}

function packB(b: usize, ldb: usize, pc: i32, kc: i32, jc: i32, nc: i32, dst: usize): void {
  const strips = (nc + 7) >> 3;
  for (let p = 0; p < kc; p++) {
    const row = b + ((<usize>(pc + p)) * ldb + <usize>jc) * 4;
    for (let s = 0; s < strips; s++) {
      const d = dst + ((<usize>s * <usize>kc + <usize>p) << 5);
      const cols = min(8, nc - (s << 3));
      const src = row + (<usize>s << 5);
      if (cols == 8) {
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      } else {
        for (let c = 0; c < 8; c++) store<f32>(d + (<usize>c << 2), c < cols ? load<f32>(src + (<usize>c << 2)) : 0);
      }
    }
  }
}

function packA(a: usize, lda: usize, ic: i32, mc: i32, pc: i32, kc: i32, dst: usize): void {
  const strips = (mc + MR - 1) / MR;
  for (let s = 0; s < strips; s++) {
    const d = dst + <usize>s * <usize>kc * <usize>(MR * 4);
    for (let r = 0; r < MR; r++) {
      const row = s * MR + r;
      const src = a + ((<usize>(ic + row)) * lda + <usize>pc) * 4;
      const dr = d + (<usize>r << 2);
      if (row < mc) {
        for (let p = 0; p < kc; p++) store<f32>(dr + <usize>p * <usize>(MR * 4), load<f32>(src + (<usize>p << 2)));
      } else {
        for (let p = 0; p < kc; p++) store<f32>(dr + <usize>p * <usize>(MR * 4), 0);
      }
    }
  }
}

/** C (m×n) = A (m×k) · B (k×n); strides in elements, pointers in bytes; adds m·k·n to the multiply-add counter. */
export function gemm(
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize,
  m: i32, k: i32, n: i32, scratch: usize, counters: usize,
): void {
  if (m <= 0 || n <= 0) return;
  if (k <= 0) {
    for (let i = 0; i < m; i++) memory.fill(c + <usize>i * ldc * 4, 0, <usize>n << 2);
    return;
  }
  const pa = scratch;
  const pb = pa + (<usize>(MC * KC) << 2);
  const tmp = pb + (<usize>(KC * NC) << 2);
  const ldcB = ldc << 2;
  let mads: f64 = 0;
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b, ldb, pc, kc, jc, nc, pb);
      const mode = pc == 0 ? MK_STORE : MK_ADD;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        packA(a, lda, ic, mc, pc, kc, pa);
        for (let s = 0; s < nc; s += 8) {
          const cols = min(8, nc - s);
          const bs = pb + ((<usize>s * <usize>kc) << 2);
          for (let r = 0; r < mc; r += MR) {
            const rows = min(MR, mc - r);
            const as = pa + <usize>r * <usize>kc * 4;
            const cp = c + ((<usize>(ic + r)) * ldc + <usize>(jc + s)) * 4;
            if (rows == MR && cols == 8) {
              micro6x8(as, bs, kc, cp, ldcB, mode == MK_ADD);
            } else {
              micro6x8(as, bs, kc, tmp, 32, false);
              for (let i = 0; i < rows; i++) {
                for (let j = 0; j < cols; j++) {
                  const d = cp + <usize>i * ldcB + (<usize>j << 2);
                  const v = load<f32>(tmp + (<usize>(i * 8 + j) << 2));
                  store<f32>(d, mode == MK_STORE ? v : load<f32>(d) + v);
                }
              }
            }
            mads += <f64>rows * <f64>cols * <f64>kc;
          }
        }
      }
    }
  }
  count(counters, CNT_MADD, mads);
}

/** Columns of C a small-m GEMM keeps hot at once (m rows × this many floats stay in L1). */
const NB: i32 = 2048;

/**
 * C (m×n) = A (m×k) · B (k×n) for small m (decode: one row per sequence): no packing, so B, the weights, is
 * streamed exactly once, which is what makes decode projections bandwidth-bound as the roofline assumes.
 */
export function gemmSmall(
  a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize,
  m: i32, k: i32, n: i32, counters: usize,
): void {
  if (m <= 0 || n <= 0) return;
  for (let j0 = 0; j0 < n; j0 += NB) {
    const cols = min(NB, n - j0);
    const vec = cols & ~3;
    for (let i = 0; i < m; i++) memory.fill(c + (<usize>i * ldc + <usize>j0) * 4, 0, <usize>cols << 2);
    // Four rows of B per pass: each C vector is loaded and stored once per four B vectors, so the loop is bound
    // by streaming B (the weights), not by traffic to C.
    let p = 0;
    for (; p + 4 <= k; p += 4) {
      const b0 = b + (<usize>p * ldb + <usize>j0) * 4;
      const bstep = ldb * 4;
      for (let i = 0; i < m; i++) {
        const ap = a + (<usize>i * lda + <usize>p) * 4;
        const s0 = load<f32>(ap), s1 = load<f32>(ap, 4), s2 = load<f32>(ap, 8), s3 = load<f32>(ap, 12);
        const a0 = f32x4.splat(s0), a1 = f32x4.splat(s1), a2 = f32x4.splat(s2), a3 = f32x4.splat(s3);
        const crow = c + (<usize>i * ldc + <usize>j0) * 4;
        let j = 0;
        for (; j < vec; j += 4) {
          const o = <usize>j << 2;
          let acc = v128.load(crow + o);
          acc = madd(a0, v128.load(b0 + o), acc);
          acc = madd(a1, v128.load(b0 + bstep + o), acc);
          acc = madd(a2, v128.load(b0 + 2 * bstep + o), acc);
          acc = madd(a3, v128.load(b0 + 3 * bstep + o), acc);
          v128.store(crow + o, acc);
        }
        for (; j < cols; j++) {
          const o = <usize>j << 2;
          store<f32>(crow + o, load<f32>(crow + o) + s0 * load<f32>(b0 + o) + s1 * load<f32>(b0 + bstep + o) + s2 * load<f32>(b0 + 2 * bstep + o) + s3 * load<f32>(b0 + 3 * bstep + o));
        }
      }
    }
    for (; p < k; p++) {
      const brow = b + (<usize>p * ldb + <usize>j0) * 4;
      for (let i = 0; i < m; i++) {
        const s = load<f32>(a + (<usize>i * lda + <usize>p) * 4);
        const av = f32x4.splat(s);
        const crow = c + (<usize>i * ldc + <usize>j0) * 4;
        let j = 0;
        for (; j < vec; j += 4) {
          const o = <usize>j << 2;
          v128.store(crow + o, madd(av, v128.load(brow + o), v128.load(crow + o)));
        }
        for (; j < cols; j++) {
          const o = <usize>j << 2;
          store<f32>(crow + o, load<f32>(crow + o) + s * load<f32>(brow + o));
        }
      }
    }
  }
  count(counters, CNT_MADD, <f64>m * <f64>k * <f64>n);
}
