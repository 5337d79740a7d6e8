/** Host calibration with the kernel engine's own primitives: GEMM, streaming read, exp throughput. */
import type { Calibration, Measured } from '../core/calibration.js';
import { newCounters, type Backend } from './backend.js';
import { now, summarize } from './measure.js';
import type { Probes } from './engines.js';
import { cacheView, mat, view } from './tensor.js';

export type { Calibration, Measured } from '../core/calibration.js';

/** A probe: `work` units over the median time of `reps` calls of `once` (calibrate warms each probe up first). */
function medianRate(work: number, once: () => void, reps: number): () => number {
  return () => {
    const samples: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = now();
      once();
      samples.push(now() - t0);
    }
    return work / summarize(samples).medianSeconds;
  };
}

/**
 * A probe of the engine's attention kernel's FLOP rate, counted as the exact model counts the core
 * (2·(d_q + d_v) + 5 per pair and map): 8 maps over 2 cached heads of 64 (grouped, as GQA and GTA attend), prefill
 * S = 512 or one decode step over 4096 keys, its 4 MiB of K and V read again and again so they stay in cache: the
 * arithmetic rate (the exact model sets the KV reads at bandwidth against it).
 */
function attentionProbe(backend: Backend, phase: 'prefill' | 'decode'): () => number {
  const d = 64;
  const maps = 8;
  const heads = 2;
  const keys = phase === 'prefill' ? 512 : 4096;
  const queries = phase === 'prefill' ? keys : 1;
  const q = backend.alloc(queries * maps * d).fill(0.01);
  const out = backend.alloc(queries * maps * d);
  const mapTo = Int32Array.from({ length: maps }, (_, m) => Math.floor(m / (maps / heads)));
  const args = {
    batch: 1, queries, keys, maps, dq: d, dv: d,
    q: view(q, 0, 0, maps * d, d),
    k: cacheView(backend.alloc(keys * heads * d).fill(0.02), keys, heads, d),
    v: cacheView(backend.alloc(keys * heads * d).fill(0.03), keys, heads, d),
    out: view(out, 0, 0, maps * d, d),
    mapToK: mapTo, mapToV: mapTo, scale: 0.125, kvBytesPerElement: 4,
  };
  const pairs = phase === 'prefill' ? (keys * (keys + 1)) / 2 : keys;
  const flops = pairs * maps * (2 * d + 2 * d + 5);
  const counters = newCounters();
  return medianRate(flops, () => { backend.attend(args, counters); }, 5);
}

/**
 * A probe of the bytes per second the engine streams weights at: a one-row GEMM against a 64 MiB matrix, the
 * access pattern of every decode projection.
 */
function weightStreamProbe(backend: Backend): () => number {
  const n = 4096;
  const a = backend.alloc(n);
  const b = backend.alloc(n * n);
  const c = backend.alloc(n);
  const counters = newCounters();
  return medianRate(n * n * 4, () => { backend.gemm(mat(a, 0, 1, n), mat(b, 0, n, n), mat(c, 0, 1, n), counters); }, 5);
}

/**
 * A probe of weight streaming over a working set of `bytes`: the one-row GEMM of weightStreamProbe against one
 * matrix of that size, read again and again, so it stays in the cache if it fits (as a small model's layer does
 * between decode steps).
 */
function cyclicStreamProbe(backend: Backend, bytes: number): () => number {
  const n = 1024;
  const k = Math.max(4, Math.floor(bytes / 4 / n));
  const a = backend.alloc(k);
  const b = backend.alloc(k * n).fill(0.5);
  const c = backend.alloc(n);
  const counters = newCounters();
  return medianRate(k * n * 4, () => { backend.gemm(mat(a, 0, 1, k), mat(b, 0, k, n), mat(c, 0, 1, n), counters); }, 20);
}

/** Working sets probed for cache residency, as fractions of the last-level cache the OS reports. */
const RESIDENT_STEPS = [1 / 8, 1 / 4, 3 / 8, 1 / 2, 3 / 4, 1];

/**
 * The largest working set that still streams at cache speed, from cyclic streams over growing working sets: a size
 * counts while its median rate stays above the geometric mean of the cache rate and the memory rate. (A cyclic
 * stream that overflows an LRU-like cache misses on nearly every line, so the rate falls sharply at the capacity
 * this process effectively has, which on a shared machine is well below the cache's size.)
 */
