/** spec/attention.md §7, numerically, in float64 (relative error ≤ 1e-12). */
import { describe, expect, it } from 'vitest';
import { newCounters } from '../../src/kernel/backend.js';
import { groupedLayer, randomGroupedWeights, type GroupedWeights } from '../../src/kernel/layers/grouped.js';
import { gtaLayer, randomGtaWeights, type GtaDims } from '../../src/kernel/layers/gta.js';
import { createLayer } from '../../src/kernel/layers/index.js';
import { mlaLayer, randomMlaWeights } from '../../src/kernel/layers/mla.js';
import { createReferenceBackend } from '../../src/kernel/reference-backend.js';
import { mat, project, ropeTable, view } from '../../src/kernel/tensor.js';
import { modelWith } from '../helpers/models.js';
import { appendToken, inputs, prefillThenDecode, relError, tokenRows } from '../helpers/kernel.js';

const ref = createReferenceBackend();
const SIZE = { batch: 2, maxTokens: 8 };
const S = 7;
const TOL = 1e-12;

describe('E2: GQA(n_kv) is MHA with each K/V head block repeated g times', () => {
  it('prefill and decode agree', () => {
    const H = 24;
    const gqaDims = { hidden: H, heads: 6, kvHeads: 2, headDim: 4 };
    const w = randomGroupedWeights(gqaDims, 5, { qkv: true, out: true });
    const repeat = (m: Float64Array | undefined, rows: number): Float64Array | undefined => {
      if (m === undefined) return undefined;
      const out = new Float64Array(rows * 24);
      for (let r = 0; r < rows; r++) for (let h = 0; h < 6; h++) for (let e = 0; e < 4; e++) out[r * 24 + h * 4 + e] = m[r * 8 + Math.floor(h / 3) * 4 + e]!;
      return out;
    };
    const mhaW: GroupedWeights = { ...w, wk: repeat(w.wk, H)!, wv: repeat(w.wv, H)!, bk: repeat(w.bk, 1), bv: repeat(w.bv, 1) };
    const x = inputs(1, 2, S, H);
    const next = inputs(2, 2, 1, H);
    const a = prefillThenDecode(groupedLayer(ref, gqaDims, w, SIZE), x, S, next);
    const b = prefillThenDecode(groupedLayer(ref, { ...gqaDims, kvHeads: 6 }, mhaW, SIZE), x, S, next);
    expect(relError(a.prefill, b.prefill)).toBeLessThanOrEqual(TOL);
    expect(relError(a.decode, b.decode)).toBeLessThanOrEqual(TOL);
  });
});

describe('E1: GQA with n_kv = n_h is MHA', () => {
  it('same weights, same outputs', () => {
    const mha = modelWith({ kind: 'mha', heads: 4, headDim: 5, qkvBias: true, outBias: false }, 20);
    const gqa = modelWith({ kind: 'gqa', heads: 4, kvHeads: 4, headDim: 5, qkvBias: true, outBias: false }, 20);
    const x = inputs(3, 2, S, 20);
    const next = inputs(4, 2, 1, 20);
    const a = prefillThenDecode(createLayer(mha, ref, { ...SIZE, seed: 8, mla: 'absorbed' }), x, S, next);
    const b = prefillThenDecode(createLayer(gqa, ref, { ...SIZE, seed: 8, mla: 'absorbed' }), x, S, next);
    expect(relError(a.prefill, b.prefill)).toBeLessThanOrEqual(TOL);
    expect(relError(a.decode, b.decode)).toBeLessThanOrEqual(TOL);
  });
});

describe('E4: MLA absorbed is MLA naive (same weights, RoPE on d_r only, kv RMSNorm on)', () => {
  it.each([0, 10])('q_lora_rank %i', (qLoraRank) => {
    const d = { hidden: 24, heads: 4, qLoraRank, kvLoraRank: 12, qkNopeHeadDim: 6, qkRopeHeadDim: 4, vHeadDim: 5 };
    const w = randomMlaWeights(d, 6);
    const x = inputs(5, 2, S, 24);
    const next = inputs(6, 2, 1, 24);
    const a = prefillThenDecode(mlaLayer(ref, d, w, SIZE, 'naive'), x, S, next);
    const b = prefillThenDecode(mlaLayer(ref, d, w, SIZE, 'absorbed'), x, S, next);
    expect(relError(b.prefill, a.prefill)).toBeLessThanOrEqual(TOL);
    expect(relError(b.decode, a.decode)).toBeLessThanOrEqual(TOL);
  });
});

