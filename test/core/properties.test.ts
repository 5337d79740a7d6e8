/** Invariants over random points: monotone costs, two evaluation paths agree, compiled formulas agree with mathjs. */
import fc from 'fast-check';
import { evaluate as mathjsEvaluate } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { allFormulas } from '../../src/core/catalog.js';
import { evaluate } from '../../src/core/compile.js';
import { Plan, sumOps } from '../../src/core/engine.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import type { Hardware } from '../../src/core/hardware.js';
import { TOY_HW } from '../helpers/engine.js';
import { GQA_1B, GTA_1B, LLAMA_2_7B, MLA_160M } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const MODELS: readonly ModelConfig[] = [GTA_1B, GQA_1B, MLA_160M, LLAMA_2_7B];
const bitsArb = fc.constantFrom({ weight: 16, activation: 16, kv: 16 } as const, { weight: 4, activation: 16, kv: 8 } as const, { weight: 8, activation: 8, kv: 8 } as const, { weight: 32, activation: 32, kv: 32 } as const);
const BASE = { expPerSecond: 2e9, operatorOverheadSeconds: 3e-6, attentionFlopPerSecond: { prefill: 0, decode: 0 }, fewRowGemmFlopPerSecond: 0, workingSet: undefined };
const MONOTONE_HWS: Hardware[] = [
  TOY_HW,
  { ...TOY_HW, extras: BASE },
  { ...TOY_HW, extras: { ...BASE, attentionFlopPerSecond: { prefill: 3e14, decode: 1e14 } } },
  // A cache large enough that small attention scopes fit in it and whole models do not.
  { ...TOY_HW, extras: { ...BASE, attentionFlopPerSecond: { prefill: 3e14, decode: 1e14 }, workingSet: { bytes: [2e8], bytesPerSecond: [4e12] } } },
  // Short cold streams slower, as measured on a 2-core VM (rates per size relative to memory bandwidth).
  { ...TOY_HW, extras: { ...BASE, workingSet: { bytes: [2e6, 2e8], bytesPerSecond: [4e12, 2e12] }, coldStream: { bytes: [2 ** 16, 2 ** 20, 2 ** 24], bytesPerSecond: [0.3e12, 0.7e12, 1e12] } } },
  // The attention kernel streams a KV cache from memory faster than a GEMM streams weights, with and without the
  // cold-stream curve.
  { ...TOY_HW, extras: { ...BASE, workingSet: { bytes: [2e6, 2e8], bytesPerSecond: [4e12, 2e12] }, coldStream: { bytes: [2 ** 16, 2 ** 20, 2 ** 24], bytesPerSecond: [0.3e12, 0.7e12, 1e12] }, kvStream: 1.5e12 } },
  { ...TOY_HW, extras: { ...BASE, attentionFlopPerSecond: { prefill: 3e14, decode: 1e14 }, kvStream: 1.5e12 } },
];
// The few-row GEMM cap is not monotone in the batch (at 9 rows the engine packs and runs faster per FLOP), so it
// joins only the identity property.
const ALL_HWS: Hardware[] = [
  ...MONOTONE_HWS,
  { ...TOY_HW, extras: { ...BASE, attentionFlopPerSecond: { prefill: 3e14, decode: 1e14 }, fewRowGemmFlopPerSecond: 1e14, workingSet: { bytes: [2e8], bytesPerSecond: [4e12] } } },
  // Both few-row rates, blended by the share from memory, with every other calibrated term.
  { ...TOY_HW, extras: { ...BASE, attentionFlopPerSecond: { prefill: 3e14, decode: 1e14 }, fewRowGemmFlopPerSecond: 1e14, fewRowGemmCachedFlopPerSecond: 3e14, workingSet: { bytes: [2e6, 2e8], bytesPerSecond: [4e12, 2e12] }, coldStream: { bytes: [2 ** 16, 2 ** 24], bytesPerSecond: [0.3e12, 1e12] }, kvStream: 1.5e12 } },
];
const settingArbOn = (hws: Hardware[]) => fc.record({
  model: fc.constantFrom(...MODELS),
  phase: fc.constantFrom('prefill' as const, 'decode' as const),
  flash: fc.boolean(),
  pairs: fc.constantFrom('causal' as const, 'dense' as const),
  mla: fc.constantFrom('naive' as const, 'absorbed' as const),
  scope: fc.constantFrom('attention' as const, 'layer' as const, 'model' as const),
  bits: bitsArb,
  hw: fc.constantFrom(...hws),
});
const settingArb = settingArbOn(MONOTONE_HWS);
type Setting = typeof settingArb extends fc.Arbitrary<infer T> ? T : never;
const planOf = (s: Setting): Plan => new Plan(s.model, s.hw, { phase: s.phase, flash: s.flash, pairs: s.pairs, mla: s.mla, scope: s.scope });

