/**
 * `sweep --format csv|json` writes, to stdout and to a file, exactly the text of the row-at-a-time rendering
 * (`csvLine(SWEEP_HEADER)` + `sweepCsvLine` per point; the JSON document with `JSON.stringify(point)` per line), on a
 * grid big enough to span several 1 MiB chunks and several blocks (models, phases, flash modes, widths). The Arrow
 * file holds the same rows (its values through `csvLine` are the CSV text).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { sweep, SWEEP_SCHEMA, type SweepGrid } from '../../src/core/sweep.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { csvLine, SWEEP_HEADER, sweepCsvLine } from '../../src/render/csv.js';
import { cli, ROOT } from '../helpers/cli.js';

const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
const batches = range(40, (i) => 3 * i + 1);
const lengths = range(50, (i) => 97 * i + 1);
const grid: SweepGrid = {
  models: [loadModel('llama-2-7b'), loadModel('paper/160m-mla')], hardware: [loadHardware('h100-sxm').hardware], phases: ['prefill', 'decode'],
  batches, seqLens: lengths, contextLens: lengths, bits: [{ weight: 16, activation: 16, kv: 16 }, { weight: 4, activation: 16, kv: 8 }], flash: [false, true],
  pairs: 'causal', scope: 'model', costModel: 'exact',
};
const args = [
  'sweep', '--model', 'llama-2-7b,paper/160m-mla', '--phase', 'prefill,decode', '--batch', batches.join(','), '--seq', lengths.join(','),
  '--context', lengths.join(','), '--bits', 'w16a16kv16,w4a16kv8', '--flash', 'both',
];
const points = [...sweep(grid)];
const expected = {
  csv: csvLine(SWEEP_HEADER) + points.map(sweepCsvLine).join(''),
  json: `{"schema":${JSON.stringify(SWEEP_SCHEMA)},"points":[${points.map((p, i) => (i === 0 ? '\n' : ',\n') + JSON.stringify(p)).join('')}\n]}\n`,
};

describe('sweep output equals the row-at-a-time rendering', () => {
  it.each(['csv', 'json'] as const)('%s, to stdout and to a file', (format) => {
    // 2 models × 2 phases × 2 flash × 2 widths × 40 batches × 50 lengths = 32,000 points: several MiB, many chunks.
    expect(points).toHaveLength(32_000);
    expect(expected[format].length).toBeGreaterThan(3 * 2 ** 20);
    const piped = cli([...args, '--format', format]);
    expect(piped.stderr).toBe('');
    expect(piped.stdout === expected[format]).toBe(true);
    const file = join(mkdtempSync(join(tmpdir(), 'llmr-sweep-')), `out.${format}`);
    expect(cli([...args, '--format', format, '--out', file]).status).toBe(0);
    expect(readFileSync(file, 'utf8') === expected[format]).toBe(true);
  });
});

describe('sweep --format arrow', () => {
  it('to stdout and to a file: the same bytes, read back as the CSV rows', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'llmr-sweep-')), 'out.arrow');
    expect(cli([...args, '--format', 'arrow', '--out', file]).status).toBe(0);
    const written = readFileSync(file);
    const piped = spawnSync(process.execPath, ['bin/llm-roofline.js', ...args, '--format', 'arrow'], { cwd: ROOT, maxBuffer: 1 << 28 });
    expect(piped.status).toBe(0);
    expect(Buffer.compare(piped.stdout, written)).toBe(0);
    const table = tableFromIPC(written);
    const columns = SWEEP_HEADER.map((name) => table.getChild(name)?.toArray() as ArrayLike<string | number | boolean>);
    const rows = Array.from({ length: table.numRows }, (_, r) => csvLine(columns.map((c) => c[r] ?? ''))).join('');
    expect(csvLine(SWEEP_HEADER) + rows === expected.csv).toBe(true);
  });
});
