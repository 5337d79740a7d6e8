/** Schema of a model config file (the project's own format; Hugging Face config.json is imported separately). */
import { z } from 'zod';

const dim = (what: string) => z.number().int().positive().describe(what);

const Mha = z
  .object({
    kind: z.literal('mha'),
    heads: dim('attention heads n_h'),
    headDim: dim('head dimension d_h'),
    qkvBias: z.boolean().describe('q/k/v projections carry biases'),
    outBias: z.boolean().describe('the output projection carries a bias'),
  })
  .strict();

const Gqa = z
  .object({
    kind: z.literal('gqa'),
    heads: dim('query heads n_h'),
    kvHeads: dim('key/value heads n_kv (1 = MQA)'),
    headDim: dim('head dimension d_h'),
    qkvBias: z.boolean().describe('q/k/v projections carry biases'),
    outBias: z.boolean().describe('the output projection carries a bias'),
  })
  .strict();

const Mla = z
  .object({
    kind: z.literal('mla'),
    heads: dim('attention heads n_h'),
    qLoraRank: z.number().int().nonnegative().describe('query low-rank dimension r_q; 0 = direct query projection'),
    kvLoraRank: dim('latent key/value dimension d_c'),
    qkNopeHeadDim: z.number().int().nonnegative().describe('per-head query/key dimension without RoPE d_n'),
    qkRopeHeadDim: z.number().int().nonnegative().describe('shared RoPE key dimension d_r'),
    vHeadDim: dim('per-head value dimension d_v'),
  })
  .strict();

const Gta = z
  .object({
    kind: z.literal('gta'),
    heads: dim('output heads n_h (heads × headDim = hiddenSize)'),
    headDim: dim('head, query and key dimension d_h'),
    queryHeads: dim('query heads = shared attention maps n_q'),
    keyHeads: dim('cached key heads n_k'),
    valueHeads: dim('cached latent value heads n_c'),
    valueDim: dim('latent value dimension d_l'),
    bias: z.boolean().describe('q/k/v/g projections carry biases (true in the released GTA code)'),
    decoder: z.boolean().default(true).describe('learnable decoder W_b present (false only for equivalence studies)'),
    gate: z.boolean().default(true).describe('sigmoid output gate present (false only for equivalence studies)'),
  })
  .strict();

export const AttentionSchema = z.discriminatedUnion('kind', [Mha, Gqa, Mla, Gta]);

export const ModelFileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('display name'),
    source: z.string().optional().describe('where the dimensions come from'),
    layers: dim('transformer layers'),
    hiddenSize: dim('model width H'),
    intermediateSize: dim('gated MLP intermediate size I'),
    vocabSize: dim('vocabulary size V'),
    tiedEmbeddings: z.boolean().describe('lm_head shares the embedding matrix'),
    mlpBias: z.boolean().default(false).describe('MLP projections carry biases'),
    attention: AttentionSchema,
  })
  .strict();

export type ModelFile = z.input<typeof ModelFileSchema>;
