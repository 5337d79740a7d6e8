/**
 * Word layouts shared by JS and the wasm kernels: the control block that dispatches commands to worker threads,
 * and the attention descriptor (mirrored by assembly/attend.ts) that tells the kernel where everything is.
 */
import type { AttendArgs } from '../backend.js';

/** Control block slots (Int32Array on a SharedArrayBuffer). */
export const CTL = {
  gen: 0, done: 1, cmd: 2, next: 3, err: 4, arg: 8, scratch: 32, counters: 64, size: 96,
} as const;

/** Most threads the control block has slots for. */
export const MAX_THREADS = 32;

/** Commands a thread can run on its share of the work. */
export const CMD = { gemm: 1, attend: 2, read: 3, exp: 4, merge: 5, gemmBatch: 6, exit: 9 } as const;

/** f64 counter slots per thread, in the order the kernels write them (assembly/common.ts). */
export const COUNTER_SLOTS = 4;
/** Bytes between two threads' counters, so threads never share a cache line. */
export const COUNTER_STRIDE = 64;

/** Query rows per prefill tile. */
export const TILE_ROWS = 64;

/** Fewest keys a decode chunk gets when a step's keys are split across threads. */
export const MIN_CHUNK_KEYS = 256;

/** Work items a decode step is split into at least (when its keys allow): several per thread on small machines. */
export const DECODE_ITEMS = 8;

/**
 * Key chunks per (sequence, group) in a decode step: enough for DECODE_ITEMS work items, each chunk at least
 * MIN_CHUNK_KEYS keys. Prefill, and decode with items to spare, use one. It does not depend on the thread count,
 * so results are bit-identical whatever the number of threads.
 */
export function decodeChunks(args: Pick<AttendArgs, 'batch' | 'queries' | 'keys'>, groups: number): number {
  if (args.queries !== 1) return 1;
  const want = Math.ceil(DECODE_ITEMS / (args.batch * groups));
  const chunks = Math.max(1, Math.min(want, Math.floor(args.keys / MIN_CHUNK_KEYS)));
  return Math.ceil(args.keys / Math.ceil(args.keys / chunks));
}

/** Floats a split decode's partial results take: (max, sum, 2 pad, dv rounded up to 4) per (sequence, map, chunk). */
export function partialFloats(args: Pick<AttendArgs, 'batch' | 'maps' | 'dv'>, chunks: number): number {
  return chunks <= 1 ? 0 : args.batch * args.maps * chunks * (Math.ceil(args.dv / 4) * 4 + 4);
}

/** Maps that share one key head, with the distinct value heads they read. */
export interface Group {
  readonly kHead: number;
  readonly maps: number[];
  readonly vHeads: number[];
  /** For each map of the group, the index into vHeads of its value head. */
  readonly vIdx: number[];
}

/** Groups maps by key head (in first-appearance order) so each K row is loaded once per tile for all of them. */
export function groupMaps(maps: number, mapToK: Int32Array, mapToV: Int32Array): Group[] {
  const byK = new Map<number, Group>();
  for (let m = 0; m < maps; m++) {
    const k = mapToK[m];
    const v = mapToV[m];
    if (k === undefined || v === undefined || k < 0 || v < 0) throw new RangeError(`attend: bad head mapping for map ${m}`);
    let g = byK.get(k);
    if (g === undefined) {
      g = { kHead: k, maps: [], vHeads: [], vIdx: [] };
      byK.set(k, g);
    }
    let vi = g.vHeads.indexOf(v);
    if (vi < 0) vi = g.vHeads.push(v) - 1;
    g.maps.push(m);
    g.vIdx.push(vi);
  }
  return [...byK.values()];
}

/** Words the descriptor for these groups occupies. */
export function descriptorWords(groups: readonly Group[]): number {
  let n = 32 + groups.length;
  for (const g of groups) n += 3 + g.vHeads.length + 2 * g.maps.length;
  return n;
}

/** Byte pointers of the four views (q, k, v, out), each to element 0 of that view. */
export interface ViewPointers { q: number; k: number; v: number; out: number }

/**
 * Writes the attention descriptor at word index `at` of `words`; returns the number of work items. `chunks` key
 * chunks per decode item (see decodeChunks) write partial results at byte address `partial`.
 */
export function writeDescriptor(
  words: Int32Array, at: number, args: AttendArgs, ptr: ViewPointers, groups: readonly Group[], chunks = 1, partial = 0,
): number {
  const nTiles = args.queries === 1 ? chunks : Math.ceil(args.queries / TILE_ROWS);
  const scaleBits = new Int32Array(new Float32Array([args.scale]).buffer)[0] ?? 0;
  let gMax = 0;
  let nVMax = 0;
  for (const g of groups) {
    gMax = Math.max(gMax, g.maps.length);
    nVMax = Math.max(nVMax, g.vHeads.length);
  }
  const head = [
    args.batch, args.queries, args.keys, args.maps, args.dq, args.dv, TILE_ROWS, groups.length, nTiles, scaleBits,
    gMax, nVMax,
    ptr.q, args.q.batchStride, args.q.tokenStride, args.q.headStride,
    ptr.k, args.k.batchStride, args.k.tokenStride, args.k.headStride,
    ptr.v, args.v.batchStride, args.v.tokenStride, args.v.headStride,
    ptr.out, args.out.batchStride, args.out.tokenStride, args.out.headStride,
    partial, Math.ceil(args.keys / nTiles),
  ];
  words.fill(0, at, at + 32);
  words.set(head, at);
  let w = 32 + groups.length;
  groups.forEach((g, i) => {
    words[at + 32 + i] = w;
    words.set([g.kHead, g.maps.length, g.vHeads.length, ...g.vHeads, ...g.maps, ...g.vIdx], at + w);
    w += 3 + g.vHeads.length + 2 * g.maps.length;
  });
  return args.batch * groups.length * nTiles;
}
