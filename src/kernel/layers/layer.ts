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
  /** Copies x ([batch][tokens][hidden]) into the layer's input buffer, where `run` reads it. */
  load(x: ArrayLike<number>, tokens: number): void;
  /** Runs the tokens last loaded (forward = load + run); what timing measures, so input copies stay outside it. */
  run(tokens: number, counters: Counters): Buf;
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

/** What a variant supplies: its caches, its input buffer, and one step over T new tokens at positions start…. */
export interface LayerBody {
  readonly hidden: number;
  readonly size: LayerSize;
  readonly input: Buf;
  readonly caches: readonly Buf[];
  /** Runs T tokens per sequence (already copied into `input`) at positions start … start + T − 1; returns the output. */
  step(T: number, start: number, counters: Counters): Buf;
}

/** The cache bookkeeping every variant shares: capacity checks, input copy, cached length, prime/rewind/reset. */
export function statefulLayer(body: LayerBody): AttentionLayer {
  const { batch, maxTokens } = body.size;
  const rows = stepRows(body.size);
  let cached = 0;
  const load = (input: ArrayLike<number>, T: number): void => {
    if (batch * T > rows) throw new Error(`internal: buffers hold ${String(rows / batch)} tokens per call`);
    const n = batch * T * body.hidden;
    if (input.length < n) throw new RangeError(`layer input: ${input.length} values for ${n}`);
    body.input.set(input.length === n ? input : (Array.prototype.slice.call(input, 0, n) as number[]));
  };
  const run = (T: number, counters: Counters): Buf => {
    if (cached + T > maxTokens || batch * T > rows) throw new Error(`internal: buffers hold ${String(maxTokens)} tokens, ${String(rows / batch)} per call`);
    const y = body.step(T, cached, counters);
    cached += T;
    return y;
  };
  return {
    hidden: body.hidden,
    get cached() {
      return cached;
    },
    load,
    run,
    forward(input, T, counters) {
      load(input, T);
      return run(T, counters);
    },
    prime(tokens) {
      // Placeholder values: decode timing depends on how much cache is read, not on what it holds.
      body.caches.forEach((c, i) => c.fill(0.01 * (i + 1)));
      cached = tokens;
    },
    rewind(tokens) {
      cached = tokens;
    },
    reset() {
      cached = 0;
    },
  };
}
