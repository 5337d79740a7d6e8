/** Schema of a hardware profile file: every number carries its source and flags. */
import { z } from 'zod';
import { DTYPES } from '../core/dtype.js';
import { boundText } from '../core/limits.js';

/** How a number was obtained, when it is not printed as such in the cited source. */
export const FLAGS = ['derived', 'inferred', 'unconfirmed', 'measured'] as const;

const sourceKey = z.string().min(1).describe('key into the profile\'s `sources`');

/** A plausible range of a number, inclusive, with its unit: values outside it are refused at the boundary. */
export interface Range {
  readonly min: number;
  readonly max: number;
  readonly unit: string;
}

/*
 * Ranges, wide enough for any device from a microcontroller to a 72-GPU rack treated as one device (datasheets in
 * spec/hardware.md and devices-2026.md), with at least 10× margin at both ends, and narrow enough that every cost
 * divided or multiplied by them stays finite (see core/limits.ts: counts up to ~1e33, so times stay below 1e27 s).
 */
/** Compute and exponential rates: a microcontroller does ~1e7 FLOP/s; a B300 1.4e16 dense FP4, an NVL72 rack ~1e18. */
export const FLOP_RATE: Range = { min: 1e6, max: 1e19, unit: 'FLOP/s' };
/** Transfer rates: ~1e7 B/s for a microcontroller's RAM; 8e12 for HBM3e, ~1e14 for a GPU's L2, 1.3e15 for NVLink 5 in a rack. */
export const BYTE_RATE: Range = { min: 1e6, max: 1e16, unit: 'B/s' };
/** Device memory: 1 MB (a microcontroller) to 2e13 B (an NVL72 rack's HBM). */
export const MEMORY_BYTES: Range = { min: 1e6, max: 1e16, unit: 'B' };
/** Caches and on-chip memory per compute unit: 32 KiB (GPU threadgroup memory) to tens of MB (CPU L2), whole-wafer SRAM 4.4e10. */
export const CACHE_BYTES: Range = { min: 1e3, max: 1e12, unit: 'B' };
/** Sizes on a measured curve's axis (a working set, an operator's read). */
export const CURVE_BYTES: Range = { min: 1, max: 1e16, unit: 'B' };
/** Fixed cost of one operator invocation: a kernel launch is 1e-6 to 1e-5 s; a second would be a broken measurement. */
export const OVERHEAD_SECONDS: Range = { min: 1e-12, max: 1, unit: 's' };
/** Clock rates: 1 MHz to 100 GHz. */
const CLOCK_HZ: Range = { min: 1e6, max: 1e11, unit: 'Hz' };
/** Power: 1 mW to 1 MW (a rack draws ~1.2e5 W). */
const POWER_WATTS: Range = { min: 1e-3, max: 1e6, unit: 'W' };
/** Measured shapes on a grid's axes (rows, columns, lengths, head dimensions, maps per key head). */
const GRID_AXIS: Range = { min: 1, max: 1e9, unit: '' };
/** Efficiencies: a roofline reached to less than 1% is a wrong profile rather than an inefficient device. */
export const EFFICIENCY: Range = { min: 0.01, max: 1, unit: '(fraction of peak)' };

/** A number within a range, refused outside it with the range and unit in the message. */
export function inRange(r: Range) {
  const message = `must be between ${boundText(r.min)} and ${boundText(r.max)}${r.unit === '' ? '' : ` ${r.unit}`}`;
  return z.number().min(r.min, { error: message }).max(r.max, { error: message });
}

/** A number with provenance, within `range`; `what` adds to the unit in the description. */
export function quantity(range: Range, what = '') {
  return z
    .object({
      value: inRange(range).describe(`value in ${range.unit}${what === '' ? '' : ` ${what}`} (${boundText(range.min)} to ${boundText(range.max)})`),
      source: sourceKey,
      flags: z.array(z.enum(FLAGS)).optional().describe('derived: computed from other figures (note says how); inferred: taken from a sibling product; unconfirmed: no primary source; measured: measured on the machine'),
      note: z.string().optional().describe('how the value was derived or what it assumes'),
      measurement: z
        .object({ runs: z.number().int().positive().max(1e9), min: inRange(range), max: inRange(range) })
        .strict()
        .optional()
        .describe('for measured values: the value is the median of `runs` runs, with their min and max'),
    })
    .strict();
}

