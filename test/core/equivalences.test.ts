/** Count equivalences between variants (spec/attention.md §7) and the GTA paper's headline ratios. */
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../src/core/compile.js';
import { cacheFormula, modelSymbols } from '../../src/core/model.js';
import type { Workload } from '../../src/core/workload.js';
import { flopsOf, opsAt } from '../helpers/engine.js';
import { GQA_1B, GTA_1B, modelWith } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const settings: Partial<Workload>[] = [
  { phase: 'prefill', seqLen: 37, batch: 3 },
  { phase: 'prefill', seqLen: 300, pairs: 'dense', flash: true },
  { phase: 'prefill', seqLen: 513, flash: true },
  { phase: 'decode', contextLen: 4096, batch: 5 },
  { phase: 'decode', contextLen: 777, flash: true, bits: { weight: 4, activation: 16, kv: 8 } },
];

const mha = modelWith({ kind: 'mha', heads: 8, headDim: 32, qkvBias: false, outBias: false }, 256);

describe('E1: GQA with n_kv = n_h is MHA', () => {
  const gqa = modelWith({ kind: 'gqa', heads: 8, kvHeads: 8, headDim: 32, qkvBias: false, outBias: false }, 256);
  it.each(settings)('identical operators at %o', (w) => {
    for (const scope of ['attention', 'model'] as const) expect(opsAt(gqa, w, scope)).toEqual(opsAt(mha, w, scope));
  });
});

describe('E6: GTA with n_q = n_k = n_c = n_h, d_l = d_h, no decoder weight, no gate, no biases is MHA', () => {
  const gta = modelWith({ kind: 'gta', heads: 8, headDim: 32, queryHeads: 8, keyHeads: 8, valueHeads: 8, valueDim: 32, bias: false, decoder: false, gate: false }, 256);
  it.each(settings)('identical operators at %o', (w) => {
    expect(opsAt(gta, w, 'model')).toEqual(opsAt(mha, w, 'model'));
  });
  it('and the same parameters and cache', () => {
    expect(evaluate(cacheFormula(gta), modelSymbols(gta))).toBe(evaluate(cacheFormula(mha), modelSymbols(mha)));
  });
});

describe('E7: GTA with n_q = n_h, n_k = n_c = n_kv, d_l = d_h, no decoder, no gate is GQA', () => {
  const gqa = modelWith({ kind: 'gqa', heads: 8, kvHeads: 2, headDim: 32, qkvBias: true, outBias: false }, 256);
  const gta = modelWith({ kind: 'gta', heads: 8, headDim: 32, queryHeads: 8, keyHeads: 2, valueHeads: 2, valueDim: 32, bias: true, decoder: false, gate: false }, 256);
  it.each(settings)('identical operators at %o', (w) => {
    expect(opsAt(gta, w, 'model')).toEqual(opsAt(gqa, w, 'model'));
  });
});

describe('E4 (counts): MLA naive and absorbed agree in prefill outside the per-pair core', () => {
  const mla = modelWith({ kind: 'mla', heads: 16, qLoraRank: 96, kvLoraRank: 64, qkNopeHeadDim: 24, qkRopeHeadDim: 8, vHeadDim: 40 }, 512);
  it.each([
    { batch: 1, seqLen: 1 },
    { batch: 2, seqLen: 129 },
    { batch: 7, seqLen: 2048 },
  ])('decompressing S keys costs what absorbing S queries costs, at %o', (w) => {
    const naive = opsAt(mla, { phase: 'prefill', mla: 'naive', ...w });
    const absorbed = opsAt(mla, { phase: 'prefill', mla: 'absorbed', ...w });
    expect(flopsOf(naive, ['kv_b_proj'])).toBe(flopsOf(absorbed, ['q_absorb', 'v_up']));
    const weight = (ops: typeof naive): number => ops.reduce((s, o) => s + o.bytes.weight, 0);
    expect(weight(naive)).toBe(weight(absorbed));
    const core = ['qk_matmul', 'softmax', 'sv_matmul', 'kv_b_proj', 'q_absorb', 'v_up'];
    const rest = (ops: typeof naive): number => flopsOf(ops.filter((o) => !core.includes(o.name)));
    expect(rest(naive)).toBe(rest(absorbed));
  });
});

describe('GTA-1B vs GQA-1B (the paper\'s headline ratios)', () => {
  it('attention-core FLOPs (score and value products) ratio is 0.375 at attention scope with dense pairs', () => {
    for (const seqLen of [128, 2048]) {
      const w: Partial<Workload> = { phase: 'prefill', seqLen, pairs: 'dense' };
      const core = ['qk_matmul', 'sv_matmul'];
      expectRel(flopsOf(opsAt(GTA_1B, w), core) / flopsOf(opsAt(GQA_1B, w), core), 0.375);
    }
  });
  it('KV cache ratio is 0.30', () => {
    expectRel(evaluate(cacheFormula(GTA_1B), modelSymbols(GTA_1B)) / evaluate(cacheFormula(GQA_1B), modelSymbols(GQA_1B)), 0.3);
  });
});
