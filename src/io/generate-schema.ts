/** zod schema of the `llm-roofline.generate/v1` document; its committed JSON Schema is generated from it. */
import { z } from 'zod';
import { DTYPES } from '../core/dtype.js';
import type { GenerateDocument } from '../core/generate.js';
import type { OpKind } from '../core/op.js';
import { COST_MODELS } from '../core/workload.js';
import { Bits, Parallelism } from './report-schema.js';

const count = (what: string) => z.number().nonnegative().describe(what);
const mla = z.enum(['naive', 'absorbed']);

const KindSeconds = z
  .object({
    gemm: count('seconds of products by weights'),
    attention: count('seconds of the attention core (scores, softmax, values)'),
    elementwise: count('seconds of element-wise steps (norms, activations, RoPE, residuals)'),
    gather: count('seconds of row gathers (the embedding lookup)'),
    collective: count('seconds of collectives between devices (0 on one device)'),
    overhead: count('the efficiency profile\'s fixed seconds per layer and per pass, over the phase\'s passes (0 at peak)'),
  })
  .strict()
  .describe('Σ count × seconds by operator kind over the phase, and its fixed overheads');

const fraction = (what: string) => z.number().positive().max(1).describe(what);

const Efficiency = z
  .object({
    label: z.string().describe('peak, typical:<family> or the efficiency file read'),
    kinds: z
      .object({ gemm: fraction('GEMM'), attention: fraction('attention core'), elementwise: fraction('element-wise'), gather: fraction('row gathers'), collective: fraction('collectives, × the link\'s own efficiency') })
      .strict()
      .describe('fraction of the compute peak each kind of operator reaches'),
    memory: fraction('fraction of the memory bandwidth streaming reaches'),
    layerOverheadSeconds: count('fixed seconds per layer of every pass'),
    stepOverheadSeconds: count('fixed seconds per pass'),
    hardware: z.object({ compute: count('the profile\'s fraction of peak FLOP/s'), memory: count('the profile\'s fraction of peak bandwidth') }).strict(),
  })
  .strict()
  .describe('the efficiency every step ran under (peak: the datasheet roofline)');

const Workload = z
  .object({
    input: z.number().int().positive().describe('prompt tokens per sequence (N)'),
    output: z.number().int().positive().describe('output tokens per sequence (M), the first from the prefill'),
    batch: z.number().int().positive().describe('sequences decoded together (B)'),
    bits: Bits,
    bitsLabel: z.string(),
    computeDtype: z.enum(DTYPES).describe('dtype whose peak bounds compute'),
    flash: z.boolean().describe('fused attention kernel'),
    pairs: z.enum(['causal', 'dense']).describe('prefill (query, key) pairs'),
    mla: z.object({ prefill: mla, decode: mla }).strict().optional().describe('MLA models: the form each phase computes'),
    costModel: z.enum(COST_MODELS),
    moeImbalance: z.number().min(1).optional().describe('MoE routing imbalance (1 = uniform)'),
    mtp: z.boolean().optional().describe('the multi-token-prediction module is costed in every pass'),
    parallelism: Parallelism.optional().describe('how the model is split over devices (absent: one device)'),
    overlap: z.boolean().optional().describe('collectives overlap compute'),
    kvOffload: z.boolean().optional().describe('the KV cache lives in host memory; every pass streams it over the host link (--kv-offload)'),
  })
  .strict();

const Memory = z
  .object({
    cachedTokens: z.number().int().positive().describe('tokens per sequence in the cache: input + output'),
    weightBytes: count('parameters the device holds, at the weight width'),
    kvCacheBytes: count('KV cache the device holds for the batch at cachedTokens (--kv-offload: its two resident layers)'),
    activationBytes: count('largest decode operator\'s activation input plus output'),
    totalBytes: count('weights + KV cache + activations'),
    deviceBytes: count('the device\'s memory'),
    reserve: z.number().min(0).max(1).describe('share of the memory kept back for the serving engine'),
    usableBytes: count('deviceBytes × (1 − reserve)'),
    fits: z.boolean().describe('totalBytes ≤ usableBytes'),
    maxBatch: z.number().int().nonnegative().describe('largest batch that fits at cachedTokens (0: not one sequence)'),
    maxContext: z.number().int().nonnegative().describe('longest cached context that fits at the run\'s batch (0: not one token)'),
  })
  .strict()
  .describe('the device that holds the most (one device\'s share when split)');