/** Accumulate modes of a tensor-core peak: GeForce cards run FP32 accumulate at half their FP16-accumulate rate. */
export const ACCUMULATE = ['fp32', 'fp16'] as const;

const peak = quantity(FLOP_RATE, '(a multiply-add is 2 FLOPs)')
  .extend({
    accumulate: z.enum(ACCUMULATE).optional().describe('the accumulate mode `value` is for (fp32: what PyTorch/cuBLAS GEMMs use by default, and the GeForce default here)'),
    fp16AccumulateValue: inRange(FLOP_RATE)
      .optional()
      .describe('the same tier with FP16 accumulate, FLOP/s, for reference only (never used by the roofline); only with accumulate "fp32"'),
  })
  .strict();

const peaks = z.partialRecord(z.enum(DTYPES), peak).describe('peak throughput per dtype, FLOP/s or OP/s');

/** One-way link latency: a nanosecond (on-die) to a second (a broken figure). */
const LINK_SECONDS: Range = { min: 1e-9, max: 1, unit: 's' };
/** Devices in one scale-up domain: 1 (a lone card) to a million. */
const DEVICES: Range = { min: 1, max: 1e6, unit: 'devices' };

const link = z
  .object({
    name: z.string().min(1),
    bidirectionalBytesPerSecond: quantity(BYTE_RATE, 'both directions added').optional().describe('give this or perDirectionBytesPerSecond, not both'),
    perDirectionBytesPerSecond: quantity(BYTE_RATE, 'one direction').optional().describe('give this or bidirectionalBytesPerSecond, not both'),
    latencySeconds: quantity(LINK_SECONDS, 'each hop of a collective pays before its bytes move').optional().describe('default when absent: 1e-6 s inside a node (scaleUp, host), 4e-6 s across nodes (scaleOut), from NCCL\'s per-ring-step latencies'),
    efficiency: quantity(EFFICIENCY, 'of the per-direction bandwidth collectives reach').optional().describe('default 0.8 when absent'),
  })
  .strict();

/** The profile's links: the scale-up domain, the card's host link and the per-device share of the scale-out network. */
const interconnect = z
  .object({
    devicesPerNode: quantity(DEVICES)
      .omit({ measurement: true })
      .extend({ value: inRange(DEVICES).int().describe('devices joined by the scale-up link (an NVLink domain or one server); 1 when absent') })
      .strict()
      .optional(),
    scaleUp: link.optional().describe('link between the devices of one node (NVLink, Infinity Fabric); absent: they talk over `host`'),
    host: link.optional().describe('the card\'s host link (PCIe)'),
    scaleOut: link.optional().describe('each device\'s share of the network between nodes, e.g. 8 x 400 Gb/s InfiniBand per 8-GPU node = 50 GB/s per direction'),
  })
  .strict();

