/**
 * Plausible ranges of model dimensions and workload sizes, checked at the boundary (io and cli), so that every
 * count the engine forms stays finite.
 *
 * Why these bounds suffice: a cost is a product of at most a few of these numbers. With every bound at most 2^24
 * and layers at most 2^12, the largest product of a report (prefill score FLOPs, roughly
 * 2 · B · S² · heads · headDim · layers ≤ 2^1 · 2^20 · 2^48 · 2^14 · 2^14 · 2^12 = 2^109 ≈ 6e32) is far from
 * Number.MAX_VALUE (≈ 1.8e308); a time divides such a count by a rate of at least 1e6 (hardware-schema's ranges),
 * so it stays below 1e27 s, and no sum of such terms comes near Infinity either. Beyond 2^53 a count is rounded
 * to 16 significant digits, far below what a report prints; it is never NaN or infinite.
 */

/** An inclusive upper bound with what it bounds and why it is generous. */
export interface Limit {
  readonly max: number;
  readonly unit: string;
}

/**
 * Model dimensions. The largest published models (2025) have hidden size 18,432, 128 layers, 128 heads, head
 * dimension 256, intermediate size 53,248, vocabulary 262,144 and MLA latent rank 1,536: each bound leaves at least
 * 8× margin.
 */
export const MODEL_LIMITS = {
  layers: { max: 4096, unit: 'layers' },
  hiddenSize: { max: 131_072, unit: 'elements' },
  intermediateSize: { max: 1_048_576, unit: 'elements' },
  vocabSize: { max: 16_777_216, unit: 'tokens' },
  /** Any head count (query, key, value, latent). */
  heads: { max: 16_384, unit: 'heads' },
  /** Any per-head or latent dimension (headDim, valueDim, MLA ranks and head dims). */
  headDim: { max: 16_384, unit: 'elements' },
  /**
   * Routed or shared experts of one MoE layer; the most published is 512 (2025). An expert's intermediate size is
   * bounded by intermediateSize, so one layer's expert weights stay below 3 · 2^14 · 2^17 · 2^20 ≈ 2^53.6 elements.
   */
  experts: { max: 16_384, unit: 'experts' },
  /** A sliding window never needs to exceed the longest context a workload may ask for (WORKLOAD_LIMITS.contextLen). */
  window: { max: 16_777_216, unit: 'tokens' },
  /** Multi-token-prediction modules; DeepSeek-V3 ships 1. */
  mtpModules: { max: 64, unit: 'modules' },
} as const satisfies Record<string, Limit>;

/**
 * Workload sizes. Batch: 1,048,576 sequences is over 100× any serving batch; lengths: 16,777,216 tokens is over
 * 1.6× the longest advertised context (10M tokens, 2025).
 */
export const WORKLOAD_LIMITS = {
  batch: { max: 1_048_576, unit: 'sequences' },
  seqLen: { max: 16_777_216, unit: 'tokens' },
  contextLen: { max: 16_777_216, unit: 'tokens' },
} as const satisfies Record<string, Limit>;

/** A bound as a person reads it: 1e19 rather than 10000000000000000000, 1e-9 as such, 4096 as such. */
export function boundText(n: number): string {
  return n >= 1e6 || (n > 0 && n < 1e-3) ? n.toExponential().replace('e+', 'e') : String(n);
}
