import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { denseLayer, type ModelConfig } from '../../src/core/model-config.js';
import { UserError } from '../../src/io/errors.js';
import { importHfConfig, looksLikeHfConfig } from '../../src/io/hf-config.js';
import { loadModel } from '../../src/io/load-model.js';

/** A fixture under test/fixtures/hf/, relative to the working directory as error messages show it. */
const fixture = (name: string): string => relative(process.cwd(), fileURLToPath(new URL(`../fixtures/hf/${name}`, import.meta.url)));
const raw = (name: string): Record<string, unknown> => JSON.parse(readFileSync(fixture(name), 'utf8')) as Record<string, unknown>;

/**
 * The sizes an HF import and a shipped config both state. The per-layer MLP is checked by hand beside each use:
 * the shipped format gains its layer runs with the core rewrite.
 */
function dims(m: ModelConfig): Pick<ModelConfig, 'layers' | 'hiddenSize' | 'vocabSize' | 'tiedEmbeddings'> & { attention: Record<string, unknown> } {
  const { layers, hiddenSize, vocabSize, tiedEmbeddings } = m;
  // qkNorm is new in the attention type; an older shipped config omits it, meaning false.
  const attention = Object.fromEntries(Object.entries(m.attention).filter(([k]) => k !== 'qkNorm'));
  return { layers, hiddenSize, vocabSize, tiedEmbeddings, attention };
}

const NO_EXTRAS = { logitSoftcap: false, attentionSinks: false } as const;