const Disaggregation = z
  .object({
    link: z.enum(['scale-up', 'scale-out']).describe('the tier the cache crosses'),
    linkName: z.string().describe('the link as the profiles name it'),
    bytesPerDevice: count('KV-cache bytes the busiest prefill device sends: its share of the batch at the input length (0 when output is 1)'),
    seconds: count('one hop: latency + bytes / (bandwidth × efficiency); 0 when output is 1'),
    decodeHardware: z.string().describe('the decode devices'),
    prefillDevices: z.number().int().positive(),
    decodeDevices: z.number().int().positive(),
    decodeEfficiency: Efficiency,
    prefillFits: z.boolean().describe('the prefill device that holds the most fits its weights and the batch\'s cache at the input length in its memory less the reserve (the memory answers are the decode pool\'s)'),
  })
  .strict()
  .describe('prefill and decode on separate devices; the cache moves between them after the prefill');

const Run = z
  .object({
    model: z.string(),
    hardware: z.string(),
    workload: Workload,
    devices: z.number().int().positive().describe('devices per replica × data-parallel replicas'),
    ttftSeconds: count('time to first token: the prefill of the input'),
    tpotSeconds: count('mean decode step, (E2E − TTFT) / (output − 1); absent when output is 1').optional(),
    e2eSeconds: count('TTFT + every decode step'),
    outputTokensPerSecond: count('dp × batch × output / E2E, over every replica'),
    joulesPerOutputToken: count('devices × power (TDP, an upper bound) × E2E / output tokens; absent when the profile gives no power').optional(),
    costPerMillionOutputTokens: count('USD: price per device-hour × devices × E2E / 3600 / output tokens × 1e6; present with --price-per-device-hour').optional(),
    breakdown: z
      .object({
        prefill: KindSeconds.describe('the target\'s prefill (its chunks with --chunk)'),
        decode: KindSeconds.describe('the target\'s decode steps (its verifications under speculative decoding)'),
        draft: z.object({ prefill: KindSeconds.describe('the draft\'s prefill of the prompt, in TTFT'), decode: KindSeconds.describe('the draft\'s passes, in the decode time') }).strict().optional().describe('speculative decoding: the draft\'s seconds'),
      })
      .strict(),
    prefillChunks: z
      .object({ chunkTokens: z.number().int().positive().describe('prompt tokens per pass (C)'), chunks: z.number().int().positive().describe('passes, ⌈input / C⌉') })
      .strict()
      .optional()
      .describe('chunked prefill (--chunk)'),
    speculative: z
      .object({
        draft: z.string().describe('the draft model\'s id, or mtp (the target\'s multi-token-prediction module)'),
        draftTokens: z.number().int().positive().describe('tokens drafted per step (k)'),
        acceptance: z.number().min(0).max(1).describe('probability that the target accepts a drafted token (a)'),
        tokensPerStep: z.number().min(1).describe('expected tokens a step emits, E = (1 − a^(k+1)) / (1 − a); k + 1 at a = 1'),
        steps: z.number().int().nonnegative().describe('steps for output − 1 tokens, ⌈(output − 1) / E⌉'),
      })
      .strict()
      .optional()
      .describe('speculative decoding (--draft-tokens, --acceptance, --draft-model or --draft mtp)'),
    disaggregation: Disaggregation.optional(),
    memory: Memory,
    efficiency: Efficiency,
    notes: z.array(z.string()).readonly(),
  })
  .strict();

export const GenerateSchema = z
  .object({ schema: z.literal('llm-roofline.generate/v1'), tool: z.object({ name: z.string(), version: z.string() }).strict(), runs: z.array(Run).readonly() })
  .strict();

// Compile-time proof that what the core produces fits the published schema, and that the breakdown names every kind.
type Assignable<T, U extends T> = U;
export type GenerateFits = Assignable<z.input<typeof GenerateSchema>, GenerateDocument>;
export type KindsCovered = Assignable<OpKind | 'overhead', keyof z.input<typeof KindSeconds>>;
export type KindsKnown = Assignable<keyof z.input<typeof KindSeconds>, OpKind | 'overhead'>;
