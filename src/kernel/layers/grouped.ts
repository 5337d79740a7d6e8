/** MHA and GQA executed: q/k/v projections, rotate-half RoPE, cache append, causal attention, output projection. */
import type { GqaAttention } from '../../core/model-config.js';
import type { Backend, Buf, Counters } from '../backend.js';
import { randomArray, seeded } from '../random.js';
import { cacheView, mat, project, ropeTable, toCache, upload, view } from '../tensor.js';
import { statefulLayer, stepRows, type AttentionLayer, type LayerSize } from './layer.js';

/** MHA/GQA dimensions: GQA's config fields (MHA when kvHeads = heads), plus the hidden size. */
export type GroupedDims = Pick<GqaAttention, 'heads' | 'kvHeads' | 'headDim'> & { readonly hidden: number };

/** Weights as y = x · W, row-major [in][out]; biases optional. */
export interface GroupedWeights {
  readonly wq: Float64Array;
  readonly wk: Float64Array;
  readonly wv: Float64Array;
  readonly wo: Float64Array;
  readonly bq?: Float64Array | undefined;
  readonly bk?: Float64Array | undefined;
  readonly bv?: Float64Array | undefined;
  readonly bo?: Float64Array | undefined;
}

/** Seeded weights scaled by 1/√fan-in, with biases when asked. */
export function randomGroupedWeights(d: GroupedDims, seed: number, bias: { qkv: boolean; out: boolean }): GroupedWeights {
  const r = seeded(seed);
  const qw = d.heads * d.headDim;
  const kw = d.kvHeads * d.headDim;
  const s = 1 / Math.sqrt(d.hidden);
  return {
    wq: randomArray(r, d.hidden * qw, s),
    wk: randomArray(r, d.hidden * kw, s),
    wv: randomArray(r, d.hidden * kw, s),
    wo: randomArray(r, qw * d.hidden, 1 / Math.sqrt(qw)),
    bq: bias.qkv ? randomArray(r, qw, 0.1) : undefined,
    bk: bias.qkv ? randomArray(r, kw, 0.1) : undefined,
    bv: bias.qkv ? randomArray(r, kw, 0.1) : undefined,
    bo: bias.out ? randomArray(r, d.hidden, 0.1) : undefined,
  };
}

const opt = (backend: Backend, b: Float64Array | undefined): Buf | undefined => (b === undefined ? undefined : upload(backend, b));

/** An executable MHA/GQA layer (MHA when kvHeads = heads). */
export function groupedLayer(backend: Backend, d: GroupedDims, weights: GroupedWeights, size: LayerSize): AttentionLayer {
  const { hidden: H, heads, kvHeads, headDim: dh } = d;
  const { batch: B, maxTokens } = size;
  const bytes = backend.precision === 'fp64' ? 8 : 4;
  const [wq, wk, wv, wo] = [weights.wq, weights.wk, weights.wv, weights.wo].map((w) => upload(backend, w)) as [Buf, Buf, Buf, Buf];
  const [bq, bk, bv, bo] = [weights.bq, weights.bk, weights.bv, weights.bo].map((b) => opt(backend, b));
  const qw = heads * dh;
  const kw = kvHeads * dh;
  const rows = stepRows(size);
  const x = backend.alloc(rows * H);
  const q = backend.alloc(rows * qw);
  const k = backend.alloc(rows * kw);
  const v = backend.alloc(rows * kw);
  const attn = backend.alloc(rows * qw);
  const y = backend.alloc(rows * H);
  const kCache = backend.alloc(B * maxTokens * kw);
  const vCache = backend.alloc(B * maxTokens * kw);
  const table = ropeTable(backend, maxTokens, dh);
  const group = heads / kvHeads;
  const mapToKv = Int32Array.from({ length: heads }, (_, h) => Math.floor(h / group));
  return statefulLayer({
    hidden: H,
    size,
    input: x,
    caches: [kCache, vCache],
    step(T, start, counters: Counters) {
      const n = B * T;
      project(backend, mat(x, 0, n, H), wq, bq, mat(q, 0, n, qw), counters);
      project(backend, mat(x, 0, n, H), wk, bk, mat(k, 0, n, kw), counters);
      project(backend, mat(x, 0, n, H), wv, bv, mat(v, 0, n, kw), counters);
      backend.rope(view(q, 0, T * qw, qw, dh), B, T, heads, 0, table, start);
      backend.rope(view(k, 0, T * kw, kw, dh), B, T, kvHeads, 0, table, start);
      toCache(backend, kCache, maxTokens, kvHeads, dh, k, kw, 0, B, T, start, counters, bytes);
      toCache(backend, vCache, maxTokens, kvHeads, dh, v, kw, 0, B, T, start, counters, bytes);
      backend.attend(
        {
          batch: B, queries: T, keys: start + T, maps: heads, dq: dh, dv: dh,
          q: view(q, 0, T * qw, qw, dh),
          k: cacheView(kCache, maxTokens, kvHeads, dh),
          v: cacheView(vCache, maxTokens, kvHeads, dh),
          out: view(attn, 0, T * qw, qw, dh),
          mapToK: mapToKv, mapToV: mapToKv, scale: 1 / Math.sqrt(dh), kvBytesPerElement: bytes,
        },
        counters,
      );
      project(backend, mat(attn, 0, n, qw), wo, bo, mat(y, 0, n, H), counters);
      return y.subarray(0, n * H);
    },
  });
}
