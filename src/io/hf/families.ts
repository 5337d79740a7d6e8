/**
 * The config.json families the importer knows, the keys each may carry, and the checks that refuse what is not
 * modelled. A key is either read, listed here as cost-neutral, or an error: a silently ignored field would give
 * wrong costs.
 */
import { describeValue, UserError } from '../errors.js';
import { isSet, type Json } from './reader.js';

export type Family =
  | 'llama' | 'mistral' | 'mixtral' | 'qwen2' | 'qwen2_moe' | 'qwen3' | 'qwen3_moe' | 'gemma2' | 'gemma3_text'
  | 'phi3' | 'deepseek' | 'gpt_oss' | 'gta';

/** Keys any family may carry that change no FLOP, byte or cache size (positions, numerics, token ids, provenance). */
const COMMON = [
  '_name_or_path', 'name_or_path', 'architectures', 'auto_map', 'model_type', 'torch_dtype', 'dtype',
  'transformers_version', 'bos_token_id', 'eos_token_id', 'pad_token_id', 'initializer_range', 'use_cache',
  'pretraining_tp', 'max_position_embeddings', 'rms_norm_eps', 'rope_theta', 'rope_scaling', 'rope_parameters',
  'attention_dropout', 'hidden_act', 'tie_word_embeddings', 'quantization_config',
  'hidden_size', 'num_hidden_layers', 'num_attention_heads', 'intermediate_size', 'vocab_size',
];
const GQA = ['num_key_value_heads', 'head_dim'];
const QWEN_WINDOW = ['sliding_window', 'use_sliding_window', 'max_window_layers', 'layer_types'];
// Routing details change which experts a token picks, not how many or how large they are.
const ROUTING = ['norm_topk_prob', 'router_aux_loss_coef', 'output_router_logits'];
const QWEN_MOE = ['num_experts', 'num_experts_per_tok', 'moe_intermediate_size', 'decoder_sparse_step', 'mlp_only_layers', ...ROUTING];
const GEMMA = ['hidden_activation', 'attention_bias', 'sliding_window', 'layer_types', 'attn_logit_softcapping', 'final_logit_softcapping', 'query_pre_attn_scalar', 'cache_implementation'];

/** The keys each family reads or may safely carry, on top of COMMON and the architecture switches. */
const FAMILY_FIELDS: Record<Family, readonly string[]> = {
  llama: [...GQA, 'attention_bias', 'mlp_bias'],
  mistral: [...GQA, 'sliding_window'],
  mixtral: [...GQA, 'sliding_window', 'num_local_experts', 'num_experts_per_tok', 'router_jitter_noise', ...ROUTING],
  // use_mrope is Qwen2-VL's multimodal rotary layout: positions only.
  qwen2: [...GQA, ...QWEN_WINDOW, 'use_mrope'],
  qwen2_moe: [...GQA, ...QWEN_WINDOW, ...QWEN_MOE, 'shared_expert_intermediate_size'],
  qwen3: [...GQA, ...QWEN_WINDOW, 'attention_bias'],
  qwen3_moe: [...GQA, ...QWEN_WINDOW, ...QWEN_MOE, 'attention_bias'],
  // sliding_window_size is the name an early release used for sliding_window; the model code never read it.
  gemma2: [...GQA, ...GEMMA, 'sliding_window_size'],
  gemma3_text: [...GQA, ...GEMMA, 'sliding_window_pattern', 'rope_local_base_freq', 'use_bidirectional_attention'],
  // Phi-3's modelling code builds qkv_proj and o_proj without bias whatever attention_bias says.
  phi3: [...GQA, 'sliding_window', 'attention_bias', 'embd_pdrop', 'resid_pdrop', 'original_max_position_embeddings'],
  // num_key_value_heads is unused by MLA; rope_interleave is a position convention; head_dim mirrors qk_rope_head_dim.
  deepseek: [
    'q_lora_rank', 'kv_lora_rank', 'qk_nope_head_dim', 'qk_rope_head_dim', 'v_head_dim', 'num_key_value_heads',
    'attention_bias', 'head_dim', 'rope_interleave', 'n_routed_experts', 'n_shared_experts', 'num_experts_per_tok',
    'moe_intermediate_size', 'first_k_dense_replace', 'moe_layer_freq', 'topk_method', 'n_group', 'topk_group',
    'routed_scaling_factor', 'scoring_func', 'norm_topk_prob', 'aux_loss_alpha', 'seq_aux', 'ep_size',
    'num_nextn_predict_layers',
  ],
  gpt_oss: [
    ...GQA, 'attention_bias', 'sliding_window', 'layer_types', 'num_local_experts', 'num_experts_per_tok',
    'experts_per_token', 'swiglu_limit', 'initial_context_length', ...ROUTING,
  ],
  // GTAConfig is a Llama clone: num_key_value_heads is a leftover and attention_bias is ignored by the released code.
  gta: ['num_query_heads', 'query_dim', 'num_key_heads', 'key_dim', 'num_value_heads', 'value_dim', 'head_dim', 'num_key_value_heads', 'attention_bias', 'mlp_bias'],
};

