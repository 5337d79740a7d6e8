/**
 * The fast FP32 WebAssembly kernels against the float64 reference: every variant, prefill and decode, odd shapes,
 * one and two threads (relative error ≤ 1e-5), and the same counted multiply-adds, exps and KV writes.
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/core/model-config.js';
import { newCounters } from '../../src/kernel/backend.js';
import { createFastBackend } from '../../src/kernel/fast/index.js';
import { createLayer } from '../../src/kernel/layers/index.js';
import { createReferenceBackend } from '../../src/kernel/reference-backend.js';
import { inputs, relError } from '../helpers/kernel.js';
import { modelWith } from '../helpers/models.js';

const ref = createReferenceBackend();
const engines = [await createFastBackend({ threads: 1 }), await createFastBackend({ threads: 2 })];
afterAll(() => {
  for (const e of engines) e.dispose();
});

const MODELS: ModelConfig[] = [
  modelWith({ kind: 'mha', heads: 3, headDim: 12, qkvBias: true, outBias: true }, 36),
  modelWith({ kind: 'gqa', heads: 6, kvHeads: 2, headDim: 20, qkvBias: false, outBias: false }, 120),
  modelWith({ kind: 'mla', heads: 4, qLoraRank: 10, kvLoraRank: 18, qkNopeHeadDim: 6, qkRopeHeadDim: 4, vHeadDim: 7 }, 28),
  modelWith({ kind: 'gta', heads: 8, headDim: 6, queryHeads: 4, keyHeads: 2, valueHeads: 1, valueDim: 12, bias: true, decoder: true, gate: true }, 48),
];

function compare(model: ModelConfig, batch: number, S: number, mla: 'naive' | 'absorbed', engine: (typeof engines)[number]): void {
  const H = model.hiddenSize;
  const x = inputs(41, batch, S, H);
  const next = inputs(42, batch, 1, H);
  const a = createLayer(model, ref, { batch, maxTokens: S + 1, seed: 5, mla });
  const b = createLayer(model, engine, { batch, maxTokens: S + 1, seed: 5, mla });
  const ca = newCounters();
  const cb = newCounters();
  expect(relError(b.forward(x, S, cb), a.forward(x, S, ca))).toBeLessThanOrEqual(1e-5);
  expect(relError(b.forward(next, 1, cb), a.forward(next, 1, ca))).toBeLessThanOrEqual(1e-5);
  expect(cb.multiplyAdds).toBe(ca.multiplyAdds);
  expect(cb.expEvaluations).toBe(ca.expEvaluations);
  expect(cb.kvBytesWritten * 2).toBe(ca.kvBytesWritten); // 4-byte against 8-byte elements
}

describe.each(engines.map((e, i) => [i + 1, e] as const))('fast backend, %i thread(s)', (_t, engine) => {
  it.each(MODELS.map((m) => [m.attention.kind, m] as const))('%s: prefill then decode match the float64 reference', (_k, m) => {
    for (const mla of m.attention.kind === 'mla' ? (['naive', 'absorbed'] as const) : (['absorbed'] as const)) compare(m, 2, 9, mla, engine);
  });
  it('random odd shapes (S = 1, 7, 65; head dims not multiples of 8)', () => {
    fc.assert(
      fc.property(fc.constantFrom(1, 7, 65), fc.integer({ min: 1, max: 3 }), fc.constantFrom(5, 6, 10, 12, 14), fc.integer({ min: 1, max: 3 }), (S, batch, headDim, kvHeads) => {
        const m = modelWith({ kind: 'gqa', heads: 2 * kvHeads, kvHeads, headDim, qkvBias: true, outBias: false }, 2 * kvHeads * headDim);
        compare(m, batch, S, 'absorbed', engine);
      }),
      { numRuns: 12 },
    );
  });
});
