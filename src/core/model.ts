/** Whole-model composition: embedding, per-layer norm/attention/residual/norm/gated MLP/residual, final norm, lm_head. */
import { product, sum, type Formula } from './formula.js';
import { elementwise, linear, op, rmsNorm, type OpDef, TOKENS } from './op.js';
import type { ModelConfig } from './model-config.js';
import { variantOf, type OpsContext } from './variants/index.js';

/** How much of the model a report covers: one layer's attention, one whole layer, or the whole model. */
export const SCOPES = ['attention', 'layer', 'model'] as const;
export type Scope = (typeof SCOPES)[number];

/** An operator and how many times the scope runs it per pass. */
export interface PlacedOp {
  readonly def: OpDef;
  /** Occurrences: 1, or the number of layers for per-layer operators at model scope. */
  readonly count: number;
  /** The operator belongs to a transformer layer (not embedding, final norm or lm_head). */
  readonly perLayer: boolean;
}

/** Model-level symbols: H, I, V, layers n_L, tied t_e, MLP bias b_mlp, plus the attention variant's symbols. */
export function modelSymbols(m: ModelConfig): Record<string, number> {
  return {
    H: m.hiddenSize,
    I: m.intermediateSize,
    V: m.vocabSize,
    n_L: m.layers,
    t_e: Number(m.tiedEmbeddings),
    b_mlp: Number(m.mlpBias),
    ...variantOf(m.attention).symbols(m.attention),
  };
}

export const MODEL_SYMBOL_DOCS: Readonly<Record<string, string>> = {
  H: 'hidden size',
  I: 'MLP intermediate size',
  V: 'vocabulary size',
  n_L: 'layers',
  t_e: '1 if the lm_head shares the embedding matrix, else 0',
  b_mlp: '1 if MLP projections have biases, else 0',
  B: 'batch (sequences)',
  T: 'query tokens per sequence in this pass (prefill: S; decode: 1)',
  K: 'keys attended per sequence (prefill: S; decode: context L)',
  P: '(query, key) pairs per sequence',
  w: 'bytes per weight',
  a: 'bytes per activation',
  kv: 'bytes per KV-cache element',
  M: 'on-chip memory per compute unit, bytes (sizes FlashAttention tiles)',
  d_t: 'widest head dimension a fused tile holds',
  Br: 'query rows per FlashAttention tile',
  n_t: 'query tiles per sequence',
};

/** The non-attention operators of one layer, around the attention block. */
function layerOps(attention: OpDef[]): OpDef[] {
  const residual = (name: string): OpDef => elementwise(name, 'H', '1', '2', '1');
  return [
    rmsNorm('attn_norm', 'H'),
    ...attention,
    residual('attn_add'),
    rmsNorm('mlp_norm', 'H'),
    linear('gate_proj', 'H', 'I', { bias: 'b_mlp' }),
    linear('up_proj', 'H', 'I', { bias: 'b_mlp' }),
    // SwiGLU: silu(gate) ⊙ up, 5 FLOPs per element of the intermediate size.
    elementwise('mlp_act', 'I', '5', '2', '1'),
    linear('down_proj', 'I', 'H', { bias: 'b_mlp' }),
    residual('mlp_add'),
  ];
}

/** Embedding lookup: gathers one row per token (only those rows are read), writes the hidden states. */
const EMBEDDING = op('embedding', { weight: product(TOKENS, 'H', 'w'), actWrite: product(TOKENS, 'H', 'a') });

const FINAL_NORM = rmsNorm('final_norm', 'H');

/** lm_head: logits for the last token of each sequence (prefill) or the new token (decode). */
const LM_HEAD = linear('lm_head', 'H', 'V', { tokens: 'B' });

/** The operators a scope runs, with their counts. */
export function scopeOps(m: ModelConfig, ctx: OpsContext, scope: Scope): PlacedOp[] {
  const attention = variantOf(m.attention).ops(m.attention, ctx);
  switch (scope) {
    case 'attention':
      return attention.map((def) => ({ def, count: 1, perLayer: true }));
    case 'layer':
      return layerOps(attention).map((def) => ({ def, count: 1, perLayer: true }));
    case 'model':
      return [
        { def: EMBEDDING, count: 1, perLayer: false },
        ...layerOps(attention).map((def) => ({ def, count: m.layers, perLayer: true })),
        { def: FINAL_NORM, count: 1, perLayer: false },
        { def: LM_HEAD, count: 1, perLayer: false },
      ];
  }
}

/** Exact parameter count of the whole model as a formula (embeddings counted once when tied). */
export function parameterFormula(m: ModelConfig): Formula {
  const attention = variantOf(m.attention).params(m.attention);
  const perLayer = sum(attention, product('2', 'H'), product('3', 'H', 'I'), product('b_mlp', sum(product('2', 'I'), 'H')));
  return sum(product('n_L', perLayer), 'H', product('V', 'H'), product('1 - t_e', 'V', 'H'));
}

/** KV-cache elements per token across all layers. */
export function cacheFormula(m: ModelConfig): Formula {
  return product('n_L', variantOf(m.attention).cacheElems(m.attention));
}