/**
 * tie_word_embeddings when the file omits it: the default of the family's transformers config class
 * (PretrainedConfig says true, but every class here except the Gemmas overrides it to false).
 */
export const TIED_DEFAULT: Record<Family, boolean> = {
  llama: false, mistral: false, mixtral: false, qwen2: false, qwen2_moe: false, qwen3: false, qwen3_moe: false,
  gemma2: true, gemma3_text: true, phi3: false, deepseek: false, gpt_oss: false, gta: false,
};

const BY_MODEL_TYPE: Readonly<Record<string, Family>> = {
  mistral: 'mistral', mixtral: 'mixtral', qwen2: 'qwen2', qwen2_moe: 'qwen2_moe', qwen3: 'qwen3', qwen3_moe: 'qwen3_moe',
  gemma2: 'gemma2', gemma3_text: 'gemma3_text', phi3: 'phi3', deepseek_v2: 'deepseek', deepseek_v3: 'deepseek',
  gpt_oss: 'gpt_oss',
};

/** The family whose rules read this config; any other decoder is read as a Llama and its own keys then fail. */
export function familyOf(j: Json): Family {
  if ('num_query_heads' in j) return 'gta';
  const byType = typeof j.model_type === 'string' && Object.hasOwn(BY_MODEL_TYPE, j.model_type) ? BY_MODEL_TYPE[j.model_type] : undefined;
  if (byType !== undefined) return byType;
  if ('kv_lora_rank' in j) return 'deepseek';
  return 'llama';
}

interface ArchField {
  readonly what: string;
  readonly expected: string;
  readonly active: (v: unknown) => boolean;
}

/** Switches that change the architecture and are not modelled: accepted in their "off" position, an error otherwise. */
const ARCH_FIELDS: Record<string, ArchField> = {
  partial_rotary_factor: { what: 'partial rotary embedding', expected: '1', active: (v) => isSet(v) && v !== 1 },
  is_encoder_decoder: { what: 'encoder-decoder', expected: 'false', active: (v) => v === true },
  add_cross_attention: { what: 'cross-attention', expected: 'false', active: (v) => v === true },
  cross_attention_layers: { what: 'cross-attention', expected: 'null', active: (v) => isSet(v) && !(Array.isArray(v) && v.length === 0) },
  use_bidirectional_attention: { what: 'bidirectional attention', expected: 'false', active: (v) => v === true },
};

/** The architecture switches present in a config (read by the import, so not listed as ignored). */
export const ARCH_KEYS = Object.keys(ARCH_FIELDS);

/** Rejects active architecture switches, naming every offending field in one message. */
export function rejectArchitecture(j: Json, file: string): void {
  const bad = Object.entries(ARCH_FIELDS).filter(([k, f]) => k in j && f.active(j[k]));
  const [first] = bad;
  if (first === undefined) return;
  if (bad.length === 1) {
    const [k, f] = first;
    throw new UserError(file, k, `${f.what} changes the architecture and is not modelled yet (got ${describeValue(j[k])}, expected ${f.expected})`);
  }
  const whats = [...new Set(bad.map(([, f]) => f.what))];
  const got = bad.map(([k]) => `${k}=${describeValue(j[k])}`).join(', ');
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

/** Refuses keys the family neither reads nor knows to be cost-neutral, with a spelling hint where one is close. */
export function rejectUnknown(j: Json, family: Family, file: string): void {
  const allowed = new Set([...COMMON, ...FAMILY_FIELDS[family], ...ARCH_KEYS]);
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
