/**
 * `sweep --kv-offload` as a user runs it. A point is the plan `analyze --kv-offload` evaluates at the same point, so
 * its totals and memory equal analyze's JSON (an equivalence), in JSON, CSV and Arrow; without the flag the columns
 * and fields are today's; every refusal comes before any output, with exit code 2.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { EFFICIENCY_HEADER, OFFLOAD_HEADER, SWEEP_HEADER } from '../../src/render/csv.js';
import { cli } from '../helpers/cli.js';
import { expectRel } from '../helpers/rel.js';

const GRID = ['--model', 'paper/gta-1b', '--hardware', 'h100-sxm', '--phase', 'prefill,decode', '--batch', '1,64', '--seq', '512', '--context', '2048'];

interface Point {
  workload: Record<string, unknown> & { phase: string; batch: number; seqLen: number; contextLen: number; kvOffload?: boolean };
  totals: Record<string, number>;
  memory: Record<string, number | boolean>;
}

function run(args: readonly string[]): string {
  const r = cli(args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return r.stdout;
}

const points = (args: readonly string[]): Point[] => (JSON.parse(run([...args, '--format', 'json'])) as { points: Point[] }).points;

/** analyze --kv-offload at a sweep point of GRID. */
function analyzeAt(w: Point['workload']): Point {
  return JSON.parse(run(['analyze', '--model', 'paper/gta-1b', '--hardware', 'h100-sxm', '--phase', w.phase, '--batch', String(w.batch), '--seq', '512', '--context', '2048', '--kv-offload', '--format', 'json'])) as Point;
}

/** CSV text as records keyed by the header's names. */
function csvRecords(text: string): { header: string[]; rows: Record<string, string>[] } {
  const [head, ...lines] = text.trimEnd().split('\n');
  const header = (head ?? '').split(',');
  return { header, rows: lines.map((l) => Object.fromEntries(l.split(',').map((v, k) => [header[k] ?? '', v]))) };
}

describe('sweep --kv-offload', () => {
  const offloaded = points(['sweep', ...GRID, '--kv-offload']);
  const reports = offloaded.map((p) => analyzeAt(p.workload));

  it('JSON: every point is analyze --kv-offload at the same point (time, host transfers, memory)', () => {
    expect(offloaded).toHaveLength(4);
    offloaded.forEach((p, k) => {
      const report = reports[k]!;
      expect(p.workload.kvOffload).toBe(true);
      expect(report.workload.kvOffload).toBe(true);
      expect(p.totals).toEqual(report.totals);
      expect(p.memory).toEqual(report.memory);
      expect(p.totals.hostTransferSeconds).toBeGreaterThan(0);
    });
  });

  it('decode at batch 64, context 2048: the host link\'s busy time by hand', () => {
    // GTA-1B: 54 layers, 192 cache elements per token per layer, fp16 cache (2 bytes); H100 SXM's host link is PCIe
    // Gen5, 64 GB/s per direction at efficiency 0.8 (51.2 GB/s), 1 µs latency per hop. Per layer a step fetches
    // 64 × 2048 × 192 × 2 = 50,331,648 bytes and stores 64 × 1 × 192 × 2 = 24,576 bytes:
    // 54 × [(1e-6 + 50,331,648 / 51.2e9) + (1e-6 + 24,576 / 51.2e9)] = 54 × (984.04e-6 + 1.48e-6) = 0.05321808 s.
    const p = offloaded.find((q) => q.workload.phase === 'decode' && q.workload.batch === 64)!;
    expectRel(p.totals.hostTransferSeconds!, 0.05321808, 1e-9);
    // The whole cache on the host, two of the 54 layers' on the device.
    expect(p.memory.hostKvCacheBytes).toBe(64 * 2048 * 54 * 192 * 2);
    expect(p.memory.kvCacheBytes).toBe(64 * 2048 * 2 * 192 * 2);
    // Compute hides almost nothing: the pass takes at least the fetches after the first layer's.
    expect(p.totals.timeSeconds).toBeGreaterThanOrEqual(53 * (1e-6 + 50_331_648 / 51.2e9));
  });

  it('CSV: the two offload columns follow fitsDevice and hold analyze\'s numbers', () => {
    const { header, rows } = csvRecords(run(['sweep', ...GRID, '--kv-offload', '--format', 'csv']));
    expect(header).toEqual([...SWEEP_HEADER, ...OFFLOAD_HEADER]);
    expect(rows).toHaveLength(4);
    rows.forEach((row, k) => {
      const report = reports[k]!;
      expect(Number(row.timeSeconds)).toBe(report.totals.timeSeconds);
      expect(Number(row.hostTransferSeconds)).toBe(report.totals.hostTransferSeconds);
      expect(Number(row.kvCacheBytes)).toBe(report.memory.kvCacheBytes);
      expect(Number(row.hostKvCacheBytes)).toBe(report.memory.hostKvCacheBytes);
      expect(Number(row.totalBytes)).toBe(report.memory.totalBytes);
      expect(row.fitsDevice).toBe(String(report.memory.fitsDevice));
    });
  });

  it('CSV with an efficiency: the offload columns come before the efficiency label, which stays last', () => {
    const { header, rows } = csvRecords(run(['sweep', ...GRID, '--kv-offload', '--efficiency', 'typical', '--format', 'csv']));
    expect(header).toEqual([...SWEEP_HEADER, ...OFFLOAD_HEADER, ...EFFICIENCY_HEADER]);
    const typical = points(['sweep', ...GRID, '--kv-offload', '--efficiency', 'typical']);
    rows.forEach((row, k) => {
      expect(Number(row.hostTransferSeconds)).toBe(typical[k]!.totals.hostTransferSeconds);
      expect(row.efficiency).toBe(typical[k]!.workload.efficiency);
    });
  });

  it('Arrow: two Float64 columns with the JSON points\' numbers', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'llmr-offload-')), 'sweep.arrow');
    run(['sweep', ...GRID, '--kv-offload', '--format', 'arrow', '--out', out]);
    const table = tableFromIPC(readFileSync(out));
    expect(table.schema.fields.map((f) => f.name)).toEqual([...SWEEP_HEADER, ...OFFLOAD_HEADER]);
    expect(table.schema.fields.slice(-2).map((f) => String(f.type))).toEqual(['Float64', 'Float64']);
    expect(Array.from(table.getChild('hostTransferSeconds')!.toArray() as Float64Array)).toEqual(offloaded.map((p) => p.totals.hostTransferSeconds));
    expect(Array.from(table.getChild('hostKvCacheBytes')!.toArray() as Float64Array)).toEqual(offloaded.map((p) => p.memory.hostKvCacheBytes));
    expect(Array.from(table.getChild('timeSeconds')!.toArray() as Float64Array)).toEqual(offloaded.map((p) => p.totals.timeSeconds));
  });
});

