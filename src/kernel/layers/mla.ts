/**
 * MLA executed with the cache in latent form (d_c + d_r per token). Naive: decompress per-head keys and values from
 * the latent for every attended key. Absorbed: fold W_UK into the query and apply W_UV after attention, so every
 * head attends the latent rows directly (values are the first d_c elements of each latent row).
 */
import type { MlaAttention } from '../../core/model-config.js';
import type { Backend, Buf, Counters } from '../backend.js';
import { randomArray, seeded } from '../random.js';
import { mat, project, ropeTable, toCache, upload, view } from '../tensor.js';
import { statefulLayer, stepRows, type AttentionLayer, type LayerSize } from './layer.js';

/** MLA's dimensions: the config's own fields, plus the hidden size. */
export type MlaDims = Omit<MlaAttention, 'kind'> & { readonly hidden: number };

export interface MlaWeights {
  readonly wq?: Float64Array | undefined;
  readonly wqa?: Float64Array | undefined;
  readonly qNorm?: Float64Array | undefined;
  readonly wqb?: Float64Array | undefined;
  readonly wkva: Float64Array;
  readonly kvNorm: Float64Array;
  /** [d_c][n_h · (d_n + d_v)]: per head, d_n key columns then d_v value columns. */
  readonly wkvb: Float64Array;
  readonly wo: Float64Array;
}

/** Seeded weights. */
export function randomMlaWeights(d: MlaDims, seed: number): MlaWeights {
  const r = seeded(seed);
  const qd = d.heads * (d.qkNopeHeadDim + d.qkRopeHeadDim);
  const s = 1 / Math.sqrt(d.hidden);
  const lora = d.qLoraRank > 0;
  return {
    wq: lora ? undefined : randomArray(r, d.hidden * qd, s),
    wqa: lora ? randomArray(r, d.hidden * d.qLoraRank, s) : undefined,
    qNorm: lora ? Float64Array.from(randomArray(r, d.qLoraRank, 0.2), (x) => 1 + x) : undefined,
    wqb: lora ? randomArray(r, d.qLoraRank * qd, 1 / Math.sqrt(d.qLoraRank)) : undefined,
    wkva: randomArray(r, d.hidden * (d.kvLoraRank + d.qkRopeHeadDim), s),
    kvNorm: Float64Array.from(randomArray(r, d.kvLoraRank, 0.2), (x) => 1 + x),
    wkvb: randomArray(r, d.kvLoraRank * d.heads * (d.qkNopeHeadDim + d.vHeadDim), 1 / Math.sqrt(d.kvLoraRank)),
    wo: randomArray(r, d.heads * d.vHeadDim * d.hidden, 1 / Math.sqrt(d.heads * d.vHeadDim)),
  };
}

