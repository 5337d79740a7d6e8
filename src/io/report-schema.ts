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
const Bits = z
  .object({ weight: width, activation: width, kv: width, dtype: z.enum(DTYPES).optional().describe('the compute format the user named (--bits fp8, bf16, ...); absent when the widths pick it') })
  .strict()
  .describe('storage widths in bits');
const Phase = z.enum(['prefill', 'decode']);
const Scope = z.enum(['attention', 'layer', 'model']);

const Totals = z
  .object({
    flops: count('Σ count × FLOPs (a multiply-add is 2 FLOPs)'),
    bytes: count('Σ count × bytes moved'),
    timeSeconds: count('Σ count × roofline time, seconds'),
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
  })
  .strict();

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
  moeImbalance: z.number().min(1).optional().describe('MoE routing imbalance: tokens route as if uniformly over E / g experts (1 = uniform)'),
};

const Op = z
  .object({
    name: z.string(),
    kind: z.enum(OP_KINDS).describe('what the operator is, which decides how it is costed'),
    count: z.number().int().positive().describe('occurrences per pass (layers for per-layer operators at model scope)'),
    flops: count('FLOPs per occurrence'),
    bytes: z
      .object({ weight: count('bytes'), actRead: count('bytes'), actWrite: count('bytes'), kvRead: count('bytes'), kvWrite: count('bytes'), total: count('bytes') })
      .strict(),
    intensityFlopPerByte: count('FLOPs per byte'),
    bound: z.enum(['compute', 'memory']),
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
    memory: Memory,
    notes: z.array(z.string()).readonly(),
  })
  .strict();

export const SweepPointSchema = z
  .object({ model: z.string(), hardware: z.string(), workload: z.object(workloadFields).strict(), totals: Totals, memory: Memory })
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
                memory: Memory,
                bound: z.enum(['compute', 'memory']).describe('bound of the operators that take most of the time'),
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
