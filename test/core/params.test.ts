import { describe, expect, it } from 'vitest';
import { Plan } from '../../src/core/engine.js';
import { cacheFormula } from '../../src/core/model.js';
import { evaluate } from '../../src/core/compile.js';
import { modelSymbols } from '../../src/core/model.js';
import { variantOf } from '../../src/core/variants/index.js';
import { loadModel } from '../../src/io/load-model.js';
import { TOY_HW } from '../helpers/engine.js';

const params = (id: string): number =>
  new Plan(loadModel(id), TOY_HW, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model' }).parameters;

describe('parameter counts', () => {
  // GTA paper Table 5, "Params (M)", which are in units of 2^20 (verified: spec/gta-paper.md §2).
  const table5: [string, number][] = [
    ['paper/160m-mha', 178.78],
    ['paper/160m-mla', 172.54],
    ['paper/160m-gqa', 158.5],
    ['paper/160m-gta1', 160.75],
    ['paper/160m-gta2', 164.13],
    ['paper/500m-mha', 543.27],
    ['paper/500m-mla', 516.0],
    ['paper/500m-gqa', 483.23],
    ['paper/500m-gta3', 486.98],
    ['paper/500m-gta4', 500.11],
    ['paper/gqa-1b', 1076.38],
    ['paper/gta-1b', 1076.48],
  ];
  it.each(table5)('%s reproduces Table 5 (%f Mi)', (id, mi) => {
    expect(Math.round((params(id) / 2 ** 20) * 100) / 100).toBe(mi);
  });

  it('Llama-2-7B has 6,738,415,616 parameters (Hugging Face model card count)', () => {
    expect(params('llama-2-7b')).toBe(6_738_415_616);
  });

  it('GTA-1B attention has GQA-1B\'s 4,096,000 weights plus 1,792 biases per layer (spec §4.6)', () => {
    const gta = loadModel('paper/gta-1b');
    const gqa = loadModel('paper/gqa-1b');
    const p = (m: typeof gta): number => evaluate(variantOf(m.attention).params(m.attention), modelSymbols(m));
    expect(p(gta)).toBe(4_097_792);
    expect(p(gqa)).toBe(4_096_000);
  });

  it('the weight bytes a layer reads at 1 byte per weight equal its parameters (one definition each, kept in step)', () => {
    for (const id of ['paper/160m-mha', 'paper/160m-gqa', 'paper/160m-mla', 'paper/gta-1b', 'llama-2-7b']) {
      const m = loadModel(id);
      for (const mla of ['naive', 'absorbed'] as const) {
        const plan = new Plan(m, TOY_HW, { phase: 'decode', flash: false, pairs: 'causal', mla, scope: 'layer' });
        const weights = plan.operators({ batch: 1, seqLen: 1, contextLen: 16, bits: { weight: 8, activation: 16, kv: 16 } }).reduce((s, o) => s + o.bytes.weight, 0);
        const perLayer = (plan.parameters - m.hiddenSize - m.vocabSize * m.hiddenSize * (m.tiedEmbeddings ? 1 : 2)) / m.layers;
        expect(weights).toBe(perLayer);
      }
    }
  });
});

describe('KV cache elements per token per layer', () => {
  const cache = (id: string): number => {
    const m = loadModel(id);
    return evaluate(cacheFormula(m), modelSymbols(m)) / m.layers;
  };
  it.each([
    ['paper/160m-mha', 1536], ['paper/160m-gqa', 384], ['paper/160m-mla', 288], ['paper/160m-gta1', 192], ['paper/160m-gta2', 192],
    ['paper/500m-mha', 2560], ['paper/500m-gqa', 512], ['paper/500m-mla', 352], ['paper/500m-gta3', 192], ['paper/500m-gta4', 320],
    ['paper/gqa-1b', 640], ['paper/gta-1b', 192],
  ] as [string, number][])('%s caches %i elements', (id, n) => {
    expect(cache(id)).toBe(n);
  });
});
