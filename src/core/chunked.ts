/**
 * Chunked prefill: the prompt of N tokens runs as ⌈N/C⌉ passes of the decode form, chunk i with T_i = min(C, N − iC)
 * new tokens attending K_i = iC + T_i keys (the chunks before it and itself, causally). Every pass reads the weights
 * again, and each chunk's queries read the cache the chunks before it wrote; TTFT is the sum of the passes.
 */
import type { Bits } from './dtype.js';
import type { Plan } from './engine.js';

/** One chunk: its new tokens per sequence (T) and the keys they attend (K, the new ones included). */
export interface ChunkPass {
  readonly queries: number;
  readonly keys: number;
}

/** The passes of a prompt of `input` tokens in chunks of `chunk` tokens (one pass when chunk ≥ input). */
export function chunkPasses(input: number, chunk: number): ChunkPass[] {
  const out: ChunkPass[] = [];
  for (let done = 0; done < input; done += chunk) {
    const queries = Math.min(chunk, input - done);
    out.push({ queries, keys: done + queries });
  }
  return out;
}

/** A chunked prefill's seconds and passes. */
export interface ChunkedPrefill {
  readonly seconds: number;
  readonly chunks: number;
  /** The passes' fixed overheads (chunks × the decode plan's per-pass overhead). */
  readonly overheadSeconds: number;
}

/**
 * Runs a batch's prompt through `decode` (a decode plan of the model) chunk by chunk, adding each kind's seconds to
 * `into` (indexed like OP_KINDS). Each chunk samples one position's logits (R = 1): the last chunk's yields the first
 * token, as serving engines compute it.
 */
export function chunkedPrefill(decode: Plan, batch: number, input: number, chunk: number, bits: Bits, into: Float64Array): ChunkedPrefill {
  const passes = chunkPasses(input, chunk);
  const point = { batch, seqLen: 1, contextLen: 1, bits, queries: 1, logits: 1 };
  let seconds = 0;
  for (const p of passes) {
    point.queries = p.queries;
    point.contextLen = p.keys;
    seconds += decode.addKindSeconds(point, into);
  }
  return { seconds, chunks: passes.length, overheadSeconds: passes.length * decode.overheadSeconds };
}
