/**
 * The float64 reference backend: plain loops, the numerical reference for every other backend. Attention runs in
 * the unfused order of the `exact` cost model: each key row, then each value row, is loaded once per sequence and
 * head, scores are materialised, so its counted KV bytes equal the model's unfused attention operators.
 */
import { type AttendArgs, type Backend, type BatchStrides, type Counters, type Mat, nth } from './backend.js';
import { jsElementwise } from './elementwise.js';

function gemm(a: Mat, b: Mat, c: Mat, counters: Counters): void {
  const { rows: m, cols: k } = a;
  const n = b.cols;
  const A = a.data;
  const Bd = b.data;
  const C = c.data;
  for (let i = 0; i < m; i++) {
    const ci = c.offset + i * c.rowStride;
    for (let j = 0; j < n; j++) C[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const aip = A[a.offset + i * a.rowStride + p]!;
      const bp = b.offset + p * b.rowStride;
      for (let j = 0; j < n; j++) C[ci + j]! += aip * Bd[bp + j]!;
      counters.multiplyAdds += n;
    }
  }
}

function gemmBatch(a: Mat, b: Mat, c: Mat, count: number, s: BatchStrides, counters: Counters): void {
  for (let i = 0; i < count; i++) gemm(nth(a, i, s.a), nth(b, i, s.b), nth(c, i, s.c), counters);
}

function attend(x: AttendArgs, counters: Counters): void {
  const { batch, queries: T, keys: K, maps, dq, dv, q, k, v, out } = x;
  const past = K - T;
  const scores = new Float64Array(maps * T * K);
  const heads = (map: Int32Array): number => map.reduce((h, x) => Math.max(h, x + 1), 0);
  for (let b = 0; b < batch; b++) {
    scores.fill(0);
    for (let h = 0; h < heads(x.mapToK); h++) {
      for (let j = 0; j < K; j++) {
        const kr = k.offset + b * k.batchStride + j * k.tokenStride + h * k.headStride;
        counters.kvBytesRead += dq * x.kvBytesPerElement;
        for (let m = 0; m < maps; m++) {
          if (x.mapToK[m] !== h) continue;
          for (let i = Math.max(0, j - past); i < T; i++) {
            const qr = q.offset + b * q.batchStride + i * q.tokenStride + m * q.headStride;
            let dot = 0;
            for (let e = 0; e < dq; e++) dot += q.data[qr + e]! * k.data[kr + e]!;
            counters.multiplyAdds += dq;
            scores[(m * T + i) * K + j] = dot * x.scale;
          }
        }
      }
    }
    for (let m = 0; m < maps; m++) {
      for (let i = 0; i < T; i++) {
        const row = (m * T + i) * K;
        const visible = past + i + 1;
        let max = -Infinity;
        for (let j = 0; j < visible; j++) max = Math.max(max, scores[row + j]!);
        let total = 0;
        for (let j = 0; j < visible; j++) {
          const e = Math.exp(scores[row + j]! - max);
          counters.expEvaluations++;
          scores[row + j] = e;
          total += e;
        }
        for (let j = 0; j < visible; j++) scores[row + j]! /= total;
        const orow = out.offset + b * out.batchStride + i * out.tokenStride + m * out.headStride;
        for (let e = 0; e < dv; e++) out.data[orow + e] = 0;
      }
    }
    for (let h = 0; h < heads(x.mapToV); h++) {
      for (let j = 0; j < K; j++) {
        const vr = v.offset + b * v.batchStride + j * v.tokenStride + h * v.headStride;
        counters.kvBytesRead += dv * x.kvBytesPerElement;
        for (let m = 0; m < maps; m++) {
          if (x.mapToV[m] !== h) continue;
          for (let i = Math.max(0, j - past); i < T; i++) {
            const p = scores[(m * T + i) * K + j]!;
            const orow = out.offset + b * out.batchStride + i * out.tokenStride + m * out.headStride;
            for (let e = 0; e < dv; e++) out.data[orow + e]! += p * v.data[vr + e]!;
            counters.multiplyAdds += dv;
          }
        }
      }
    }
  }
}

/** The float64 reference backend. */
export function createReferenceBackend(): Backend {
  return { name: 'reference-fp64', precision: 'fp64', alloc: (n) => new Float64Array(n), gemm, gemmBatch, attend, ...jsElementwise, dispose: () => undefined };
}
