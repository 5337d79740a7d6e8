/** zod schemas of the report and sweep documents; the committed JSON Schemas are generated from these. */
import { z } from 'zod';
import { DTYPES } from '../core/dtype.js';
import { OP_KINDS } from '../core/op.js';
import { COST_MODELS } from '../core/workload.js';
import type { CompareDocument } from '../core/compare-models.js';
import type { Report } from '../core/report.js';
import type { SweepPoint } from '../core/sweep.js';
import { AttentionSchema } from './model-schema.js';

const count = (what: string) => z.number().nonnegative().describe(what);
const width = z.union([z.literal(4), z.literal(8), z.literal(16), z.literal(32)]);
export const Bits = z
  .object({ weight: width, activation: width, kv: width, dtype: z.enum(DTYPES).optional().describe('the compute format the user named (--bits fp8, bf16, ...); absent when the widths pick it') })
  .strict()
  .describe('storage widths in bits');
const Phase = z.enum(['prefill', 'decode']);
const Scope = z.enum(['attention', 'layer', 'model']);

const Totals = z
  .object({
    flops: count('Σ count × FLOPs (a multiply-add is 2 FLOPs)'),
    bytes: count('Σ count × bytes moved'),
    timeSeconds: count('Σ count × roofline time, seconds (with --overlap: the longer of compute and communication, per pipeline stage)'),
    communicationSeconds: count('Σ count × seconds of the collectives (present when the model is split over devices); part of timeSeconds').optional(),
    hostTransferSeconds: count('--kv-offload: Σ count × seconds of the host transfers (kv_fetch, kv_store), the host link\'s busy time; timeSeconds holds only the part compute does not hide').optional(),
    overheadSeconds: count('fixed overheads of the efficiency profile (per layer and per pass; present when there are any); part of timeSeconds, which is Σ count × ops[].timeSeconds (overlapped: the longer of compute and communication) + overheadSeconds').optional(),
  })
  .strict();

const Bound = z.enum(['compute', 'memory', 'network']).describe('what limits the time: compute, memory traffic, or (a collective) the link');

export const Parallelism = z
  .object({
    tp: z.number().int().positive().describe('tensor-parallel devices'),
    pp: z.number().int().positive().describe('pipeline stages'),
    ep: z.number().int().positive().describe('expert-parallel ranks'),
    dp: z.number().int().positive().describe('data-parallel replicas'),
  })
  .strict();

const DeviceMemory = z
  .object({
    weightBytes: count('parameters one device holds, at the weight width'),
    kvCacheBytes: count('KV cache one device holds (its heads, its stage\'s layers, its rank\'s sequences)'),
    activationBytes: count('largest single operator\'s activation input plus output on one device'),
    totalBytes: count('weights + KV cache + activations on that device'),
    fits: z.boolean().describe('totalBytes fits the device\'s memory'),
    stage: z.number().int().nonnegative().describe('the pipeline stage of the device that holds the most'),
  })
  .strict();

const Deployment = z
  .object({
    devices: z.number().int().positive(),
    devicesPerReplica: z.number().int().positive(),
    communication: z
      .object({
        overlap: z.boolean().describe('collectives overlap compute'),
        links: z.array(
          z
            .object({
              group: z.string().describe('tp, ep, pp (a send within a node) or pp-network (a send across nodes)'),
              tier: z.enum(['scale-up', 'scale-out']),
              name: z.string(),
              bytesPerSecond: count('per direction'),
              latencySeconds: count('per hop'),
              efficiency: count('share of bytesPerSecond collectives reach'),
            })
            .strict(),
        ).readonly(),
      })
      .strict(),
    pipeline: z
      .object({
        stages: z.number().int().positive(),
        layersPerStage: z.array(z.number().int().nonnegative()).readonly(),
        stageSeconds: z.array(count('seconds')).readonly().describe('each stage\'s seconds for one micro-batch, its send included'),
        microBatches: z.number().int().positive(),
        bubbleFraction: count('(s − 1) / (m + s − 1)'),
        latencySeconds: count('one micro-batch through every stage'),
        batchSeconds: count('(m + s − 1) × the slowest stage'),
      })
      .strict()
      .optional(),
    tokensPerSecond: count('over all replicas: prompt tokens in prefill, generated tokens in decode (scope model only)').optional(),
  })
  .strict();

const Memory = z
  .object({
    weightBytes: count('all parameters at the weight width'),
    kvCacheBytes: count('KV cache of the whole batch at the workload\'s context (prefill: seqLen)'),
    kvCacheBytesPerToken: count('KV cache of one token of one sequence across all layers'),
    activationBytes: count('largest single operator\'s activation input plus output'),
    totalBytes: count('weights + KV cache + activations'),
    fitsDevice: z.boolean(),
    hostKvCacheBytes: count('--kv-offload: the whole KV cache, held in host memory (kvCacheBytes is then the two layers resident on the device)').optional(),
  })
  .strict();

/** The whole model's footprint and, split over devices, the busiest device's. */
const MemoryWithDevice = Memory.extend({ perDevice: DeviceMemory.optional().describe('split over devices: what the device that holds the most needs') }).strict();

