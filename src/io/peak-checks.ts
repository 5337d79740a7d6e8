/** Checks on a profile's peaks that a schema cannot state: sparse figures stored as dense, accumulate modes. */
import type { DType } from '../core/dtype.js';
import { boundText } from '../core/limits.js';
import { UserError } from './errors.js';
import type { HardwareProfile } from './hardware-schema.js';

/**
 * Each narrower tier against the next wider one. Tensor cores double their rate per halving of the width (FP8 =
 * 2 x FP16, INT4 = 2 x INT8), and 2:4 sparsity doubles it again: a ratio past 2 is a sparse figure stored as dense.
 */
const TIERS: readonly (readonly [DType, DType])[] = [
  ['fp8', 'fp16'],
  ['fp4', 'fp8'],
  ['int8', 'fp16'],
  ['int4', 'int8'],
];

/** Largest accepted ratio of a narrower tier to the next wider: 2, with room for rounding in datasheets. */
export const MAX_TIER_RATIO = 2.05;

type Peaks = HardwareProfile['peakFlopPerSecond'];

/**
 * The fastest dense figure of a tier: a GeForce FP16 peak stored at FP32 accumulate (half rate) is compared at its
 * FP16-accumulate figure, since that is the rate the narrower integer and FP8 tiers double. FP16's tier falls back
 * to BF16 for a device that lists only BF16.
 */
function tierRate(peaks: Peaks, dtype: DType): { field: string; rate: number } | undefined {
  const own = peaks[dtype] ?? (dtype === 'fp16' ? peaks.bf16 : undefined);
  if (own === undefined) return undefined;
  const field = `peakFlopPerSecond.${peaks[dtype] === undefined ? 'bf16' : dtype}`;
  return { field, rate: Math.max(own.value, own.fp16AccumulateValue ?? 0) };
}

/** Refuses peaks that look like 2:4 sparse figures, and accumulate fields that contradict each other. */
export function checkPeaks(profile: HardwareProfile, file: string): void {
  const peaks = profile.peakFlopPerSecond;
  for (const [dtype, q] of Object.entries(peaks) as [DType, Peaks[DType]][]) {
    if (q === undefined) continue;
    if (q.fp16AccumulateValue !== undefined && q.accumulate !== 'fp32') {
      throw new UserError(file, `peakFlopPerSecond.${dtype}.fp16AccumulateValue`, `only with "accumulate": "fp32" (got accumulate ${q.accumulate === undefined ? 'absent' : `"${q.accumulate}"`}; value is then the FP16-accumulate figure itself)`);
    }
    const sparse = profile.sparsePeakFlopPerSecond?.[dtype];
    if (sparse !== undefined && q.value >= sparse.value) {
      throw new UserError(file, `peakFlopPerSecond.${dtype}`, `dense ${boundText(q.value)} is not below sparsePeakFlopPerSecond.${dtype} (${boundText(sparse.value)}): it looks like the 2:4 sparse figure stored as dense (expected dense < sparse, usually half)`);
    }
  }
  for (const [narrow, wide] of TIERS) {
    const n = peaks[narrow];
    const w = tierRate(peaks, wide);
    if (n === undefined || w === undefined || n.value <= MAX_TIER_RATIO * w.rate) continue;
    const ratio = (n.value / w.rate).toFixed(2);
    throw new UserError(file, `peakFlopPerSecond.${narrow}`, `${boundText(n.value)} is ${ratio}x ${w.field} (${boundText(w.rate)}): it looks like a 2:4 sparse figure stored as dense (expected at most ${String(MAX_TIER_RATIO)}x the next wider tier; a GeForce peak at FP32 accumulate gives its FP16-accumulate figure in fp16AccumulateValue)`);
  }
}
