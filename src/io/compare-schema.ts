/** zod schema of `compare --baseline … --format json` (llm-roofline.compare-baseline/v1); schema/ is generated from it. */
import { z } from 'zod';
import { COMPARE_BASELINE_SCHEMA, type DiffDoc } from '../core/compare-doc.js';

const Side = z
  .object({ file: z.string().describe('path as given on the command line'), schema: z.string().describe('schema id of the file'), count: z.number().int().nonnegative().describe('points in the file') })
  .strict();

const Workload = z
  .object({
    phase: z.string(),
    batch: z.number(),
    seqLen: z.number(),
    contextLen: z.number(),
    bitsLabel: z.string(),
    flash: z.boolean(),
    pairs: z.string(),
    scope: z.string(),
    costModel: z.string(),
    mla: z.string().optional(),
    moeImbalance: z.number().optional().describe('MoE routing imbalance; absent = uniform (1)'),
    mtp: z.boolean().optional().describe('the multi-token-prediction module was costed'),
    parallelism: z
      .object({ tp: z.number().int().positive(), pp: z.number().int().positive(), ep: z.number().int().positive(), dp: z.number().int().positive() })
      .strict()
      .optional()
      .describe('how the model was split over devices; absent = one device, which pairs only with one device'),
    overlap: z.boolean().optional().describe('collectives overlapped compute (split points only)'),
    microBatches: z.number().int().positive().optional().describe('micro-batches a pipeline kept in flight (pipelined points only)'),
  })
  .strict()
  .describe('the workload fields points are matched on');

const Metric = z
  .object({
    metric: z.string().describe('dotted path, e.g. totals.timeSeconds'),
    baseline: z.number(),
    candidate: z.number(),
    absolute: z.number().describe('candidate − baseline, in the metric\'s unit'),
    relative: z.number().nullable().describe('(candidate − baseline) / |baseline|; null from a zero baseline to a non-zero candidate'),
  })
  .strict();

const Flag = z.object({ metric: z.string(), baseline: z.boolean(), candidate: z.boolean() }).strict();

const Where = z.object({ model: z.string(), field: z.string().describe('where the point sits in its file (points.3), "" for a report') }).strict();

const Point = z
  .object({
    label: z.string(),
    baseline: Where,
    candidate: Where,
    hardware: z.string(),
    workload: Workload,
    changed: z.boolean().describe('some metric or flag differs'),
    metrics: z.array(Metric).readonly().describe('every numeric field both files have, changed or not'),
    flags: z.array(Flag).readonly().describe('every true/false field both files have'),
  })
  .strict();

const PointIndex = z.number().int().nonnegative().describe('index into points');
const Change = z.number().nullable().describe('the change the rule measures: a fraction when relative, else candidate − baseline; null for ±∞');

const ThresholdRule = z
  .object({
    kind: z.literal('threshold'),
    rule: z.string().describe('as written on the command line'),
    metric: z.string(),
    op: z.enum(['>', '<']),
    threshold: z.number().describe('a fraction (0.05 for +5%) when relative, else in the metric\'s unit'),
    relative: z.boolean(),
    passed: z.boolean(),
    broken: z.array(z.object({ point: PointIndex, change: Change }).strict()).readonly(),
    worst: z.object({ point: PointIndex, change: Change }).strict().nullable().describe('where the change went furthest in the rule\'s direction'),
  })
  .strict();

const FlagRule = z
  .object({
    kind: z.literal('flag'),
    rule: z.string(),
    metric: z.string(),
    op: z.enum(['==', 'becomes']).describe('==: broken where the candidate has value; becomes: where the baseline did not and the candidate does'),
    value: z.boolean(),
    passed: z.boolean(),
    broken: z.array(z.object({ point: PointIndex }).strict()).readonly(),
  })
  .strict();

export const CompareBaselineSchema = z
  .object({
    schema: z.literal(COMPARE_BASELINE_SCHEMA),
    baseline: Side,
    candidate: Side,
    matchedOnModel: z.boolean().describe('whether model ids took part in matching points'),
    metrics: z.array(z.string()).readonly().describe('numeric fields compared'),
    flags: z.array(z.string()).readonly().describe('true/false fields compared'),
    points: z.array(Point).readonly(),
    rules: z.array(z.discriminatedUnion('kind', [ThresholdRule, FlagRule])).readonly(),
    passed: z.boolean().describe('every rule passed (exit 0), else exit 1'),
  })
  .strict();

// Compile-time proof that what the core produces fits the published schema.
type Assignable<T, U extends T> = U;
export type DiffDocFits = Assignable<z.input<typeof CompareBaselineSchema>, DiffDoc>;
