/** `--efficiency` on analyze, sweep and compare, as a user runs them. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { expectRel } from '../helpers/rel.js';

interface Report {
  workload: { efficiency: string };
  totals: { timeSeconds: number; overheadSeconds?: number };
  ops: { name: string; count: number; timeSeconds: number }[];
  notes: string[];
}
interface Sweep {
  points: { hardware: string; workload: { efficiency: string; phase: string; batch: number }; totals: { timeSeconds: number } }[];
}

const ANALYZE = ['analyze', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--format', 'json'];
/** The parsed stdout of a run that must succeed silently (callers cast it to the document they expect). */
const run = (args: readonly string[]): unknown => {
  const r = cli(args);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return JSON.parse(r.stdout);
};

describe('analyze --efficiency', () => {
  it('peak is the default and today\'s numbers: the same report as without the flag, workload.efficiency "peak"', () => {
    const plain = run(ANALYZE) as Report;
    expect(plain.workload.efficiency).toBe('peak');
    expect((run([...ANALYZE, '--efficiency', 'peak']) as Report)).toEqual(plain);
    expect(plain.totals.overheadSeconds).toBeUndefined();
  });

  it('typical says which profile, lists its fractions, overheads and sources in a note, and keeps the parts adding up', () => {
    const r = (run([...ANALYZE, '--efficiency', 'typical']) as Report);
    expect(r.workload.efficiency).toBe('typical:nvidia-hopper');
    const note = r.notes.find((n) => n.startsWith('efficiency typical:nvidia-hopper'));
    expect(note).toMatch(/gemm ×0\.77 \[cublas-h100\].*memory bandwidth ×0\.8 \[aiconfigurator\].*\+32 us per layer \[blis\]; \+126 us per pass \[blis\]/);
    expect(note).toMatch(/Sources: .*\[fa3\] Shah et al\., FlashAttention-3/);
    // 32 layers × 32 us + 126 us.
    expectRel(r.totals.overheadSeconds ?? 0, 32 * 3.2e-5 + 1.26e-4, 1e-12);
    const ops = r.ops.reduce((s, o) => s + o.count * o.timeSeconds, 0);
    expectRel(r.totals.timeSeconds, ops + (r.totals.overheadSeconds ?? 0), 1e-12);
  });

  it('the table names the efficiency, shows the overheads as a row and prints the note; CSV has an overhead row', () => {
    const table = cli(['analyze', '--model', 'llama-3.1-8b', '--efficiency', 'typical']).stdout;
    expect(table).toMatch(/cost model exact, efficiency typical:nvidia-hopper\n/);
    expect(table).toMatch(/\(fixed overheads\) .* 1\.15 ms/);
    expect(table).toMatch(/\nefficiency typical:nvidia-hopper: /);
    const csv = cli(['analyze', '--model', 'llama-3.1-8b', '--efficiency', 'typical', '--format', 'csv']).stdout.trim().split('\n');
    expect(csv.at(-2)).toBe('overhead,1,0,,,,,,0,,,0.00115');
  });

  it('a FILE loads and is named in the report; a bad one is refused with exit 2, the file and the field', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmr-eff-'));
    const good = JSON.parse(readFileSync('efficiency-profiles/nvidia-hopper.json', 'utf8')) as { kinds: { gemm: { value: number } }; layerOverheadSeconds: { value: number } };
    good.kinds.gemm.value = 0.5;
    good.layerOverheadSeconds.value = 0;
    const file = join(dir, 'mine.json');
    writeFileSync(file, JSON.stringify(good));
    const r = (run([...ANALYZE, '--phase', 'prefill', '--seq', '2048', '--efficiency', file]) as Report);
    expect(r.workload.efficiency).toBe(file);
    // The per-pass overhead only: the file set the per-layer one to 0.
    expect(r.totals.overheadSeconds).toBe(1.26e-4);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...good, kinds: { ...good.kinds, gemm: { value: 0 } } }));
    const refused = cli([...ANALYZE, '--efficiency', bad]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(new RegExp(`^${bad.replaceAll('.', '\\.')}: kinds\\.gemm\\.(value|source): `));
  });

  it('refuses typical on a device no family covers, with exit 2 naming the profile', () => {
    const r = cli(['analyze', '--hardware', 'apple-m2', '--efficiency', 'typical']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--efficiency: typical is not available for apple-m2 \(hardware-profiles\/apple-m2\.json\)/);
  });
});

describe('sweep and compare --efficiency', () => {
  it('typical gives each device its own family, and every point is analyze\'s', () => {
    const doc = (run(['sweep', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm,a800-sxm', '--phase', 'decode', '--batch', '1,8', '--context', '1024', '--efficiency', 'typical']) as Sweep);
    expect(doc.points.map((p) => [p.hardware, p.workload.efficiency])).toEqual([
      ['h100-sxm', 'typical:nvidia-hopper'], ['h100-sxm', 'typical:nvidia-hopper'], ['a800-sxm', 'typical:nvidia-ampere'], ['a800-sxm', 'typical:nvidia-ampere'],
    ]);
    const a800 = (run(['analyze', '--model', 'llama-3.1-8b', '--hardware', 'a800-sxm', '--batch', '8', '--context', '1024', '--efficiency', 'typical', '--format', 'json']) as Report);
    expect(doc.points[3]?.totals).toEqual(a800.totals);
    expect((run(['sweep', '--model', 'llama-3.1-8b', '--context', '1024']) as Sweep).points[0]?.workload.efficiency).toBe('peak');
  });

  it('compare side by side takes it; baseline mode refuses it (each file says its own)', () => {
    const doc = (run(['compare', '--model', 'paper/gqa-1b,paper/gta-1b', '--efficiency', 'typical', '--format', 'json']) as { rows: { workload: { efficiency: string } }[] });
    expect(doc.rows[0]?.workload.efficiency).toBe('typical:nvidia-hopper');
    const r = cli(['compare', '--baseline', 'a.json', '--candidate', 'b.json', '--efficiency', 'typical']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--efficiency: only in side-by-side mode/);
  });
});
