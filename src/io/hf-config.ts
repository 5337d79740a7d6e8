/**
 * Imports a Hugging Face config.json (Llama, Mistral, Mixtral, Qwen2/2.5, Qwen2-MoE, Qwen3, Qwen3-MoE, Gemma-2,
 * Gemma-3 text, Phi-3, DeepSeek-V2/V3, GPT-OSS, plm-team GTA) as a ModelConfig. Every key must be read, known to be
 * cost-neutral (then listed in ignoredFields), or an architecture switch in its "off" position; anything else fails
 * loudly, because a silently ignored field would give wrong costs. The rules per family live in ./hf/.
 */
import { basename, dirname } from 'node:path';
import type { Attention, LayerSpec, ModelConfig } from '../core/model-config.js';
import { describeValue } from './errors.js';
import { checkModel } from './check-model.js';
import { denseAttention, gtaAttention, mlaAttention } from './hf/attention.js';
import { ARCH_KEYS, familyOf, rejectArchitecture, rejectUnknown, TIED_DEFAULT, type Family } from './hf/families.js';
import { activationOf, mlps, toRuns, windows } from './hf/layers.js';
import { Reader, type Json } from './hf/reader.js';

/** True when parsed JSON looks like a Hugging Face config.json (has model_type, architectures or num_hidden_layers). */
export function looksLikeHfConfig(json: unknown): json is Record<string, unknown> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  return 'model_type' in json || 'architectures' in json || 'num_hidden_layers' in json;
}

/**
 * The checkpoint's weight width from quantization_config: block-scaled FP8 (DeepSeek-V3) is 8 bits, MXFP4
 * (GPT-OSS) 4 bits. GPT-OSS quantizes only its experts (modules_to_not_convert keeps attention, router,
 * embedding and lm_head in bf16), but the experts are nearly all of its bytes, so 4 bits is the model's width here.
 */
function weightBitsOf(r: Reader): number | undefined {
  const q = r.optObject('quantization_config');
  if (q === undefined) return undefined;
  const method = q.quant_method;
  if (method === 'fp8') return 8;
  if (method === 'mxfp4') return 4;
  throw r.fail('quantization_config', `quant_method ${describeValue(method)} is not modelled (expected "fp8" or "mxfp4"; pass --bits instead)`);
}

function attentionOf(r: Reader, family: Family, hidden: number): Attention {
  if (family === 'gta') return gtaAttention(r, hidden);
  if (family === 'deepseek') return mlaAttention(r);
  return denseAttention(r, family, hidden);
}

/** Display name: the hub id when recorded, else "<folder or file> (<model_type>)"; never a whole local path. */
function nameOf(j: Json, file: string): string {
  for (const key of ['_name_or_path', 'name_or_path']) {
    const v = j[key];
    if (typeof v !== 'string' || v.trim() === '') continue;
    // Saved from a local checkout, transformers records the directory ("/home/me/models/llama"): keep its last part.
    const local = /^(?:[/~.]|[A-Za-z]:[\\/])|\\/.test(v) || v.split('/').length > 2;
    if (!local) return v;
    const last = v.split(/[\\/]+/).filter((p) => p !== '' && p !== '.' && p !== '..').pop();
    if (last !== undefined) return last;
  }
  const base = basename(file);
  const stem = base === 'config.json' ? basename(dirname(file)) : base.replace(/\.json$/, '');
  return typeof j.model_type === 'string' ? `${stem} (${j.model_type})` : stem;
}

/** The config.json key each ModelConfig field is read from, so that a range error names the key in the user's file. */
const HF_KEYS: Readonly<Record<string, string>> = {
  layers: 'num_hidden_layers',
  hiddenSize: 'hidden_size',
  vocabSize: 'vocab_size',
  'attention.heads': 'num_attention_heads',
  'attention.kvHeads': 'num_key_value_heads',
  // Absent from the file, it is hidden_size / num_attention_heads: the message's figures then explain it.
  'attention.headDim': 'head_dim',
  'attention.qLoraRank': 'q_lora_rank',
  'attention.kvLoraRank': 'kv_lora_rank',
  'attention.qkNopeHeadDim': 'qk_nope_head_dim',
  'attention.qkRopeHeadDim': 'qk_rope_head_dim',
  'attention.vHeadDim': 'v_head_dim',
  'attention.queryHeads': 'num_query_heads',
  'attention.keyHeads': 'num_key_heads',
  'attention.valueHeads': 'num_value_heads',
  'attention.valueDim': 'value_dim',
};

/** Converts a Hugging Face config.json into the engine's ModelConfig; throws UserError on anything it cannot model. */
export function importHfConfig(json: Record<string, unknown>, file: string, id: string): ModelConfig {
  rejectArchitecture(json, file);
  const family = familyOf(json);
  rejectUnknown(json, family, file);
  const r = new Reader(json, file);
  for (const key of ARCH_KEYS) r.raw(key);
  const hiddenSize = r.int('hidden_size');
  const attention = attentionOf(r, family, hiddenSize);
  const layers = r.int('num_hidden_layers');
  const activation = activationOf(r, family);
  // Only the llama and gta allow-lists admit mlp_bias, so elsewhere this is always the default.
  const mlp = mlps(r, family, layers, activation, r.bool('mlp_bias', false));
  const window = windows(r, family, layers);
  const norms = family === 'gemma2' || family === 'gemma3_text' ? 4 : 2;
  const specs: LayerSpec[] = mlp.map((m, i) => ({ mlp: m, window: window[i] ?? 0, norms }));
  // DeepSeek-V3's MTP layer is built like the main model's last (MoE) layer.
  const mtpCount = family === 'deepseek' ? r.optNatural('num_nextn_predict_layers') ?? 0 : 0;
  const last = specs[specs.length - 1];
  const vocabSize = r.int('vocab_size');
  const tiedEmbeddings = r.bool('tie_word_embeddings', TIED_DEFAULT[family]);
  // Gemma-2 soft-caps attention scores; Gemma-3 ships the key as null. The final-logit cap is one op per logit: ignored.
  const logitSoftcap = (family === 'gemma2' || family === 'gemma3_text') && r.optNumber('attn_logit_softcapping') !== undefined;
  const weightBits = weightBitsOf(r);
  const model: ModelConfig = {
    id,
    name: nameOf(json, file),
    source: `Hugging Face config.json: ${file}`,
    layers,
    hiddenSize,
    vocabSize,
    tiedEmbeddings,
    attention,
    blocks: toRuns(specs),
    logitSoftcap,
    attentionSinks: family === 'gpt_oss',
    ...(mtpCount > 0 && last !== undefined ? { mtp: { count: mtpCount, layer: last } } : {}),
    ...(weightBits !== undefined ? { weightBits } : {}),
    ignoredFields: r.unread(),
  };
  checkModel(model, file, (field) => (Object.hasOwn(HF_KEYS, field) ? HF_KEYS[field] ?? field : field));
  return model;
}
