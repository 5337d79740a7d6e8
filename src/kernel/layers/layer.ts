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
  /** Fills the cache with `tokens` tokens of seeded values, as if they had been run (for timing decode). */
  prime(tokens: number, seed: number): void;
  /** Empties the cache. */
  reset(): void;
}

/** Batch size and the longest sequence a layer's buffers hold. */
export interface LayerSize {
  readonly batch: number;
  readonly maxTokens: number;
}
