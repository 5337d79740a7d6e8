// Shared SIMD building blocks: fused (or plain) multiply-add, a vectorised exp, and the 4×8 micro-kernel the
// attention products run on (the GEMM has its own 6×8 one). Pointers are byte addresses into the one shared memory.

/** a·b + c per lane: a true FMA in the relaxed-SIMD build, mul then add otherwise (folded at compile time). */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** Per-thread counters (f64 slots) written by the kernels' loops and summed in JS. */
export const CNT_MADD: usize = 0;
export const CNT_EXP: usize = 8;
export const CNT_KELEMS: usize = 16;
export const CNT_VELEMS: usize = 24;

/** Adds `x` to the f64 counter at `counters + slot`. */
// @ts-ignore: decorator
@inline export function count(counters: usize, slot: usize, x: f64): void {
  store<f64>(counters + slot, load<f64>(counters + slot) + x);
}

/** Address of the exp constant table in page 0 (the module has no static data of its own). */
const EXPK: usize = 1024;

/** Writes the exp constants; run once per instantiation (identical bytes, so concurrent writers are harmless). */
export function initConstants(): void {
  store<f32>(EXPK, 1.44269504088896341); store<f32>(EXPK, 12582912.0, 4);
  store<f32>(EXPK, -0.693359375, 8); store<f32>(EXPK, 2.12194440e-4, 12);
  store<f32>(EXPK, 1.9875691500e-4, 16); store<f32>(EXPK, 1.3981999507e-3, 20);
  store<f32>(EXPK, 8.3334519073e-3, 24); store<f32>(EXPK, 4.1665795894e-2, 28);
  store<f32>(EXPK, 1.6666665459e-1, 32); store<f32>(EXPK, 5.0000001201e-1, 36);
  store<f32>(EXPK, 1.0, 40); store<i32>(EXPK, 127, 44); store<f32>(EXPK, -87.3, 48);
}

// V8 rebuilds every v128 constant with several instructions each time it is used; a broadcast load from the
// table is one instruction and made exp about 1.5× faster.
// @ts-ignore: decorator
@inline function k(i: usize): v128 { return v128.load32_splat(EXPK + (i << 2)); }

/**
 * e^x for four lanes, x ≤ 88: round-to-nearest n = x·log2e via the 1.5·2^23 trick (whose bits also give 2^n),
 * r = x − n·ln2 with ln2 split in two so r stays exact, a degree-6 Cephes polynomial for e^r (about 1 ulp).
 * Lanes below −87.3 (including −∞ from masking, and NaN) return exactly 0 so masked keys contribute nothing.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  const t = madd(x, k(0), k(1));
  const n = f32x4.sub(t, k(1));
  let r = madd(n, k(2), x);
  r = madd(n, k(3), r);
  let p = madd(k(4), r, k(5));
  p = madd(p, r, k(6));
  p = madd(p, r, k(7));
  p = madd(p, r, k(8));
  p = madd(p, r, k(9));
  const y = f32x4.add(madd(p, f32x4.mul(r, r), r), k(10));
  const scale = i32x4.shl(i32x4.add(t, k(11)), 23);
  return v128.and(f32x4.mul(y, scale), f32x4.ge(x, k(12)));
}

/** Micro-kernel modes: overwrite C, add to C, or scale each row of C by alpha[r] then add. */
export const MK_STORE: i32 = 0;
export const MK_ADD: i32 = 1;
export const MK_SCALE: i32 = 2;

/**
 * C[4×8] (op)= A[4×kLen] · B[kLen×8]. A is packed in 4-row strips: A(r, p) is the f32 at a + 4r + p·aStepP (a K
 * block packed by packK, or four query columns of a score tile), so one pointer walks it; B row p is the 8 floats
 * at b + p·bStepP; C rows are ldc bytes apart. Eight f32x4 accumulators; unrolling the loop made V8 spill them.
 */
export function micro4x8(
  a: usize, aStepP: usize, b: usize, bStepP: usize, kLen: i32,
  c: usize, ldc: usize, mode: i32, alpha: usize,
): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
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
    a += aStepP; b += bStepP;
  }
  const r1 = c + ldc, r2 = c + 2 * ldc, r3 = c + 3 * ldc;
  if (mode == MK_ADD) {
    c00 = f32x4.add(c00, v128.load(c)); c01 = f32x4.add(c01, v128.load(c, 16));
    c10 = f32x4.add(c10, v128.load(r1)); c11 = f32x4.add(c11, v128.load(r1, 16));
    c20 = f32x4.add(c20, v128.load(r2)); c21 = f32x4.add(c21, v128.load(r2, 16));
    c30 = f32x4.add(c30, v128.load(r3)); c31 = f32x4.add(c31, v128.load(r3, 16));
  } else if (mode == MK_SCALE) {
    let s = v128.load32_splat(alpha);
    c00 = madd(v128.load(c), s, c00); c01 = madd(v128.load(c, 16), s, c01);
    s = v128.load32_splat(alpha, 4);
    c10 = madd(v128.load(r1), s, c10); c11 = madd(v128.load(r1, 16), s, c11);
    s = v128.load32_splat(alpha, 8);
    c20 = madd(v128.load(r2), s, c20); c21 = madd(v128.load(r2, 16), s, c21);
    s = v128.load32_splat(alpha, 12);
    c30 = madd(v128.load(r3), s, c30); c31 = madd(v128.load(r3, 16), s, c31);
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(r1, c10); v128.store(r1, c11, 16);
  v128.store(r2, c20); v128.store(r2, c21, 16);
  v128.store(r3, c30); v128.store(r3, c31, 16);
}

/** Horizontal sum of four lanes. */
// @ts-ignore: decorator
@inline export function hsum(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
