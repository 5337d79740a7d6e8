/** A generate run's memory: one device's footprint at the longest context the batch reaches, and what would fit. */
import { capacity } from './capacity.js';
import type { Plan, Point } from './engine.js';

/** What the device that holds the most needs at input + output cached tokens, and the capacity answers there. */
export interface GenerateMemory {
  /** Tokens per sequence in the cache: input + output. */
  readonly cachedTokens: number;
  readonly weightBytes: number;
  readonly kvCacheBytes: number;
  /** The largest decode operator's activation input plus output. */
  readonly activationBytes: number;
  readonly totalBytes: number;
  /** The device's memory. */
  readonly deviceBytes: number;
  /** Share of it kept back for the serving engine. */
  readonly reserve: number;
  /** deviceBytes × (1 − reserve). */
  readonly usableBytes: number;
  /** totalBytes ≤ usableBytes. */
  readonly fits: boolean;
  /** Largest batch that fits at input + output cached tokens (0: not one sequence). */
  readonly maxBatch: number;
  /** Longest cached context that fits at the run's batch (0: not one token). */
  readonly maxContext: number;
}

/** The memory answers of a decode plan at `p` (its context: input + output), with `reserve` kept back. */
export function generateMemory(decode: Plan, p: Point, reserve: number): GenerateMemory {
  const device = decode.deviceMemory(p);
  const m = device ?? decode.memory(p);
  const c = capacity(decode, p, reserve);
  return {
    cachedTokens: p.contextLen,
    weightBytes: m.weightBytes,
    kvCacheBytes: m.kvCacheBytes,
    activationBytes: m.activationBytes,
    totalBytes: m.totalBytes,
    deviceBytes: decode.hardware.memoryBytes,
    reserve,
    usableBytes: c.usableBytes,
    fits: m.totalBytes <= c.usableBytes,
    maxBatch: c.maxBatch,
    maxContext: c.maxContext,
  };
}
