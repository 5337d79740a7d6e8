/**
 * reports/validation holds evidence as data: each full `validate` run's measurements (as a `--measurements` file),
 * the calibrated profile it predicted with, and the report it printed. The measurements and the profile never change;
 * this test predicts every measured point again with the current `exact` model and checks the model against them
 * within tolerances that a real regression breaks, so a small deliberate model change does not mean rewriting
 * eighteen files, while a broken one still fails here.
 *
 * Tolerances (checked by injecting errors into the model, see the margins below):
 * - per point, the prediction stays within ±POINT_DRIFT of the prediction the run reported;
 * - per run, the median and 90th-percentile absolute error may fall freely but may rise by at most
 *   MEDIAN_SLACK and P90_SLACK percentage points above what the run reported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

/**
 * Largest relative move of one point's prediction. A 20% error in the model moves every point it governs by 16.7–25%,
 * beyond this margin. Injected by hand into the compiled evaluator when this test was written, each of these failed
 * all 18 runs here: FLOPs ×1.2 (118–120 of 156 points per run moved too far), FLOPs ÷1.2 (110), memory time ×0.8
 * (bandwidth ×1.25; 18–20 points), memory time ×1.2 (18–20). Smaller errors are left to the accuracy margins below:
 * FLOPs ×1.1 failed 4 runs on them, memory time ×0.9 failed 2.
 */
const POINT_DRIFT = 0.15;
/** Percentage points by which a run's median |error| may exceed the one it reported. */
const MEDIAN_SLACK = 1.5;
/** Percentage points by which a run's 90th-percentile |error| may exceed the one it reported. */
const P90_SLACK = 3;

const DIR = new URL('../../reports/validation/', import.meta.url);
const runs = readdirSync(DIR).filter((f) => f.endsWith('.measurements.json')).map((f) => f.replace('.measurements.json', '')).sort();

interface Point {
  model: string;
  hardware: string;
  phase: string;
  batch: number;
  seqLen: number;
  contextLen: number;
  predictedSeconds: number;
  measuredSeconds: number;
  errorPercent: number;
}
interface Doc {
  schema: string;
  passes?: number;
  points: Point[];
  summary: { points: number; medianAbsErrorPercent: number; p90AbsErrorPercent: number };
}

const key = (p: Point): string => `${p.model} ${p.phase} B${String(p.batch)} S${String(p.seqLen)} L${String(p.contextLen)}`;

describe('reports/validation', () => {
  it('holds full-grid runs, each with its report, profile and measurements', () => {
    expect(runs.length).toBeGreaterThanOrEqual(8);
    for (const run of runs) {
      const files = readdirSync(DIR).filter((f) => f.startsWith(`${run}.`)).sort();
      expect(files).toEqual([`${run}.host.json`, `${run}.json`, `${run}.measurements.json`]);
    }
  });

  it.each(runs)('%s: the current model predicts its measurements within the stated tolerances', (run) => {
    const committed = JSON.parse(readFileSync(new URL(`${run}.json`, DIR), 'utf8')) as Doc;
    expect(committed.schema).toBe('llm-roofline.validation/v1');
    expect(committed.passes).toBeGreaterThanOrEqual(3);
    expect(committed.points).toHaveLength(156);

    const r = cli(['validate', '--measurements', `reports/validation/${run}.measurements.json`, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const again = JSON.parse(r.stdout) as Doc;

    // The evidence itself is data: the same points, measured the same, on the run's own profile.
    expect(again.points.map(key)).toEqual(committed.points.map(key));
    expect(again.points.map((p) => p.measuredSeconds)).toEqual(committed.points.map((p) => p.measuredSeconds));
    expect(new Set(again.points.map((p) => p.hardware))).toEqual(new Set([`reports/validation/${run}.host.json`]));

    const drifted = again.points.flatMap((p, i) => {
      const before = committed.points[i]?.predictedSeconds ?? NaN;
      const move = p.predictedSeconds / before - 1;
      return Math.abs(move) <= POINT_DRIFT ? [] : [`${key(p)}: predicted ${p.predictedSeconds.toPrecision(4)} s, reported ${before.toPrecision(4)} s (${(100 * move).toFixed(1)}%)`];
    });
    expect(drifted, `predictions moved more than ${String(100 * POINT_DRIFT)}% from what run ${run} reported`).toEqual([]);

    expect(again.summary.points).toBe(156);
    expect(again.summary.medianAbsErrorPercent).toBeLessThanOrEqual(committed.summary.medianAbsErrorPercent + MEDIAN_SLACK);
    expect(again.summary.p90AbsErrorPercent).toBeLessThanOrEqual(committed.summary.p90AbsErrorPercent + P90_SLACK);
  });
});
