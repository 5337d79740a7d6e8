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
  /** Per-head RMSNorm of queries and keys over the head dimension (Qwen3, Gemma-3); absent = none. */
  readonly qkNorm?: boolean | undefined;
}

/** Grouped-query attention: `kvHeads` key/value heads shared by contiguous groups of query heads. */
export interface GqaAttention {
  readonly kind: 'gqa';
  readonly heads: number;
  readonly kvHeads: number;
  readonly headDim: number;
  readonly qkvBias: boolean;
  readonly outBias: boolean;
  /** Per-head RMSNorm of queries and keys over the head dimension (Qwen3, Gemma-3); absent = none. */
  readonly qkNorm?: boolean | undefined;
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

/** The gate's activation of a gated MLP: SiLU (SwiGLU) or tanh-approximated GELU (GeGLU). */
export type GatedActivation = 'silu' | 'gelu';

/** A dense gated MLP: gate and up projections H → I, the activation and product, the down projection I → H. */
export interface DenseMlp {
  readonly kind: 'dense';
  readonly intermediateSize: number;
  /** Gate, up and down projections carry biases. */
  readonly bias: boolean;
  readonly activation: GatedActivation;
}

/**
 * A mixture-of-experts MLP: a router H → E picks `expertsPerToken` of `experts` gated MLPs for each token; shared
 * experts run for every token.
 */
export interface MoeMlp {
  readonly kind: 'moe';
  /** Routed experts E. */
  readonly experts: number;
  /** Routed experts each token runs, k. */
  readonly expertsPerToken: number;
  /** Intermediate size of each routed expert. */
  readonly expertIntermediateSize: number;
  /** Experts every token runs (DeepSeek's shared experts); 0 = none. */
  readonly sharedExperts: number;
  /** Intermediate size of each shared expert (0 when there are none). */
  readonly sharedIntermediateSize: number;
  /** The shared experts' output is scaled by a sigmoid gate H → 1 (Qwen2-MoE). */
  readonly sharedGate: boolean;
  /** The router carries a bias of E (GPT-OSS's linear bias, DeepSeek-V3's e_score_correction_bias). */
  readonly routerBias: boolean;
  /** Expert projections carry biases (GPT-OSS). */
  readonly expertBias: boolean;
  readonly activation: GatedActivation;
}

/** The MLP of a layer, discriminated on `kind`. */
export type Mlp = DenseMlp | MoeMlp;
export type MlpKind = Mlp['kind'];

/** What may differ between the layers of one model. */
export interface LayerSpec {
  readonly mlp: Mlp;
  /** Sliding window W: the layer attends to and caches at most W previous tokens; 0 = full attention. */
  readonly window: number;
  /** RMSNorms per layer: 2 (before attention and MLP) or 4 (Gemma's before and after each). */
  readonly norms: 2 | 4;
}

/** `count` consecutive layers of one spec. */
export interface LayerRun {
  readonly count: number;
  readonly layer: LayerSpec;
}

/**
 * DeepSeek-V3's multi-token-prediction module: per module two RMSNorms of H, a projection 2H → H and one transformer
 * layer; it shares the embedding and lm_head. Published parameter counts exclude it, so reports show it apart.
 */
export interface MtpModule {
  readonly count: number;
  readonly layer: LayerSpec;
}

/**
 * A decoder-only transformer as the engine composes it: embedding, layers (one attention design, per-layer MLP,
 * window and norms, in runs), final RMSNorm, lm_head.
 */
export interface ModelConfig {
  readonly id: string;
  readonly name: string;
  /** Where the dimensions come from. */
  readonly source?: string | undefined;
  /** Transformer layers: the sum of the runs' counts (an MTP module not included). */
  readonly layers: number;
  readonly hiddenSize: number;
  readonly vocabSize: number;
  readonly tiedEmbeddings: boolean;
  /** The attention of every layer. */
  readonly attention: Attention;
  /** The layers in order, as runs of identical layers. */
  readonly blocks: readonly LayerRun[];
  /** Attention logits are soft-capped, c·tanh(s/c) per score (Gemma-2). */
  readonly logitSoftcap: boolean;
  /** Each head has a learned sink logit in its softmax (GPT-OSS). */
  readonly attentionSinks: boolean;
  /** Multi-token-prediction module, costed apart from the model (absent: none). */
  readonly mtp?: MtpModule | undefined;
  /** Weight width in bits the checkpoint ships with (its quantization_config); absent: the workload's default. */
  readonly weightBits?: number | undefined;
  /** Config fields that were accepted but change no cost, for the report's notes. */
  readonly ignoredFields?: readonly string[] | undefined;
}

/** A dense SwiGLU layer with two norms and full attention: what every model was before layers could differ. */
export function denseLayer(intermediateSize: number, bias = false, activation: GatedActivation = 'silu'): LayerSpec {
  return { mlp: { kind: 'dense', intermediateSize, bias, activation }, window: 0, norms: 2 };
}
