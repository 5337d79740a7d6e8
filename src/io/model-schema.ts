/** Schema of a model config file (the project's own format; Hugging Face config.json is imported separately). */
import { z } from 'zod';

const dim = (what: string) => z.number().int().positive().describe(what);
const count = (what: string) => z.number().int().nonnegative().describe(what);
const flag = (what: string) => z.boolean().default(false).describe(what);

const qkNorm = flag('per-head RMSNorm of queries and keys over the head dimension (Qwen3, Gemma-3)');

const Mha = z
  .object({
    kind: z.literal('mha'),
    heads: dim('attention heads n_h'),
    headDim: dim('head dimension d_h, elements'),
    qkvBias: z.boolean().describe('q/k/v projections carry biases'),
    outBias: z.boolean().describe('the output projection carries a bias'),
    qkNorm,
  })
  .strict();

const Gqa = z
  .object({
    kind: z.literal('gqa'),
    heads: dim('query heads n_h'),
    kvHeads: dim('key/value heads n_kv (1 = MQA)'),
    headDim: dim('head dimension d_h, elements'),
    qkvBias: z.boolean().describe('q/k/v projections carry biases'),
    outBias: z.boolean().describe('the output projection carries a bias'),
    qkNorm,
  })
  .strict();

const Mla = z
  .object({
    kind: z.literal('mla'),
    heads: dim('attention heads n_h'),
    qLoraRank: count('query low-rank dimension r_q, elements; 0 = direct query projection'),
    kvLoraRank: dim('latent key/value dimension d_c, elements'),
    qkNopeHeadDim: count('per-head query/key dimension without RoPE d_n, elements'),
    qkRopeHeadDim: count('shared RoPE key dimension d_r, elements'),
    vHeadDim: dim('per-head value dimension d_v, elements'),
  })
  .strict();

const Gta = z
  .object({
    kind: z.literal('gta'),
    heads: dim('output heads n_h (heads × headDim = hiddenSize)'),
    headDim: dim('head, query and key dimension d_h, elements'),
    queryHeads: dim('query heads = shared attention maps n_q'),
    keyHeads: dim('cached key heads n_k'),
    valueHeads: dim('cached latent value heads n_c'),
    valueDim: dim('latent value dimension d_l, elements'),
    bias: z.boolean().describe('q/k/v/g projections carry biases (true in the released GTA code)'),
    decoder: z.boolean().default(true).describe('learnable decoder W_b present (false only for equivalence studies)'),
    gate: z.boolean().default(true).describe('sigmoid output gate present (false only for equivalence studies)'),
  })
  .strict();

export const AttentionSchema = z.discriminatedUnion('kind', [Mha, Gqa, Mla, Gta]);

const activation = z.enum(['silu', 'gelu']).default('silu').describe('gate activation: silu (SwiGLU) or tanh-approximated gelu (GeGLU)');

const DenseMlp = z
  .object({
    kind: z.literal('dense'),
    intermediateSize: dim('gated MLP intermediate size I, elements'),
    bias: flag('gate, up and down projections carry biases'),
    activation,
  })
  .strict();

const MoeMlp = z
  .object({
    kind: z.literal('moe'),
    experts: dim('routed experts E'),
    expertsPerToken: dim('routed experts each token runs, k (at most experts)'),
    expertIntermediateSize: dim('intermediate size of each routed expert, elements'),
    sharedExperts: count('experts every token runs (DeepSeek shared experts); 0 = none').default(0),
    sharedIntermediateSize: count('intermediate size of each shared expert, elements; 0 exactly when sharedExperts is 0').default(0),
    sharedGate: flag('shared experts scaled by a sigmoid gate H → 1 (Qwen2-MoE)'),
    routerBias: flag('the router carries a bias of E (GPT-OSS, DeepSeek-V3 score correction)'),
    expertBias: flag('expert projections carry biases (GPT-OSS)'),
    activation,
  })
  .strict();

export const MlpSchema = z.discriminatedUnion('kind', [DenseMlp, MoeMlp]);

const layerFields = {
  mlp: MlpSchema,
  window: count('sliding window W in tokens: a layer attends to and caches at most W previous tokens; 0 = full attention').default(0),
  norms: z.literal([2, 4]).default(2).describe('RMSNorms per layer: 2 (before attention and MLP) or 4 (also after each, Gemma)'),
};

const BlockSchema = z.object({ count: dim('consecutive layers of this spec'), ...layerFields }).strict();

const MtpSchema = z
  .object({ count: dim('multi-token-prediction modules, each one transformer layer of this spec'), ...layerFields })
  .strict()
  .describe('DeepSeek-V3 multi-token prediction, costed apart from the model');

/**
 * The file format. A model is either flat (`intermediateSize`, optional `mlpBias`: every layer a dense SwiGLU with
 * full attention) or layered (`blocks`, runs of layers whose counts add up to `layers`); load-model.ts enforces
 * exactly one, which JSON Schema would express only as an opaque oneOf.
 */
export const ModelFileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('display name'),
    source: z.string().optional().describe('where the dimensions come from'),
    layers: dim('transformer layers (MTP modules not included)'),
    hiddenSize: dim('model width H, elements'),
    intermediateSize: dim('flat form: gated MLP intermediate size I of every layer, elements (instead of blocks)').optional(),
    mlpBias: z.boolean().optional().describe('flat form: MLP projections carry biases (default false)'),
    blocks: z.array(BlockSchema).min(1).optional().describe('layered form: runs of identical layers in order; counts add up to layers (instead of intermediateSize)'),
    vocabSize: dim('vocabulary size V, tokens'),
    tiedEmbeddings: z.boolean().describe('lm_head shares the embedding matrix'),
    attention: AttentionSchema,
    logitSoftcap: flag('attention logits soft-capped c·tanh(s/c) (Gemma-2)'),
    attentionSinks: flag('a learned sink logit per head in the softmax (GPT-OSS)'),
    mtp: MtpSchema.optional(),
    weightBits: z.literal([4, 8, 16, 32]).optional().describe('weight width in bits the checkpoint ships with; the default weight width of --bits'),
  })
  .strict();

export type ModelFile = z.input<typeof ModelFileSchema>;
export type ParsedModelFile = z.output<typeof ModelFileSchema>;
export type AttentionInput = z.input<typeof AttentionSchema>;
