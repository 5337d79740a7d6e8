/**
 * Real config.json files of today's open model families load unmodified, with the layer runs, windows, experts,
 * norms and flags their model code builds. Expected values come from the config files and the transformers model
 * classes (cited beside each), not from the importer.
 */
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { LayerRun, LayerSpec, ModelConfig, MoeMlp } from '../../src/core/model-config.js';
import { UserError } from '../../src/io/errors.js';
import { importHfConfig } from '../../src/io/hf-config.js';
import { loadModel } from '../../src/io/load-model.js';
import { readFileSync } from 'node:fs';

const fixture = (name: string): string => relative(process.cwd(), fileURLToPath(new URL(`../fixtures/hf/${name}`, import.meta.url)));
const load = (name: string): ModelConfig => loadModel(fixture(name));
const raw = (name: string): Record<string, unknown> => JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;

const dense = (intermediateSize: number, window = 0, norms: 2 | 4 = 2, activation: 'silu' | 'gelu' = 'silu', bias = false): LayerSpec => ({
  mlp: { kind: 'dense', intermediateSize, bias, activation },
  window,
  norms,
});
const moe = (experts: number, expertsPerToken: number, expertIntermediateSize: number, extra: Partial<MoeMlp> = {}): MoeMlp => ({
  kind: 'moe', experts, expertsPerToken, expertIntermediateSize, sharedExperts: 0, sharedIntermediateSize: 0,
  sharedGate: false, routerBias: false, expertBias: false, activation: 'silu', ...extra,
});
const run = (count: number, layer: LayerSpec): LayerRun => ({ count, layer });

/** `layers` layers alternating local (window w) and global, local first: Gemma-2's and GPT-OSS's pattern. */
function alternating(layers: number, local: LayerSpec, global: LayerSpec): LayerRun[] {
  return Array.from({ length: layers }, (_, i) => run(1, i % 2 === 0 ? local : global));
}

/** Every field a dense-family attention states. */
const gqa = (heads: number, kvHeads: number, headDim: number, extra: { qkvBias?: boolean; outBias?: boolean; qkNorm?: boolean } = {}) =>
  kvHeads === heads
    ? { kind: 'mha', heads, headDim, qkvBias: false, outBias: false, qkNorm: false, ...extra }
    : { kind: 'gqa', heads, kvHeads, headDim, qkvBias: false, outBias: false, qkNorm: false, ...extra };

describe('Llama 3.x', () => {
  it('3.1-405B: 126 dense layers of I = 53248, GQA 128/8, untied', () => {
    const m = load('llama/llama-3.1-405b.json');
    expect(m.attention).toEqual(gqa(128, 8, 128));
    expect(m.blocks).toEqual([run(126, dense(53248))]);
    expect([m.hiddenSize, m.vocabSize, m.tiedEmbeddings, m.logitSoftcap, m.attentionSinks]).toEqual([16384, 128256, false, false, false]);
    expect(m.mtp).toBeUndefined();
    expect(m.weightBits).toBeUndefined();
  });

  it('3.2-1B: tied embeddings from its file, head_dim 64', () => {
    const m = load('llama/llama-3.2-1b.json');
    expect(m.attention).toEqual(gqa(32, 8, 64));
    expect(m.blocks).toEqual([run(16, dense(8192))]);
    expect(m.tiedEmbeddings).toBe(true);
    expect(m.ignoredFields).toEqual([
      'architectures', 'attention_dropout', 'bos_token_id', 'eos_token_id', 'initializer_range', 'max_position_embeddings',
      'model_type', 'pretraining_tp', 'rms_norm_eps', 'rope_scaling', 'rope_theta', 'torch_dtype', 'transformers_version', 'use_cache',
    ]);
  });
});

describe('Mistral', () => {
  it('7B-v0.1 windows every layer at 4096', () => {
    expect(load('mistral-7b-v0.1.json').blocks).toEqual([run(32, dense(14336, 4096))]);
  });

  it('Nemo-12B: head_dim 128 although 5120 / 32 = 160, no window', () => {
    const m = load('mistral/mistral-nemo-12b.json');
    expect(m.attention).toEqual(gqa(32, 8, 128));
    expect(m.blocks).toEqual([run(40, dense(14336))]);
    expect([m.vocabSize, m.tiedEmbeddings]).toEqual([131072, false]);
  });
});

