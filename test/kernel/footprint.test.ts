/**
 * layerElements counts exactly what each variant's builder allocates on a backend and the weight values it generates:
 * checked against real builds (small shapes), so the count cannot drift from the builders.
 */
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/kernel/backend.js';
import { createLayer } from '../../src/kernel/layers/index.js';
import { layerElements } from '../../src/kernel/layers/footprint.js';
import { randomGroupedWeights } from '../../src/kernel/layers/grouped.js';
import { randomGtaWeights } from '../../src/kernel/layers/gta.js';
import { randomMlaWeights } from '../../src/kernel/layers/mla.js';
import { createReferenceBackend } from '../../src/kernel/reference-backend.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { LLAMA_2_7B, modelWith } from '../helpers/models.js';

const MODELS: ModelConfig[] = [
  modelWith({ kind: 'mha', heads: 3, headDim: 10, qkvBias: true, outBias: true }, 30),
  modelWith({ kind: 'gqa', heads: 6, kvHeads: 2, headDim: 6, qkvBias: false, outBias: false }, 36),
  modelWith({ kind: 'gqa', heads: 4, kvHeads: 2, headDim: 7, qkvBias: true, outBias: false }, 28),
  modelWith({ kind: 'mla', heads: 4, qLoraRank: 0, kvLoraRank: 12, qkNopeHeadDim: 6, qkRopeHeadDim: 4, vHeadDim: 5 }, 24),
  modelWith({ kind: 'mla', heads: 3, qLoraRank: 10, kvLoraRank: 9, qkNopeHeadDim: 5, qkRopeHeadDim: 2, vHeadDim: 7 }, 21),
  modelWith({ kind: 'gta', heads: 8, headDim: 6, queryHeads: 4, keyHeads: 2, valueHeads: 1, valueDim: 12, bias: true, decoder: true, gate: true }, 48),
  modelWith({ kind: 'gta', heads: 4, headDim: 6, queryHeads: 2, keyHeads: 1, valueHeads: 2, valueDim: 6, bias: false, decoder: false, gate: false }, 24),
  modelWith({ kind: 'gta', heads: 4, headDim: 6, queryHeads: 2, keyHeads: 1, valueHeads: 2, valueDim: 6, bias: true, decoder: false, gate: true }, 24),
];

/** The reference backend, summing the elements of every allocation. */
function counting(): { backend: Backend; elements: () => number } {
  const inner = createReferenceBackend();
  let total = 0;
  return { backend: { ...inner, alloc: (n: number) => { total += n; return inner.alloc(n); } }, elements: () => total };
}

/** Values in a weights record's arrays (absent parts count nothing). */
const values = (w: object): number => Object.values(w).reduce((s: number, a) => s + (a instanceof Float64Array ? a.length : 0), 0);

function generated(model: ModelConfig): number {
  const a = model.attention;
  const H = model.hiddenSize;
  switch (a.kind) {
    case 'mha': return values(randomGroupedWeights({ hidden: H, heads: a.heads, kvHeads: a.heads, headDim: a.headDim }, 1, { qkv: a.qkvBias, out: a.outBias }));
    case 'gqa': return values(randomGroupedWeights({ hidden: H, heads: a.heads, kvHeads: a.kvHeads, headDim: a.headDim }, 1, { qkv: a.qkvBias, out: a.outBias }));
    case 'mla': return values(randomMlaWeights({ ...a, hidden: H }, 1));
    case 'gta': return values(randomGtaWeights({ ...a, hidden: H }, 1, { decoder: a.decoder, gate: a.gate, bias: a.bias }));
  }
}

describe('layerElements', () => {
  for (const model of MODELS) {
    for (const mla of model.attention.kind === 'mla' ? (['naive', 'absorbed'] as const) : (['absorbed'] as const)) {
      for (const size of [{ batch: 2, maxTokens: 9 }, { batch: 3, maxTokens: 16, maxStep: 1 }]) {
        it(`${JSON.stringify(model.attention)} ${mla}, ${JSON.stringify(size)}: what the builder allocates`, () => {
          const c = counting();
          createLayer(model, c.backend, { ...size, seed: 1, mla });
          const counted = layerElements(model.attention, model.hiddenSize, size, mla);
          expect(counted.buffers).toBe(c.elements());
          expect(counted.weights).toBe(generated(model));
        });
      }
    }
  }

  it('Llama-2-7B prefill, batch 64 at 32768 tokens, by hand: 4·4096² weights, 2·64·32768·4096 cache, 6 work rows, RoPE', () => {
    const size = { batch: 64, maxTokens: 32768, maxStep: 32768 };
    const H = 4096;
    const rows = 64 * 32768;
    const e = layerElements(LLAMA_2_7B.attention, H, size, 'absorbed');
    expect(e.weights).toBe(4 * H * H);
    expect(e.buffers).toBe(4 * H * H + 6 * rows * H + 2 * rows * H + 2 * 32768 * 64);
  });
});