const workloadFields = {
  phase: Phase,
  batch: z.number().int().positive(),
  seqLen: z.number().int().positive().describe('query tokens per sequence: the prompt in prefill, 1 in decode'),
  contextLen: z.number().int().positive().describe('keys attended per sequence: the prompt in prefill, the context in decode'),
  bits: Bits,
  bitsLabel: z.string(),
  computeDtype: z.enum(DTYPES).describe('dtype whose peak bounds compute'),
  flash: z.boolean().describe('fused attention kernel'),
  pairs: z.enum(['causal', 'dense']),
  mla: z.enum(['naive', 'absorbed']).optional(),
  scope: Scope,
  costModel: z.enum(COST_MODELS),
  mtp: z.boolean().optional().describe('the multi-token-prediction module is costed (operators mtp.*) and in the memory footprint'),
  parallelism: Parallelism.optional().describe('how the model is split over devices (absent: one device)'),
  overlap: z.boolean().optional().describe('collectives overlap compute'),
  kvOffload: z.boolean().optional().describe('the KV cache lives in host memory and streams over the host link, layer by layer (--kv-offload)'),
  microBatches: z.number().int().positive().optional().describe('micro-batches a pipeline keeps in flight'),
  moeImbalance: z.number().min(1).optional().describe('MoE routing imbalance: tokens route as if uniformly over E / g experts (1 = uniform)'),
  efficiency: z.string().optional().describe('efficiency profile in effect: "peak" (datasheet roofline), "typical:<family>" or the file given to --efficiency (absent in files written before it existed: peak)'),
};

const Op = z
  .object({
    name: z.string(),
    kind: z.enum(OP_KINDS).describe('what the operator is, which decides how it is costed'),
    count: z.number().int().positive().describe('occurrences per pass (layers for per-layer operators at model scope)'),
    flops: count('FLOPs per occurrence'),
    bytes: z
      .object({ weight: count('bytes'), actRead: count('bytes'), actWrite: count('bytes'), kvRead: count('bytes'), kvWrite: count('bytes'), total: count('bytes'), network: count('a collective\'s bytes each device sends over links (collectives only; not in total)').optional() })
      .strict(),
    intensityFlopPerByte: count('FLOPs per byte'),
    bound: Bound,
    timeSeconds: count('seconds per occurrence'),
  })
  .strict();

export const ReportSchema = z
  .object({
    schema: z.literal('llm-roofline.report/v1'),
    tool: z.object({ name: z.string(), version: z.string() }).strict(),
    model: z
      .object({ id: z.string(), name: z.string(), attention: AttentionSchema, layers: z.number().int().positive(), hiddenSize: z.number().int().positive(), parameters: count('exact parameter count'), activeParameters: count('parameters one token uses (a mixture of experts runs k of its E experts); equals parameters for dense models'), mtpParameters: count('parameters of the multi-token-prediction module, reported apart and not in parameters').optional() })
      .strict(),
    hardware: z
      .object({
        id: z.string(),
        name: z.string(),
        memoryBandwidthBytesPerSecond: count('bytes/s'),
        peakFlopPerSecond: z.partialRecord(z.enum(DTYPES), count('dense FLOP/s')),
        memoryBytes: count('bytes'),
      })
      .strict(),
    workload: z.object(workloadFields).strict(),
    ops: z.array(Op).readonly(),
    totals: Totals,
    memory: MemoryWithDevice,
    deployment: Deployment.optional(),
    notes: z.array(z.string()).readonly(),
  })
  .strict();

export const SweepPointSchema = z
  .object({ model: z.string(), hardware: z.string(), workload: z.object(workloadFields).strict(), totals: Totals, memory: MemoryWithDevice })
  .strict();

export const SweepSchema = z.object({ schema: z.literal('llm-roofline.sweep/v1'), points: z.array(SweepPointSchema) }).strict();

const Ratio = z.number().nullable().describe('over the first model\'s; 1 when both are 0, null when only the first model\'s is 0');

/** `compare --model A,B --format json`: a grid's points with every model, ratios to the first. */
export const CompareSchema = z
  .object({
    schema: z.literal('llm-roofline.compare/v1'),
    baselineModel: z.string().describe('the first model, which ratios are to'),
    rows: z.array(
      z
        .object({
          hardware: z.string(),
          workload: z.object(workloadFields).omit({ mla: true }).strict().describe('the row\'s workload; an MLA model\'s form is on its entry'),
          models: z.array(
            z
              .object({
                model: z.string(),
                mla: z.enum(['naive', 'absorbed']).optional().describe('MLA models only: the form computed'),
                totals: Totals,
                memory: MemoryWithDevice,
                bound: Bound.describe('bound of the operators that take most of the time'),
                ratio: z.object({ timeSeconds: Ratio, flops: Ratio, bytes: Ratio, kvCacheBytes: Ratio, weightBytes: Ratio }).strict(),
              })
              .strict(),
          ).readonly(),
        })
        .strict(),
    ).readonly(),
  })
  .strict();

// Compile-time proof that what the core produces fits the published schemas.
type Assignable<T, U extends T> = U;
export type ReportFits = Assignable<z.input<typeof ReportSchema>, Report>;
export type SweepPointFits = Assignable<z.input<typeof SweepPointSchema>, SweepPoint>;
export type CompareFits = Assignable<z.input<typeof CompareSchema>, CompareDocument>;
