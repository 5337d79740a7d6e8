/**
 * GTA executed: n_q shared maps over n_k cached key heads and n_c cached latent value heads; per map the attended
 * latent is tiled e times plus latent · W_b[map] (the decoder), gated by sigmoid(x W_g + b_g) of the current token
 * (the gate can be switched off for equivalence checks), then projected by W_o.
 */
import type { GtaAttention } from '../../core/model-config.js';
import type { Backend, Buf, Counters } from '../backend.js';
import { randomArray, seeded } from '../random.js';
import { cacheView, mat, project, ropeTable, toCache, upload, view } from '../tensor.js';
import { statefulLayer, stepRows, type AttentionLayer, type LayerSize } from './layer.js';

/** GTA's dimensions: the config's own fields, plus the hidden size. */
export type GtaDims = Pick<GtaAttention, 'heads' | 'headDim' | 'queryHeads' | 'keyHeads' | 'valueHeads' | 'valueDim'> & { readonly hidden: number };

export interface GtaWeights {
  readonly wq: Float64Array;
  readonly wk: Float64Array;
  readonly wv: Float64Array;
  readonly wo: Float64Array;
  /** Decoder W_b as [n_q][d_l][H / n_q]; undefined = no learnable part (tile only). */
  readonly wb?: Float64Array | undefined;
  /** Gate projection; undefined = gate off (≡ 1). */
  readonly wg?: Float64Array | undefined;
  readonly bq?: Float64Array | undefined;
  readonly bk?: Float64Array | undefined;
  readonly bv?: Float64Array | undefined;
  readonly bg?: Float64Array | undefined;
}

/** Seeded weights with decoder, gate and biases switchable. */
export function randomGtaWeights(d: GtaDims, seed: number, parts: { decoder: boolean; gate: boolean; bias: boolean }): GtaWeights {
  const r = seeded(seed);
  const H = d.hidden;
  const s = 1 / Math.sqrt(H);
  const b = (n: number): Float64Array | undefined => (parts.bias ? randomArray(r, n, 0.1) : undefined);
  return {
    wq: randomArray(r, H * d.queryHeads * d.headDim, s),
    wk: randomArray(r, H * d.keyHeads * d.headDim, s),
    wv: randomArray(r, H * d.valueHeads * d.valueDim, s),
    wo: randomArray(r, H * H, s),
    wb: parts.decoder ? randomArray(r, H * d.valueDim, 0.02) : undefined,
    wg: parts.gate ? randomArray(r, H * H, s) : undefined,
    bq: b(d.queryHeads * d.headDim),
    bk: b(d.keyHeads * d.headDim),
    bv: b(d.valueHeads * d.valueDim),
    bg: parts.gate ? b(H) : undefined,
  };
}

/** An executable GTA layer. */
export function gtaLayer(backend: Backend, d: GtaDims, w: GtaWeights, size: LayerSize): AttentionLayer {
  const { hidden: H, headDim: dh, queryHeads: nq, keyHeads: nk, valueHeads: nc, valueDim: dl } = d;
  const { batch: B, maxTokens } = size;
  const bytes = backend.precision === 'fp64' ? 8 : 4;
  const span = H / nq; // decoder output per map (e · d_l)
  const opt = (a: Float64Array | undefined): Buf | undefined => (a === undefined ? undefined : upload(backend, a));
  const [wq, wk, wv, wo] = [w.wq, w.wk, w.wv, w.wo].map((m) => upload(backend, m)) as [Buf, Buf, Buf, Buf];
  const [wb, wg, bq, bk, bv, bg] = [w.wb, w.wg, w.bq, w.bk, w.bv, w.bg].map(opt);
  const rows = stepRows(size);
  const x = backend.alloc(rows * H);
  const q = backend.alloc(rows * nq * dh);
  const k = backend.alloc(rows * nk * dh);
  const c = backend.alloc(rows * nc * dl);
  const a = backend.alloc(rows * nq * dl);
  const u = backend.alloc(rows * H);
  const g = backend.alloc(wg === undefined ? 0 : rows * H);
  const y = backend.alloc(rows * H);
  const kCache = backend.alloc(B * maxTokens * nk * dh);
  const cCache = backend.alloc(B * maxTokens * nc * dl);
  const table = ropeTable(backend, maxTokens, dh);
  const mapToK = Int32Array.from({ length: nq }, (_, m) => Math.floor(m / (nq / nk)));
  const mapToV = Int32Array.from({ length: nq }, (_, m) => Math.floor(m / (nq / nc)));
  return statefulLayer({
    hidden: H,
    size,
    input: x,
    caches: [kCache, cCache],
    step(T, start, counters: Counters) {
      const n = B * T;
      project(backend, mat(x, 0, n, H), wq, bq, mat(q, 0, n, nq * dh), counters);
      project(backend, mat(x, 0, n, H), wk, bk, mat(k, 0, n, nk * dh), counters);
      project(backend, mat(x, 0, n, H), wv, bv, mat(c, 0, n, nc * dl), counters);
      backend.rope(view(q, 0, T * nq * dh, nq * dh, dh), B, T, nq, 0, table, start);
      backend.rope(view(k, 0, T * nk * dh, nk * dh, dh), B, T, nk, 0, table, start);
      toCache(backend, kCache, maxTokens, nk, dh, k, nk * dh, 0, B, T, start, counters, bytes);
      toCache(backend, cCache, maxTokens, nc, dl, c, nc * dl, 0, B, T, start, counters, bytes);
      backend.attend(
        {
          batch: B, queries: T, keys: start + T, maps: nq, dq: dh, dv: dl,
          q: view(q, 0, T * nq * dh, nq * dh, dh),
          k: cacheView(kCache, maxTokens, nk, dh),
          v: cacheView(cCache, maxTokens, nc, dl),
          out: view(a, 0, T * nq * dl, nq * dl, dl),
          mapToK, mapToV, scale: 1 / Math.sqrt(dh), kvBytesPerElement: bytes,
        },
        counters,
      );
      // The learnable part of the decoder, one product per map, then the fixed part: e copies of the attended latent.
      if (wb !== undefined) backend.gemmBatch(mat(a, 0, n, dl, nq * dl), mat(wb, 0, dl, span), mat(u, 0, n, span, H), nq, { a: dl, b: dl * span, c: span }, counters);
      else u.fill(0, 0, n * H);
      for (let m = 0; m < nq; m++) backend.tileAdd(mat(u, m * span, n, span, H), mat(a, m * dl, n, dl, nq * dl));
      if (wg !== undefined) {
        project(backend, mat(x, 0, n, H), wg, bg, mat(g, 0, n, H), counters);
        backend.gate(mat(u, 0, n, H), mat(g, 0, n, H));
      }
      project(backend, mat(u, 0, n, H), wo, undefined, mat(y, 0, n, H), counters);
      return y.subarray(0, n * H);
    },
  });
}
