/** Small element-wise helpers shared by the layers (not counted: they are not matrix products or exps). */
import type { Backend, Buf, Counters, Mat, View } from './backend.js';

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
  if (bias === undefined) return;
  for (let r = 0; r < out.rows; r++) {
    const o = out.offset + r * out.rowStride;
    for (let c = 0; c < out.cols; c++) out.data[o + c]! += bias[c]!;
  }
}

/**
 * Rotate-half RoPE (θ = 10000) in place on `dim` elements at `at` within each of `heads` heads of every token;
 * token t of each sequence sits at position start + t. Element j pairs with j + dim/2.
 */
export function rope(buf: Buf, v: View, batch: number, tokens: number, heads: number, at: number, dim: number, start: number): void {
  const half = Math.floor(dim / 2);
  // One table of cos and sin per (token, frequency), shared by every sequence and head.
  const cos = new Float64Array(tokens * half);
  const sin = new Float64Array(tokens * half);
  for (let t = 0; t < tokens; t++) {
    for (let j = 0; j < half; j++) {
      const angle = (start + t) * Math.pow(10000, (-2 * j) / dim);
      cos[t * half + j] = Math.cos(angle);
      sin[t * half + j] = Math.sin(angle);
    }
  }
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < tokens; t++) {
      for (let h = 0; h < heads; h++) {
        const base = v.offset + b * v.batchStride + t * v.tokenStride + h * v.headStride + at;
        for (let j = 0; j < half; j++) {
          const c = cos[t * half + j]!;
          const s = sin[t * half + j]!;
          const x1 = buf[base + j]!;
          const x2 = buf[base + j + half]!;
          buf[base + j] = x1 * c - x2 * s;
          buf[base + j + half] = x2 * c + x1 * s;
        }
      }
    }
  }
}

/** RMSNorm (ε = 1e-6) with a scale vector, in place over `dim` elements at `at` of each row. */
export function rmsNorm(buf: Buf, rows: number, rowStride: number, at: number, dim: number, scale: ArrayLike<number>): void {
  for (let r = 0; r < rows; r++) {
    const o = r * rowStride + at;
    let ss = 0;
    for (let e = 0; e < dim; e++) ss += buf[o + e]! * buf[o + e]!;
    const inv = 1 / Math.sqrt(ss / dim + 1e-6);
    for (let e = 0; e < dim; e++) buf[o + e] = buf[o + e]! * inv * scale[e]!;
  }
}

/**
 * Appends `tokens` tokens per sequence to a head-major cache [batch][head][maxTokens][dim] at position `start`,
 * from rows of `src` holding `heads` × `dim` elements at `srcAt`. Head-major keeps each head's keys contiguous, so
 * decode streams them sequentially.
 */
export function toCache(cache: Buf, maxTokens: number, heads: number, dim: number, src: Buf, srcRowStride: number, srcAt: number, batch: number, tokens: number, start: number, counters: Counters, bytes: number): void {
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < tokens; t++) {
      const from = (b * tokens + t) * srcRowStride + srcAt;
      for (let h = 0; h < heads; h++) {
        const to = ((b * heads + h) * maxTokens + start + t) * dim;
        for (let e = 0; e < dim; e++) cache[to + e] = src[from + h * dim + e]!;
      }
      counters.kvBytesWritten += heads * dim * bytes;
    }
  }
}

/** A view of a head-major cache [batch][head][maxTokens][dim]. */
export function cacheView(cache: Buf, maxTokens: number, heads: number, dim: number): View {
  return view(cache, 0, heads * maxTokens * dim, dim, maxTokens * dim);
}
