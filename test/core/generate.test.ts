/** generate's integration against analyze's steps, its formulas against hand derivations, its memory answers. */
import { describe, expect, it } from 'vitest';
import { capacity, DEFAULT_MEMORY_RESERVE } from '../../src/core/capacity.js';
import { Plan, type Point } from '../../src/core/engine.js';
import { Generator, lengthProblem, type GenerateSettings } from '../../src/core/generate.js';
import type { Hardware } from '../../src/core/hardware.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { OP_KINDS } from '../../src/core/op.js';
import { buildReport } from '../../src/core/report.js';
import type { Workload } from '../../src/core/workload.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { resolveEfficiency } from '../../src/io/load-efficiency.js';
import { loadModel } from '../../src/io/load-model.js';
import { LLAMA_2_7B } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const TOOL = { name: 'llm-roofline', version: 'test' };
const BITS16 = { weight: 16, activation: 16, kv: 16 } as const;
const h100 = loadHardware('h100-sxm').hardware;
const SETTINGS: GenerateSettings = { bits: BITS16, flash: false, pairs: 'causal', costModel: 'exact' };
const OPTIONS = { powerWatts: 700, memoryReserve: DEFAULT_MEMORY_RESERVE };

/** analyze's report time of one phase at a batch and lengths, built as `analyze` builds it. */
function analyzeSeconds(model: ModelConfig, hw: Hardware, s: GenerateSettings, w: Pick<Workload, 'phase' | 'batch' | 'seqLen' | 'contextLen'>): number {
  return buildReport(model, hw, { ...s, ...w }, 'model', TOOL).totals.timeSeconds;
}

/** TTFT and E2E as a sum of analyze reports: the prefill of N, then decode steps at N + 1 … N + M − 1. */
function analyzeSteps(model: ModelConfig, hw: Hardware, s: GenerateSettings, N: number, M: number, B: number): { ttft: number; e2e: number } {
  const ttft = analyzeSeconds(model, hw, s, { phase: 'prefill', batch: B, seqLen: N, contextLen: N });
  let e2e = ttft;
  for (let j = 1; j < M; j++) e2e += analyzeSeconds(model, hw, s, { phase: 'decode', batch: B, seqLen: 1, contextLen: N + j });
  return { ttft, e2e };
}

