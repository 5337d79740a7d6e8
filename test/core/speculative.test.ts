/** Speculative decoding against its formula: tokens per step, steps, and a step as k draft passes plus one verification. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_RESERVE } from '../../src/core/capacity.js';
import { Plan } from '../../src/core/engine.js';
import { Generator, type GenerateSettings } from '../../src/core/generate.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { stepsFor, tokensPerStep, type Speculative } from '../../src/core/speculative.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { resolveEfficiency } from '../../src/io/load-efficiency.js';
import { loadModel } from '../../src/io/load-model.js';
import { TOY_HW } from '../helpers/engine.js';
import { expectRel } from '../helpers/rel.js';

const BITS = { weight: 16, activation: 16, kv: 16 } as const;
const SETTINGS: GenerateSettings = { bits: BITS, flash: false, pairs: 'causal', costModel: 'exact' };
const OPTIONS = { memoryReserve: DEFAULT_MEMORY_RESERVE };
const target = loadModel('llama-3.1-8b');
const small = loadModel('paper/gqa-1b');
const withDraft = (k: number, a: number, draft: ModelConfig = small): Speculative => ({ draft: { kind: 'model', model: draft }, draftTokens: k, acceptance: a });
const decodePlan = (m: ModelConfig, hw = TOY_HW) => new Plan(m, hw, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model' });

describe('tokens per step E = (1 − a^(k+1)) / (1 − a)', () => {
  it('by hand: 1 + a + … + a^k', () => {
    expect(tokensPerStep(1, 0.5)).toBe(1.5);
    expectRel(tokensPerStep(4, 0.8), 1 + 0.8 + 0.64 + 0.512 + 0.4096); // 3.3616
    expectRel(tokensPerStep(3, 0.6), 1 + 0.6 + 0.36 + 0.216);
  });
  it('a = 0: one token per step (the target\'s own); a = 1: k + 1', () => {
    for (const k of [1, 2, 7, 16]) {
      expect(tokensPerStep(k, 0)).toBe(1);
      expect(tokensPerStep(k, 1)).toBe(k + 1);
    }
  });
  it('steps = ⌈tokens / E⌉, whole quotients exact', () => {
    expect(stepsFor(127, tokensPerStep(4, 0.8))).toBe(38); // 127 / 3.3616 = 37.78
    expect(stepsFor(6, 1.5)).toBe(4);
    expect(stepsFor(127, 1)).toBe(127);
    expect(stepsFor(10, 5)).toBe(2);
    // k 1, a 0.1: E = 0.99 / 0.9 = 1.0999999999999999 in floating point, and 11 / E = 10.000000000000002: 10 steps, not 11.
    expect(stepsFor(11, tokensPerStep(1, 0.1))).toBe(10);
  });
});

describe('a speculative step is k draft passes and one verification', () => {
  it('output 2 (one step): TPOT = Σ_{i<k} draft(K = N + 1 + i) + target(T = k + 1, R = k + 1, K = N + k + 1), the engine evaluated directly', () => {
    const N = 500;
    const k = 3;
    const r = new Generator(target, TOY_HW, SETTINGS, { ...OPTIONS, speculative: withDraft(k, 0.7) }).run({ input: N, output: 2, batch: 4 });
    const draft = decodePlan(small);
    let want = decodePlan(target).totalsAt({ batch: 4, seqLen: 1, contextLen: N + k + 1, queries: k + 1, logits: k + 1, bits: BITS }).timeSeconds;
    for (let i = 0; i < k; i++) want += draft.totalsAt({ batch: 4, seqLen: 1, contextLen: N + 1 + i, bits: BITS }).timeSeconds;
    expectRel(r.tpotSeconds ?? NaN, want);
    expect(r.speculative).toEqual({ draft: 'paper/gqa-1b', draftTokens: 3, acceptance: 0.7, tokensPerStep: tokensPerStep(3, 0.7), steps: 1 });
    // TTFT: the target's and the draft's prefill of the prompt.
    const prefill = (m: ModelConfig) => new Plan(m, TOY_HW, { phase: 'prefill', flash: false, pairs: 'causal', mla: 'naive', scope: 'model' }).totalsAt({ batch: 4, seqLen: N, contextLen: N, bits: BITS }).timeSeconds;
    expectRel(r.ttftSeconds, prefill(target) + prefill(small));
  });
  it('the breakdown adds up: target decode + draft decode = decode time, target prefill + draft prefill = TTFT (typical efficiency, overheads in)', () => {
    const h100 = loadHardware('h100-sxm');
    const s = { ...SETTINGS, efficiency: resolveEfficiency('typical', h100) };
    const r = new Generator(target, h100.hardware, s, { ...OPTIONS, speculative: withDraft(4, 0.8) }).run({ input: 1000, output: 64, batch: 2 });
    const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);
    const d = r.breakdown.draft;
    expect(d).toBeDefined();
    expectRel(sum(r.breakdown.prefill) + sum(d!.prefill), r.ttftSeconds, 1e-9);
    expectRel(sum(r.breakdown.decode) + sum(d!.decode), r.e2eSeconds - r.ttftSeconds, 1e-9);
    expect(r.speculative?.steps).toBe(Math.ceil(63 / tokensPerStep(4, 0.8)));
  });
  it('a = 0 with k drafts is slower than plain decode; a = 0.9 on a memory-bound decode (B 1) is faster', () => {
    const h100 = loadHardware('h100-sxm').hardware;
    const plain = new Generator(target, h100, SETTINGS, OPTIONS).run({ input: 2000, output: 128, batch: 1 }).tpotSeconds!;
    const tpot = (a: number) => new Generator(target, h100, SETTINGS, { ...OPTIONS, speculative: withDraft(4, a) }).run({ input: 2000, output: 128, batch: 1 }).tpotSeconds!;
    expect(tpot(0)).toBeGreaterThan(plain);
    expect(tpot(0.9)).toBeLessThan(plain);
  });
  it('a = 0: every step emits one token, so the verifications run at plain decode\'s contexts (N + j, j = 1 … M − 1, + k)', () => {
    const r = new Generator(target, TOY_HW, SETTINGS, { ...OPTIONS, speculative: withDraft(2, 0) }).run({ input: 100, output: 6, batch: 1 });
    const t = decodePlan(target);
    const want = [1, 2, 3, 4, 5].reduce((s, j) => s + t.totalsAt({ batch: 1, seqLen: 1, contextLen: 100 + j + 2, queries: 3, logits: 3, bits: BITS }).timeSeconds, 0);
    expectRel(r.breakdown.decode.gemm + r.breakdown.decode.attention + r.breakdown.decode.elementwise + r.breakdown.decode.gather + r.breakdown.decode.collective + r.breakdown.decode.overhead, want);
    expect(r.speculative?.steps).toBe(5);
  });
});

describe('one output token drafts nothing', () => {
  it('output 1: the run is the plain prefill, without a speculative block or a draft breakdown', () => {
    const h100 = loadHardware('h100-sxm').hardware;
    const req = { input: 512, output: 1, batch: 2 };
    const plain = new Generator(target, h100, SETTINGS, OPTIONS).run(req);
    const drafted = new Generator(target, h100, SETTINGS, { ...OPTIONS, speculative: withDraft(4, 0.8) }).run(req);
    expect(drafted.ttftSeconds).toBe(plain.ttftSeconds);
    expect(drafted.e2eSeconds).toBe(plain.e2eSeconds);
    expect('speculative' in drafted).toBe(false);
    expect('draft' in drafted.breakdown).toBe(false);
    expect(drafted.notes).toContain('speculative decoding: output 1, so the prefill yields the only token and nothing is drafted.');
  });
});

describe('the MTP module as the draft (DeepSeek-V3)', () => {
  const v3 = loadModel('hf/deepseek-v3');
  const mtpSpec: Speculative = { draft: { kind: 'mtp' }, draftTokens: 1, acceptance: 0.85 };
  it('a draft pass costs only the mtp.* operators of a pass with the module: Σ count × seconds, by the per-operator path', () => {
    const r = new Generator(v3, TOY_HW, SETTINGS, { ...OPTIONS, speculative: mtpSpec }).run({ input: 1000, output: 2, batch: 8 });
    const withModule = new Plan(v3, TOY_HW, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model', mtp: true });
    const ops = withModule.operators({ batch: 8, seqLen: 1, contextLen: 1001, bits: BITS });
    const mtpSeconds = ops.filter((o) => o.name.startsWith('mtp.')).reduce((s, o) => s + o.count * o.timeSeconds, 0);
    expect(mtpSeconds).toBeGreaterThan(0);
    const d = r.breakdown.draft!.decode;
    expectRel(d.gemm + d.attention + d.elementwise + d.gather + d.collective + d.overhead, mtpSeconds);
    const verify = decodePlan(v3).totalsAt({ batch: 8, seqLen: 1, contextLen: 1002, queries: 2, logits: 2, bits: BITS }).timeSeconds;
    expectRel(r.tpotSeconds!, mtpSeconds + verify);
    expect(r.speculative?.draft).toBe('mtp');
  });
  it('a model without an mtp block is refused, naming it', () => {
    expect(() => new Generator(target, TOY_HW, SETTINGS, { ...OPTIONS, speculative: mtpSpec })).toThrow(/llama-3\.1-8b has no multi-token-prediction module \(its config has no mtp field\)/);
  });
});
