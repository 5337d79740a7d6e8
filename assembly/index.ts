// Entry point of the kernel module: everything JS calls. Compiled twice (plain SIMD and relaxed SIMD) by
// scripts/build-wasm.mjs against one imported shared memory; no static data, so instantiating it in several
// workers never rewrites memory.
import { exp4 } from './common';

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
