/** Capacity: the largest batch and longest context that fit, by hand and against a linear scan. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { capacity, DEFAULT_MEMORY_RESERVE, largestFitting } from '../../src/core/capacity.js';
import { Plan, type Point } from '../../src/core/engine.js';
import { modelParameters } from '../../src/core/model.js';
import { SINGLE } from '../../src/core/parallelism.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { LLAMA_2_7B } from '../helpers/models.js';

const BITS16 = { weight: 16, activation: 16, kv: 16 } as const;
const h100 = loadHardware('h100-sxm').hardware;

describe('largestFitting', () => {
  it('finds the last n that fits, as a linear scan would', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 1, max: 5000 }), (threshold, max) => {
        expect(largestFitting(max, (n) => n <= threshold)).toBe(Math.min(threshold, max));
      }),
    );
  });
});

describe('capacity', () => {
  it('Llama-2-7B decoding at 4096 tokens on an H100 with vLLM\'s 10% reserve: batch 27', () => {
    const plan = new Plan(LLAMA_2_7B, h100, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'model' });
    const point: Point = { batch: 1, seqLen: 1, contextLen: 4096, bits: BITS16 };
    const c = capacity(plan, point);
    expect(c.reserve).toBe(DEFAULT_MEMORY_RESERVE);
    expect(c.usableBytes).toBe(72e9);
    // Weights: 6,738,415,616 parameters × 2 B = 13.48 GB. KV per sequence: 2 × 32 heads × 128 × 32 layers × 4096
    // tokens × 2 B = 2 GiB. The largest activation (one sequence's o_proj/MLP input and output) grows with the batch.
    const weights = modelParameters(LLAMA_2_7B).total * 2;
    expect(weights).toBe(13_476_831_232);
    const kvPerSequence = 2 * 32 * 128 * 32 * 4096 * 2;
    const activationPerSequence = plan.memory(point).activationBytes;
    // (72e9 − 13.48e9) / (2,147,483,648 + activation) = 27.2…
    expect(c.maxBatch).toBe(Math.floor((72e9 - weights) / (kvPerSequence + activationPerSequence)));
    expect(c.maxBatch).toBe(27);
    // At batch 1, the context that fits: (72e9 − 13.48e9) / (2 × 32 × 128 × 32 × 2 B per token) ≈ 111,600 tokens.
    expect(c.maxContext).toBeGreaterThan(111_000);
    expect(c.maxContext).toBeLessThan(111_700);
    expect(plan.memory({ ...point, contextLen: c.maxContext }).totalBytes).toBeLessThanOrEqual(72e9);
    expect(plan.memory({ ...point, contextLen: c.maxContext + 1 }).totalBytes).toBeGreaterThan(72e9);
  });

  it('split over devices, the answer is per device: Llama-2-70B fits no sequence on one H100 and many on eight', () => {
    const m = loadModel('llama-2-70b');
    const point: Point = { batch: 1, seqLen: 1, contextLen: 4096, bits: BITS16 };
    const one = new Plan(m, h100, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'model' });
    expect(capacity(one, point).maxBatch).toBe(0);
    const eight = new Plan(m, h100, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'model', parallel: { ...SINGLE, tp: 8 } });
    const c = capacity(eight, point);
    // One device: 17.25 GB of weights; 1 KV head of 128 × 80 layers × 2 (k, v) × 4096 × 2 B = 167.8 MB per sequence.
    expect(c.maxBatch).toBeGreaterThan(320);
    expect(c.maxBatch).toBeLessThan(330);
    expect(eight.deviceMemory({ ...point, batch: c.maxBatch })?.totalBytes).toBeLessThanOrEqual(c.usableBytes);
    expect(eight.deviceMemory({ ...point, batch: c.maxBatch + 1 })?.totalBytes).toBeGreaterThan(c.usableBytes);
  });
});
