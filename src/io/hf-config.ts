/**
 * Imports a Hugging Face config.json (Llama/Mistral/Qwen2, DeepSeek-V2/V3 MLA, plm-team GTA) as a ModelConfig.
 * Every key must be either used, known to be cost-neutral metadata, or an architecture switch in its "off"
 * position; anything else fails loudly, because a silently ignored field would give wrong costs.
 */
import { basename, dirname } from 'node:path';
import { z } from 'zod';
import { denseLayer, type Attention, type ModelConfig } from '../core/model-config.js';
import { describeValue, UserError } from './errors.js';
import { checkModel } from './check-model.js';

type Json = Record<string, unknown>;
type Family = 'llama' | 'mistral' | 'qwen2' | 'mla' | 'gta';

/** Keys that do not change FLOPs, bytes or cache size (positions, numerics, tokenizer ids, provenance). */
const METADATA = [
  '_name_or_path', 'name_or_path', 'architectures', 'auto_map', 'model_type', 'torch_dtype', 'dtype',
  'transformers_version', 'bos_token_id', 'eos_token_id', 'pad_token_id', 'initializer_range', 'use_cache',
  'pretraining_tp', 'max_position_embeddings', 'rms_norm_eps', 'rope_theta', 'rope_scaling', 'attention_dropout',
  'hidden_act',
];
const CORE_FIELDS = ['hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size', 'vocab_size', 'tie_word_embeddings'];

/** What each family reads or may safely ignore on top of METADATA, CORE_FIELDS and inert ARCH_FIELDS. */
const FAMILY_FIELDS: Record<Family, readonly string[]> = {
  llama: ['num_key_value_heads', 'head_dim', 'attention_bias', 'mlp_bias'],
  mistral: ['num_key_value_heads', 'head_dim'],
  qwen2: ['num_key_value_heads', 'head_dim'],
  // num_key_value_heads is unused by MLA; rope_interleave is a position convention; head_dim mirrors qk_rope_head_dim.
  mla: ['q_lora_rank', 'kv_lora_rank', 'qk_nope_head_dim', 'qk_rope_head_dim', 'v_head_dim', 'num_key_value_heads', 'attention_bias', 'head_dim', 'rope_interleave'],
  // GTAConfig is a Llama clone: num_key_value_heads is a leftover and attention_bias is ignored by the released code.
  gta: ['num_query_heads', 'query_dim', 'num_key_heads', 'key_dim', 'num_value_heads', 'value_dim', 'head_dim', 'num_key_value_heads', 'attention_bias', 'mlp_bias'],
};

const isSet = (v: unknown): boolean => v !== undefined && v !== null;
const EXPERT_COUNTS = ['n_routed_experts', 'num_experts', 'num_local_experts'];
const hasExperts = (j: Json): boolean => EXPERT_COUNTS.some((k) => isSet(j[k]) && j[k] !== 0);
// Qwen2 keeps sliding_window filled in but only uses it when use_sliding_window is true; Mistral uses it whenever set.
const slides = (j: Json): boolean =>
  isSet(j.sliding_window) && (j.model_type === 'qwen2' ? j.use_sliding_window === true : j.use_sliding_window !== false);

interface ArchField {
  readonly what: string;
  readonly expected: string;
  readonly active: (v: unknown, j: Json) => boolean;
}

const moe = (expected: string, active: ArchField['active']): ArchField => ({ what: 'mixture of experts', expected, active });
const moeCompanion = moe('absent', (v, j) => v !== undefined && hasExperts(j));
const MOE_COMPANIONS = [
  'n_shared_experts', 'num_experts_per_tok', 'moe_intermediate_size', 'first_k_dense_replace', 'moe_layer_freq',
  'topk_method', 'n_group', 'topk_group', 'routed_scaling_factor', 'scoring_func', 'norm_topk_prob', 'aux_loss_alpha',
  'seq_aux', 'ep_size', 'router_aux_loss_coef', 'output_router_logits', 'router_jitter_noise',
  'shared_expert_intermediate_size', 'decoder_sparse_step', 'mlp_only_layers',
];