describe('Qwen2 / Qwen2.5', () => {
  it('0.5B: q/k/v biases, tied as its file says, sliding window off', () => {
    const m = load('qwen2/qwen2.5-0.5b.json');
    expect(m.attention).toEqual(gqa(14, 2, 64, { qkvBias: true }));
    expect(m.blocks).toEqual([run(24, dense(4864))]);
    expect(m.tiedEmbeddings).toBe(true);
    expect(m.ignoredFields).toContain('use_mrope');
  });

  it('7B: untied, sliding_window 131072 unused because use_sliding_window is false', () => {
    const m = load('qwen2/qwen2.5-7b.json');
    expect(m.blocks).toEqual([run(28, dense(18944))]);
    expect(m.tiedEmbeddings).toBe(false);
    expect(m.ignoredFields).not.toContain('sliding_window');
  });

  it('use_sliding_window true windows only layers >= max_window_layers', () => {
    const json = { ...raw('qwen2/qwen2.5-7b.json'), use_sliding_window: true, sliding_window: 4096, max_window_layers: 20 };
    expect(importHfConfig(json, 'q.json', 'q').blocks).toEqual([run(20, dense(18944)), run(8, dense(18944, 4096))]);
  });
});

describe('Qwen3', () => {
  it('0.6B: q/k norms, head_dim 128 with H = 1024, tied', () => {
    const m = load('qwen3/qwen3-0.6b.json');
    expect(m.attention).toEqual(gqa(16, 8, 128, { qkNorm: true }));
    expect(m.blocks).toEqual([run(28, dense(3072))]);
    expect(m.tiedEmbeddings).toBe(true);
  });

  it('30B-A3B: 48 MoE layers, 128 experts of 768, top 8; intermediate_size unused', () => {
    const m = load('qwen3-moe/qwen3-30b-a3b.json');
    expect(m.attention).toEqual(gqa(32, 4, 128, { qkNorm: true }));
    expect(m.blocks).toEqual([run(48, { mlp: moe(128, 8, 768), window: 0, norms: 2 })]);
    expect(m.tiedEmbeddings).toBe(false);
    expect(m.ignoredFields).toEqual(expect.arrayContaining(['intermediate_size', 'norm_topk_prob', 'router_aux_loss_coef']));
  });

  it('235B-A22B: 94 MoE layers, 128 experts of 1536, top 8', () => {
    const m = load('qwen3-moe/qwen3-235b-a22b.json');
    expect(m.attention).toEqual(gqa(64, 4, 128, { qkNorm: true }));
    expect(m.blocks).toEqual([run(94, { mlp: moe(128, 8, 1536), window: 0, norms: 2 })]);
  });

  it('mlp_only_layers and decoder_sparse_step place the dense layers', () => {
    // Layer i is MoE when i is not listed and (i + 1) % step == 0: with step 2 and layer 3 listed, layers 1 and 5 are MoE.
    const json = { ...raw('qwen3-moe/qwen3-30b-a3b.json'), num_hidden_layers: 6, decoder_sparse_step: 2, mlp_only_layers: [3] };
    const m = importHfConfig(json, 'q.json', 'q');
    const sparse = { mlp: moe(128, 8, 768), window: 0, norms: 2 } as const;
    expect(m.blocks).toEqual([run(1, dense(6144)), run(1, sparse), run(3, dense(6144)), run(1, sparse)]);
  });
});

describe('Qwen2-MoE', () => {
  it('Qwen1.5-MoE-A2.7B: 60 experts of 1408, top 4, one sigmoid-gated shared expert of 5632', () => {
    const m = load('qwen2-moe/qwen1.5-moe-a2.7b-chat.json');
    expect(m.attention).toEqual(gqa(16, 16, 128, { qkvBias: true }));
    const mlp = moe(60, 4, 1408, { sharedExperts: 1, sharedIntermediateSize: 5632, sharedGate: true });
    expect(m.blocks).toEqual([run(24, { mlp, window: 0, norms: 2 })]);
  });
});