describe('sweep without --kv-offload', () => {
  it('keeps the column set and the JSON fields of a sweep that never heard of offload', () => {
    const { header } = csvRecords(run(['sweep', ...GRID, '--format', 'csv']));
    expect(header).toEqual([...SWEEP_HEADER]);
    const text = run(['sweep', ...GRID, '--format', 'json']);
    expect(text).not.toMatch(/kvOffload|hostTransferSeconds|hostKvCacheBytes/);
    // On the device the decode is faster than streaming the cache (an offloaded point costs more, never less).
    const on = points(['sweep', ...GRID, '--kv-offload']);
    const off = (JSON.parse(text) as { points: Point[] }).points;
    off.forEach((p, k) => {
      expect(on[k]!.totals.timeSeconds).toBeGreaterThanOrEqual(p.totals.timeSeconds!);
    });
  });
});

describe('sweep --kv-offload refusals, before any output, exit 2', () => {
  it.each([
    [['--hardware', 'h100-sxm,apple-m2'], /^hardware-profiles\/apple-m2\.json: interconnect\.host: apple-m2 gives no host link \(PCIe\)/],
    [['--hardware', 'h100-sxm', '--scope', 'layer'], /^--kv-offload: the cache streams layer after layer through a whole pass, so it needs --scope model \(got --scope layer\) \(--scope\)$/],
    [['--hardware', 'h100-sxm', '--cost-model', 'llm-viewer-gta'], /^--kv-offload: LLM-Viewer has no host link or transfer overlap; use --cost-model exact/],
    [['--hardware', 'h100-sxm', '--tp', '1,2'], /^--kv-offload: split devices share their hosts' PCIe switches/],
  ])('refuses %j with one line', (args, message) => {
    for (const format of ['json', 'csv']) {
      const r = cli(['sweep', '--model', 'paper/gta-1b', '--batch', '1,8', ...args, '--kv-offload', '--format', format]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(r.stderr.trimEnd()).toMatch(message);
    }
  });

  it('takes --dp replicas, as analyze does', () => {
    const [p] = points(['sweep', '--model', 'paper/gta-1b', '--hardware', 'h100-sxm', '--batch', '64', '--context', '2048', '--dp', '2', '--kv-offload']);
    expect(p?.workload.kvOffload).toBe(true);
    expect(p?.totals.hostTransferSeconds).toBeGreaterThan(0);
  });
});