/** An executable MLA layer in the given mode. */
export function mlaLayer(backend: Backend, d: MlaDims, w: MlaWeights, size: LayerSize, mode: 'naive' | 'absorbed'): AttentionLayer {
  const { hidden: H, heads: nh, qLoraRank: rq, kvLoraRank: dc, qkNopeHeadDim: dn, qkRopeHeadDim: dr, vHeadDim: dv } = d;
  const { batch: B, maxTokens } = size;
  const bytes = backend.precision === 'fp64' ? 8 : 4;
  const qd = dn + dr;
  const lw = dc + dr;
  const kvbw = nh * (dn + dv);
  const rows = stepRows(size);
  const need = (a: Float64Array | undefined): Buf => {
    if (a === undefined) throw new Error('internal: MLA weights do not match the query rank');
    return upload(backend, a);
  };
  const wq = rq === 0 ? need(w.wq) : undefined;
  const wqa = rq > 0 ? need(w.wqa) : undefined;
  const wqb = rq > 0 ? need(w.wqb) : undefined;
  const wkva = upload(backend, w.wkva);
  const wkvb = upload(backend, w.wkvb);
  const wo = upload(backend, w.wo);
  // W_UK[h]ᵀ (d_n × d_c) per head, for absorbing the key up-projection into the query.
  const wukT = backend.alloc(nh * dn * dc);
  for (let h = 0; h < nh; h++) for (let e = 0; e < dn; e++) for (let c = 0; c < dc; c++) wukT[(h * dn + e) * dc + c] = w.wkvb[c * kvbw + h * (dn + dv) + e]!;
  // W_UV[h] (d_c × d_v) per head, contiguous, for the absorbed value product: as a column slice of W_kv_b its rows
  // lie (d_n + d_v)·n_h elements apart, and a decode step read them at a third of the contiguous copy's speed.
  const wuv = backend.alloc(mode === 'absorbed' ? nh * dc * dv : 0);
  if (mode === 'absorbed') for (let h = 0; h < nh; h++) for (let c = 0; c < dc; c++) for (let e = 0; e < dv; e++) wuv[(h * dc + c) * dv + e] = w.wkvb[c * kvbw + h * (dn + dv) + dn + e]!;
  const x = backend.alloc(rows * H);
  const qa = backend.alloc(rq > 0 ? rows * rq : 0);
  const q = backend.alloc(rows * nh * qd);
  const kv = backend.alloc(rows * lw);
  const latent = backend.alloc(B * maxTokens * lw);
  const qt = backend.alloc(mode === 'absorbed' ? rows * nh * lw : 0);
  const lat = backend.alloc(mode === 'absorbed' ? rows * nh * dc : 0);
  const kvb = backend.alloc(mode === 'naive' ? B * maxTokens * kvbw : 0);
  const kfull = backend.alloc(mode === 'naive' ? B * maxTokens * nh * qd : 0);
  const o = backend.alloc(rows * nh * dv);
  const y = backend.alloc(rows * H);
  const table = ropeTable(backend, maxTokens, dr);
  const qNorm = w.qNorm === undefined ? undefined : upload(backend, w.qNorm);
  const kvNorm = upload(backend, w.kvNorm);
  const identity = Int32Array.from({ length: nh }, (_, h) => h);
  const zeros = new Int32Array(nh);

  function naive(T: number, K: number, counters: Counters): void {
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < K; j++) counters.kvBytesRead += dc * bytes; // the latent rows the decompression reads
      backend.gemm(mat(latent, b * maxTokens * lw, K, dc, lw), mat(wkvb, 0, dc, kvbw), mat(kvb, b * maxTokens * kvbw, K, kvbw), counters);
      counters.kvBytesRead += K * dr * bytes; // the shared RoPE key, read once per key
      // Per head, its decompressed key part, then the shared RoPE key, for all K keys.
      const row = b * maxTokens;
      // Rows (key, head) are evenly spaced in both kfull (q_d apart) and kvb (d_n + d_v apart): one copy.
      backend.copy(mat(kfull, row * nh * qd, K * nh, dn, qd), mat(kvb, row * kvbw, K * nh, dn, dn + dv));
      for (let h = 0; h < nh; h++) backend.copy(mat(kfull, row * nh * qd + h * qd + dn, K, dr, nh * qd), mat(latent, row * lw + dc, K, dr, lw));
    }
    backend.attend(
      {
        batch: B, queries: T, keys: K, maps: nh, dq: qd, dv,
        q: view(q, 0, T * nh * qd, nh * qd, qd),
        k: view(kfull, 0, maxTokens * nh * qd, nh * qd, qd),
        v: view(kvb, dn, maxTokens * kvbw, kvbw, dn + dv),
        out: view(o, 0, T * nh * dv, nh * dv, dv),
        mapToK: identity, mapToV: identity, scale: 1 / Math.sqrt(qd), kvBytesPerElement: 0,
      },
      counters,
    );
  }

  function absorbed(T: number, K: number, counters: Counters): void {
    const n = B * T;
    backend.gemmBatch(mat(q, 0, n, dn, nh * qd), mat(wukT, 0, dn, dc), mat(qt, 0, n, dc, nh * lw), nh, { a: qd, b: dn * dc, c: lw }, counters);
    // The RoPE part of every (token, head) query row, as one copy over n · n_h rows.
    backend.copy(mat(qt, dc, n * nh, dr, lw), mat(q, dn, n * nh, dr, qd));
    backend.attend(
      {
        batch: B, queries: T, keys: K, maps: nh, dq: lw, dv: dc,
        q: view(qt, 0, T * nh * lw, nh * lw, lw),
        k: view(latent, 0, maxTokens * lw, lw, 0),
        v: view(latent, 0, maxTokens * lw, lw, 0),
        out: view(lat, 0, T * nh * dc, nh * dc, dc),
        mapToK: zeros, mapToV: zeros, scale: 1 / Math.sqrt(qd), kvBytesPerElement: bytes,
      },
      counters,
    );
    backend.gemmBatch(mat(lat, 0, n, dc, nh * dc), mat(wuv, 0, dc, dv), mat(o, 0, n, dv, nh * dv), nh, { a: dc, b: dc * dv, c: dv }, counters);
  }

  return statefulLayer({
    hidden: H,
    size,
    input: x,
    caches: [latent],
    step(T, start, counters) {
      const n = B * T;
      if (wq !== undefined) project(backend, mat(x, 0, n, H), wq, undefined, mat(q, 0, n, nh * qd), counters);
      else if (wqa !== undefined && wqb !== undefined && qNorm !== undefined) {
        project(backend, mat(x, 0, n, H), wqa, undefined, mat(qa, 0, n, rq), counters);
        backend.rmsNorm(mat(qa, 0, n, rq), qNorm);
        project(backend, mat(qa, 0, n, rq), wqb, undefined, mat(q, 0, n, nh * qd), counters);
      }
      project(backend, mat(x, 0, n, H), wkva, undefined, mat(kv, 0, n, lw), counters);
      backend.rmsNorm(mat(kv, 0, n, dc, lw), kvNorm);
      backend.rope(view(kv, 0, T * lw, lw, 0), B, T, 1, dc, table, start);
      backend.rope(view(q, 0, T * nh * qd, nh * qd, qd), B, T, nh, dn, table, start);
      toCache(backend, latent, maxTokens, 1, lw, kv, lw, 0, B, T, start, counters, bytes);
      if (mode === 'naive') naive(T, start + T, counters);
      else absorbed(T, start + T, counters);
      project(backend, mat(o, 0, n, nh * dv), wo, undefined, mat(y, 0, n, H), counters);
      return y.subarray(0, n * H);
    },
  });
}