describe('Gemma', () => {
  const gemma2 = (name: string, layers: number, i: number, attention: object): void => {
    const m = load(name);
    expect(m.attention).toEqual(attention);
    // Gemma2DecoderLayer: is_sliding = not layer_idx % 2, so even layers are local (4096) and odd layers global.
    expect(m.blocks).toEqual(alternating(layers, dense(i, 4096, 4, 'gelu'), dense(i, 0, 4, 'gelu')));
    expect(m.blocks).toHaveLength(layers);
    // Gemma2Config defaults tie_word_embeddings to true and the files do not say otherwise.
    expect([m.tiedEmbeddings, m.logitSoftcap, m.vocabSize]).toEqual([true, true, 256000]);
    expect(m.ignoredFields).toEqual(expect.arrayContaining(['final_logit_softcapping', 'query_pre_attn_scalar', 'cache_implementation']));
  };

  it('Gemma-2-2B', () => { gemma2('gemma2/gemma-2-2b.json', 26, 9216, gqa(8, 4, 256)); });
  it('Gemma-2-9B: head_dim 256 with H = 3584', () => { gemma2('gemma2/gemma-2-9b.json', 42, 14336, gqa(16, 8, 256)); });
  // The 27B file says head_dim 128 (4608 / 32 = 144 is its query_pre_attn_scalar), not 256.
  it('Gemma-2-27B: head_dim 128', () => { gemma2('gemma2/gemma-2-27b.json', 46, 36864, gqa(32, 16, 128)); });

  it('Gemma-3-1B: 5 local (512) : 1 global, q/k norms, no attention soft-cap', () => {
    const m = load('gemma3/gemma-3-1b-it.json');
    expect(m.attention).toEqual(gqa(4, 1, 256, { qkNorm: true }));
    const local = dense(6912, 512, 4, 'gelu');
    const global = dense(6912, 0, 4, 'gelu');
    // sliding_window_pattern 6: layers 5, 11, 17, 23 are global; 26 layers end with two local ones.
    const five = [run(5, local), run(1, global)];
    expect(m.blocks).toEqual([...five, ...five, ...five, ...five, run(2, local)]);
    expect([m.tiedEmbeddings, m.logitSoftcap, m.vocabSize]).toEqual([true, false, 262144]);
  });

  it('Gemma-3 layer_types, when present, decides', () => {
    const types = Array.from({ length: 26 }, (_, i) => (i < 2 ? 'full_attention' : 'sliding_attention'));
    const m = importHfConfig({ ...raw('gemma3/gemma-3-1b-it.json'), layer_types: types }, 'g.json', 'g');
    expect(m.blocks).toEqual([run(2, dense(6912, 0, 4, 'gelu')), run(24, dense(6912, 512, 4, 'gelu'))]);
  });
});

describe('Phi-3', () => {
  it('mini-4k: MHA 32 x 96, its 2047 window on every layer', () => {
    const m = load('phi3/phi-3-mini-4k-instruct.json');
    expect(m.attention).toEqual(gqa(32, 32, 96));
    expect(m.blocks).toEqual([run(32, dense(8192, 2047))]);
    expect(m.vocabSize).toBe(32064);
    // Phi-3's modelling code builds its projections without bias whatever this says.
    expect(m.ignoredFields).toEqual(expect.arrayContaining(['attention_bias', 'embd_pdrop', 'resid_pdrop']));
  });

  it('medium-4k: GQA 40/10', () => {
    const m = load('phi3/phi-3-medium-4k-instruct.json');
    expect(m.attention).toEqual(gqa(40, 10, 128));
    expect(m.blocks).toEqual([run(40, dense(17920, 2047))]);
  });
});

describe('Mixtral', () => {
  it('8x7B: intermediate_size is the expert size, 8 experts, top 2', () => {
    const m = load('mixtral/mixtral-8x7b.json');
    expect(m.blocks).toEqual([run(32, { mlp: moe(8, 2, 14336), window: 0, norms: 2 })]);
  });

  it('8x22B', () => {
    const m = load('mixtral/mixtral-8x22b.json');
    expect(m.attention).toEqual(gqa(48, 8, 128));
    expect(m.blocks).toEqual([run(56, { mlp: moe(8, 2, 16384), window: 0, norms: 2 })]);
    expect(m.ignoredFields).toContain('router_jitter_noise');
  });
});

describe('DeepSeek', () => {
  it('V2-Lite: 1 dense layer, then 26 MoE layers of 64 experts (1408), top 6, 2 shared', () => {
    const m = load('deepseek-v2-lite.json');
    expect(m.blocks).toEqual([run(1, dense(10944)), run(26, { mlp: moe(64, 6, 1408, { sharedExperts: 2, sharedIntermediateSize: 1408 }), window: 0, norms: 2 })]);
    expect(m.mtp).toBeUndefined();
  });

  it('V2: MLA with q_lora_rank 1536, 160 experts (1536), top 6, 2 shared, greedy routing without bias', () => {
    const m = load('deepseek/deepseek-v2.json');
    expect(m.attention).toEqual({ kind: 'mla', heads: 128, qLoraRank: 1536, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 });
    expect(m.blocks).toEqual([run(1, dense(12288)), run(59, { mlp: moe(160, 6, 1536, { sharedExperts: 2, sharedIntermediateSize: 1536 }), window: 0, norms: 2 })]);
  });

  it('V3: 3 dense layers, 58 MoE layers with a router bias (noaux_tc), one MTP module, FP8 weights', () => {
    const m = load('deepseek/deepseek-v3.json');
    const layer = { mlp: moe(256, 8, 2048, { sharedExperts: 1, sharedIntermediateSize: 2048, routerBias: true }), window: 0, norms: 2 } as const;
    expect(m.blocks).toEqual([run(3, dense(18432)), run(58, layer)]);
    expect(m.layers).toBe(61);
    expect(m.mtp).toEqual({ count: 1, layer });
    expect(m.weightBits).toBe(8);
    expect(m.ignoredFields).toEqual(expect.arrayContaining(['n_group', 'topk_group', 'routed_scaling_factor', 'scoring_func']));
  });
});