export const HardwareProfileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('product name'),
    kind: z.enum(['gpu', 'cpu', 'soc-gpu', 'npu']).describe('which engine of the device the profile describes'),
    peakFlopPerSecond: peaks.describe('dense peak throughput per dtype (no 2:4 sparsity)'),
    sparsePeakFlopPerSecond: peaks.optional().describe('2:4 structured-sparsity peaks, for reference only; never used by the roofline'),
    memoryBytes: quantity(MEMORY_BYTES, '(SI)'),
    memoryBandwidthBytesPerSecond: quantity(BYTE_RATE, '(SI)'),
    onChipMemoryBytes: quantity(CACHE_BYTES, 'per compute unit (SM shared memory, GPU threadgroup memory or CPU L2 per core); sizes FlashAttention tiles'),
    lastLevelCacheBytes: quantity(CACHE_BYTES).optional(),
    lastLevelCacheBandwidthBytesPerSecond: quantity(BYTE_RATE, '(SI)')
      .optional()
      .describe('measured rate of streaming weights that are resident in the last-level cache'),
    lastLevelCacheResidentBytes: quantity(CACHE_BYTES)
      .optional()
      .describe('largest working set measured to stay resident in the last-level cache (profiles from before workingSetBandwidth); with lastLevelCacheBandwidthBytesPerSecond, the exact model streams a step whose weights and KV cache fit in it at the cache rate'),
    workingSetBandwidth: z
      .array(quantity(BYTE_RATE, '(SI)').extend({ bytes: inRange(CURVE_BYTES) }).strict())
      .min(1)
      .optional()
      .describe('measured rate of streaming a working set of `bytes` that is read again and again; when present the exact model streams a step whose weights and KV cache (read again every step) total R bytes at this curve\'s rate for R (interpolated in log2 of the size, never below memory bandwidth, memory bandwidth past its largest size)'),
    coldStreamBandwidth: z
      .array(quantity(BYTE_RATE, '(SI)').extend({ bytes: inRange(CURVE_BYTES) }).strict())
      .min(1)
      .optional()
      .describe('measured rate of one operator reading `bytes` of weights from memory (a one-row GEMM over matrices in rotation through twice the last-level cache); when present the exact model charges an operator whose weights and KV reads total s bytes, in a step that streams from memory, as if it moved s · (r_largest / r(s) − 1) more bytes, scaled by the share of the step read from memory'),
    computeUnits: z.object({ name: z.string(), count: z.number().int().positive(), clockHz: quantity(CLOCK_HZ).optional() }).strict().optional(),
    interconnect: interconnect.optional(),
    powerWatts: quantity(POWER_WATTS).optional(),
    expPerSecond: quantity({ ...FLOP_RATE, unit: 'exponentials/s' }).optional().describe('measured exp throughput; when present the exact model adds exps / rate to each operator\'s compute time'),
    operatorOverheadSeconds: quantity(OVERHEAD_SECONDS).optional().describe('measured fixed cost of one operator invocation; when present the exact model adds it to each operator'),
    attentionFlopPerSecond: z
      .object({
        prefill: quantity(FLOP_RATE),
        decode: quantity(FLOP_RATE),
        prefillGrid: z
          .array(quantity(FLOP_RATE).extend({ seqLen: inRange(GRID_AXIS), headDim: inRange(GRID_AXIS) }).strict())
          .min(1)
          .optional()
          .describe('prefill rate measured by sequence length and head dimension (a full grid); when present it replaces `prefill`, read at each point\'s shape by interpolation in log2 of both, clamped to the grid'),
        decodeGrid: z
          .array(quantity(FLOP_RATE).extend({ mapsPerKeyHead: inRange(GRID_AXIS), headDim: inRange(GRID_AXIS) }).strict())
          .min(1)
          .optional()
          .describe('decode rate measured by maps per cached key head and head dimension (a full grid); when present it replaces `decode` in the same way'),
      })
      .strict()
      .optional()
      .describe('measured FLOP rate of the attention kernel (scores, softmax, values) per phase; when present the exact model uses it for the operators that evaluate exps'),
    gemmGrid: z
      .array(quantity(FLOP_RATE).extend({ rows: inRange(GRID_AXIS), cols: inRange(GRID_AXIS) }).strict())
      .min(1)
      .optional()
      .describe('measured GEMM rate by rows (tokens × sequences) and output columns (a full grid); when present the exact model reads each weight product\'s compute peak off it at the product\'s own shape (interpolated in log2 of both, clamped to the grid), for products of more than 8 rows'),
    kvStreamBandwidth: quantity(BYTE_RATE, '(SI)')
      .optional()
      .describe('measured rate at which the attention kernel streams a KV cache from memory; when present and faster than the step\'s bandwidth, the exact model charges KV-cache reads at it (the other bytes stay at the step\'s bandwidth)'),
    fewRowGemmFlopPerSecond: quantity(FLOP_RATE)
      .optional()
      .describe('measured compute rate of products with at most 8 rows (the kernel engine runs them without packing the weights); when present it caps the exact model\'s peak for such products'),
    fewRowGemmCachedFlopPerSecond: quantity(FLOP_RATE)
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
        compute: inRange(EFFICIENCY).describe('reachable fraction of peak compute'),
        memory: inRange(EFFICIENCY).describe('reachable fraction of peak bandwidth'),
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
