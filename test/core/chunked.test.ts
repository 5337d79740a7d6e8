/** Chunked prefill: its passes, the pairs and FLOPs they add up to, and the bounds on its TTFT. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_RESERVE } from '../../src/core/capacity.js';
import { chunkPasses } from '../../src/core/chunked.js';
import { Plan } from '../../src/core/engine.js';
import { Generator, type GenerateSettings } from '../../src/core/generate.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { loadModel } from '../../src/io/load-model.js';
import { TOY_HW, opNamed } from '../helpers/engine.js';
import { GQA_1B, GTA_1B, LLAMA_2_7B, MLA_160M } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const BITS = { weight: 16, activation: 16, kv: 16 } as const;
const SETTINGS: GenerateSettings = { bits: BITS, flash: false, pairs: 'causal', costModel: 'exact' };
const OPTIONS = { memoryReserve: DEFAULT_MEMORY_RESERVE };
const decodePlan = (m: ModelConfig, scope: 'attention' | 'model' = 'model', flash = false) => new Plan(m, TOY_HW, { phase: 'decode', flash, pairs: 'causal', mla: 'absorbed', scope });

describe('chunkPasses', () => {
  it('chunk i has min(C, N − iC) new tokens and iC + T_i keys; C ≥ N is one pass', () => {
    expect(chunkPasses(10, 4)).toEqual([{ queries: 4, keys: 4 }, { queries: 4, keys: 8 }, { queries: 2, keys: 10 }]);
    expect(chunkPasses(10, 5)).toEqual([{ queries: 5, keys: 5 }, { queries: 5, keys: 10 }]);
    expect(chunkPasses(10, 10)).toEqual([{ queries: 10, keys: 10 }]);
    expect(chunkPasses(10, 4096)).toEqual([{ queries: 10, keys: 10 }]);
  });
});

describe('the chunks add up to the prompt', () => {
  // N 1000 in chunks of 300 (300, 300, 300, 100): pairs 300·300 − 300·299/2 + 300·600 − … = N(N+1)/2 = 500500 per head.
  const N = 1000;
  const passes = chunkPasses(N, 300);
  it('Σ attention pairs = N(N+1)/2 per sequence (GQA-1B, qk FLOPs 2·B·P·n_h·d_h, B 2)', () => {
    const plan = decodePlan(GQA_1B, 'attention');
    const flops = passes.reduce((s, p) => s + opNamed(plan.operators({ batch: 2, seqLen: 1, contextLen: p.keys, queries: p.queries, bits: BITS }), 'qk_matmul').flops, 0);
    expect(flops).toBe(2 * 2 * (N * (N + 1)) / 2 * 20 * 64);
  });
  it.each([GQA_1B, GTA_1B, LLAMA_2_7B, MLA_160M, loadModel('examples/windowed-gqa')].map((m) => [m.id, m] as const))('%s: Σ linear FLOPs over the chunks = the prefill\'s (lm_head apart: once per pass)', (_id, m) => {
    const linear = (ops: ReturnType<Plan['operators']>) => ops.filter((o) => o.kind === 'gemm' && o.name !== 'lm_head').reduce((s, o) => s + o.count * o.flops, 0);
    const prefill = new Plan(m, TOY_HW, { phase: 'prefill', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model' });
    const want = linear(prefill.operators({ batch: 3, seqLen: N, contextLen: N, bits: BITS }));
    const plan = decodePlan(m);
    const got = passes.reduce((s, p) => s + linear(plan.operators({ batch: 3, seqLen: 1, contextLen: p.keys, queries: p.queries, bits: BITS })), 0);
    expectRel(got, want);
  });
});

describe('TTFT of a chunked prefill', () => {
  const run = (m: ModelConfig, input: number, chunk?: number) => new Generator(m, TOY_HW, SETTINGS, { ...OPTIONS, chunk }).run({ input, output: 3, batch: 2 });
  it('is the sum of the chunks\' decode passes, the engine evaluated directly; the decode is unchanged', () => {
    const plan = decodePlan(LLAMA_2_7B);
    const want = chunkPasses(1000, 256).reduce((s, p) => s + plan.totalsAt({ batch: 2, seqLen: 1, contextLen: p.keys, queries: p.queries, bits: BITS }).timeSeconds, 0);
    const r = run(LLAMA_2_7B, 1000, 256);
    expectRel(r.ttftSeconds, want);
    expect(r.prefillChunks).toEqual({ chunkTokens: 256, chunks: 4 });
    expect(r.tpotSeconds).toBe(run(LLAMA_2_7B, 1000).tpotSeconds);
    expect(r.notes.some((n) => n.startsWith('chunked prefill: '))).toBe(true);
  });
  it('one chunk (C ≥ N) is the prefill exactly: the decode form counts the same pairs, cache reads and writes', () => {
    expectRel(run(LLAMA_2_7B, 1000, 1000).ttftSeconds, run(LLAMA_2_7B, 1000).ttftSeconds);
    expectRel(run(GTA_1B, 777, 4096).ttftSeconds, run(GTA_1B, 777).ttftSeconds);
  });
  it('MLA: one chunk differs from the prefill, since a chunk runs decode\'s absorbed form and the prefill the naive one', () => {
    expect(run(MLA_160M, 1000, 1000).ttftSeconds).not.toBe(run(MLA_160M, 1000).ttftSeconds);
  });
  it('at a roofline, chunked TTFT ≥ the prefill\'s and ≥ ⌈N/C⌉ × weight bytes / bandwidth (every pass reads every weight)', () => {
    for (const m of [LLAMA_2_7B, GQA_1B, GTA_1B]) {
      const weightBytes = decodePlan(m).operators({ batch: 2, seqLen: 1, contextLen: 10, bits: BITS }).reduce((s, o) => s + o.count * o.bytes.weight, 0);
      for (const [N, C] of [[1000, 1], [1000, 64], [4000, 512], [4000, 3999]] as const) {
        const chunked = run(m, N, C).ttftSeconds;
        expect(chunked).toBeGreaterThanOrEqual(run(m, N).ttftSeconds * (1 - 1e-12));
        expect(chunked).toBeGreaterThanOrEqual(Math.ceil(N / C) * weightBytes / TOY_HW.memoryBandwidthBytesPerSecond * (1 - 1e-12));
      }
    }
  });
});