describe('GPT-OSS', () => {
  const layer = (window: number): LayerSpec => ({ mlp: moe(0, 4, 2880, { routerBias: true, expertBias: true }), window, norms: 2 });
  const withExperts = (e: number, runs: LayerRun[]): LayerRun[] =>
    runs.map((r) => ({ ...r, layer: { ...r.layer, mlp: { ...(r.layer.mlp as MoeMlp), experts: e } } }));

  it('20b: 24 layers alternating 128-token window and full, 32 experts top 4, sinks, biases, MXFP4', () => {
    const m = load('gpt-oss/gpt-oss-20b.json');
    expect(m.attention).toEqual(gqa(64, 8, 64, { qkvBias: true, outBias: true }));
    expect(m.blocks).toEqual(withExperts(32, alternating(24, layer(128), layer(0))));
    expect([m.attentionSinks, m.logitSoftcap, m.tiedEmbeddings, m.weightBits]).toEqual([true, false, false, 4]);
    expect(m.ignoredFields).toEqual(expect.arrayContaining(['swiglu_limit', 'initial_context_length', 'router_aux_loss_coef']));
  });

  it('120b: 36 layers, 128 experts', () => {
    const m = load('gpt-oss/gpt-oss-120b.json');
    expect(m.blocks).toEqual(withExperts(128, alternating(36, layer(128), layer(0))));
  });

  it('experts_per_token must agree with num_experts_per_tok', () => {
    const json = { ...raw('gpt-oss/gpt-oss-20b.json'), experts_per_token: 2 };
    expect(() => importHfConfig(json, 'o.json', 'o')).toThrow(/^o\.json: experts_per_token: must equal num_experts_per_tok \(got 2, expected 4\)$/);
  });
});

describe('still refused', () => {
  /** The UserError a config throws. */
  function error(json: Record<string, unknown>): UserError {
    try {
      importHfConfig(json, 'c.json', 'c');
    } catch (e) {
      expect(e).toBeInstanceOf(UserError);
      return e as UserError;
    }
    return expect.fail('expected a UserError');
  }

  it('a misspelled MoE field names the file and field, with a hint', () => {
    const json = { ...raw('qwen3-moe/qwen3-30b-a3b.json'), num_expert: 64 };
    const e = error(json);
    expect(e.message).toMatch(/^c\.json: num_expert: unknown field for a qwen3_moe config .*num_expert → num_experts\?\)$/);
    expect(e.message).not.toContain('\n');
  });

  it('a layer type that is not modelled', () => {
    const json = { ...raw('gpt-oss/gpt-oss-20b.json'), layer_types: Array.from({ length: 24 }, () => 'chunked_attention') };
    expect(error(json).message).toMatch(/^c\.json: layer_types: only "sliding_attention" and "full_attention" layers are modelled \(got "chunked_attention"\)$/);
  });

  it('a quantization method other than fp8 or mxfp4', () => {
    const json = { ...raw('deepseek/deepseek-v3.json'), quantization_config: { quant_method: 'awq', bits: 4 } };
    expect(error(json).message).toMatch(/^c\.json: quantization_config: quant_method "awq" is not modelled/);
  });

  it('bidirectional Gemma-3 (EmbeddingGemma) and partial rotary stay architecture errors', () => {
    expect(error({ ...raw('gemma3/gemma-3-1b-it.json'), use_bidirectional_attention: true }).field).toBe('use_bidirectional_attention');
    expect(error({ ...raw('phi3/phi-3-mini-4k-instruct.json'), partial_rotary_factor: 0.75 }).message).toContain('(got 0.75, expected 1)');
  });

  it('more experts per token than experts', () => {
    const json = { ...raw('mixtral/mixtral-8x7b.json'), num_experts_per_tok: 9 };
    expect(error(json).message).toBe('c.json: num_experts_per_tok: must not exceed the number of experts (got 9, experts 8)');
  });

  it('an mlp_only_layers index past the last layer (a typo that would leave the layer meant MoE)', () => {
    const json = { ...raw('qwen3-moe/qwen3-30b-a3b.json'), mlp_only_layers: [3, 48] };
    expect(error(json).message).toBe('c.json: mlp_only_layers: every index must name a layer (got 48, expected 0 to 47)');
  });

  it('a layer_types list of the wrong length', () => {
    const json = { ...raw('gpt-oss/gpt-oss-20b.json'), num_hidden_layers: 20 };
    expect(error(json).message).toBe('c.json: layer_types: must list one type per layer (got 24 entries, expected 20)');
  });
});
