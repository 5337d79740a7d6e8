/** Schema of a hardware profile file: every number carries its source and flags. */
import { z } from 'zod';
import { DTYPES } from '../core/dtype.js';

/** How a number was obtained, when it is not printed as such in the cited source. */
export const FLAGS = ['derived', 'inferred', 'unconfirmed', 'measured'] as const;

const sourceKey = z.string().min(1).describe('key into the profile\'s `sources`');

/** A number with provenance. */
export function quantity(unit: string) {
  return z
    .object({
      value: z.number().positive().describe(`value in ${unit}`),
      source: sourceKey,
      flags: z.array(z.enum(FLAGS)).optional().describe('derived: computed from other figures (note says how); inferred: taken from a sibling product; unconfirmed: no primary source; measured: measured on the machine'),
      note: z.string().optional().describe('how the value was derived or what it assumes'),
      measurement: z
        .object({ runs: z.number().int().positive(), min: z.number().positive(), max: z.number().positive() })
        .strict()
        .optional()
        .describe('for measured values: the value is the median of `runs` runs, with their min and max'),
    })
    .strict();
}

const peaks = z
  .partialRecord(z.enum(DTYPES), quantity('FLOP/s (a multiply-add is 2 FLOPs)'))
  .describe('peak throughput per dtype, FLOP/s or OP/s');

const link = z
  .object({
    name: z.string(),
    bidirectionalBytesPerSecond: quantity('bytes/s, both directions added'),
  })
  .strict();

