/**
 * reports/validation: each run's measurements, validated again on the profile the run wrote, give back exactly the
 * run's predictions and summary, so a change to the cost model that moves them shows up here (and the README's
 * table of runs must then be restated).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const DIR = new URL('../../reports/validation/', import.meta.url);
const runs = readdirSync(DIR).filter((f) => f.endsWith('.measurements.json')).map((f) => f.replace('.measurements.json', '')).sort();

interface Doc {
  schema: string;
  passes?: number;
  points: { model: string; phase: string; batch: number; seqLen: number; contextLen: number; predictedSeconds: number; measuredSeconds: number; errorPercent: number }[];
  summary: { points: number; medianAbsErrorPercent: number; p90AbsErrorPercent: number };
}

describe('reports/validation', () => {
  it('holds full-grid runs, each with its report, profile and measurements', () => {
    expect(runs.length).toBeGreaterThanOrEqual(8);
    for (const run of runs) {
      const files = readdirSync(DIR).filter((f) => f.startsWith(`${run}.`)).sort();
      expect(files).toEqual([`${run}.host.json`, `${run}.json`, `${run}.measurements.json`]);
    }
  });

  it.each(runs)('%s: its measurements recompute its predictions and summary', (run) => {
    const committed = JSON.parse(readFileSync(new URL(`${run}.json`, DIR), 'utf8')) as Doc;
    const r = cli(['validate', '--measurements', `reports/validation/${run}.measurements.json`, '--format', 'json']);
    expect(r.status).toBe(0);
    const again = JSON.parse(r.stdout) as Doc;
    expect(committed.schema).toBe('llm-roofline.validation/v1');
    expect(committed.passes).toBeGreaterThanOrEqual(3);
    expect(again.points).toHaveLength(156);
    expect(again.points).toEqual(committed.points);
    expect(again.summary).toEqual(committed.summary);
  });
});
