/** Decode passes of T ≥ 1 new queries per sequence (prefill chunks, speculative verifications) against hand counts. */
import { describe, expect, it } from 'vitest';
import { Plan, type Point } from '../../src/core/engine.js';
import type { Scope } from '../../src/core/model.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { loadModel } from '../../src/io/load-model.js';
import { TOY_HW, opNamed } from '../helpers/engine.js';
import { GQA_1B, GTA_1B, LLAMA_2_7B, MLA_160M } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const BITS = { weight: 16, activation: 16, kv: 16 } as const;
const MODELS: readonly ModelConfig[] = [GQA_1B, GTA_1B, LLAMA_2_7B, MLA_160M, loadModel('examples/windowed-gqa'), loadModel('hf/deepseek-v2')];

function plan(model: ModelConfig, phase: 'prefill' | 'decode', o: { flash?: boolean; scope?: Scope; mla?: 'naive' | 'absorbed' } = {}): Plan {
  return new Plan(model, TOY_HW, { phase, flash: o.flash ?? false, pairs: 'causal', mla: o.mla ?? 'absorbed', scope: o.scope ?? 'model' });
}
const at = (batch: number, contextLen: number, queries?: number, logits?: number): Point => ({ batch, seqLen: 1, contextLen, bits: BITS, queries, logits });

describe('T = 1 is the decode step as before', () => {
  it.each(MODELS.map((m) => [m.id, m] as const))('%s: queries 1 and logits 1 change nothing, bit for bit', (_id, m) => {
    for (const flash of [false, true]) {
      const p = plan(m, 'decode', { flash });
      const plain = p.operators({ batch: 3, seqLen: 1, contextLen: 5000, bits: BITS });
      expect(p.operators(at(3, 5000, 1, 1))).toEqual(plain);
    }
  });

  it('one query attends K keys: P = K exactly (GQA-1B unfused: qk FLOPs = 2·B·K·n_h·d_h = 2·3·5000·20·64)', () => {
    const ops = plan(GQA_1B, 'decode', { scope: 'attention' }).operators(at(3, 5000, 1));
    expect(opNamed(ops, 'qk_matmul').flops).toBe(2 * 3 * 5000 * 20 * 64);
  });
});

describe('T new queries against K keys', () => {
  // GQA-1B: n_h 20, d_h 64, n_kv 5, H 1280. B 2, T 5, K 1000: the queries see 996 … 1000 keys, P = 5·1000 − 5·4/2 = 4990.
  const ops = (T: number) => plan(GQA_1B, 'decode', { scope: 'attention' }).operators(at(2, 1000, T));
  it('pairs are causal among the new tokens: P = T·K − T(T−1)/2', () => {
    expect(opNamed(ops(5), 'qk_matmul').flops).toBe(2 * 2 * 4990 * 20 * 64);
    expect(opNamed(ops(5), 'softmax').flops).toBe(5 * 2 * 4990 * 20);
    expect(opNamed(ops(5), 'sv_matmul').flops).toBe(2 * 2 * 4990 * 20 * 64);
  });
  it('linear layers run B·T rows and the cache takes B·T tokens; the cache is read once per pass', () => {
    for (const name of ['q_proj', 'k_proj', 'v_proj', 'o_proj']) expect(opNamed(ops(5), name).flops).toBe(5 * opNamed(ops(1), name).flops);
    expect(opNamed(ops(5), 'v_proj').bytes.kvWrite).toBe(2 * 5 * 5 * 64 * 2);
    expect(opNamed(ops(5), 'rope').bytes.kvWrite).toBe(5 * opNamed(ops(1), 'rope').bytes.kvWrite);
    expect(opNamed(ops(5), 'qk_matmul').bytes.kvRead).toBe(opNamed(ops(1), 'qk_matmul').bytes.kvRead);
  });
  it('MLA stays absorbed: the per-head absorb and up-projection run on B·T rows, the latent cache read once', () => {
    const mla = (T: number) => plan(MLA_160M, 'decode', { scope: 'attention' }).operators(at(2, 1000, T));
    expect(mla(4).map((o) => o.name)).toContain('q_absorb');
    expect(opNamed(mla(4), 'q_absorb').flops).toBe(4 * opNamed(mla(1), 'q_absorb').flops);
    expect(opNamed(mla(4), 'v_up').flops).toBe(4 * opNamed(mla(1), 'v_up').flops);
    // P = 4·1000 − 6 = 3994; absorbed scores: n_h maps of d_c + d_r = 288.
    expect(opNamed(mla(4), 'qk_matmul').flops).toBe(2 * 2 * 3994 * 12 * 288);
  });
  it('a windowed layer: past the window every query sees W keys (P = T·W), and the pass reads W + T − 1 of them', () => {
    // windowed-gqa: W 512, n_h 8, n_kv 2, d_h 128; B 1, T 4, context 3000.
    const m = loadModel('examples/windowed-gqa');
    const ops = plan(m, 'decode', { scope: 'attention' }).operators(at(1, 3000, 4));
    expect(opNamed(ops, 'sliding.qk_matmul').flops).toBe(2 * 4 * 512 * 8 * 128);
    expect(opNamed(ops, 'sliding.qk_matmul').bytes.kvRead).toBe((512 + 3) * 2 * 128 * 2);
    // Near the start (context 514 < W + T − 1 = 515): queries see 511 … 514 keys, capped at 512: 511 + 512 + 512 + 512.
    const early = plan(m, 'decode', { scope: 'attention' }).operators(at(1, 514, 4));
    expect(opNamed(early, 'sliding.qk_matmul').flops).toBe(2 * 2047 * 8 * 128);
  });
  it('the lm_head computes R positions per sequence; a fused kernel reads K − T cached keys per tile, then its own', () => {
    const lm = (R: number) => opNamed(plan(GQA_1B, 'decode').operators(at(2, 1000, 5, R)), 'lm_head').flops;
    expect(lm(5)).toBe(5 * lm(1));
    expect(lm(1)).toBe(2 * 2 * 1280 * 128256);
    // One tile (Br ≥ 5 at d_h 64 and 228 KiB): K keys of the 5 kv heads' k and v, 2 × 5 × 64 elements per key.
    const fused = opNamed(plan(GQA_1B, 'decode', { flash: true, scope: 'attention' }).operators(at(2, 1000, 5)), 'attention');
    expect(fused.bytes.kvRead).toBe(2 * 1000 * 2 * 5 * 64 * 2);
  });
});

describe('a decode pass of the whole prompt is its prefill', () => {
  // T = K = S: P = S² − S(S−1)/2 = S(S+1)/2, the causal prefill's; windowed layers agree too (W(W+1)/2 + (S−W)·W).
  it.each(MODELS.map((m) => [m.id, m] as const))('%s: every operator the same, unfused and fused (same MLA form)', (_id, m) => {
    for (const flash of [false, true]) {
      for (const S of [7, 700, 3000]) {
        const pre = plan(m, 'prefill', { flash }).operators({ batch: 2, seqLen: S, contextLen: S, bits: BITS });
        const dec = plan(m, 'decode', { flash }).operators(at(2, S, S));
        expect(dec.map((o) => o.name)).toEqual(pre.map((o) => o.name));
        dec.forEach((o, i) => {
          const p = pre[i]!;
          expectRel(o.flops, p.flops);
          expectRel(o.bytes.total, p.bytes.total);
          expectRel(o.timeSeconds, p.timeSeconds);
        });
      }
    }
  });
});
