// Entry point of the kernel module: everything JS calls. Compiled twice (plain SIMD and relaxed SIMD) by
// scripts/build-wasm.mjs against one imported shared memory; no static data, so instantiating it in several
// workers never rewrites memory.
import { exp4, madd } from './common';

export { initConstants } from './common';

export { gemm, gemmScratchBytes, gemmSmall } from './gemm';
export { attendItem, attendMerge, attendScratchBytes } from './attend';
export { accumulate, addBias, copy2d, gate, rmsNorm, rope, tileAdd } from './elementwise';

/** Sums `bytes` bytes (a multiple of 16) at ptr as f32x4 with four accumulators: the streaming-read probe. */
export function sumRead(ptr: usize, bytes: i32): f32 {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  const end = ptr + <usize>bytes;
  let p = ptr;
  for (; p + 64 <= end; p += 64) {
    a0 = f32x4.add(a0, v128.load(p));
    a1 = f32x4.add(a1, v128.load(p, 16));
    a2 = f32x4.add(a2, v128.load(p, 32));
    a3 = f32x4.add(a3, v128.load(p, 48));
  }
  for (; p + 16 <= end; p += 16) a0 = f32x4.add(a0, v128.load(p));
  const s = f32x4.add(f32x4.add(a0, a1), f32x4.add(a2, a3));
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3);
}

/** dst[i] = e^src[i] for n floats (n a multiple of 4): the exp-throughput probe and the exp accuracy check. */
export function expRange(src: usize, dst: usize, n: i32): void {
  for (let i = 0; i < n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dst + o, exp4(v128.load(src + o)));
  }
}

/**
 * The machine's multiply-add ceiling for this build: `iters` steps of twelve independent f32x4 multiply-adds on
 * registers only (no memory traffic, enough chains to cover the FMA latency), 96 FLOPs per step. Returns a lane of
 * the result so the work cannot be optimised away. Used by bench/kernels.mjs to show how far a kernel is from it.
 */
export function fmaPeak(iters: i32, seed: f32): f32 {
  const x = f32x4.splat(seed), y = f32x4.splat(0.999);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(1), c2 = f32x4.splat(2), c3 = f32x4.splat(3);
  let c4 = f32x4.splat(4), c5 = f32x4.splat(5), c6 = f32x4.splat(6), c7 = f32x4.splat(7);
  let c8 = f32x4.splat(8), c9 = f32x4.splat(9), c10 = f32x4.splat(10), c11 = f32x4.splat(11);
  for (let i = 0; i < iters; i++) {
    c0 = madd(x, y, c0); c1 = madd(x, y, c1); c2 = madd(x, y, c2); c3 = madd(x, y, c3);
    c4 = madd(x, y, c4); c5 = madd(x, y, c5); c6 = madd(x, y, c6); c7 = madd(x, y, c7);
    c8 = madd(x, y, c8); c9 = madd(x, y, c9); c10 = madd(x, y, c10); c11 = madd(x, y, c11);
  }
  const s = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(c0, c1), f32x4.add(c2, c3)), f32x4.add(f32x4.add(c4, c5), f32x4.add(c6, c7))),
    f32x4.add(f32x4.add(c8, c9), f32x4.add(c10, c11)));
  return f32x4.extract_lane(s, 0);
}
