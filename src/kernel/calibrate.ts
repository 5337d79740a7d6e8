/** Host calibration with the kernel engine's own primitives: GEMM, streaming read, exp throughput. */
import { newCounters, type Backend } from './backend.js';
import { now, summarize } from './measure.js';
import type { Probes } from './engines.js';
import { mat } from './tensor.js';

export interface Measured {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

export interface Calibration {
  readonly gemmFlopPerSecond: Measured;
  readonly readBytesPerSecond: Measured;
  readonly expPerSecond: Measured;
  readonly operatorOverheadSeconds: Measured;
  readonly threads: number;
}

/**
 * Bytes per second the engine streams weights at: a one-row GEMM against a 64 MiB matrix, the access pattern of
 * every decode projection (the plain read probe is kept in the profile's note for comparison).
 */
function weightStreamBytesPerSecond(backend: Backend): number {
  const n = 4096;
  const a = backend.alloc(n);
  const b = backend.alloc(n * n);
  const c = backend.alloc(n);
  const counters = newCounters();
  const samples: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = now();
    backend.gemm(mat(a, 0, 1, n), mat(b, 0, n, n), mat(c, 0, 1, n), counters);
    samples.push(now() - t0);
  }
  return (n * n * 4) / summarize(samples).medianSeconds;
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

/** Runs each probe `runs` times (after one warm-up), reporting progress as steps complete. */
export function calibrate(backend: Backend & Probes, threads: number, runs: number, progress: (done: number, total: number, what: string) => void): Calibration {
  const steps: [string, () => number][] = [
    ['GEMM 512³', () => backend.measureGemmFlopPerSecond(512)],
    ['weight streaming 64 MiB', () => weightStreamBytesPerSecond(backend)],
    ['exp 4M', () => backend.measureExpPerSecond(4 * 2 ** 20)],
    ['operator overhead', () => overheadSeconds(backend)],
  ];
  const out: Measured[] = [];
  steps.forEach(([what, f], i) => {
    progress(i, steps.length, what);
    f();
    out.push(measure(runs, f));
  });
  progress(steps.length, steps.length, 'done');
  return { gemmFlopPerSecond: out[0]!, readBytesPerSecond: out[1]!, expPerSecond: out[2]!, operatorOverheadSeconds: out[3]!, threads };
}
