/** The attention of a config.json: GQA/MHA for the dense families, MLA for DeepSeek, GTA for plm-team. */
import type { Attention } from '../../core/model-config.js';
import type { Family } from './families.js';
import type { Reader } from './reader.js';

/** Which projections carry biases, by family. */
function biases(r: Reader, family: Family): { qkvBias: boolean; outBias: boolean } {
  switch (family) {
    // Qwen2 and Qwen2-MoE hard-code biased q/k/v and an unbiased o_proj.
    case 'qwen2':
    case 'qwen2_moe':
      return { qkvBias: true, outBias: false };
    // Mistral, Mixtral and Phi-3 build every attention projection without bias.
    case 'mistral':
    case 'mixtral':
    case 'phi3':
      return { qkvBias: false, outBias: false };
    // Llama, Qwen3, the Gemmas and GPT-OSS switch all four projections with attention_bias.
    case 'llama':
    case 'qwen3':
    case 'qwen3_moe':
    case 'gemma2':
    case 'gemma3_text':
    case 'gpt_oss':
    case 'deepseek':
    case 'gta': {
      const b = r.bool('attention_bias', false);
      return { qkvBias: b, outBias: b };
    }
  }
}

/** MHA when every head has its own keys, else GQA; Qwen3 and Gemma-3 add q/k RMSNorms. */
export function denseAttention(r: Reader, family: Family, hidden: number): Attention {
  const heads = r.int('num_attention_heads');
  const kvHeads = r.optInt('num_key_value_heads') ?? heads;
  const headDim = r.headDim(hidden, heads);
  if (heads % kvHeads !== 0) {
    throw r.fail('num_key_value_heads', `must divide num_attention_heads (got ${String(kvHeads)}, num_attention_heads ${String(heads)})`);
  }
  const { qkvBias, outBias } = biases(r, family);
  const qkNorm = family === 'qwen3' || family === 'qwen3_moe' || family === 'gemma3_text';
  return kvHeads === heads
    ? { kind: 'mha', heads, headDim, qkvBias, outBias, qkNorm }
    : { kind: 'gqa', heads, kvHeads, headDim, qkvBias, outBias, qkNorm };
}

/** DeepSeek's multi-head latent attention. */
export function mlaAttention(r: Reader): Attention {
  if (r.bool('attention_bias', false)) {
    throw r.fail('attention_bias', 'biased MLA projections change the architecture and are not modelled yet (got true, expected false)');
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

/** Grouped-head latent attention as the plm-team release configures it. */
export function gtaAttention(r: Reader, hidden: number): Attention {
  const heads = r.int('num_attention_heads');
  const headDim = r.headDim(hidden, heads);
  // RoPE and the score product broadcast query/key against head_dim, so any other width cannot run in the released code.
  for (const key of ['query_dim', 'key_dim']) {
    const d = r.optInt(key);
    if (d !== undefined && d !== headDim) throw r.fail(key, `must equal head_dim (got ${String(d)}, expected ${String(headDim)})`);
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
