/** What every executed attention layer offers, whatever its variant and backend. */
import type { Buf, Counters } from '../backend.js';

export interface AttentionLayer {
  readonly hidden: number;
  /** Tokens per sequence already in the KV cache. */
  readonly cached: number;
  /**
   * Runs `tokens` new tokens of every sequence (x: [batch][tokens][hidden]) at positions cached … cached + tokens − 1,
   * appends them to the cache, and returns the layer output [batch][tokens][hidden].
   */
  forward(x: ArrayLike<number>, tokens: number, counters: Counters): Buf;
  /** Fills the cache with placeholder values for `tokens` tokens, as if they had been run (for timing decode). */
  prime(tokens: number): void;
  /** Sets the cached length back to `tokens` without touching the cache (to repeat a timed decode step). */
  rewind(tokens: number): void;
  /** Empties the cache. */
  reset(): void;
}

/** Batch size, the longest sequence the cache holds, and the most tokens one forward call runs. */
export interface LayerSize {
  readonly batch: number;
  readonly maxTokens: number;
  /** Defaults to maxTokens; decode-only layers need 1, which keeps work buffers small. */
  readonly maxStep?: number | undefined;
}

/** Rows the per-call work buffers need. */
export function stepRows(size: LayerSize): number {
  return size.batch * (size.maxStep ?? size.maxTokens);
}
