/** Shortcuts for kernel tests. */
import { expect } from 'vitest';
import type { Backend } from '../../src/kernel/backend.js';
import { newCounters } from '../../src/kernel/backend.js';
import type { AttentionLayer } from '../../src/kernel/layers/layer.js';
import { randomArray, seeded } from '../../src/kernel/random.js';

/** max |a − b| / max |b|. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  expect(a.length).toBe(b.length);
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** Seeded inputs [batch][tokens][hidden]. */
export function inputs(seed: number, batch: number, tokens: number, hidden: number): Float64Array {
  return randomArray(seeded(seed), batch * tokens * hidden, 1);
}

/** Runs prefill of `x` then one decode of `next`; returns copies of both outputs. */
export function prefillThenDecode(layer: AttentionLayer, x: Float64Array, tokens: number, next: Float64Array): { prefill: Float64Array; decode: Float64Array } {
  layer.reset();
  const prefill = Float64Array.from(layer.forward(x, tokens, newCounters()));
  const decode = Float64Array.from(layer.forward(next, 1, newCounters()));
  return { prefill, decode };
}

/** Rows [t] of every sequence of a [batch][tokens][hidden] array. */
export function tokenRows(y: ArrayLike<number>, batch: number, tokens: number, hidden: number, t: number): Float64Array {
  const out = new Float64Array(batch * hidden);
  for (let b = 0; b < batch; b++) for (let e = 0; e < hidden; e++) out[b * hidden + e] = y[(b * tokens + t) * hidden + e]!;
  return out;
}

/** [batch][tokens][hidden] from the first `tokens` tokens and one more token per sequence. */
export function appendToken(x: Float64Array, next: Float64Array, batch: number, tokens: number, hidden: number): Float64Array {
  const out = new Float64Array(batch * (tokens + 1) * hidden);
  for (let b = 0; b < batch; b++) {
    out.set(x.subarray(b * tokens * hidden, (b + 1) * tokens * hidden), b * (tokens + 1) * hidden);
    out.set(next.subarray(b * hidden, (b + 1) * hidden), (b * (tokens + 1) + tokens) * hidden);
  }
  return out;
}

export type { Backend };
