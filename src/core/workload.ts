/** What is being run: phase, batch, lengths, widths, kernel style, cost model. */
import type { Bits } from './dtype.js';
import type { EfficiencyProfile } from './efficiency.js';
import type { PairMode } from './attention-core.js';
import type { Formula } from './formula.js';
import type { Parallelism } from './parallelism.js';

export const PHASES = ['prefill', 'decode'] as const;
export type Phase = (typeof PHASES)[number];

/** How MLA's attention is computed: decompressing keys/values (naive) or absorbing the up-projections (absorbed). */
export type MlaMode = 'naive' | 'absorbed';

/** Cost models by name. */
export const COST_MODELS = ['exact', 'llm-viewer', 'llm-viewer-gta'] as const;
export type CostModel = (typeof COST_MODELS)[number];

/**
 * A point to evaluate. Prefill processes `seqLen` prompt tokens; decode one new token (or `queries` of them: a prefill
 * chunk, a speculative verification) attending `contextLen` keys, the new ones included.
 */
export interface Workload {
  readonly phase: Phase;
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
  /** Decode: new query tokens per sequence in the pass (`undefined`: 1). */
  readonly queries?: number | undefined;
  readonly bits: Bits;
  readonly flash: boolean;
  readonly pairs: PairMode;
  /** MLA computation; `undefined` means the usual choice for the phase (naive prefill, absorbed decode). */
  readonly mla?: MlaMode | undefined;
  readonly costModel: CostModel;
  /** MoE routing imbalance g ≥ 1: tokens route as if uniformly over E/g experts; `undefined` means uniform (1). */
  readonly moeImbalance?: number | undefined;
  /** Cost the model's multi-token-prediction module too (`undefined`: reported apart, not costed). */
  readonly mtp?: boolean | undefined;
  /** How the model is split over devices (`undefined`: one device). */
  readonly parallelism?: Parallelism | undefined;
  /** Collectives overlap compute (`undefined`: they do not; the step is the sum). */
  readonly overlap?: boolean | undefined;
  /** Micro-batches a pipeline keeps in flight (`undefined`: as many as stages). */
  readonly microBatches?: number | undefined;
  /** Achieved fractions and fixed overheads (`undefined`: `peak`, the datasheet roofline). */
  readonly efficiency?: EfficiencyProfile | undefined;
  /** The KV cache lives in host memory and streams over the host link each pass (`undefined`: on the device). */
  readonly kvOffload?: boolean | undefined;
}

/** The MLA mode in effect: explicit, or naive in prefill and absorbed in decode as served in practice. */
export function mlaMode(w: Pick<Workload, 'phase' | 'mla'>): MlaMode {
  return w.mla ?? (w.phase === 'prefill' ? 'naive' : 'absorbed');
}

/**
 * (query, key) pairs per sequence: P. In a layer with a sliding window W, query i sees min(i, W) keys: causal
 * prefill sums them, dense prefill counts W per query past the first W; decode's K is already capped at W.
 */
export function pairsFormula(phase: Phase, pairs: PairMode, window = false): Formula {
  if (phase === 'decode') return decodePairs(pairs, window);
  if (window) return pairs === 'causal' ? 'min(T, W) * (min(T, W) + 1) / 2 + (T - min(T, W)) * W' : 'T * min(T, W)';
  return pairs === 'causal' ? 'T * (T + 1) / 2' : 'T ^ 2';
}

/**
 * Pairs of a decode pass of T new queries per sequence whose K keys include the T new ones (a decode step: T = 1; a
 * prefill chunk; a speculative verification). Causal: query j of T sees K − (T − 1 − j) keys, Σ = T·K − T(T−1)/2; at
 * T = 1 exactly K. A windowed layer binds K = min(context, W + T − 1), the keys some query sees; each query sees at
 * most W of them, which takes off the x(x+1)/2 pairs, x = max(K − W, 0), beyond the windows (0 at T = 1).
 */
function decodePairs(pairs: PairMode, window: boolean): Formula {
  if (pairs === 'dense') return window ? 'T * min(K, W)' : 'T * K';
  return window ? 'T * K - T * (T - 1) / 2 - max(K - W, 0) * (max(K - W, 0) + 1) / 2' : 'T * K - T * (T - 1) / 2';
}

/**
 * Query rows per FlashAttention tile (FlashAttention's B_r = min(⌈M/4d⌉, d), M in elements of on-chip memory).
 * At least 1, so TILE_COUNT is finite: d_t ≥ 1 (every variant's query/key and value dimensions are positive
 * integers, MLA's d_n + d_r > 0 by its check) and M ≥ 1e3 B (hardware-schema).
 */
export const TILE_ROWS: Formula = 'min(ceil(M / (4 * d_t * a)), d_t)';
/** Query tiles per sequence and head. */
export const TILE_COUNT: Formula = 'ceil(T / Br)';

/** Query tokens per sequence (T) and keys attended per sequence (K) for a workload. */
export function tokenCounts(w: Pick<Workload, 'phase' | 'seqLen' | 'contextLen'> & { readonly queries?: number | undefined }): { T: number; K: number } {
  return w.phase === 'prefill' ? { T: w.seqLen, K: w.seqLen } : { T: w.queries ?? 1, K: w.contextLen };
}

/** Tokens per sequence held in the KV cache at this point (prefill: the prompt; decode: the context). */
export function cachedTokens(w: Pick<Workload, 'phase' | 'seqLen' | 'contextLen'>): number {
  return w.phase === 'prefill' ? w.seqLen : w.contextLen;
}
