/**
 * `compare` with splits: side by side, `--tp` lists are part of each row's point (rows carry workload.parallelism,
 * each model's numbers are the sweep's); in baseline mode a point pairs only with a point of the same split, so a
 * tp 8 file never stands in for a one-device file. Device: H100 SXM, eight to a node.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dominantBound } from '../../src/core/compare-models.js';
import type { OpResult } from '../../src/core/engine.js';
import { CompareBaselineSchema } from '../../src/io/compare-schema.js';
import { cli } from '../helpers/cli.js';

const NODE8 = 'h100-sxm';
const dir = mkdtempSync(join(tmpdir(), 'llmr-compare-par-'));
const grid = ['--hardware', NODE8, '--phase', 'prefill,decode', '--batch', '1,16', '--seq', '512', '--context', '4096'];
const files = { one: join(dir, 'one.json'), tp8: join(dir, 'tp8.json'), both: join(dir, 'both.json'), report: join(dir, 'report.json') };

beforeAll(() => {
  const sweep = (out: string, extra: string[]): void => {
    expect(cli(['sweep', '--model', 'llama-2-70b', ...grid, ...extra, '--out', out]).status).toBe(0);
  };
  sweep(files.one, []);
  sweep(files.tp8, ['--tp', '8']);
  sweep(files.both, ['--tp', '1,8']);
  const analyze = cli(['analyze', '--model', 'llama-2-70b', '--hardware', NODE8, '--tp', '8', '--batch', '16', '--context', '4096', '--format', 'json', '--out', files.report]);
  expect(analyze.status).toBe(0);
});

describe('compare --baseline with splits', () => {
  it('does not pair a tp 8 point with a one-device point (exit 2, naming the point and its split)', () => {
    const r = cli(['compare', '--baseline', files.one, '--candidate', files.tp8]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^.*one\.json: points\.0: llama-2-70b \S+ prefill B1 S512 w16a16kv16 has no matching point in .*tp8\.json\n$/);
    const back = cli(['compare', '--baseline', files.tp8, '--candidate', files.one]);
    expect(back.status).toBe(2);
    expect(back.stderr).toMatch(/^.*tp8\.json: points\.0: llama-2-70b \S+ prefill B1 S512 w16a16kv16 tp8 has no matching point in .*one\.json\n$/);
  });

  it('pairs each point of a tp 1,8 sweep with its own split', () => {
    const r = cli(['compare', '--baseline', files.both, '--candidate', files.both, '--format', 'json', '--fail-if', 'totals.timeSeconds > +0%']);
    expect(r.status).toBe(0);
    const doc = CompareBaselineSchema.parse(JSON.parse(r.stdout));
    expect(doc.points.map((p) => [p.baseline.field, p.candidate.field])).toEqual(Array.from({ length: 8 }, (_, i) => [`points.${String(i)}`, `points.${String(i)}`]));
    expect(doc.points.map((p) => [p.workload.parallelism?.tp ?? 1, p.changed])).toEqual([...Array.from({ length: 4 }, () => [1, false]), ...Array.from({ length: 4 }, () => [8, false])]);
  });

  it('an analyze --tp 8 report pairs with the sweep\'s tp 8 point, the split\'s numbers included', () => {
    const r = cli(['compare', '--baseline', files.report, '--candidate', files.tp8, '--match-by', 'workload', '--format', 'json']);
    // The sweep has 4 points and the report 1: the other 3 have no match, which names a tp8 point.
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/tp8 has no matching point/);
    const single = join(dir, 'tp8-one.json');
    expect(cli(['sweep', '--model', 'llama-2-70b', '--hardware', NODE8, '--tp', '8', '--batch', '16', '--context', '4096', '--out', single]).status).toBe(0);
    const ok = cli(['compare', '--baseline', files.report, '--candidate', single, '--format', 'json']);
    expect(ok.status).toBe(0);
    const doc = CompareBaselineSchema.parse(JSON.parse(ok.stdout));
    expect(doc.metrics).toEqual(expect.arrayContaining(['totals.communicationSeconds', 'memory.perDevice.totalBytes']));
    expect(doc.flags).toEqual(['memory.fitsDevice', 'memory.perDevice.fits']);
    expect(doc.points.map((p) => [p.workload.parallelism, p.changed])).toEqual([[{ tp: 8, pp: 1, ep: 1, dp: 1 }, false]]);
  });

  it('refuses --tp and --overlap in baseline mode: the files say how they are split', () => {
    for (const flag of [['--tp', '8'], ['--overlap']]) {
      const r = cli(['compare', '--baseline', files.one, '--candidate', files.one, ...flag]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`^${flag[0] ?? ''}: only in side-by-side mode`));
    }
  });
});

describe('compare side by side with --tp', () => {
  const run = (format: string): ReturnType<typeof cli> => cli(['compare', '--model', 'llama-2-7b,llama-3.1-8b', ...grid, '--tp', '1,8', '--format', format]);

  it('rows carry the split, and each model\'s numbers are the sweep\'s at that split', () => {
    const r = run('json');
    expect(r.status).toBe(0);
    type Row = { workload: { parallelism?: { tp: number }; phase: string; batch: number }; models: { model: string; totals: unknown; memory: unknown }[] };
    const rows = (JSON.parse(r.stdout) as { rows: Row[] }).rows;
    expect(rows.map((row) => row.workload.parallelism?.tp ?? 1)).toEqual([1, 1, 1, 1, 8, 8, 8, 8]);
    const swept = cli(['sweep', '--model', 'llama-2-7b,llama-3.1-8b', ...grid, '--tp', '1,8', '--format', 'json']);
    type Point = { model: string; workload: Row['workload']; totals: unknown; memory: unknown };
    const points = (JSON.parse(swept.stdout) as { points: Point[] }).points;
    for (const row of rows) {
      for (const m of row.models) {
        const same = points.filter((p) => p.model === m.model && (p.workload.parallelism?.tp ?? 1) === (row.workload.parallelism?.tp ?? 1) && p.workload.phase === row.workload.phase && p.workload.batch === row.workload.batch);
        expect(same).toHaveLength(1);
        expect([m.totals, m.memory]).toEqual([same[0]?.totals, same[0]?.memory]);
      }
    }
  });

  it('the table names each point\'s split when it varies, and the heading a split every row shares', () => {
    const table = run('table').stdout;
    expect(table).toMatch(/│ one device prefill B1 S512 /);
    expect(table).toMatch(/│ tp8 decode B16 L4096 /);
    const shared = cli(['compare', '--model', 'llama-2-7b,llama-3.1-8b', '--hardware', NODE8, '--tp', '8', '--overlap']).stdout;
    expect(shared.split('\n')[0]).toMatch(/, tp8 overlap, decode, /);
    // One device throughout goes unsaid, as before splits existed.
    expect(cli(['compare', '--model', 'llama-2-7b,llama-3.1-8b']).stdout).not.toMatch(/one device/);
  });
});

describe('dominantBound', () => {
  const op = (bound: OpResult['bound'], count: number, timeSeconds: number): OpResult => ({ name: bound, kind: 'gemm', count, flops: 0, bytes: { weight: 0, actRead: 0, actWrite: 0, kvRead: 0, kvWrite: 0, total: 0 }, intensityFlopPerByte: 0, bound, timeSeconds });
  it('is the bound of the operators taking most of the time: network when collectives do', () => {
    // compute 2 × 1 = 2 s, memory 3 × 1 = 3 s, network 4 × 1 = 4 s.
    expect(dominantBound([op('compute', 2, 1), op('memory', 3, 1), op('network', 4, 1)])).toBe('network');
    expect(dominantBound([op('compute', 2, 1), op('memory', 3, 1), op('network', 1, 1)])).toBe('memory');
    // Ties: compute first, then memory.
    expect(dominantBound([op('compute', 3, 1), op('memory', 3, 1), op('network', 3, 1)])).toBe('compute');
    expect(dominantBound([op('memory', 3, 1), op('network', 3, 1)])).toBe('memory');
  });
});
