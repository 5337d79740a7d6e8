/**
 * Mixture-of-experts and sliding-window costs against hand derivations (written beside each expectation), plus the
 * equivalences that pin them: a window no shorter than the context changes nothing; a MoE whose tokens run every
 * expert costs the FLOPs of a dense MLP of k·I_e.
 */
import { describe, expect, it } from 'vitest';
import { Plan, sumOps } from '../../src/core/engine.js';
import { denseLayer, type LayerSpec, type ModelConfig, type MoeMlp } from '../../src/core/model-config.js';
import { modelParameters } from '../../src/core/model.js';
import { sweep } from '../../src/core/sweep.js';
import { opNamed, opsAt, TOY_HW } from '../helpers/engine.js';
import { modelWith } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const GQA = { kind: 'gqa', heads: 4, kvHeads: 2, headDim: 16, qkvBias: false, outBias: false } as const;
const BITS16 = { weight: 16, activation: 16, kv: 16 } as const;

const moeMlp = (over: Partial<MoeMlp> = {}): MoeMlp => ({
  kind: 'moe', experts: 8, expertsPerToken: 2, expertIntermediateSize: 16, sharedExperts: 0, sharedIntermediateSize: 0,
  sharedGate: false, routerBias: false, expertBias: false, activation: 'silu', ...over,
});

/** A 64-wide GQA model whose layers are the given runs. */
function layered(runs: readonly { count: number; layer: LayerSpec }[], extra: Partial<ModelConfig> = {}): ModelConfig {
  const layers = runs.reduce((n, r) => n + r.count, 0);
  return { ...modelWith(GQA, 64, { layers, vocabSize: 1000 }), blocks: runs, ...extra };
}

const moeLayer = (over: Partial<MoeMlp> = {}): LayerSpec => ({ mlp: moeMlp(over), window: 0, norms: 2 });
const expertWeightBytes = (ops: ReturnType<typeof opsAt>): number =>
  ['expert_gate_proj', 'expert_up_proj', 'expert_down_proj'].reduce((s, n) => s + opNamed(ops, n).bytes.weight, 0);

describe('mixture of experts', () => {
  const model = layered([{ count: 2, layer: moeLayer() }]);

  it('decode reads the weights of the experts the batch touches: E·(1 − (1 − k/E)^B)', () => {
    // One expert is 3 · 64 · 16 = 3072 weights = 6144 B at 16 bits.
    // B = 1: 8 · (1 − 0.75) = 2 experts → 12,288 B. B = 4: 8 · (1 − 0.75^4) = 5.46875 experts → 33,600 B.
    expect(expertWeightBytes(opsAt(model, { batch: 1 }, 'layer'))).toBe(12288);
    expectRel(expertWeightBytes(opsAt(model, { batch: 4 }, 'layer')), 33600);
  });

  it('the imbalance knob routes as if over E/g experts', () => {
    // g = 2, B = 4: (8/2) · (1 − (1 − 2·2/8)^4) = 4 · 15/16 = 3.75 experts → 23,040 B.
    const plan = new Plan(model, TOY_HW, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'layer', moeImbalance: 2 });
    const ops = plan.operators({ batch: 4, seqLen: 1, contextLen: 128, bits: BITS16 });
    expectRel(expertWeightBytes(ops), 23040);
  });

  it('a long prefill touches every expert; compute counts k experts per token', () => {
    const ops = opsAt(model, { phase: 'prefill', batch: 2, seqLen: 512 }, 'layer');
    // (1 − 0.75^1024) is 1 in doubles: all 8 experts, 8 · 6144 B.
    expect(expertWeightBytes(ops)).toBe(49152);
    // 1024 tokens × k = 2 experts × 2 FLOPs × 3 · 64 · 16 MACs.
    const flops = ['expert_gate_proj', 'expert_up_proj', 'expert_down_proj'].reduce((s, n) => s + opNamed(ops, n).flops, 0);
    expect(flops).toBe(1024 * 2 * 2 * 3072);
    // The router: 2 · tokens · H · E FLOPs.
    expect(opNamed(ops, 'router').flops).toBe(2 * 1024 * 64 * 8);
  });

  it('with k = E every token runs every expert: the expert FLOPs of a dense MLP of k · I_e', () => {
    const all = layered([{ count: 1, layer: moeLayer({ experts: 2, expertsPerToken: 2 }) }]);
    const dense = layered([{ count: 1, layer: denseLayer(32) }]);
    const w = { phase: 'prefill' as const, batch: 3, seqLen: 100 };
    const moeOps = opsAt(all, w, 'layer');
    const denseOps = opsAt(dense, w, 'layer');
    const sum = (ops: typeof moeOps, names: string[]): number => names.reduce((s, n) => s + opNamed(ops, n).flops, 0);
    expect(sum(moeOps, ['expert_gate_proj', 'expert_up_proj', 'expert_act', 'expert_down_proj'])).toBe(sum(denseOps, ['gate_proj', 'up_proj', 'mlp_act', 'down_proj']));
  });

  it('parameters count every expert; active parameters k of them; shared experts and biases in both', () => {
    const m = layered([{ count: 3, layer: moeLayer({ sharedExperts: 1, sharedIntermediateSize: 32, routerBias: true, expertBias: true }) }]);
    // Per layer: attention 64·(4+2·2)·16 + 4·16·64 = 8192 + 4096 = 12,288; norms 2·64 = 128; router 64·8 + 8 = 520;
    // an expert 3·64·16 + (2·16 + 64) = 3168; shared 3·64·32 = 6144. Outside: embedding 64,000 + final norm 64 (tied).
    const layer = (experts: number): number => 12288 + 128 + 520 + experts * 3168 + 6144;
    expect(modelParameters(m)).toEqual({ total: 64064 + 3 * layer(8), active: 64064 + 3 * layer(2), mtp: 0 });
  });

  it('DeepSeek-style first dense layers are their own segment, named apart', () => {
    const m = layered([{ count: 1, layer: denseLayer(128) }, { count: 3, layer: moeLayer() }]);
    const ops = opsAt(m, {}, 'model');
    expect(opNamed(ops, 'dense.gate_proj').count).toBe(1);
    expect(opNamed(ops, 'moe.router').count).toBe(3);
    expect(ops.filter((o) => o.name.endsWith('q_proj')).map((o) => o.name)).toEqual(['dense.q_proj', 'moe.q_proj']);
  });
});

