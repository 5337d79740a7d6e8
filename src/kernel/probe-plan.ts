/**
 * The sizes of calibration's memory probes, from the last-level cache and capped by the memory there is. The
 * working-set, cold-stream and KV-streaming probes all read one shared pool (their values do not matter for
 * timing), so the probes take the pool once rather than about ten times the cache. Pure: the caller passes the cache
 * size and the room, and reads the plan.
 */
import type { CapReason, ProbeCap } from '../core/calibration.js';
import { bytesLabel } from './memory.js';

export type { CapReason, ProbeCap } from '../core/calibration.js';

/**
 * Working sets the cyclic stream is measured over, as fractions of the last-level cache the OS reports: from well
 * inside it to twice its size, where the rate has fallen to memory bandwidth. On a shared machine the rate falls
 * gradually, well before the cache's nominal size.
 */
export const WORKING_SET_STEPS = [1 / 8, 1 / 4, 3 / 8, 1 / 2, 3 / 4, 1, 3 / 2, 2];

/** The pool is twice the last-level cache, so a pass over it leaves nothing in cache, and at least 64 MiB. */
export const DEFAULT_POOL_BYTES = 2 ** 26;

/** The smallest pool calibration runs with: the largest cold-stream matrix (16 MiB) must fit in it once. */
export const SMALLEST_POOL_BYTES = 2 ** 24;

/** Bytes the pool may take under each bound (each undefined when it does not apply). */
export type PoolRoom = { readonly [K in CapReason]?: number | undefined };

/** The pool's size, the working sets measured, and every cap that applied. */
export interface ProbePlan {
  readonly poolBytes: number;
  /** Working sets to measure, bytes, each at most poolBytes (none when the cache size is unknown). */
  readonly workingSets: readonly number[];
  readonly caps: readonly ProbeCap[];
}

/** The pool wanted before any cap: twice the last-level cache, at least DEFAULT_POOL_BYTES. */
export function wantedPoolBytes(cacheBytes: number | undefined): number {
  return Math.max(DEFAULT_POOL_BYTES, 2 * (cacheBytes ?? 0));
}

/** Names of the probes that read the pool, as the calibrator names them. */
export const POOL_PROBES = { coldStream: 'weight streaming from memory (matrices in rotation)', kvStream: 'KV cache streaming from memory' } as const;

/** The name of the working-set probe over `bytes`. */
export function workingSetProbe(bytes: number): string {
  return `weight streaming, ${bytesLabel(bytes)} read again and again`;
}

/**
 * The plan for a cache of `cacheBytes` (undefined where the OS reports none) with `room` bytes for the pool: the
 * pool is what it wants or, when a bound is lower, the lowest bound in whole MiB; working sets larger than the pool
 * are not measured. Returns undefined when the room is below SMALLEST_POOL_BYTES (calibration cannot run).
 */
export function probePlan(cacheBytes: number | undefined, room: PoolRoom): ProbePlan | undefined {
  const wanted = wantedPoolBytes(cacheBytes);
  let poolBytes = wanted;
  let limitedBy: CapReason | undefined;
  for (const reason of ['engine', 'machine', 'limit'] as const) {
    const bound = room[reason];
    if (bound === undefined) continue;
    const fits = Math.floor(bound / 2 ** 20) * 2 ** 20;
    if (fits < poolBytes) {
      poolBytes = fits;
      limitedBy = reason;
    }
  }
  if (poolBytes < SMALLEST_POOL_BYTES) return undefined;
  const wantedSets = cacheBytes === undefined ? [] : WORKING_SET_STEPS.map((f) => Math.floor(f * cacheBytes));
  const workingSets = wantedSets.filter((b) => b <= poolBytes);
  const caps: ProbeCap[] = limitedBy === undefined ? [] : [
    { probe: POOL_PROBES.coldStream, wantedBytes: wanted, usedBytes: poolBytes, limitedBy },
    { probe: POOL_PROBES.kvStream, wantedBytes: wanted, usedBytes: poolBytes, limitedBy },
    ...wantedSets.filter((b) => b > poolBytes).map((b) => ({ probe: workingSetProbe(b), wantedBytes: b, usedBytes: 0, limitedBy })),
  ];
  return { poolBytes, workingSets, caps };
}
