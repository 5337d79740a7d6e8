/** timedBackend: the same results as the backend it wraps, each primitive's time added to its part of the step. */
import { describe, expect, it } from 'vitest';
import { newCounters } from '../../src/kernel/backend.js';
import { createLayer } from '../../src/kernel/layers/index.js';
import { createReferenceBackend } from '../../src/kernel/reference-backend.js';
import { randomArray, seeded } from '../../src/kernel/random.js';
import { partOf, PARTS, timedBackend } from '../../src/kernel/timed-backend.js';
import { Plan } from '../../src/core/engine.js';
import { opNamed, TOY_HW } from '../helpers/engine.js';
import { GTA_1B, MLA_160M, modelWith } from '../helpers/models.js';

const GTA = modelWith({ kind: 'gta', heads: 8, headDim: 6, queryHeads: 4, keyHeads: 2, valueHeads: 1, valueDim: 12, bias: true, decoder: true, gate: true }, 48);

describe('timedBackend', () => {
  it('computes what the wrapped backend computes, counts the same work, and times every part of a GTA layer', () => {
    const plain = createLayer(GTA, createReferenceBackend(), { batch: 2, maxTokens: 9, seed: 3, mla: 'absorbed' });
    const { backend, times } = timedBackend(createReferenceBackend());
    const timed = createLayer(GTA, backend, { batch: 2, maxTokens: 9, seed: 3, mla: 'absorbed' });
    const x = randomArray(seeded(5), 2 * 9 * GTA.hiddenSize, 1);
    const [a, b] = [newCounters(), newCounters()];
    const ya = Array.from(plain.forward(x, 9, a));
    times.reset();
    const yb = Array.from(timed.forward(x, 9, b));
    expect(yb).toEqual(ya);
    expect(b).toEqual(a);
    // Projections with biases, the attention kernel, and RoPE, cache appends, tile and gate all ran and took time.
    for (const p of PARTS) expect(times.seconds[p]).toBeGreaterThan(0);
    times.reset();
    expect(Object.values(times.seconds)).toEqual([0, 0, 0]);
  });

  it("sorts the model's operators into the same parts: the attention core, products by weights, the rest", () => {
    for (const flash of [true, false]) {
      const ops = new Plan(GTA_1B, TOY_HW, { phase: 'decode', flash, pairs: 'causal', mla: 'absorbed', scope: 'attention' }).operators({ batch: 1, seqLen: 1, contextLen: 64, bits: { weight: 32, activation: 32, kv: 32 } });
      const by = (part: string): string[] => ops.filter((o) => partOf(o) === part).map((o) => o.name);
      expect(by('attention')).toEqual(flash ? ['attention'] : ['qk_matmul', 'softmax', 'sv_matmul']);
      expect(by('matrix products')).toEqual(expect.arrayContaining(['q_proj', 'k_proj', 'v_proj', 'o_proj']));
      expect(by('element-wise')).toEqual(expect.arrayContaining(['rope']));
      expect(by('attention').length + by('matrix products').length + by('element-wise').length).toBe(ops.length);
    }
  });

  it("MLA's norms are element-wise steps, not matrix products, though they read weights", () => {
    const ops = new Plan(MLA_160M, TOY_HW, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'attention' }).operators({ batch: 1, seqLen: 1, contextLen: 64, bits: { weight: 32, activation: 32, kv: 32 } });
    expect(partOf(opNamed(ops, 'kv_norm'))).toBe('element-wise');
    expect(opNamed(ops, 'kv_norm').bytes.weight).toBeGreaterThan(0);
    expect(partOf(opNamed(ops, 'q_absorb'))).toBe('matrix products');
  });
});