function residentBytes(backend: Backend, llc: number, cacheRate: number, memoryRate: number): number {
  const threshold = Math.sqrt(cacheRate * memoryRate);
  let fits = 0;
  for (const f of RESIDENT_STEPS) {
    const bytes = Math.floor(f * llc);
    const probe = cyclicStreamProbe(backend, bytes);
    probe();
    const rate = summarize([probe(), probe(), probe()]).medianSeconds;
    if (rate < threshold) break;
    fits = bytes;
  }
  return fits;
}

/** Weight matrices the few-row probe rotates over: 16 × 4 MiB, so each call reads its weights from memory. */
const FEW_ROW_SETS = 16;

/**
 * A probe of the rate of 4-row products (decode at batch 4) whose weights come from memory, as decode projections
 * read them: a 4×1024·1024×1024 GEMM over FEW_ROW_SETS weight matrices in rotation. At 2 FLOPs per weight byte this
 * kernel is compute-bound, and the rate includes the stalls on those reads, which it does not hide (with the
 * weights in cache the same product runs up to 1.5× faster).
 */
function fewRowGemmProbe(backend: Backend): () => number {
  const [m, k, n] = [4, 1024, 1024];
  const a = backend.alloc(m * k).fill(0.5);
  const bs = Array.from({ length: FEW_ROW_SETS }, () => backend.alloc(k * n).fill(0.25));
  const c = backend.alloc(m * n);
  const counters = newCounters();
  let next = 0;
  return medianRate(2 * m * k * n, () => {
    backend.gemm(mat(a, 0, m, k), mat(bs[next++ % FEW_ROW_SETS]!, 0, k, n), mat(c, 0, m, n), counters);
  }, 2 * FEW_ROW_SETS);
}

/** Seconds per call of a tiny GEMM: what dispatching one operator to the kernel threads costs. */
function overheadSeconds(backend: Backend): number {
  const a = backend.alloc(8);
  const b = backend.alloc(64);
  const c = backend.alloc(8);
  const counters = newCounters();
  const calls = 2000;
  const t0 = now();
  for (let i = 0; i < calls; i++) backend.gemm(mat(a, 0, 1, 8), mat(b, 0, 8, 8), mat(c, 0, 1, 8), counters);
  return (now() - t0) / calls;
}

function measure(runs: number, f: () => number): Measured {
  const samples = Array.from({ length: runs }, f);
  const t = summarize(samples);
  return { median: t.medianSeconds, min: t.minSeconds, max: t.maxSeconds, runs };
}

/**
 * Runs each probe `runs` times (after one warm-up), reporting progress as steps complete. `cacheBytes` is the
 * last-level cache size when the OS reports it (the cache probe is skipped otherwise).
 */
export function calibrate(backend: Backend & Probes, threads: number, runs: number, progress: (done: number, total: number, what: string) => void, cacheBytes?: number): Calibration {
  // Each probe is built (buffers allocated and filled) when its step starts, then run `runs` times.
  const steps: [string, () => () => number][] = [
    ['GEMM 512³', () => () => backend.measureGemmFlopPerSecond(512)],
    ['weight streaming 64 MiB', () => weightStreamProbe(backend)],
    ['exp 4M', () => () => backend.measureExpPerSecond(4 * 2 ** 20)],
    ['operator overhead', () => () => overheadSeconds(backend)],
    ['attention, prefill', () => attentionProbe(backend, 'prefill')],
    ['attention, decode', () => attentionProbe(backend, 'decode')],
    ['GEMM, 4 rows', () => fewRowGemmProbe(backend)],
    ...(cacheBytes === undefined ? [] : [['weight streaming from the last-level cache', () => cyclicStreamProbe(backend, cacheBytes * RESIDENT_STEPS[0]!)] as [string, () => () => number]]),
  ];
  const total = steps.length + (cacheBytes === undefined ? 0 : 1);
  const out: Measured[] = [];
  steps.forEach(([what, build], i) => {
    progress(i, total, what);
    const f = build();
    f();
    out.push(measure(runs, f));
  });
  let cache: Calibration['cache'];
  if (cacheBytes !== undefined) {
    progress(steps.length, total, 'working set the cache holds');
    cache = { bytes: cacheBytes, bytesPerSecond: out[7]!, residentBytes: residentBytes(backend, cacheBytes, out[7]!.median, out[1]!.median) };
  }
  progress(total, total, 'done');
  return {
    gemmFlopPerSecond: out[0]!,
    readBytesPerSecond: out[1]!,
    expPerSecond: out[2]!,
    operatorOverheadSeconds: out[3]!,
    attentionPrefillFlopPerSecond: out[4]!,
    attentionDecodeFlopPerSecond: out[5]!,
    fewRowGemmFlopPerSecond: out[6]!,
    cache,
    threads,
  };
}