export const HardwareProfileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('product name'),
    kind: z.enum(['gpu', 'cpu', 'soc-gpu', 'npu']).describe('which engine of the device the profile describes'),
    peakFlopPerSecond: peaks.describe('dense peak throughput per dtype (no 2:4 sparsity)'),
    sparsePeakFlopPerSecond: peaks.optional().describe('2:4 structured-sparsity peaks, for reference only; never used by the roofline'),
    memoryBytes: quantity('bytes (SI)'),
    memoryBandwidthBytesPerSecond: quantity('bytes/s (SI)'),
    onChipMemoryBytes: quantity('bytes per compute unit (SM shared memory, GPU threadgroup memory or CPU L2 per core); sizes FlashAttention tiles'),
    lastLevelCacheBytes: quantity('bytes').optional(),
    lastLevelCacheBandwidthBytesPerSecond: quantity('bytes/s (SI)')
      .optional()
      .describe('measured rate of streaming weights that are resident in the last-level cache'),
    lastLevelCacheResidentBytes: quantity('bytes')
      .optional()
      .describe('largest working set measured to stay resident in the last-level cache (profiles from before workingSetBandwidth); with lastLevelCacheBandwidthBytesPerSecond, the exact model streams a step whose weights and KV cache fit in it at the cache rate'),
    workingSetBandwidth: z
      .array(quantity('bytes/s (SI)').extend({ bytes: z.number().positive() }).strict())
      .min(1)
      .optional()
      .describe('measured rate of streaming a working set of `bytes` that is read again and again; when present the exact model streams a step whose weights and KV cache (read again every step) total R bytes at this curve\'s rate for R (interpolated in log2 of the size, never below memory bandwidth, memory bandwidth past its largest size)'),
    coldStreamBandwidth: z
      .array(quantity('bytes/s (SI)').extend({ bytes: z.number().positive() }).strict())
      .min(1)
      .optional()
      .describe('measured rate of one operator reading `bytes` of weights from memory (a one-row GEMM over matrices in rotation through twice the last-level cache); when present the exact model charges an operator whose weights and KV reads total s bytes, in a step that streams from memory, as if it moved s · (r_largest / r(s) − 1) more bytes, scaled by the share of the step read from memory'),
    computeUnits: z.object({ name: z.string(), count: z.number().int().positive(), clockHz: quantity('Hz').optional() }).strict().optional(),
    interconnect: z.object({ scaleUp: link.optional(), host: link.optional() }).strict().optional(),
    powerWatts: quantity('W').optional(),
    expPerSecond: quantity('exponentials per second').optional().describe('measured exp throughput; when present the exact model adds exps / rate to each operator\'s compute time'),
    operatorOverheadSeconds: quantity('seconds').optional().describe('measured fixed cost of one operator invocation; when present the exact model adds it to each operator'),
    attentionFlopPerSecond: z
      .object({
        prefill: quantity('FLOP/s'),
        decode: quantity('FLOP/s'),
        prefillGrid: z
          .array(quantity('FLOP/s').extend({ seqLen: z.number().positive(), headDim: z.number().positive() }).strict())
          .min(1)
          .optional()
          .describe('prefill rate measured by sequence length and head dimension (a full grid); when present it replaces `prefill`, read at each point\'s shape by interpolation in log2 of both, clamped to the grid'),
        decodeGrid: z
          .array(quantity('FLOP/s').extend({ mapsPerKeyHead: z.number().positive(), headDim: z.number().positive() }).strict())
          .min(1)
          .optional()
          .describe('decode rate measured by maps per cached key head and head dimension (a full grid); when present it replaces `decode` in the same way'),
      })
      .strict()
      .optional()
      .describe('measured FLOP rate of the attention kernel (scores, softmax, values) per phase; when present the exact model uses it for the operators that evaluate exps'),
    gemmGrid: z
      .array(quantity('FLOP/s').extend({ rows: z.number().positive(), cols: z.number().positive() }).strict())
      .min(1)
      .optional()
      .describe('measured GEMM rate by rows (tokens × sequences) and output columns (a full grid); when present the exact model reads each weight product\'s compute peak off it at the product\'s own shape (interpolated in log2 of both, clamped to the grid), for products of more than 8 rows'),
    kvStreamBandwidth: quantity('bytes/s (SI)')
      .optional()
      .describe('measured rate at which the attention kernel streams a KV cache from memory; when present and faster than the step\'s bandwidth, the exact model charges KV-cache reads at it (the other bytes stay at the step\'s bandwidth)'),
    fewRowGemmFlopPerSecond: quantity('FLOP/s')
      .optional()
      .describe('measured compute rate of products with at most 8 rows (the kernel engine runs them without packing the weights); when present it caps the exact model\'s peak for such products'),
    fewRowGemmCachedFlopPerSecond: quantity('FLOP/s')
      .optional()
      .describe('the same kernel\'s rate with its weights in cache; when present with fewRowGemmFlopPerSecond, the cap for such products is blended between the two by the share of the step read from memory (time per FLOP weighted by that share)'),
    cpuModel: z.string().optional().describe('CPU model (calibrated host profiles)'),
    calibrationCaps: z
      .array(
        z
          .object({
            probe: z.string().min(1),
            wantedBytes: z.number().positive(),
            usedBytes: z.number().nonnegative().describe('0: the probe did not run'),
            limitedBy: z.enum(['engine', 'machine', 'limit']).describe('engine: the kernel engine\'s 4 GiB memory; machine: the machine\'s free memory; limit: calibrate --memory-limit'),
            note: z.string().optional(),
          })
          .strict(),
      )
      .optional()
      .describe('calibrated host profiles: probes that ran over less memory than they wanted, and what limited them; absent when none was capped'),
    efficiency: z
      .object({
        compute: z.number().positive().max(1).describe('reachable fraction of peak compute'),
        memory: z.number().positive().max(1).describe('reachable fraction of peak bandwidth'),
      })
      .strict()
      .optional()
      .describe('fractions of the roofline actually reachable; 1 when absent'),
    measuredAt: z.string().optional().describe('ISO date of measurement (calibrated host profiles)'),
    sources: z
      .record(z.string(), z.object({ title: z.string().min(1), url: z.string().optional() }).strict())
      .describe('the documents numbers cite, by key'),
    notes: z.array(z.string()).optional(),
  })
  .strict();

export type HardwareProfile = z.infer<typeof HardwareProfileSchema>;
