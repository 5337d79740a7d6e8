/** Views and the small steps the layers share, built on a backend's primitives. */
import type { Backend, Buf, Counters, Mat, RopeTable, View } from './backend.js';

/** A row-major matrix view. */
export function mat(data: Buf, offset: number, rows: number, cols: number, rowStride = cols): Mat {
  return { data, offset, rows, cols, rowStride };
}

/** A [batch][token][head][element] view. */
export function view(data: Buf, offset: number, batchStride: number, tokenStride: number, headStride: number): View {
  return { data, offset, batchStride, tokenStride, headStride };
}

/** Copies values into a new buffer of the backend's storage. */
export function upload(backend: Backend, values: ArrayLike<number>): Buf {
  const buf = backend.alloc(values.length);
  buf.set(values);
  return buf;
}

/** out = x · W (+ bias per column), for `rows` rows of x. */
export function project(backend: Backend, x: Mat, w: Buf, bias: Buf | undefined, out: Mat, counters: Counters): void {
  backend.gemm(x, mat(w, 0, x.cols, out.cols), out, counters);
  if (bias !== undefined) backend.addBias(out, bias);
}

/**
 * The rotate-half RoPE table (θ = 10000) for positions 0 … positions − 1 and `dim` rotated elements: computed once
 * in float64 when a layer is built, stored in the backend's precision.
 */
export function ropeTable(backend: Backend, positions: number, dim: number): RopeTable {
  const half = Math.floor(dim / 2);
  const cos = backend.alloc(positions * half);
  const sin = backend.alloc(positions * half);
  for (let j = 0; j < half; j++) {
    const freq = Math.pow(10000, (-2 * j) / dim);
    for (let p = 0; p < positions; p++) {
      cos[p * half + j] = Math.cos(p * freq);
      sin[p * half + j] = Math.sin(p * freq);
    }
  }
  return { cos, sin, dim, half, positions };
}

/**
 * Appends `tokens` tokens per sequence to a head-major cache [batch][head][maxTokens][dim] at position `start`,
 * from rows of `src` holding `heads` × `dim` elements at `srcAt`. Head-major keeps each head's keys contiguous, so
 * decode streams them sequentially.
 */
export function toCache(backend: Backend, cache: Buf, maxTokens: number, heads: number, dim: number, src: Buf, srcRowStride: number, srcAt: number, batch: number, tokens: number, start: number, counters: Counters, bytes: number): void {
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      backend.copy(mat(cache, ((b * heads + h) * maxTokens + start) * dim, tokens, dim), mat(src, b * tokens * srcRowStride + srcAt + h * dim, tokens, dim, srcRowStride));
    }
  }
  counters.kvBytesWritten += batch * tokens * heads * dim * bytes;
}

/** A view of a head-major cache [batch][head][maxTokens][dim]. */
export function cacheView(cache: Buf, maxTokens: number, heads: number, dim: number): View {
  return view(cache, 0, heads * maxTokens * dim, dim, maxTokens * dim);
}
