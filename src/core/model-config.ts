/** A model as the engine sees it: validated, plain numbers, one attention variant. */

/** Multi-head attention: every head has its own keys and values. */
export interface MhaAttention {
  readonly kind: 'mha';
  readonly heads: number;
  readonly headDim: number;
  /** q, k and v projections carry biases. */
  readonly qkvBias: boolean;
  /** The output projection carries a bias. */
  readonly outBias: boolean;
}

/** Grouped-query attention: `kvHeads` key/value heads shared by contiguous groups of query heads. */
export interface GqaAttention {
  readonly kind: 'gqa';
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly qkvBias: boolean;
  readonly outBias: boolean;
}

/** DeepSeek multi-head latent attention; the cache holds the latent `kvLoraRank + qkRopeHeadDim` per token. */
export interface MlaAttention {
  readonly kind: 'mla';
  readonly heads: number;
  /** Rank of the query down-projection; 0 means queries are projected directly. */
  readonly qLoraRank: number;
  readonly kvLoraRank: number;
  readonly qkNopeHeadDim: number;
  readonly qkRopeHeadDim: number;
  readonly vHeadDim: number;
}

/** Grouped-head latent attention (arXiv 2506.17286). */
export interface GtaAttention {
  readonly kind: 'gta';
  /** Output heads n_h; heads × headDim equals the hidden size. */
  readonly heads: number;
  readonly headDim: number;
  /** Distinct queries, i.e. shared attention maps n_q. */
  readonly queryHeads: number;
  /** Cached key heads n_k. */
  readonly keyHeads: number;
  /** Latent value heads n_c. */
  readonly valueHeads: number;
  /** Latent value dimension d_l. */
  readonly valueDim: number;
  /** q, k, v and gate projections carry biases (they always do in the released code). */
  readonly bias: boolean;
  /** The learnable decoder part W_b is present (off only for equivalence checks). */
  readonly decoder: boolean;
  /** The sigmoid output gate is present (off only for equivalence checks). */
  readonly gate: boolean;
}

/** The four attention variants, discriminated on `kind`. */
export type Attention = MhaAttention | GqaAttention | MlaAttention | GtaAttention;
export type AttentionKind = Attention['kind'];

/** A decoder-only transformer with a gated (SwiGLU) MLP and RMSNorm, as the engine composes it. */
export interface ModelConfig {
  readonly id: string;
  readonly name: string;
  /** Where the dimensions come from. */
  readonly source?: string | undefined;
  readonly layers: number;
  readonly hiddenSize: number;
  readonly intermediateSize: number;
  readonly vocabSize: number;
  readonly tiedEmbeddings: boolean;
  /** The MLP's gate, up and down projections carry biases. */
  readonly mlpBias: boolean;
  readonly attention: Attention;
}