describe('sliding windows', () => {
  const windowed = (w: number): ModelConfig => layered([{ count: 2, layer: { ...denseLayer(128), window: w } }, { count: 2, layer: denseLayer(128) }]);
  const plain = layered([{ count: 4, layer: denseLayer(128) }]);
  const totals = (m: ModelConfig, phase: 'prefill' | 'decode', len: number, flash: boolean): ReturnType<typeof sumOps> => {
    const plan = new Plan(m, TOY_HW, { phase, flash, pairs: 'causal', mla: 'absorbed', scope: 'model' });
    return plan.summary({ batch: 2, seqLen: len, contextLen: len, bits: BITS16 }).totals;
  };

  it('a window no shorter than the context changes nothing', () => {
    for (const phase of ['prefill', 'decode'] as const) {
      for (const flash of [false, true]) {
        const [w, p] = [totals(windowed(4096), phase, 4096, flash), totals(plain, phase, 4096, flash)];
        // Two segments of 2 layers sum in another order than one of 4: equal up to rounding.
        expect([w.flops, w.bytes]).toEqual([p.flops, p.bytes]);
        expectRel(w.timeSeconds, p.timeSeconds, 1e-12);
      }
    }
  });

  it('decode reads at most W cached tokens in a windowed layer, and the cache holds at most W', () => {
    const m = windowed(1000);
    const ops = opsAt(m, { batch: 2, contextLen: 5000 }, 'model');
    // Keys + values read per sequence: K · 2 · n_kv · d_h · 2 B = K · 128 B; B = 2.
    expect(opNamed(ops, 'sliding.qk_matmul').bytes.kvRead + opNamed(ops, 'sliding.sv_matmul').bytes.kvRead).toBe(2 * 1000 * 128);
    expect(opNamed(ops, 'full.qk_matmul').bytes.kvRead + opNamed(ops, 'full.sv_matmul').bytes.kvRead).toBe(2 * 5000 * 128);
    const plan = new Plan(m, TOY_HW, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model' });
    // Cache: 2 sequences × (2 layers × 1000 + 2 layers × 5000 tokens) × 64 elements × 2 B.
    expect(plan.memory({ batch: 2, seqLen: 1, contextLen: 5000, bits: BITS16 }).kvCacheBytes).toBe(2 * (2 * 1000 + 2 * 5000) * 64 * 2);
  });

  it('prefill counts min(i, W) keys for query i', () => {
    // S = 10, W = 4: 1 + 2 + 3 + 4 · 7 = 34 pairs per sequence; softmax is 5 FLOPs per pair and map (4 heads), B = 2.
    const ops = opsAt(windowed(4), { phase: 'prefill', batch: 2, seqLen: 10 }, 'attention');
    expect(opNamed(ops, 'sliding.softmax').flops).toBe(5 * 2 * 34 * 4);
    // The full layers: S(S+1)/2 = 55 pairs.
    expect(opNamed(ops, 'full.softmax').flops).toBe(5 * 2 * 55 * 4);
  });

  it('Mistral-7B-v0.1 at 8192 tokens caches half of what it would without its 4096 window', () => {
    const attention = { kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128, qkvBias: false, outBias: false } as const;
    const mistral = (window: number): ModelConfig => ({ ...modelWith(attention, 4096, { layers: 32, vocabSize: 32000, tiedEmbeddings: false }), blocks: [{ count: 32, layer: { ...denseLayer(14336), window } }] });
    const cache = (m: ModelConfig): number => new Plan(m, TOY_HW, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'model' }).memory({ batch: 1, seqLen: 1, contextLen: 8192, bits: BITS16 }).kvCacheBytes;
    // 32 layers × 2 · 8 · 128 elements × 2 B = 131,072 B per token: 8192 tokens = 1 GiB; 4096 tokens = 512 MiB.
    expect(cache(mistral(0))).toBe(2 ** 30);
    expect(cache(mistral(4096))).toBe(2 ** 29);
  });
});

