/** The validation runner: executes attention layers over a grid and sets each measured time beside the prediction. */
import type { Hardware } from '../core/hardware.js';
import type { ModelConfig } from '../core/model-config.js';
import { mlaMode } from '../core/workload.js';
import type { Backend } from './backend.js';
import { createLayer } from './layers/index.js';
import { stepNeed } from './layers/footprint.js';
import type { MemoryNeed } from './memory.js';
import { predict } from './predict.js';
import { summarize, timeLayer } from './measure.js';

export interface ValidationPoint {
  readonly model: string;
  readonly hardware: string;
  readonly phase: 'prefill' | 'decode';
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
  readonly predictedSeconds: number;
  readonly measuredSeconds: number;
  readonly errorPercent: number;
}

export interface ValidationSummary {
  readonly points: number;
  readonly medianAbsErrorPercent: number;
  readonly p90AbsErrorPercent: number;
}

export interface Grid {
  readonly prefillLengths: readonly number[];
  readonly decodeContexts: readonly number[];
  readonly batches: readonly number[];
}

export const FULL_GRID: Grid = { prefillLengths: [128, 512, 2048], decodeContexts: [512, 4096, 16384], batches: [1, 4] };
export const QUICK_GRID: Grid = { prefillLengths: [128, 512], decodeContexts: [512, 4096], batches: [1] };

/**
 * (prediction − measurement) / measurement, in percent. Finite: a measured time is > 0 (a measurements file's is
 * checked to lie in 1e-9..1e6 s, a timed point lasts at least the timer's nanosecond) and a prediction is finite.
 */
export function errorPercent(predicted: number, measured: number): number {
  return ((predicted - measured) / measured) * 100;
}

/** Median and 90th percentile (nearest rank) of the absolute errors. */
export function summarizeErrors(points: readonly { errorPercent: number }[]): ValidationSummary {
  const abs = points.map((p) => Math.abs(p.errorPercent)).sort((a, b) => a - b);
  const rank = (q: number): number => abs[Math.max(0, Math.ceil(q * abs.length) - 1)] ?? 0;
  const mid = Math.floor(abs.length / 2);
  const median = abs.length === 0 ? 0 : abs.length % 2 === 1 ? abs[mid]! : (abs[mid - 1]! + abs[mid]!) / 2;
  return { points: points.length, medianAbsErrorPercent: median, p90AbsErrorPercent: rank(0.9) };
}

/** The points of a grid for one model, in run order. */
export function gridPoints(g: Grid): { phase: 'prefill' | 'decode'; batch: number; length: number }[] {
  return [
    ...g.batches.flatMap((batch) => g.prefillLengths.map((length) => ({ phase: 'prefill' as const, batch, length }))),
    ...g.batches.flatMap((batch) => g.decodeContexts.map((length) => ({ phase: 'decode' as const, batch, length }))),
  ];
}

/** The grid point that needs the most engine memory (the most memory in all on the reference backend), with its need. */
export function largestPoint(models: readonly ModelConfig[], g: Grid, fast: boolean): { point: string; need: MemoryNeed } {
  let best: { point: string; need: MemoryNeed } = { point: 'none', need: { engineBytes: 0, totalBytes: 0 } };
  for (const model of models) {
    for (const { phase, batch, length } of gridPoints(g)) {
      const need = stepNeed(model, { phase, batch, seqLen: length, contextLen: length, mla: mlaMode({ phase }) }, fast);
      if (fast ? need.engineBytes > best.need.engineBytes : need.totalBytes > best.need.totalBytes) best = { point: `${model.id} ${phase}, batch ${String(batch)}, length ${String(length)}`, need };
    }
  }
  return best;
}

/** How each point is timed. */
export interface ValidateTiming {
  /**
   * Passes over the whole grid; a point's measured time is the median of its passes' medians, so a slow spell of a
   * shared machine (seconds to minutes long) moves one pass of a point rather than the point.
   */
  readonly passes: number;
  /** Called after every timed point (`validate --calibrate` runs calibration rounds here). */
  readonly afterRun?: () => void;
}

/**
 * Runs every point of the grid for each model on one backend (its threads stay warm from point to point), `passes`
 * times over the whole grid, then predicts each point on `hw` (a function is called once, after the last run, so a
 * profile measured during the runs can be used); `reset`, when the backend has it, frees the previous point's
 * buffers first. `onPoint` reports each point once predicted; `onRun` counts every timed point of every pass.
 */
export function validate(models: readonly ModelConfig[], hw: Hardware | (() => Hardware), g: Grid, backend: Backend & { reset?: () => void }, fused: boolean, onPoint: (p: ValidationPoint, done: number) => void, timing: ValidateTiming = { passes: 1 }, onRun?: (done: number) => void): ValidationPoint[] {
  const specs = models.flatMap((model) => gridPoints(g).map((pt) => ({ model, ...pt })));
  const samples: number[][] = specs.map(() => []);
  let runs = 0;
  // Several passes each time a point more briefly: 1–15 runs within 0.5 s in one pass, 1–5 within 0.2 s in each of several.
  const many = timing.passes > 1;
  for (let pass = 0; pass < timing.passes; pass++) {
    specs.forEach(({ model, phase, batch, length }, i) => {
      backend.reset?.();
      const layer = createLayer(model, backend, { batch, maxTokens: length, maxStep: phase === 'prefill' ? length : 1, seed: 1, mla: mlaMode({ phase }) });
      const run = timeLayer(layer, { phase, batch, seqLen: length, contextLen: length, warmup: 1, warmupSeconds: 0.2, minRepeats: many ? 1 : 3, maxRepeats: many ? 5 : 15, budgetSeconds: many ? 0.2 : 0.5 });
      samples[i]!.push(run.medianSeconds);
      onRun?.(++runs);
      timing.afterRun?.();
    });
  }
  const hardware = typeof hw === 'function' ? hw() : hw;
  return specs.map(({ model, phase, batch, length }, i) => {
    const predicted = predict(model, hardware, { phase, batch, seqLen: length, contextLen: length }, fused, mlaMode({ phase })).totals.timeSeconds;
    const measured = summarize(samples[i]!).medianSeconds;
    const p: ValidationPoint = {
      model: model.id,
      hardware: hardware.id,
      phase,
      batch,
      seqLen: phase === 'prefill' ? length : 1,
      contextLen: length,
      predictedSeconds: predicted,
      measuredSeconds: measured,
      errorPercent: errorPercent(predicted, measured),
    };
    onPoint(p, i + 1);
    return p;
  });
}
