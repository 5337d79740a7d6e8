import { describe, expect, it } from 'vitest';
import { errorPercent, summarizeErrors } from '../../src/kernel/validate.js';
import { cli } from '../helpers/cli.js';

describe('error summary', () => {
  it('median and nearest-rank 90th percentile of absolute errors', () => {
    const pts = [-30, 1, -2, 3, 4, 5, -6, 7, 8, 9].map((errorPercent) => ({ errorPercent }));
    expect(summarizeErrors(pts)).toEqual({ points: 10, medianAbsErrorPercent: 5.5, p90AbsErrorPercent: 9 });
  });
  it('error is (predicted − measured) / measured', () => {
    expect(errorPercent(1.1, 1)).toBeCloseTo(10, 12);
  });
});

describe('validate --measurements', () => {
  it('JSON and CSV give the same predictions as analyze', () => {
    const fromJson = JSON.parse(cli(['validate', '--measurements', 'test/fixtures/measurements/h100.json', '--format', 'json']).stdout) as { points: { predictedSeconds: number; errorPercent: number }[]; summary: { points: number } };
    const fromCsv = JSON.parse(cli(['validate', '--measurements', 'test/fixtures/measurements/h100.csv', '--format', 'json']).stdout) as typeof fromJson;
    expect(fromJson.summary.points).toBe(2);
    expect(fromCsv.points).toEqual(fromJson.points);
    const analyze = JSON.parse(cli(['analyze', '--model', 'paper/gta-1b', '--context', '2048', '--flash', '--format', 'json']).stdout) as { totals: { timeSeconds: number } };
    expect(fromJson.points[0]!.predictedSeconds).toBe(analyze.totals.timeSeconds);
    expect(fromJson.points[0]!.errorPercent).toBeCloseTo(((analyze.totals.timeSeconds - 0.0008) / 0.0008) * 100, 9);
  });
  it('a wrong column is named', () => {
    const r = cli(['validate', '--measurements', 'test/fixtures/measurements/bad-column.csv']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('test/fixtures/measurements/bad-column.csv: measuredSecs: unknown column (expected some of: model, hardware, phase, batch, seqLen, contextLen, measuredSeconds, bits, flash, scope)\n');
  });
});