describe('E6 and E7: GTA with n_q = n_h, d_l = d_h, W_b = 0 and the gate off is MHA / GQA with W_V = W_C', () => {
  it.each([
    ['E6 (MHA)', 4],
    ['E7 (GQA, n_kv = 2)', 2],
  ])('%s', (_name, kv) => {
    const H = 16;
    const gd: GtaDims = { hidden: H, heads: 4, headDim: 4, queryHeads: 4, keyHeads: kv, valueHeads: kv, valueDim: 4 };
    const w = randomGtaWeights(gd, 7, { decoder: false, gate: false, bias: true });
    const x = inputs(7, 2, S, H);
    const next = inputs(8, 2, 1, H);
    const a = prefillThenDecode(gtaLayer(ref, gd, w, SIZE), x, S, next);
    const b = prefillThenDecode(groupedLayer(ref, { hidden: H, heads: 4, kvHeads: kv, headDim: 4 }, { wq: w.wq, wk: w.wk, wv: w.wv, wo: w.wo, bq: w.bq, bk: w.bk, bv: w.bv }, SIZE), x, S, next);
    expect(relError(a.prefill, b.prefill)).toBeLessThanOrEqual(TOL);
    expect(relError(a.decode, b.decode)).toBeLessThanOrEqual(TOL);
  });
});

describe('E11: prefill S then decode equals the last row of prefill S + 1, for every variant', () => {
  const models = [
    modelWith({ kind: 'mha', heads: 3, headDim: 6, qkvBias: true, outBias: true }, 18),
    modelWith({ kind: 'gqa', heads: 6, kvHeads: 3, headDim: 4, qkvBias: false, outBias: false }, 24),
    modelWith({ kind: 'mla', heads: 4, qLoraRank: 8, kvLoraRank: 12, qkNopeHeadDim: 6, qkRopeHeadDim: 4, vHeadDim: 5 }, 24),
    modelWith({ kind: 'gta', heads: 8, headDim: 4, queryHeads: 4, keyHeads: 2, valueHeads: 1, valueDim: 8, bias: true, decoder: true, gate: true }, 32),
  ];
  it.each(models.map((m) => [m.attention.kind, m] as const))('%s', (_k, m) => {
    for (const mla of ['naive', 'absorbed'] as const) {
      const H = m.hiddenSize;
      const x = inputs(11, 2, S, H);
      const next = inputs(12, 2, 1, H);
      const layer = createLayer(m, ref, { ...SIZE, seed: 13, mla });
      const { decode } = prefillThenDecode(layer, x, S, next);
      layer.reset();
      const whole = layer.forward(appendToken(x, next, 2, S, H), S + 1, newCounters());
      expect(relError(decode, tokenRows(whole, 2, S + 1, H, S))).toBeLessThanOrEqual(TOL);
    }
  });
});

describe('E9: with n_q < n_h every head of a group shares one probability row', () => {
  it('attending with a map duplicated per head gives identical rows, equal to the shared map', () => {
    const T = 5;
    const q = inputs(20, 1, T, 2 * 3);
    const k = inputs(21, 1, T, 3);
    const v = inputs(22, 1, T, 4);
    const dup = new Float64Array(T * 4 * 3); // 4 maps: heads 0,1 copy query map 0; heads 2,3 copy map 1
    for (let t = 0; t < T; t++) for (let h = 0; h < 4; h++) for (let e = 0; e < 3; e++) dup[(t * 4 + h) * 3 + e] = q[(t * 2 + Math.floor(h / 2)) * 3 + e]!;
    const run = (qq: Float64Array, maps: number): Float64Array => {
      const out = new Float64Array(T * maps * 4);
      ref.attend({ batch: 1, queries: T, keys: T, maps, dq: 3, dv: 4, q: view(qq, 0, 0, maps * 3, 3), k: view(k, 0, 0, 3, 0), v: view(v, 0, 0, 4, 0), out: view(out, 0, 0, maps * 4, 4), mapToK: new Int32Array(maps), mapToV: new Int32Array(maps), scale: 0.5, kvBytesPerElement: 0 }, newCounters());
      return out;
    };
    const shared = run(q, 2);
    const perHead = run(dup, 4);
    for (let t = 0; t < T; t++) for (let h = 0; h < 4; h++) for (let e = 0; e < 4; e++) expect(perHead[(t * 4 + h) * 4 + e]).toBe(shared[(t * 2 + Math.floor(h / 2)) * 4 + e]);
  });
});

