/**
 * Parallelism against hand derivations (written beside each expectation): per-device weights and KV cache for each
 * variant under tensor, pipeline and expert parallelism, ring all-reduce and all-to-all bytes, the time of a
 * collective on a link, fit per device, and properties: per-device figures summed over devices recover the model.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Plan, type Point } from '../../src/core/engine.js';
import type { Hardware } from '../../src/core/hardware.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { modelParameters, stageHoldings } from '../../src/core/model.js';
import { checkParallelism, groupLinks, layerStages, MissingLinkError, ParallelismError, stageSizes } from '../../src/core/parallel.js';
import { SINGLE, type Parallelism } from '../../src/core/parallelism.js';
import { loadModel } from '../../src/io/load-model.js';
import { LINKED_HW as HW, opNamed } from '../helpers/engine.js';
import { GTA_1B, LLAMA_2_7B, modelWith } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const BITS16 = { weight: 16, activation: 16, kv: 16 } as const;
const decode = (batch: number, contextLen: number): Point => ({ batch, seqLen: 1, contextLen, bits: BITS16 });
const par = (p: Partial<Parallelism>): Parallelism => ({ ...SINGLE, ...p });
const plan = (m: ModelConfig, p: Partial<Parallelism>, phase: 'prefill' | 'decode' = 'decode', hw: Hardware = HW): Plan =>
  new Plan(m, hw, { phase, flash: true, pairs: 'causal', mla: 'absorbed', scope: 'model', parallel: par(p) });

describe('per-device weights and KV cache, by hand', () => {
  it('Llama-2-7B (MHA) over 2 devices holds half of every head and column, whole norms, half the vocabulary', () => {
    // H 4096, I 11008, 32 layers, V 32000, untied. Per layer on one device: q, k, v, o of 4096 × 2048 each, gate/up/down
    // 3 × 4096 × 5504, two norms 2 × 4096. Outside: embedding and lm_head 16000 × 4096 each, the final norm 4096.
    const layer = 4 * 4096 * 2048 + 3 * 4096 * 5504 + 2 * 4096;
    const params = 32 * layer + 2 * 16000 * 4096 + 4096;
    const m = plan(LLAMA_2_7B, { tp: 2 }).deviceMemory(decode(4, 1000));
    expect(m?.weightBytes).toBe(2 * params);
    // KV: 2 × 16 heads × 128 × 32 layers per token, 4 sequences of 1000 tokens, 2 bytes.
    expect(m?.kvCacheBytes).toBe(2 * 16 * 128 * 32 * 4 * 1000 * 2);
  });

  it('GQA with more devices than KV heads replicates them: one KV head per device', () => {
    // 8 query heads, 2 KV heads of 16, over 4 devices: each holds 2 query heads and one (replicated) KV head.
    const m = modelWith({ kind: 'gqa', heads: 8, kvHeads: 2, headDim: 16, qkvBias: false, outBias: false }, 128, { layers: 2, intermediateSize: 256, vocabSize: 1000 });
    const d = plan(m, { tp: 4 }).deviceMemory(decode(1, 100));
    // KV per token per layer: 2 (k, v) × 1 head × 16; 2 layers, 100 tokens, 2 bytes.
    expect(d?.kvCacheBytes).toBe(2 * 1 * 16 * 2 * 100 * 2);
    // Weights per layer: q 128 × 32, k and v 128 × 16 each (the replicated head), o 32 × 128, MLP 3 × 128 × 64, norms 2 × 128.
    const layer = 128 * 32 + 2 * 128 * 16 + 32 * 128 + 3 * 128 * 64 + 2 * 128;
    // Tied: one table of 250 × 128 rows serves the embedding and the lm_head; final norm 128.
    expect(d?.weightBytes).toBe(2 * (2 * layer + 250 * 128 + 128));
  });

  it('MLA splits heads but every device holds the whole latent cache', () => {
    const v2 = loadModel('hf/deepseek-v2');
    const whole = plan(v2, {}).memory(decode(2, 512));
    const split = plan(v2, { tp: 8 }).deviceMemory(decode(2, 512));
    // (kv_lora_rank 512 + rope 64) per token per layer, 60 layers: the same on one device as on eight.
    expect(split?.kvCacheBytes).toBe(whole.kvCacheBytes);
    expect(whole.kvCacheBytes).toBe(576 * 60 * 2 * 512 * 2);
  });

  it('GTA splits its maps, decoded heads and cached heads (replicated below one per device)', () => {
    // H 1024 = 16 output heads × 64; 4 maps, 2 key heads of 64, 1 latent value head of 128, e = 1024 / (4 × 128) = 2.
    // Over 4 devices: 1 map, 4 output heads (256 decoded columns), key and value heads replicated (1 each).
    const gta = modelWith({ kind: 'gta', heads: 16, headDim: 64, queryHeads: 4, keyHeads: 2, valueHeads: 1, valueDim: 128, bias: true, decoder: true, gate: true }, 1024, { layers: 3, intermediateSize: 4096, vocabSize: 1000 });
    const d = plan(gta, { tp: 4 }).deviceMemory(decode(1, 10));
    // Cache per token per layer: 1 key head of 64 + 1 latent head of 128; 3 layers, 10 tokens, 2 bytes.
    expect(d?.kvCacheBytes).toBe((64 + 128) * 3 * 10 * 2);
    // Attention on one device: q 1024 × 64, k 1024 × 64, v 1024 × 128 with biases, the map's decoder 128 × 2 × 128,
    // g 1024 × 256 (+256 bias), o 256 × 1024. MLP 3 × 1024 × 1024, norms 2 × 1024.
    const attn = 1024 * (64 + 64 + 128) + (64 + 64 + 128) + 128 * 2 * 128 + 1024 * 256 + 256 + 256 * 1024;
    const layer = attn + 3 * 1024 * 1024 + 2 * 1024;
    // Tied table of 250 rows × 1024, the final norm.
    expect(d?.weightBytes).toBe(2 * (3 * layer + 250 * 1024 + 1024));
    // Four devices' maps, decoded columns and o_proj rows make the whole layer's: the split GEMMs' FLOPs × 4.
    const names = ['q_proj', 'decoder', 'g_proj', 'o_proj'];
    const flops = (p: Plan) => p.operators(decode(1, 10)).filter((o) => names.includes(o.name)).reduce((s, o) => s + o.count * o.flops, 0);
    expectRel(4 * flops(plan(gta, { tp: 4 })), flops(plan(gta, {})), 1e-12);
  });

  it('a pipeline holds its stage\'s layers; the head and a separate copy of a tied table sit on the last stage', () => {
    // 54 layers over 4 stages: 14, 14, 13, 13.
    expect(stageSizes(54, 4)).toEqual([14, 14, 13, 13]);
    expect(layerStages(5, 2)).toEqual([0, 0, 0, 1, 1]);
    const h = stageHoldings(GTA_1B, par({ pp: 4 }));
    const total = modelParameters(GTA_1B).total;
    // Tied: the last stage keeps its own copy of the 128256 × 1280 table.
    expect(h.reduce((s, x) => s + x.parameters, 0)).toBe(total + 128256 * 1280);
  });

  it('expert ranks hold E/e of the routed experts and whole everything else', () => {
    const v3 = loadModel('hf/deepseek-v3');
    const whole = modelParameters(v3).total;
    const [one] = stageHoldings(v3, par({ ep: 8 }));
    // 58 MoE layers of 256 experts, each 3 × 7168 × 2048: seven eighths of them are on other ranks.
    const experts = 58 * 256 * 3 * 7168 * 2048;
    expect(one?.parameters).toBe(whole - (experts * 7) / 8);
  });
});

describe('collectives', () => {
  it('a ring all-reduce of each block sends 2(t − 1)/t of B·T·H activations in 2(t − 1) hops', () => {
    const ops = plan(LLAMA_2_7B, { tp: 4 }, 'prefill').operators({ batch: 2, seqLen: 512, contextLen: 512, bits: BITS16 });
    const ar = opNamed(ops, 'attn_all_reduce');
    const message = 2 * 512 * 4096 * 2;
    expect(ar.kind).toBe('collective');
    expect(ar.bound).toBe('network');
    expect(ar.bytes.network).toBe((2 * 3 * message) / 4);
    expect(ar.count).toBe(32);
    // 6 hops at 1 µs, then the bytes at 100 GB/s.
    expectRel(ar.timeSeconds, 6e-6 + (1.5 * message) / 100e9);
    expect(opNamed(ops, 'mlp_all_reduce').bytes.network).toBe(ar.bytes.network);
  });

  it('a group larger than a node runs on the scale-out network', () => {
    const links = groupLinks(par({ tp: 16 }), HW.interconnect);
    expect(links.tp?.tier).toBe('scale-out');
    expect(groupLinks(par({ tp: 8 }), HW.interconnect).tp?.tier).toBe('scale-up');
    // tp 4 × 4 stages on 8-device nodes: boundaries 0|1 and 2|3 stay in a node, 1|2 crosses.
    const piped = plan(LLAMA_2_7B, { tp: 4, pp: 4 });
    const ops = piped.operators(decode(1, 100));
    expect(opNamed(ops, 'send').count).toBe(2);
    expect(opNamed(ops, 'send_across_nodes').count).toBe(1);
    // One hop: the message B·T·H·a at the tier's rate.
    expectRel(opNamed(ops, 'send_across_nodes').timeSeconds, 5e-6 + (4096 * 2) / 10e9);
  });

  it('expert parallelism sends each rank\'s tokens to their k experts and back: two all-to-alls of B_r·T·k·H', () => {
    const v3 = loadModel('hf/deepseek-v3');
    const ops = plan(v3, { ep: 8 }).operators(decode(20, 100));
    const dispatch = opNamed(ops, 'moe.dispatch');
    // ⌈20 / 8⌉ = 3 sequences on the busiest rank, 8 experts per token, H 7168, 2 bytes; 7/8 of it leaves the rank.
    expect(dispatch.bytes.network).toBe((7 / 8) * 3 * 8 * 7168 * 2);
    expect(opNamed(ops, 'moe.combine').bytes.network).toBe(dispatch.bytes.network);
    expect(dispatch.count).toBe(58);
    // The routed experts on a rank compute 1/8 of all 20 tokens' rows: 20 × 8 / 8 rows of 7168 → 2048.
    expect(opNamed(ops, 'moe.expert_up_proj').flops).toBe(2 * 20 * 8 * (1 / 8) * 7168 * 2048);
    // Attention runs on the rank's 3 sequences.
    const attnWhole = opNamed(plan(v3, {}).operators(decode(3, 100)), 'dense.q_a_proj').flops;
    expect(opNamed(ops, 'dense.q_a_proj').flops).toBe(attnWhole);
  });

  it('A800 against H100: the same all-reduce takes the bandwidth term 450/200 times longer on the capped NVLink', async () => {
    const { loadHardware } = await import('../../src/io/load-hardware.js');
    const a800 = loadHardware('a800-sxm').hardware;
    const h100 = loadHardware('h100-sxm').hardware;
    const up = (h: Hardware) => h.interconnect?.scaleUp;
    expect(up(a800)?.bytesPerSecond).toBe(200e9);
    expect(up(h100)?.bytesPerSecond).toBe(450e9);
    const at = (h: Hardware) => opNamed(plan(LLAMA_2_7B, { tp: 8 }, 'prefill', h).operators({ batch: 1, seqLen: 2048, contextLen: 2048, bits: BITS16 }), 'attn_all_reduce');
    const [a, b] = [at(a800), at(h100)];
    expect(a.bytes.network).toBe(b.bytes.network);
    const bw = (h: Hardware, o: typeof a) => o.timeSeconds - 14 * (up(h)?.latencySeconds ?? 0);
    expectRel(bw(a800, a) / bw(h100, b), (450e9 * (up(h100)?.efficiency ?? 1)) / (200e9 * (up(a800)?.efficiency ?? 1)), 1e-9);
  });
});

describe('fit per device', () => {
  it('Llama-2-70B in 16 bits does not fit one 80 GB device but fits each of two', () => {
    const m = loadModel('llama-2-70b');
    const point = decode(1, 4096);
    expect(plan(m, {}).memory(point).fitsDevice).toBe(false);
    const two = plan(m, { tp: 2 }).deviceMemory(point);
    expect(two?.fits).toBe(true);
    expect(two?.totalBytes).toBeLessThan(80e9);
  });
});

describe('refusals', () => {
  it('names the field a degree does not divide', () => {
    expect(() => { checkParallelism(LLAMA_2_7B, par({ tp: 3 })); }).toThrow(ParallelismError);
    try {
      checkParallelism(LLAMA_2_7B, par({ tp: 3 }));
    } catch (e) {
      expect((e as ParallelismError).field).toBe('attention.heads');
    }
    expect(() => { checkParallelism(LLAMA_2_7B, par({ ep: 2 })); }).toThrow(/mixture-of-experts/);
    expect(() => { checkParallelism(GTA_1B, par({ tp: 2 })); }).toThrow(/queryHeads/);
  });

  it('a device without links cannot carry collectives', () => {
    expect(() => groupLinks(par({ tp: 2 }), undefined)).toThrow(MissingLinkError);
  });
});

describe('properties: per-device figures summed over devices recover the model', () => {
  const shapes = fc.record({
    heads: fc.constantFrom(8, 16, 32),
    kvDiv: fc.constantFrom(1, 2, 4, 8),
    headDim: fc.constantFrom(16, 64),
    t: fc.constantFrom(2, 4, 8),
    batch: fc.integer({ min: 1, max: 8 }),
    context: fc.integer({ min: 1, max: 4096 }),
  });

  it('t × a device\'s GEMM and attention FLOPs = the model\'s; KV too when t divides the KV heads', () => {
    fc.assert(
      fc.property(shapes, ({ heads, kvDiv, headDim, t, batch, context }) => {
        const kvHeads = heads / kvDiv;
        const m = modelWith({ kind: 'gqa', heads, kvHeads, headDim, qkvBias: false, outBias: false }, heads * headDim, { layers: 3, intermediateSize: 64 * t, vocabSize: 64 * t });
        const p = decode(batch, context);
        const whole = plan(m, {}).operators(p);
        const split = plan(m, { tp: t }).operators(p);
        const flops = (ops: typeof whole) => ops.filter((o) => o.kind === 'gemm' || o.kind === 'attention').reduce((s, o) => s + o.count * o.flops, 0);
        if (kvHeads % t === 0) {
          expectRel(t * flops(split), flops(whole), 1e-12);
          const kv = plan(m, { tp: t }).deviceMemory(p)?.kvCacheBytes ?? 0;
          expectRel(t * kv, plan(m, {}).memory(p).kvCacheBytes, 1e-12);
        } else {
          // Replicated KV heads: k and v projections and the cache are per device what one head needs.
          expect(t * flops(split)).toBeGreaterThanOrEqual(flops(whole));
        }
      }),
      { numRuns: 60 },
    );
  });

  it('the stages of a pipeline hold every layer once and the tables once (twice when tied)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 32 }), fc.integer({ min: 1, max: 8 }), fc.boolean(), (layers, stages, tied) => {
        fc.pre(stages <= layers);
        const m = modelWith({ kind: 'mha', heads: 4, headDim: 16, qkvBias: false, outBias: false }, 64, { layers, intermediateSize: 128, vocabSize: 500, tiedEmbeddings: tied });
        const h = stageHoldings(m, par({ pp: stages }));
        const extra = tied && stages > 1 ? 500 * 64 : 0;
        expect(h.reduce((s, x) => s + x.parameters, 0)).toBe(modelParameters(m).total + extra);
        expect(h.length).toBe(stages);
      }),
      { numRuns: 60 },
    );
  });

  it('e expert ranks\' routed-expert FLOPs add up to the model\'s, and a pipeline\'s stages hold the whole KV cache', () => {
    fc.assert(
      fc.property(fc.constantFrom(2, 4, 8), fc.integer({ min: 8, max: 64 }), fc.integer({ min: 1, max: 8 }), (e, batch, stages) => {
        const moe = { kind: 'moe', experts: 16, expertsPerToken: 2, expertIntermediateSize: 32, sharedExperts: 0, sharedIntermediateSize: 0, sharedGate: false, routerBias: false, expertBias: false, activation: 'silu' } as const;
        const base = modelWith({ kind: 'gqa', heads: 4, kvHeads: 2, headDim: 16, qkvBias: false, outBias: false }, 64, { layers: 8, vocabSize: 1000 });
        const m: ModelConfig = { ...base, blocks: [{ count: 8, layer: { mlp: moe, window: 0, norms: 2 } }] };
        const p = decode(batch, 64);
        const routed = (ops: ReturnType<Plan['operators']>) => ops.filter((o) => o.name.startsWith('expert_') && o.kind === 'gemm').reduce((s, o) => s + o.count * o.flops, 0);
        expectRel(e * routed(plan(m, { ep: e }).operators(p)), routed(plan(m, {}).operators(p)), 1e-12);
        const held = stageHoldings(m, par({ pp: stages })).reduce((s, h) => s + h.cacheRuns.reduce((k, r) => k + r.elems, 0), 0);
        expect(held).toBe(8 * 2 * 2 * 16);
      }),
      { numRuns: 40 },
    );
  });

  it('a pipeline\'s stage times add up to the pass', () => {
    const m = loadModel('llama-2-70b');
    const pl = plan(m, { tp: 2, pp: 4 });
    const p = decode(8, 2048);
    const seconds = pl.stageSeconds(p);
    expect(seconds).toHaveLength(4);
    expectRel(seconds.reduce((a, b) => a + b, 0), pl.totalsAt(p).timeSeconds, 1e-12);
  });
});