describe('monotone in batch, sequence and context', () => {
  it('totals never decrease and FLOPs grow when B, S or L grow', () => {
    fc.assert(
      fc.property(settingArb, fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 8192 }), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 4096 }), (s, batch, len, db, dl) => {
        const plan = planOf(s);
        const at = (b: number, l: number) => plan.summary({ batch: b, seqLen: l, contextLen: l, bits: s.bits });
        const base = at(batch, len);
        for (const bigger of [at(batch + db, len), at(batch, len + dl)]) {
          expect(bigger.totals.flops).toBeGreaterThan(base.totals.flops);
          expect(bigger.totals.bytes).toBeGreaterThanOrEqual(base.totals.bytes);
          expect(bigger.totals.timeSeconds).toBeGreaterThanOrEqual(base.totals.timeSeconds);
          expect(bigger.memory.kvCacheBytes).toBeGreaterThan(base.memory.kvCacheBytes);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('the sweep path and the per-operator path agree bit for bit', () => {
  it('summary totals equal Σ count × value over operators', () => {
    fc.assert(
      fc.property(settingArbOn(ALL_HWS), fc.integer({ min: 1, max: 128 }), fc.integer({ min: 1, max: 32768 }), (s, batch, len) => {
        const plan = planOf(s);
        const point = { batch, seqLen: len, contextLen: len, bits: s.bits };
        expect(plan.summary(point).totals).toEqual(sumOps(plan.operators(point)));
        const ops = plan.operators(point);
        for (const o of ops) {
          expect(Number.isFinite(o.flops) && Number.isFinite(o.timeSeconds) && Number.isFinite(o.intensityFlopPerByte)).toBe(true);
          expect(o.bytes.total).toBeGreaterThan(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('generated JavaScript agrees with mathjs on every formula', () => {
  const names = ['B', 'T', 'K', 'P', 'w', 'a', 'kv', 'M', 'd_t', 'Br', 'n_t', 'H', 'I', 'V', 'n_L', 't_e', 'b_mlp', 'n_h', 'n_kv', 'd_h', 'b_qkv', 'b_o', 'r_q', 'd_c', 'd_n', 'd_r', 'd_v', 'n_q', 'n_k', 'n_c', 'd_l', 'e', 'b', 'W', 'E', 'k_r', 'I_e', 'n_s', 'I_s', 'b_r', 'b_e', 'g_i', 't', 'e_p', 's_e', 'R'];
  it.each(allFormulas())('%s', (formula) => {
    for (let seed = 1; seed <= 3; seed++) {
      const scope = Object.fromEntries(names.map((n, i) => [n, ((i * 7919 + seed * 104729) % 997) + 1]));
      // Routing needs k_r·g_i ≤ E (the MoE model's own clamp), else (1 − k_r·g_i/E)^(B·T) overflows both sides.
      Object.assign(scope, { E: 64 + seed, k_r: 2 + seed, g_i: 1 + seed / 4 });
      expectRel(evaluate(formula, scope), mathjsEvaluate(formula, { ...scope }) as number, 1e-12);
    }
  });
});