describe('multi-token prediction', () => {
  const mtpLayer = moeLayer();
  const model = layered([{ count: 2, layer: moeLayer() }], { mtp: { count: 1, layer: mtpLayer } });
  const plan = (mtp: boolean): Plan => new Plan(model, TOY_HW, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'model', mtp });
  const point = { batch: 3, seqLen: 1, contextLen: 100, bits: BITS16 };

  it('is reported apart and costed only when asked: its operators, weights and cache', () => {
    const without = plan(false);
    const withMtp = plan(true);
    expect(without.operators(point).some((o) => o.name.startsWith('mtp.'))).toBe(false);
    const names = withMtp.operators(point).filter((o) => o.name.startsWith('mtp.')).map((o) => o.name);
    expect(names.slice(0, 4)).toEqual(['mtp.embedding', 'mtp.enorm', 'mtp.hnorm', 'mtp.eh_proj']);
    expect(names.at(-1)).toBe('mtp.lm_head');
    const [a, b] = [without.memory(point), withMtp.memory(point)];
    // Weights: the module's own parameters at 2 B: 3·64 norms + 2·64² eh_proj + one layer of 12,288 + 128 + 512 + 8·3072.
    const mtpParams = 3 * 64 + 2 * 64 * 64 + 12288 + 128 + 512 + 8 * 3072;
    expect(modelParameters(model).mtp).toBe(mtpParams);
    expect(b.weightBytes - a.weightBytes).toBe(2 * mtpParams);
    // Cache: one more layer of 2 · 2 · 16 elements per token, 100 tokens, 3 sequences, 2 B.
    expect(b.kvCacheBytes - a.kvCacheBytes).toBe(3 * 100 * 64 * 2);
  });
});

describe('sweeps of MoE models', () => {
  it('record the imbalance and read fewer experts with it', () => {
    const model = layered([{ count: 2, layer: moeLayer() }]);
    const point = (g: number | undefined) => {
      const [p] = [...sweep({ models: [model], hardware: [TOY_HW], phases: ['decode'], batches: [4], seqLens: [1], contextLens: [64], bits: [BITS16], flash: [true], pairs: 'causal', scope: 'model', costModel: 'exact', moeImbalance: g })];
      if (p === undefined) throw new Error('no point');
      return p;
    };
    expect(point(undefined).workload).not.toHaveProperty('moeImbalance');
    expect(point(2).workload.moeImbalance).toBe(2);
    // 2 layers × 6144 B per expert × (5.46875 − 3.75) experts fewer: 21,120 B.
    expectRel(point(undefined).totals.bytes - point(2).totals.bytes, 21120);
  });
});