describe('generate integrates analyze\'s steps', () => {
  it('E2E is the prefill plus every decode step over the growing context (Llama-2-7B, H100, N 300, M 5, B 4)', () => {
    const run = new Generator(LLAMA_2_7B, h100, SETTINGS, OPTIONS).run({ input: 300, output: 5, batch: 4 });
    const want = analyzeSteps(LLAMA_2_7B, h100, SETTINGS, 300, 5, 4);
    expectRel(run.ttftSeconds, want.ttft);
    expectRel(run.e2eSeconds, want.e2e);
    // TPOT = (E2E − TTFT) / (M − 1); tokens/s = B · M / E2E.
    expectRel(run.tpotSeconds ?? NaN, (want.e2e - want.ttft) / 4);
    expectRel(run.outputTokensPerSecond, (4 * 5) / want.e2e);
  });

  it('MLA and experts integrate the same way, flash on (DeepSeek-V2: naive prefill, absorbed decode)', () => {
    const model = loadModel('hf/deepseek-v2');
    const s: GenerateSettings = { ...SETTINGS, flash: true };
    const run = new Generator(model, h100, s, OPTIONS).run({ input: 1000, output: 4, batch: 2 });
    expectRel(run.e2eSeconds, analyzeSteps(model, h100, s, 1000, 4, 2).e2e);
    expect(run.workload.mla).toEqual({ prefill: 'naive', decode: 'absorbed' });
  });

  it('sliding windows too, the steps crossing the window (Gemma-2-9B, window 4096, N 4094)', () => {
    const model = loadModel('hf/gemma-2-9b');
    const run = new Generator(model, h100, SETTINGS, OPTIONS).run({ input: 4094, output: 5, batch: 1 });
    expectRel(run.e2eSeconds, analyzeSteps(model, h100, SETTINGS, 4094, 5, 1).e2e);
  });

  it('split over two tensor-parallel devices, the run equals the split analyze steps, communication included', () => {
    const s: GenerateSettings = { ...SETTINGS, parallelism: { tp: 2, pp: 1, ep: 1, dp: 1 }, overlap: false };
    const run = new Generator(LLAMA_2_7B, h100, s, OPTIONS).run({ input: 512, output: 5, batch: 8 });
    const want = analyzeSteps(LLAMA_2_7B, h100, s, 512, 5, 8);
    expectRel(run.ttftSeconds, want.ttft);
    expectRel(run.e2eSeconds, want.e2e);
    expect(run.breakdown.decode.collective).toBeGreaterThan(0);
    expect(run.devices).toBe(2);
  });

  it('a pipeline takes each step through its stages: analyze\'s one-micro-batch latency', () => {
    const s: GenerateSettings = { ...SETTINGS, parallelism: { tp: 1, pp: 2, ep: 1, dp: 1 }, overlap: false };
    const run = new Generator(LLAMA_2_7B, h100, s, OPTIONS).run({ input: 64, output: 3, batch: 2 });
    expectRel(run.e2eSeconds, analyzeSteps(LLAMA_2_7B, h100, s, 64, 3, 2).e2e);
  });

  it('one output token is the prefill alone: no decode step, no TPOT', () => {
    const run = new Generator(LLAMA_2_7B, h100, SETTINGS, OPTIONS).run({ input: 128, output: 1, batch: 1 });
    expect(run.tpotSeconds).toBeUndefined();
    expect('tpotSeconds' in run).toBe(false);
    expect(run.e2eSeconds).toBe(run.ttftSeconds);
    expect(Object.values(run.breakdown.decode)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(run.notes.some((n) => n.startsWith('output 1:'))).toBe(true);
  });
});

describe('breakdown by operator kind', () => {
  it('each phase\'s kinds are analyze\'s operators summed by kind, and add up to the phase\'s time', () => {
    const N = 200;
    const M = 4;
    const B = 3;
    const run = new Generator(LLAMA_2_7B, h100, SETTINGS, OPTIONS).run({ input: N, output: M, batch: B });
    const byKind = (phase: 'prefill' | 'decode', points: Point[]): Record<string, number> => {
      const plan = new Plan(LLAMA_2_7B, h100, { phase, flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model' });
      const sums: Record<string, number> = Object.fromEntries(OP_KINDS.map((k) => [k, 0]));
      for (const p of points) for (const o of plan.operators(p)) sums[o.kind] = (sums[o.kind] ?? 0) + o.count * o.timeSeconds;
      return sums;
    };
    const prefill = byKind('prefill', [{ batch: B, seqLen: N, contextLen: N, bits: BITS16 }]);
    const decode = byKind('decode', [1, 2, 3].map((j) => ({ batch: B, seqLen: 1, contextLen: N + j, bits: BITS16 })));
    for (const k of OP_KINDS) {
      expectRel(run.breakdown.prefill[k], prefill[k] ?? NaN);
      expectRel(run.breakdown.decode[k], decode[k] ?? NaN);
    }
    const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
    expectRel(sum(run.breakdown.prefill), run.ttftSeconds);
    expectRel(sum(run.breakdown.decode), run.e2eSeconds - run.ttftSeconds, 1e-12);
    // Dense Llama on one device: products by weights dominate; no collectives.
    expect(run.breakdown.decode.gemm).toBeGreaterThan(run.breakdown.decode.attention);
    expect(run.breakdown.prefill.collective).toBe(0);
  });
});

describe('energy, cost and throughput', () => {
  it('J/token and $/M tokens are the hand derivation on an H100 at 700 W', () => {
    const run = new Generator(LLAMA_2_7B, h100, SETTINGS, { powerWatts: 700, pricePerDeviceHour: 2.5, memoryReserve: 0.1 }).run({ input: 1024, output: 8, batch: 16 });
    const tokens = 16 * 8;
    // One device at 700 W for E2E seconds: 700 · E2E J for 128 tokens.
    expectRel(run.joulesPerOutputToken ?? NaN, (700 * run.e2eSeconds) / tokens);
    // $2.5 per device-hour: 2.5 · E2E / 3600 dollars for 128 tokens, per million tokens.
    expectRel(run.costPerMillionOutputTokens ?? NaN, ((2.5 * run.e2eSeconds) / 3600 / tokens) * 1e6);
    expect(run.notes.some((n) => n.includes('700 W'))).toBe(true);
  });

  it('no power, no price: no energy or cost figures', () => {
    const run = new Generator(LLAMA_2_7B, h100, SETTINGS, { memoryReserve: 0.1 }).run({ input: 64, output: 2, batch: 1 });
    expect('joulesPerOutputToken' in run).toBe(false);
    expect('costPerMillionOutputTokens' in run).toBe(false);
  });

  it('data-parallel replicas multiply tokens/s and devices; time and J/token stay a replica\'s', () => {
    const req = { input: 512, output: 6, batch: 4 };
    const one = new Generator(LLAMA_2_7B, h100, SETTINGS, OPTIONS).run(req);
    const four = new Generator(LLAMA_2_7B, h100, { ...SETTINGS, parallelism: { tp: 1, pp: 1, ep: 1, dp: 4 }, overlap: false }, OPTIONS).run(req);
    expect(four.e2eSeconds).toBe(one.e2eSeconds);
    expect(four.devices).toBe(4);
    expectRel(four.outputTokensPerSecond, 4 * one.outputTokensPerSecond);
    // 4 devices for E2E over 4 × B × M tokens: the same joules per token.
    expectRel(four.joulesPerOutputToken ?? NaN, one.joulesPerOutputToken ?? NaN);
  });

  it('states the efficiencies in effect: peak, over the profile\'s own fractions', () => {
    const slow: Hardware = { ...h100, efficiency: { compute: 0.5, memory: 0.8 } };
    const run = new Generator(LLAMA_2_7B, slow, SETTINGS, OPTIONS).run({ input: 64, output: 2, batch: 1 });
    expect(run.efficiency).toEqual({ label: 'peak', kinds: { gemm: 1, attention: 1, elementwise: 1, gather: 1, collective: 1 }, memory: 1, layerOverheadSeconds: 0, stepOverheadSeconds: 0, hardware: { compute: 0.5, memory: 0.8 } });
  });
});

describe('typical efficiencies in every step', () => {
  const hopper = resolveEfficiency('typical', loadHardware('h100-sxm'));
  const TYPICAL: GenerateSettings = { ...SETTINGS, efficiency: hopper };

  it('E2E is the sum of analyze steps at the same efficiency (Llama-2-7B, Hopper\'s profile)', () => {
    const run = new Generator(LLAMA_2_7B, h100, TYPICAL, OPTIONS).run({ input: 300, output: 5, batch: 4 });
    const want = analyzeSteps(LLAMA_2_7B, h100, TYPICAL, 300, 5, 4);
    expectRel(run.ttftSeconds, want.ttft);
    expectRel(run.e2eSeconds, want.e2e);
    expect(run.efficiency.label).toBe('typical:nvidia-hopper');
    expect(run.efficiency.kinds.gemm).toBe(hopper.kinds.gemm);
  });

  it('each pass adds 32 layers × the per-layer overhead + the per-pass overhead; kinds and overhead add up to each phase', () => {
    const run = new Generator(LLAMA_2_7B, h100, TYPICAL, OPTIONS).run({ input: 256, output: 9, batch: 2 });
    // Hopper's profile: 32 us per layer and 126 us per pass; Llama-2-7B has 32 layers; 8 decode steps.
    const perPass = 32 * hopper.layerOverheadSeconds + hopper.stepOverheadSeconds;
    expect(hopper.layerOverheadSeconds).toBe(32e-6);
    expect(hopper.stepOverheadSeconds).toBe(126e-6);
    expectRel(run.breakdown.prefill.overhead, perPass);
    expectRel(run.breakdown.decode.overhead, 8 * perPass);
    const sum = (r: Record<string, number>): number => Object.values(r).reduce((a, b) => a + b, 0);
    expectRel(sum(run.breakdown.prefill), run.ttftSeconds, 1e-12);
    expectRel(sum(run.breakdown.decode), run.e2eSeconds - run.ttftSeconds, 1e-12);
    expect(run.notes.some((n) => n.startsWith('overheads: every pass'))).toBe(true);
    expect(run.notes.some((n) => n.startsWith('efficiency typical:nvidia-hopper: '))).toBe(true);
  });

  it('a memory-bound decode step slows by the memory fraction, plus the overheads', () => {
    // At batch 1 every decode operator of Llama-2-7B on an H100 is memory-bound, at peak and at typical (0.8):
    // the step's roofline part is the peak step / 0.8.
    const req = { input: 1024, output: 2, batch: 1 };
    const peak = new Generator(LLAMA_2_7B, h100, SETTINGS, OPTIONS).run(req);
    const typical = new Generator(LLAMA_2_7B, h100, TYPICAL, OPTIONS).run(req);
    const peakStep = peak.e2eSeconds - peak.ttftSeconds;
    const typicalStep = typical.e2eSeconds - typical.ttftSeconds;
    expectRel(typicalStep - typical.breakdown.decode.overhead, peakStep / hopper.memory, 1e-12);
  });
});

describe('memory answers', () => {
  it('Llama-2-7B at N + M = 4096 on an H100 with 10% kept back: batch 27', () => {
    // Weights 6,738,415,616 × 2 B = 13.48 GB; KV 32 layers × 2 × 4096 × 2 B = 524,288 B per token, 2.147 GB per
    // sequence at 4096 tokens; (72 GB − 13.48 GB − activations) / 2.147 GB = 27.2, so 27 sequences.
    const run = new Generator(LLAMA_2_7B, h100, SETTINGS, OPTIONS).run({ input: 2048, output: 2048, batch: 8 });
    expect(run.memory.cachedTokens).toBe(4096);
    expect(run.memory.maxBatch).toBe(27);
    expect(run.memory.weightBytes).toBe(6_738_415_616 * 2);
    expect(run.memory.kvCacheBytes).toBe(8 * 4096 * 524_288);
    expect(run.memory.usableBytes).toBe(72e9);
    expect(run.memory.fits).toBe(true);
    // The longest context at batch 8: (72 GB − 13.48 GB) / (8 × 524,288 B) ≈ 13,952 tokens, less the activations.
    const plan = new Plan(LLAMA_2_7B, h100, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model' });
    expect(run.memory.maxContext).toBe(capacity(plan, { batch: 8, seqLen: 1, contextLen: 4096, bits: BITS16 }).maxContext);
    expect(Math.abs(run.memory.maxContext - 13_952)).toBeLessThan(10);
  });

  it('a larger reserve fits fewer sequences; a split reports one device\'s share', () => {
    const req = { input: 2048, output: 2048, batch: 8 };
    const tight = new Generator(LLAMA_2_7B, h100, SETTINGS, { memoryReserve: 0.5 }).run(req);
    // (40 GB − 13.48 GB) / 2.147 GB = 12.3.
    expect(tight.memory.maxBatch).toBe(12);
    const tp2 = new Generator(LLAMA_2_7B, h100, { ...SETTINGS, parallelism: { tp: 2, pp: 1, ep: 1, dp: 1 }, overlap: false }, OPTIONS).run(req);
    expect(tp2.memory.kvCacheBytes).toBe(8 * 4096 * 524_288 / 2);
    expect(tp2.memory.maxBatch).toBeGreaterThan(2 * 27);
  });
});

describe('lengths', () => {
  it('input + output within the longest context', () => {
    expect(lengthProblem({ input: 16_777_215, output: 1, batch: 1 })).toBeUndefined();
    expect(lengthProblem({ input: 16_777_216, output: 1, batch: 1 })?.detail).toBe('input + output is longer than the longest context (got 16777216 + 1 = 16777217, expected at most 16777216 tokens)');
    expect(() => new Generator(LLAMA_2_7B, h100, SETTINGS, OPTIONS).run({ input: 16_000_000, output: 1_000_000, batch: 1 })).toThrow(RangeError);
  });
});