/** Switches that change the architecture: accepted in their "off" position, an error otherwise. */
const ARCH_FIELDS: Record<string, ArchField> = {
  ...Object.fromEntries(EXPERT_COUNTS.map((k) => [k, moe('null', (v) => isSet(v) && v !== 0)])),
  ...Object.fromEntries(MOE_COMPANIONS.map((k) => [k, moeCompanion])),
  num_nextn_predict_layers: { what: 'multi-token prediction', expected: '0', active: (v) => isSet(v) && v !== 0 },
  sliding_window: { what: 'sliding-window attention', expected: 'null', active: (_v, j) => slides(j) },
  use_sliding_window: { what: 'sliding-window attention', expected: 'false', active: (v, j) => v === true && slides(j) },
  max_window_layers: { what: 'sliding-window attention', expected: 'absent', active: (v, j) => v !== undefined && slides(j) },
  partial_rotary_factor: { what: 'partial rotary embedding', expected: '1', active: (v) => isSet(v) && v !== 1 },
  is_encoder_decoder: { what: 'encoder-decoder', expected: 'false', active: (v) => v === true },
  add_cross_attention: { what: 'cross-attention', expected: 'false', active: (v) => v === true },
  cross_attention_layers: { what: 'cross-attention', expected: 'null', active: (v) => isSet(v) && !(Array.isArray(v) && v.length === 0) },
  layer_types: {
    what: 'non-full attention layers',
    expected: 'only "full_attention"',
    active: (v) => isSet(v) && !(Array.isArray(v) && v.every((t) => t === 'full_attention')),
  },
};

// A config value in a message: cut short, and safe on values nested deeply.
const show = (v: unknown): string => describeValue(v);

/** True when parsed JSON looks like a Hugging Face config.json (has model_type, architectures or num_hidden_layers). */
export function looksLikeHfConfig(json: unknown): json is Record<string, unknown> {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return false;
  return 'model_type' in json || 'architectures' in json || 'num_hidden_layers' in json;
}

function familyOf(j: Json): Family {
  if ('num_query_heads' in j) return 'gta';
  if (j.model_type === 'deepseek_v2' || j.model_type === 'deepseek_v3' || 'kv_lora_rank' in j) return 'mla';
  if (j.model_type === 'mistral' || j.model_type === 'qwen2') return j.model_type;
  // Any other dense decoder is read with Llama's rules; its own extra keys then fail as unknown fields.
  return 'llama';
}

/** Rejects active architecture switches, naming every offending field in one message. */
function rejectArchitecture(j: Json, file: string): void {
  const bad = Object.entries(ARCH_FIELDS).filter(([k, f]) => k in j && f.active(j[k], j));
  const [first] = bad;
  if (first === undefined) return;
  const whats = [...new Set(bad.map(([, f]) => f.what))];
  if (bad.length === 1) {
    const [k, f] = first;
    throw new UserError(file, k, `${f.what} changes the architecture and is not modelled yet (got ${show(j[k])}, expected ${f.expected})`);
  }
  const got = bad.map(([k]) => `${k}=${show(j[k])}`).join(', ');
  const verb = whats.length === 1 ? 'changes the architecture and is' : 'change the architecture and are';
  throw new UserError(file, bad.map(([k]) => k).join(', '), `${whats.join(' and ')} ${verb} not modelled yet (got ${got})`);
}

/** Edit distance, for "did you mean" on misspelled keys. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let k = 1; k <= b.length; k++) {
      cur.push(Math.min((prev[k] ?? 0) + 1, (cur[k - 1] ?? 0) + 1, (prev[k - 1] ?? 0) + (a[i - 1] === b[k - 1] ? 0 : 1)));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function rejectUnknown(j: Json, family: Family, file: string): void {
  const allowed = new Set([...METADATA, ...CORE_FIELDS, ...FAMILY_FIELDS[family], ...Object.keys(ARCH_FIELDS)]);
  const unknown = Object.keys(j).filter((k) => !allowed.has(k));
  const [first] = unknown;
  if (first === undefined) return;
  const hints = unknown.flatMap((k) => {
    const near = [...allowed].find((a) => distance(k, a) <= 2);
    return near === undefined ? [] : [`${k} → ${near}?`];
  });
  const hint = hints.length > 0 ? `; did you mean ${hints.join(', ')}` : '';
  const noun = unknown.length === 1 ? 'unknown field' : 'unknown fields';
  throw new UserError(file, unknown.join(', '), `${noun} for a ${family} config (check the spelling; fields that are not modelled are errors, not guesses${hint})`);
}

const POSITIVE = z.number().int().positive();
const NON_NEGATIVE = z.number().int().nonnegative();

/** Typed access to config keys with one-line UserErrors. */
class Reader {
  constructor(
    private readonly j: Json,
    private readonly file: string,
  ) {}

  /** The value, or undefined when absent or null (HF treats null as "use the default"). */
  private opt<T>(key: string, schema: z.ZodType<T>, expected: string): T | undefined {
    const v = this.j[key];
    if (!isSet(v)) return undefined;
    const r = schema.safeParse(v);
    if (!r.success) throw new UserError(this.file, key, `expected ${expected} (got ${show(v)})`);
    return r.data;
  }

  private req<T>(key: string, schema: z.ZodType<T>, expected: string): T {
    const v = this.opt(key, schema, expected);
    if (v === undefined) throw new UserError(this.file, key, `required (got ${show(this.j[key])}, expected ${expected})`);
    return v;
  }