/** The UserError loading a fixture throws (fails the test when none is thrown). */
function loadError(name: string): UserError {
  try {
    loadModel(fixture(name));
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  return expect.fail(`expected ${name} to be rejected`);
}

/** Asserts the error is one line that starts with the fixture path and the field. */
function expectShape(e: UserError, name: string, field: string): void {
  expect(e.message.startsWith(`${fixture(name)}: ${field}`)).toBe(true);
  expect(e.message).not.toContain('\n');
}

describe('looksLikeHfConfig', () => {
  it('accepts Hugging Face configs and rejects the project format and non-objects', () => {
    expect(looksLikeHfConfig(raw('llama-2-7b.json'))).toBe(true);
    expect(looksLikeHfConfig({ num_hidden_layers: 2 })).toBe(true);
    const own = JSON.parse(readFileSync(fileURLToPath(new URL('../../configs/llama-2-7b.json', import.meta.url)), 'utf8')) as unknown;
    expect(looksLikeHfConfig(own)).toBe(false);
    expect(looksLikeHfConfig(null)).toBe(false);
    expect(looksLikeHfConfig([{ model_type: 'llama' }])).toBe(false);
    expect(looksLikeHfConfig('llama')).toBe(false);
  });
});

describe('importing Hugging Face config.json', () => {
  it('Llama-2-7B is MHA with 32 heads of 128, untied, and matches the shipped config', () => {
    const file = fixture('llama-2-7b.json');
    const m = loadModel(file);
    expect(m).toEqual({
      id: file,
      name: 'meta-llama/Llama-2-7b-hf',
      source: `Hugging Face config.json: ${file}`,
      layers: 32,
      hiddenSize: 4096,
      vocabSize: 32000,
      tiedEmbeddings: false,
      attention: { kind: 'mha', heads: 32, headDim: 128, qkvBias: false, outBias: false, qkNorm: false },
      blocks: [{ count: 32, layer: denseLayer(11008) }],
      ...NO_EXTRAS,
      // Everything in the file that is not a size: provenance, token ids, positions, numerics.
      ignoredFields: [
        '_name_or_path', 'architectures', 'bos_token_id', 'eos_token_id', 'initializer_range', 'max_position_embeddings',
        'model_type', 'pretraining_tp', 'rms_norm_eps', 'rope_scaling', 'rope_theta', 'torch_dtype', 'transformers_version', 'use_cache',
      ],
    });
    expect(dims(m)).toEqual(dims(loadModel('llama-2-7b')));
  });

  it('Llama-3.1-8B is GQA 32/8 and matches the shipped config', () => {
    const m = loadModel(fixture('llama-3.1-8b.json'));
    expect(m.attention).toEqual({ kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128, qkvBias: false, outBias: false, qkNorm: false });
    expect([m.layers, m.hiddenSize, m.vocabSize, m.tiedEmbeddings]).toEqual([32, 4096, 128256, false]);
    expect(m.blocks).toEqual([{ count: 32, layer: denseLayer(14336) }]);
    // No _name_or_path: the name comes from the file and model_type.
    expect(m.name).toBe('llama-3.1-8b (llama)');
    expect(dims(m)).toEqual(dims(loadModel('llama-3.1-8b')));
  });

  it('Mistral-7B-v0.3 with sliding_window null is plain GQA', () => {
    const m = loadModel(fixture('mistral-7b-v0.3.json'));
    expect(m.attention).toEqual({ kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128, qkvBias: false, outBias: false, qkNorm: false });
    expect(m.blocks).toEqual([{ count: 32, layer: denseLayer(14336) }]);
    expect(m.vocabSize).toBe(32768);
  });

  it('Qwen2-7B has q/k/v biases but no output bias, and its unused sliding_window is accepted', () => {
    const m = loadModel(fixture('qwen2-7b.json'));
    expect(m.attention).toEqual({ kind: 'gqa', heads: 28, kvHeads: 4, headDim: 128, qkvBias: true, outBias: false, qkNorm: false });
    expect([m.layers, m.hiddenSize, m.vocabSize]).toEqual([28, 3584, 152064]);
    expect(m.blocks).toEqual([{ count: 28, layer: denseLayer(18944) }]);
  });

  it('honours an explicit head_dim that differs from hidden / heads', () => {
    expect(loadModel(fixture('llama-head-dim-256.json')).attention).toEqual({ kind: 'mha', heads: 32, headDim: 256, qkvBias: false, outBias: false, qkNorm: false });
  });

  it('DeepSeek-V2-Lite without MoE fields is MLA with q_lora_rank null read as 0', () => {
    const m = loadModel(fixture('deepseek-v2-lite-dense.json'));
    expect(m.attention).toEqual({ kind: 'mla', heads: 16, qLoraRank: 0, kvLoraRank: 512, qkNopeHeadDim: 128, qkRopeHeadDim: 64, vHeadDim: 128 });
    expect([m.layers, m.hiddenSize, m.vocabSize, m.tiedEmbeddings]).toEqual([27, 2048, 102400, false]);
    expect(m.blocks).toEqual([{ count: 27, layer: denseLayer(10944) }]);
  });

  it('the GTA repository config is GTA-1B, biased even though attention_bias is false', () => {
    const file = fixture('gta/config.json');
    const m = loadModel(file);
    expect(raw('gta/config.json').attention_bias).toBe(false);
    expect(m.attention).toEqual({
      kind: 'gta',
      heads: 20,
      headDim: 64,
      queryHeads: 5,
      keyHeads: 1,
      valueHeads: 1,
      valueDim: 128,
      bias: true,
      decoder: true,
      gate: true,
    });
    expect(m.name).toBe('gta (llama)');
    expect(m.blocks).toEqual([{ count: 54, layer: denseLayer(3584) }]);
    // The released code ignores both: attention_bias (always biased) and the Llama leftover num_key_value_heads.
    expect(m.ignoredFields).toContain('attention_bias');
    expect(m.ignoredFields).toContain('num_key_value_heads');
    expect(dims(m)).toEqual(dims(loadModel('paper/gta-1b')));
  });

  it('uses the id it is given', () => {
    expect(importHfConfig(raw('llama-2-7b.json'), 'x/config.json', 'my-id').id).toBe('my-id');
  });
});

describe('rejecting what cannot be modelled', () => {
  it('MoE fields on a family without experts are unknown fields, not guesses', () => {
    const mixtral = { ...raw('mistral-7b-v0.3.json'), num_local_experts: 8, num_experts_per_tok: 2 };
    expect(() => importHfConfig(mixtral, 'm.json', 'm')).toThrow(/^m\.json: num_local_experts, num_experts_per_tok: unknown fields for a mistral config/);
  });

  it('encoder-decoder and cross-attention switches stay errors, named together', () => {
    const json = { ...raw('llama-2-7b.json'), is_encoder_decoder: true, add_cross_attention: true };
    expect(() => importHfConfig(json, 'l.json', 'l')).toThrow(/^l\.json: is_encoder_decoder, add_cross_attention: encoder-decoder and cross-attention change the architecture and are not modelled yet/);
  });

  it('partial_rotary_factor 0.5', () => {
    const e = loadError('bad/partial-rotary.json');
    expectShape(e, 'bad/partial-rotary.json', 'partial_rotary_factor');
    expect(e.message).toContain('(got 0.5, expected 1)');
  });

  it('a misspelled field fails as unknown, with a suggestion', () => {
    const e = loadError('bad/misspelled-heads.json');
    expectShape(e, 'bad/misspelled-heads.json', 'num_attention_head:');
    expect(e.message).toContain('unknown field');
    expect(e.message).toContain('num_attention_heads?');
  });

  it('a field another family has is unknown here (Qwen2 has no attention_bias)', () => {
    expect(() => importHfConfig({ ...raw('qwen2-7b.json'), attention_bias: true }, 'q.json', 'q')).toThrow(/^q\.json: attention_bias: unknown field for a qwen2 config/);
  });

  it('missing hidden_size', () => {
    const e = loadError('bad/no-hidden-size.json');
    expectShape(e, 'bad/no-hidden-size.json', 'hidden_size');
    expect(e.message).toContain('required (got nothing');
  });

  it('a negative layer count', () => {
    const e = loadError('bad/negative-layers.json');
    expectShape(e, 'bad/negative-layers.json', 'num_hidden_layers');
    expect(e.message).toContain('expected a positive integer (got -3)');
  });

  it('heads that do not divide hidden_size without head_dim', () => {
    const e = loadError('bad/heads-not-dividing.json');
    expectShape(e, 'bad/heads-not-dividing.json', 'num_attention_heads');
    expect(e.message).toContain('must divide hidden_size');
  });

  it('GTA with query_dim different from head_dim', () => {
    const e = loadError('bad/gta-query-dim.json');
    expectShape(e, 'bad/gta-query-dim.json', 'query_dim');
    expect(e.message).toContain('(got 128, expected 64)');
  });

  it('GTA dims the engine rejects surface through checkModel', () => {
    const json = { ...raw('gta/config.json'), num_query_heads: 3 };
    expect(() => importHfConfig(json, 'g.json', 'g')).toThrow(/^g\.json: num_query_heads: must divide heads/);
  });

  it('a size beyond its limit is named by the config.json key, not the engine\'s field', () => {
    const llama = raw('llama-2-7b.json');
    expect(() => importHfConfig({ ...llama, num_hidden_layers: 5000 }, 'l.json', 'l')).toThrow(/^l\.json: num_hidden_layers: must be at most 4096 layers \(got 5000\)$/);
    expect(() => importHfConfig({ ...llama, hidden_size: 1048576, num_attention_heads: 8192 }, 'l.json', 'l')).toThrow(/^l\.json: hidden_size: must be at most 131072 elements \(got 1048576\)$/);
    // head_dim absent: hidden_size / num_attention_heads = 131072 / 1 is the head dimension, over its limit.
    expect(() => importHfConfig({ ...llama, hidden_size: 131072, num_attention_heads: 1, num_key_value_heads: 1 }, 'l.json', 'l')).toThrow(/^l\.json: head_dim: must be at most 16384 elements \(got 131072\)$/);
  });
});
