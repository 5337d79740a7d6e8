/** Host calibration with the kernel engine's own primitives: GEMM, streaming read, exp throughput. */
import type { Calibration, Measured } from '../core/calibration.js';
import { newCounters, type Backend } from './backend.js';
import { now, summarize } from './measure.js';
import type { Probes } from './engines.js';
import { cacheView, mat, view } from './tensor.js';

export type { Calibration, Measured } from '../core/calibration.js';

/** Bytes a probe spreads its data over so that repeated calls find it in DRAM, not in the last-level cache. */
const COLD_BYTES = 64 * 2 ** 20;

/**
 * A probe of the engine's attention kernel's FLOP rate, counted as the exact model counts the core
 * (2·(d_q + d_v) + 5 per pair and map): 8 maps over 2 cached heads of 64 (grouped, as GQA and GTA attend), prefill
 * S = 512 or one decode step over 4096 keys. Decode rotates over enough KV caches to fill COLD_BYTES, so each step
 * streams its cache from memory as a layer's decode step does (its weights have evicted the cache since the last
 * step); the rate then includes how far this kernel falls short of overlapping its reads with its arithmetic.
 */
function attentionProbe(backend: Backend, phase: 'prefill' | 'decode'): () => number {
  const d = 64;
  const maps = 8;
  const heads = 2;
  const keys = phase === 'prefill' ? 512 : 4096;
  const queries = phase === 'prefill' ? keys : 1;
  const kvBytes = 2 * keys * heads * d * 4;
  const sets = phase === 'prefill' ? 1 : Math.ceil(COLD_BYTES / kvBytes);
  const q = backend.alloc(queries * maps * d).fill(0.01);
  const out = backend.alloc(queries * maps * d);
  const mapTo = Int32Array.from({ length: maps }, (_, m) => Math.floor(m / (maps / heads)));
  const args = Array.from({ length: sets }, () => ({
    batch: 1, queries, keys, maps, dq: d, dv: d,
    q: view(q, 0, 0, maps * d, d),
    k: cacheView(backend.alloc(keys * heads * d).fill(0.02), keys, heads, d),
    v: cacheView(backend.alloc(keys * heads * d).fill(0.03), keys, heads, d),
    out: view(out, 0, 0, maps * d, d),
    mapToK: mapTo, mapToV: mapTo, scale: 0.125, kvBytesPerElement: 4,
  }));
  const pairs = phase === 'prefill' ? (keys * (keys + 1)) / 2 : keys;
  const flops = pairs * maps * (2 * d + 2 * d + 5);
  const counters = newCounters();
  let next = 0;
  const call = (): void => {
    backend.attend(args[next % sets]!, counters);
    next++;
  };
  return () => {
    call();
    const samples: number[] = [];
    for (let r = 0; r < Math.max(5, sets); r++) {
      const t0 = now();
      call();
      samples.push(now() - t0);
    }
    return flops / summarize(samples).medianSeconds;
  };
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
  return () => {
    const samples: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = now();
      backend.gemm(mat(a, 0, 1, n), mat(b, 0, n, n), mat(c, 0, 1, n), counters);
      samples.push(now() - t0);
    }
    return (n * n * 4) / summarize(samples).medianSeconds;
  };
}

/**
 * A probe of weight streaming from the last-level cache: the one-row GEMM of weightStreamProbe against a matrix of a
 * quarter of the cache, read again and again, so it stays resident (as a small model's layer does between steps).
 */
function cacheStreamProbe(backend: Backend, cacheBytes: number): () => number {
  const n = 1024;
  const k = Math.max(4, Math.floor(cacheBytes / 4 / 4 / n));
  const a = backend.alloc(k);
  const b = backend.alloc(k * n).fill(0.5);
  const c = backend.alloc(n);
  const counters = newCounters();
  const once = (): void => {
    backend.gemm(mat(a, 0, 1, k), mat(b, 0, k, n), mat(c, 0, 1, n), counters);
  };
  return () => {
    once();
    const samples: number[] = [];
    for (let r = 0; r < 20; r++) {
      const t0 = now();
      once();
      samples.push(now() - t0);
    }
    return (k * n * 4) / summarize(samples).medianSeconds;
  };
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
    ['attention, decode (cold cache)', () => attentionProbe(backend, 'decode')],
    ...(cacheBytes === undefined ? [] : [['weight streaming from the last-level cache', () => cacheStreamProbe(backend, cacheBytes)] as [string, () => () => number]]),
  ];
  const out: Measured[] = [];
  steps.forEach(([what, build], i) => {
    progress(i, steps.length, what);
    const f = build();
    f();
    out.push(measure(runs, f));
  });
  progress(steps.length, steps.length, 'done');
  return {
    gemmFlopPerSecond: out[0]!,
    readBytesPerSecond: out[1]!,
    expPerSecond: out[2]!,
    operatorOverheadSeconds: out[3]!,
    attentionPrefillFlopPerSecond: out[4]!,
    attentionDecodeFlopPerSecond: out[5]!,
    cache: cacheBytes === undefined ? undefined : { bytes: cacheBytes, bytesPerSecond: out[6]! },
    threads,
  };
}