  int(key: string): number {
    return this.req(key, POSITIVE, 'a positive integer');
  }
  optInt(key: string): number | undefined {
    return this.opt(key, POSITIVE, 'a positive integer');
  }
  natural(key: string): number {
    return this.req(key, NON_NEGATIVE, 'a non-negative integer');
  }
  bool(key: string, absent: boolean): boolean {
    return this.opt(key, z.boolean(), 'true or false') ?? absent;
  }
  /** An integer that must be present but may be null, meaning `ifNull`. */
  nullableNatural(key: string, ifNull: number): number {
    if (this.j[key] === null) return ifNull;
    return this.natural(key);
  }

  /** head_dim when given, else hidden / heads, which then has to divide. */
  headDim(hidden: number, heads: number): number {
    const explicit = this.optInt('head_dim');
    if (explicit !== undefined) return explicit;
    if (hidden % heads !== 0) {
      throw new UserError(this.file, 'num_attention_heads', `must divide hidden_size when head_dim is absent (got ${String(heads)}, hidden_size ${String(hidden)})`);
    }
    return hidden / heads;
  }
}

function denseAttention(r: Reader, family: Family, file: string, hidden: number): Attention {
  const heads = r.int('num_attention_heads');
  const kvHeads = r.optInt('num_key_value_heads') ?? heads;
  const headDim = r.headDim(hidden, heads);
  if (heads % kvHeads !== 0) {
    throw new UserError(file, 'num_key_value_heads', `must divide num_attention_heads (got ${String(kvHeads)}, num_attention_heads ${String(heads)})`);
  }
  // Qwen2 hard-codes biased q/k/v and an unbiased o_proj; Mistral has no biases; Llama switches all four together.
  const llamaBias = family === 'llama' && r.bool('attention_bias', false);
  const qkvBias = family === 'qwen2' || llamaBias;
  const outBias = llamaBias;
  return kvHeads === heads
    ? { kind: 'mha', heads, headDim, qkvBias, outBias }
    : { kind: 'gqa', heads, kvHeads, headDim, qkvBias, outBias };
}

function mlaAttention(r: Reader, file: string): Attention {
  if (r.bool('attention_bias', false)) {
    throw new UserError(file, 'attention_bias', 'biased MLA projections change the architecture and are not modelled yet (got true, expected false)');
  }
  return {
    kind: 'mla',
    heads: r.int('num_attention_heads'),
    qLoraRank: r.nullableNatural('q_lora_rank', 0),
    kvLoraRank: r.int('kv_lora_rank'),
    qkNopeHeadDim: r.natural('qk_nope_head_dim'),
    qkRopeHeadDim: r.natural('qk_rope_head_dim'),
    vHeadDim: r.int('v_head_dim'),
  };
}

function gtaAttention(r: Reader, file: string, hidden: number): Attention {
  const heads = r.int('num_attention_heads');
  const headDim = r.headDim(hidden, heads);
  // RoPE and the score product broadcast query/key against head_dim, so any other width cannot run in the released code.
  for (const key of ['query_dim', 'key_dim']) {
    const d = r.optInt(key);
    if (d !== undefined && d !== headDim) {
      throw new UserError(file, key, `must equal head_dim (got ${String(d)}, expected ${String(headDim)})`);
    }
  }
  return {
    kind: 'gta',
    heads,
    headDim,
    queryHeads: r.int('num_query_heads'),
    keyHeads: r.int('num_key_heads'),
    valueHeads: r.int('num_value_heads'),
    valueDim: r.int('value_dim'),
    // The released GTAAttention always builds q/k/v/g with bias=True, whatever attention_bias says.
    bias: true,
    decoder: true,
    gate: true,
  };
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
  intermediateSize: 'intermediate_size',
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
  const hiddenSize = r.int('hidden_size');
  const attention =
    family === 'gta' ? gtaAttention(r, file, hiddenSize) : family === 'mla' ? mlaAttention(r, file) : denseAttention(r, family, file, hiddenSize);
  const model: ModelConfig = {
    id,
    name: nameOf(json, file),
    source: `Hugging Face config.json: ${file}`,
    layers: r.int('num_hidden_layers'),
    hiddenSize,
    vocabSize: r.int('vocab_size'),
    // HF's PretrainedConfig defaults tie_word_embeddings to true, but Llama, Mistral, Qwen2 and DeepSeek override it to false.
    tiedEmbeddings: r.bool('tie_word_embeddings', false),
    attention,
    // Only the llama and gta allow-lists admit mlp_bias, so elsewhere this is always the default.
    blocks: [{ count: r.int('num_hidden_layers'), layer: denseLayer(r.int('intermediate_size'), r.bool('mlp_bias', false)) }],
    logitSoftcap: false,
    attentionSinks: false,
  };
  checkModel(model, file, (field) => (Object.hasOwn(HF_KEYS, field) ? HF_KEYS[field] ?? field : field));
  return model;
}
