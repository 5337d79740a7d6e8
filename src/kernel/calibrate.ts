/** Host calibration with the kernel engine's own primitives: GEMM, streaming read, exp throughput. */
import { summarize } from './measure.js';
import type { Probes } from './engines.js';

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
  readonly threads: number;
}

function measure(runs: number, f: () => number): Measured {
  const samples = Array.from({ length: runs }, f);
  const t = summarize(samples);
  return { median: t.medianSeconds, min: t.minSeconds, max: t.maxSeconds, runs };
}

/** Runs each probe `runs` times (after one warm-up), reporting progress as steps complete. */
export function calibrate(probes: Probes, threads: number, runs: number, progress: (done: number, total: number, what: string) => void): Calibration {
  const steps: [string, () => number][] = [
    ['GEMM 512³', () => probes.measureGemmFlopPerSecond(512)],
    ['streaming read 64 MiB', () => probes.measureReadBytesPerSecond(64 * 2 ** 20)],
    ['exp 4M', () => probes.measureExpPerSecond(4 * 2 ** 20)],
  ];
  const out: Measured[] = [];
  steps.forEach(([what, f], i) => {
    progress(i, steps.length, what);
    f();
    out.push(measure(runs, f));
  });
  progress(steps.length, steps.length, 'done');
  return { gemmFlopPerSecond: out[0]!, readBytesPerSecond: out[1]!, expPerSecond: out[2]!, threads };
}