describe('E5: GTA Eq. 8 (attend the latent, then decode and gate) is Eq. 6/7 (decode and gate each key\'s values per head, then attend)', () => {
  it('prefill agrees', () => {
    const H = 16;
    const d: GtaDims = { hidden: H, heads: 4, headDim: 4, queryHeads: 2, keyHeads: 1, valueHeads: 1, valueDim: 4 };
    const w = randomGtaWeights(d, 31, { decoder: true, gate: true, bias: true });
    const T = 6;
    const x = inputs(32, 1, T, H);
    const eq8 = Float64Array.from(gtaLayer(ref, d, w, { batch: 1, maxTokens: T }).forward(x, T, newCounters()));
    // Eq. 6/7 written out: per key token j and head i, V_i(j) = (tile(C_j) + C_j · W_b[map(i)]) restricted to head i,
    // gated by σ(x_t W_G) of the query token t, then attention with map(i)'s probabilities, then W_O.
    const c = newCounters();
    const qv = new Float64Array(T * 8);
    const kv = new Float64Array(T * 4);
    const cv = new Float64Array(T * 4);
    const g = new Float64Array(T * H);
    project(ref, mat(x, 0, T, H), w.wq, w.bq, mat(qv, 0, T, 8), c);
    project(ref, mat(x, 0, T, H), w.wk, w.bk, mat(kv, 0, T, 4), c);
    project(ref, mat(x, 0, T, H), w.wv, w.bv, mat(cv, 0, T, 4), c);
    project(ref, mat(x, 0, T, H), w.wg!, w.bg, mat(g, 0, T, H), c);
    const table = ropeTable(ref, T, 4);
    ref.rope(view(qv, 0, 0, 8, 4), 1, T, 2, 0, table, 0);
    ref.rope(view(kv, 0, 0, 4, 4), 1, T, 1, 0, table, 0);
    const decoded = new Float64Array(T * H); // per key token, the full decoded value of every head
    for (let j = 0; j < T; j++) for (let m = 0; m < 2; m++) for (let o = 0; o < 8; o++) {
      let s = cv[j * 4 + (o % 4)]!;
      for (let e = 0; e < 4; e++) s += cv[j * 4 + e]! * w.wb![(m * 4 + e) * 8 + o]!;
      decoded[j * H + m * 8 + o] = s;
    }
    const u = new Float64Array(T * H);
    for (let t = 0; t < T; t++) for (let m = 0; m < 2; m++) {
      const sc = Array.from({ length: t + 1 }, (_, j) => { let s = 0; for (let e = 0; e < 4; e++) s += qv[t * 8 + m * 4 + e]! * kv[j * 4 + e]!; return s / 2; });
      const mx = Math.max(...sc);
      const ex = sc.map((s) => Math.exp(s - mx));
      const tot = ex.reduce((a, b) => a + b, 0);
      for (let o = 0; o < 8; o++) {
        let acc = 0;
        for (let j = 0; j <= t; j++) acc += (ex[j]! / tot) * decoded[j * H + m * 8 + o]!;
        u[t * H + m * 8 + o] = acc / (1 + Math.exp(-g[t * H + m * 8 + o]!));
      }
    }
    const eq7 = new Float64Array(T * H);
    project(ref, mat(u, 0, T, H), w.wo, undefined, mat(eq7, 0, T, H), c);
    expect(relError(eq8, eq7)).toBeLessThanOrEqual(TOL);
  });
});
