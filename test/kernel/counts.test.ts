/**
 * The reference kernel's own loop counts (multiply-adds, exps, KV bytes read and written) equal the `exact` cost
 * model's attention operators for the same shape, unfused, causal, FP64 widths: exactly, every variant, both phases.
 */
import { describe, expect, it } from 'vitest';
import { newCounters } from '../../src/kernel/backend.js';
import { createLayer } from '../../src/kernel/layers/index.js';
import { createReferenceBackend } from '../../src/kernel/reference-backend.js';
import { Plan } from '../../src/core/engine.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { seeded, randomArray } from '../../src/kernel/random.js';
import { TOY_HW } from '../helpers/engine.js';
import { modelWith } from '../helpers/models.js';

const MODELS: ModelConfig[] = [
  modelWith({ kind: 'mha', heads: 3, headDim: 10, qkvBias: true, outBias: true }, 30),
  modelWith({ kind: 'gqa', heads: 6, kvHeads: 2, headDim: 6, qkvBias: false, outBias: false }, 36),
  modelWith({ kind: 'mla', heads: 4, qLoraRank: 0, kvLoraRank: 12, qkNopeHeadDim: 6, qkRopeHeadDim: 4, vHeadDim: 5 }, 24),
  modelWith({ kind: 'mla', heads: 3, qLoraRank: 10, kvLoraRank: 9, qkNopeHeadDim: 5, qkRopeHeadDim: 2, vHeadDim: 7 }, 21),
  modelWith({ kind: 'gta', heads: 8, headDim: 6, queryHeads: 4, keyHeads: 2, valueHeads: 1, valueDim: 12, bias: true, decoder: true, gate: true }, 48),
  modelWith({ kind: 'gta', heads: 4, headDim: 6, queryHeads: 2, keyHeads: 1, valueHeads: 2, valueDim: 6, bias: false, decoder: false, gate: false }, 24),
];
const FP64 = { weight: 32, activation: 32, kv: 32 } as const; // widths only scale bytes; FP64 doubles them below

describe.each(MODELS.map((m) => [`${m.attention.kind} ${JSON.stringify(m.attention)}`, m] as const))('%s', (_name, model) => {
  for (const mla of model.attention.kind === 'mla' ? (['naive', 'absorbed'] as const) : (['absorbed'] as const)) {
    it(`prefill S = 7 then decode at context 8, batch 2${model.attention.kind === 'mla' ? ` (${mla})` : ''}`, () => {
      const backend = createReferenceBackend();
      const layer = createLayer(model, backend, { batch: 2, maxTokens: 8, seed: 3, mla });
      const r = seeded(9);
      for (const [phase, tokens, seqLen, contextLen] of [['prefill', 7, 7, 7], ['decode', 1, 1, 8]] as const) {
        const counted = newCounters();
        layer.forward(randomArray(r, 2 * tokens * model.hiddenSize, 1), tokens, counted);
        const plan = new Plan(model, TOY_HW, { phase, flash: false, pairs: 'causal', mla, scope: 'attention' });
        const predicted = plan.workCounts({ batch: 2, seqLen, contextLen, bits: FP64 });
        expect(counted.multiplyAdds).toBe(predicted.multiplyAdds);
        expect(counted.expEvaluations).toBe(predicted.expEvaluations);
        expect(counted.kvBytesRead).toBe(2 * predicted.kvBytesRead); // 8-byte elements against 4-byte widths
        expect(counted.kvBytesWritten).toBe(2 * predicted.kvBytesWritten);
      }
    });
  }
});
