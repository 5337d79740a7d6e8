/**
 * `sweep --tp/--pp/--ep/--dp` as a user runs it. A split point is the plan analyze evaluates at the same point, so its
 * totals and memory equal `analyze --format json`'s (an equivalence); a sweep without parallelism keeps today's
 * header and bytes (`--tp 1` is one device); every split is checked before any output. The device is H100 SXM,
 * eight to a node, so tp 8 stays on NVLink.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { csvLine, PARALLEL_HEADER, SWEEP_HEADER } from '../../src/render/csv.js';
import { cli } from '../helpers/cli.js';

const NODE8 = 'h100-sxm';
const base = ['sweep', '--model', 'llama-2-70b', '--hardware', NODE8, '--phase', 'prefill,decode', '--batch', '1,16', '--seq', '512', '--context', '4096'];

interface Point {
  workload: Record<string, unknown> & { phase: string; batch: number; seqLen: number; contextLen: number; parallelism?: { tp: number } };
  totals: Record<string, number>;
  memory: Record<string, unknown>;
}

function json(args: readonly string[]): Point[] {
  const r = cli([...args, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return (JSON.parse(r.stdout) as { points: Point[] }).points;
}

describe('sweep --tp 1,8', () => {
  const points = json([...base, '--tp', '1,8']);

  it('has every point for both degrees, tp 1 first (the split is a block dimension after the device)', () => {
    // 2 degrees × (prefill + decode) × 2 batches.
    expect(points.map((p) => p.workload.parallelism?.tp ?? 1)).toEqual([1, 1, 1, 1, 8, 8, 8, 8]);
    expect(points.slice(0, 4).map((p) => p.workload)).toEqual(json(base).map((p) => p.workload));
  });

  it('a tp 8 point is analyze --tp 8 at the same point: same totals, memory and split', () => {
    for (const p of points.filter((q) => q.workload.parallelism !== undefined)) {
      const w = p.workload;
      const r = cli(['analyze', '--model', 'llama-2-70b', '--hardware', NODE8, '--tp', '8', '--phase', w.phase, '--batch', String(w.batch), '--seq', '512', '--context', '4096', '--format', 'json']);
      expect(r.status).toBe(0);
      const report = JSON.parse(r.stdout) as Point;
      expect(p.totals).toEqual(report.totals);
      expect(p.memory).toEqual(report.memory);
      expect([w.parallelism, w.overlap]).toEqual([report.workload.parallelism, report.workload.overlap]);
      expect(p.totals.communicationSeconds).toBeGreaterThan(0);
    }
  });

  it('tp 1 points are the one-device sweep\'s, field for field', () => {
    expect(points.slice(0, 4)).toEqual(json(base));
  });
});

describe('sweep CSV and Arrow columns', () => {
  const header = (args: readonly string[]): string => cli([...args, '--format', 'csv']).stdout.split('\n')[0] ?? '';

  it('the parallel columns only when a point has a parallelism; --tp 1 is one device, byte for byte', () => {
    const plain = cli([...base, '--format', 'csv']);
    expect(header(base)).toBe(csvLine(SWEEP_HEADER).trimEnd());
    expect(cli([...base, '--tp', '1', '--format', 'csv']).stdout === plain.stdout).toBe(true);
    expect(header([...base, '--tp', '1,8'])).toBe(csvLine([...SWEEP_HEADER, ...PARALLEL_HEADER]).trimEnd());
    expect(header([...base, '--dp', '2'])).toBe(csvLine([...SWEEP_HEADER, ...PARALLEL_HEADER]).trimEnd());
  });

  it('the CSV cells of a split sweep are the JSON points\' values (one device: degrees 1, no communication, the whole model)', () => {
    const lines = cli([...base, '--tp', '1,8', '--format', 'csv']).stdout.trimEnd().split('\n').slice(1);
    const points = json([...base, '--tp', '1,8']);
    expect(lines).toHaveLength(points.length);
    lines.forEach((line, i) => {
      const p = points[i]!;
      const d = p.memory.perDevice as { totalBytes: number; fits: boolean } | undefined;
      const tp = p.workload.parallelism?.tp ?? 1;
      const expected = [tp, 1, 1, 1, p.totals.communicationSeconds ?? 0, d?.totalBytes ?? (p.memory.totalBytes as number), d?.fits ?? (p.memory.fitsDevice as boolean)];
      expect(line.split(',').slice(SWEEP_HEADER.length)).toEqual(expected.map(String));
    });
  });

  it('Arrow has the same columns and values as the CSV', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'llmr-par-')), 'out.arrow');
    expect(cli([...base, '--tp', '1,8', '--format', 'arrow', '--out', file]).status).toBe(0);
    const table = tableFromIPC(readFileSync(file));
    const names = [...SWEEP_HEADER, ...PARALLEL_HEADER];
    expect(table.schema.fields.map((f) => f.name)).toEqual(names);
    const rows = Array.from({ length: table.numRows }, (_, r) => csvLine(names.map((n) => (table.get(r)?.[n] as string | number | boolean | null) ?? ''))).join('');
    expect(csvLine(names) + rows === cli([...base, '--tp', '1,8', '--format', 'csv']).stdout).toBe(true);
  });
});

describe('sweep parallel settings', () => {
  it('pipeline points carry micro-batches (default one per stage), --overlap every split point', () => {
    const pp = json(['sweep', '--model', 'llama-2-70b', '--hardware', NODE8, '--pp', '1,2', '--tp', '4', '--overlap']);
    expect(pp.map((p) => [p.workload.parallelism, p.workload.overlap, p.workload.microBatches])).toEqual([
      [{ tp: 4, pp: 1, ep: 1, dp: 1 }, true, undefined],
      [{ tp: 4, pp: 2, ep: 1, dp: 1 }, true, 2],
    ]);
    const m = json(['sweep', '--model', 'llama-2-70b', '--hardware', NODE8, '--pp', '2', '--micro-batches', '8']);
    expect(m[0]?.workload.microBatches).toBe(8);
  });

  it('expert parallel: DeepSeek-V3 --ep 8 points on H200 are analyze --ep 8\'s', () => {
    const [p] = json(['sweep', '--model', 'hf/deepseek-v3', '--hardware', 'h200-sxm', '--ep', '8', '--batch', '64']);
    const r = cli(['analyze', '--model', 'hf/deepseek-v3', '--hardware', 'h200-sxm', '--ep', '8', '--batch', '64', '--format', 'json']);
    const report = JSON.parse(r.stdout) as Point;
    expect(p?.totals).toEqual(report.totals);
    expect(p?.memory).toEqual(report.memory);
  });
});

describe('sweep --cost-model llm-viewer --tp', () => {
  it('a point is analyze\'s: LLM-Viewer\'s split, no communication, its per-device memory', () => {
    const args = ['--model', 'llama-2-7b', '--hardware', NODE8, '--cost-model', 'llm-viewer', '--tp', '2', '--batch', '8', '--context', '1024'];
    const [p] = json(['sweep', ...args]);
    const report = JSON.parse(cli(['analyze', ...args, '--format', 'json']).stdout) as Point;
    expect(p?.totals).toEqual(report.totals);
    expect(p?.memory).toEqual(report.memory);
    expect(p?.totals.communicationSeconds).toBe(0);
  });
});

describe('sweep refuses a split before any output', () => {
  const refused = (args: readonly string[], message: RegExp): void => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  };

  it('a degree that does not divide the heads names the flag and the field (llama-2-7b: 32 heads, --tp 3)', () => {
    refused(['sweep', '--model', 'llama-2-7b', '--hardware', NODE8, '--tp', '3'], /^--tp: llama-2-7b: attention\.heads: .*3/);
    // In a list, after a degree that fits.
    refused(['sweep', '--model', 'llama-2-7b', '--hardware', NODE8, '--tp', '1,2,3', '--format', 'csv'], /^--tp: llama-2-7b: attention\.heads: /);
  });

  it('a split a listed device has no link for names that profile (Apple M2: one device, no links)', () => {
    refused(['sweep', '--model', 'llama-2-7b', '--hardware', 'h100-sxm,apple-m2', '--tp', '1,2'], /^hardware-profiles\/apple-m2\.json: interconnect: .*no link between devices/);
  });

  it('expert parallelism on a dense model, and degrees that are not positive integers', () => {
    refused(['sweep', '--model', 'llama-2-7b', '--hardware', NODE8, '--ep', '2'], /^--ep: llama-2-7b: mlp: /);
    refused(['sweep', '--model', 'llama-2-7b', '--hardware', NODE8, '--tp', '1,0'], /^--tp: expected a positive integer \(got "0"\)/);
  });

  it('--overlap and --micro-batches need the split they configure', () => {
    refused(['sweep', '--model', 'llama-2-7b', '--overlap'], /^--overlap: needs the model split over devices/);
    refused(['sweep', '--model', 'llama-2-7b', '--hardware', NODE8, '--tp', '1,2', '--micro-batches', '4'], /^--micro-batches: needs a pipeline/);
  });
});
