/**
 * A sweep under an efficiency other than `peak` ends its CSV and Arrow rows with the label: the byte-level CSV rows
 * equal the row-at-a-time rendering (so the fast path, not the fallback, carries them), and the Arrow file read back
 * gives the same text. A `peak` sweep has no such column (hasEfficiency).
 */
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { PEAK_EFFICIENCY, type EfficiencyProfile } from '../../src/core/efficiency.js';
import { SINGLE } from '../../src/core/parallelism.js';
import { hasEfficiency, sweep, sweepBlocks, type SweepGrid } from '../../src/core/sweep.js';
import { ByteChunk } from '../../src/render/byte-chunk.js';
import { csvLine, efficiencySweepCsvLine, sweepHeader } from '../../src/render/csv.js';
import { arrowSweepWriter, loadArrow } from '../../src/render/sweep-arrow.js';
import { csvRows } from '../../src/render/sweep-rows.js';
import { TOY_HW } from '../helpers/engine.js';
import { arrowBytes } from '../helpers/sweep-rows.js';
import { LLAMA_2_7B } from '../helpers/models.js';

const HALF: EfficiencyProfile = { ...PEAK_EFFICIENCY, label: 'half, "quoted"', kinds: { ...PEAK_EFFICIENCY.kinds, gemm: 0.5 }, memory: 0.5, layerOverheadSeconds: 1e-5, stepOverheadSeconds: 1e-4 };
const OTHER = { ...TOY_HW, id: 'toy-2', interconnect: { devicesPerNode: 8, scaleUp: { name: 'link', bytesPerSecond: 1e11, latencySeconds: 1e-6, efficiency: 0.8 }, scaleOut: undefined } };
const grid = (parallel: boolean): SweepGrid => ({
  models: [LLAMA_2_7B], hardware: [{ ...TOY_HW, interconnect: OTHER.interconnect }, OTHER], phases: ['prefill', 'decode'], batches: [1, 8], seqLens: [128, 1000], contextLens: [2048],
  bits: [{ weight: 16, activation: 16, kv: 16 }], flash: [false, true], pairs: 'causal', scope: 'model', costModel: 'exact',
  efficiency: [HALF, PEAK_EFFICIENCY], ...(parallel ? { parallelisms: [undefined, { ...SINGLE, tp: 4 }] } : {}),
});

describe('a sweep\'s efficiency column', () => {
  it('is there only when a device runs under something other than peak', () => {
    expect(hasEfficiency(grid(false))).toBe(true);
    expect(hasEfficiency({ ...grid(false), efficiency: [PEAK_EFFICIENCY, PEAK_EFFICIENCY] })).toBe(false);
    expect(hasEfficiency({ ...grid(false), efficiency: undefined })).toBe(false);
    expect(sweepHeader(true, true).at(-1)).toBe('efficiency');
  });

  it.each([false, true])('CSV: the byte-level rows are the row-at-a-time lines, labels quoted (parallel: %s)', (parallel) => {
    const g = grid(parallel);
    const out = new ByteChunk(1 << 16);
    for (const b of sweepBlocks(g)) {
      const rows = csvRows(b, parallel, true);
      for (const batch of b.batches) {
        for (let i = 0; i < b.lengths.length; i++) {
          const { totals, memory } = b.summary(batch, b.lengths[i] ?? 0);
          rows.row(out, batch, i, totals, memory);
        }
      }
    }
    const points = [...sweep(g)];
    const text = new TextDecoder().decode(out.filled());
    expect(text).toBe(points.map((p) => efficiencySweepCsvLine(p, parallel)).join(''));
    expect(text.split('\n')[0]).toMatch(/,"half, ""quoted"""$/);
    expect(points.map((p) => p.workload.efficiency)).toContain('peak');
  });

  it('Arrow: the label is a last Utf8 column with the CSV\'s text', async () => {
    const g = grid(false);
    const w = arrowSweepWriter(await loadArrow(), () => false, 5, false, true);
    const table = tableFromIPC(arrowBytes(sweepBlocks(g), w));
    const header = sweepHeader(false, true);
    expect(table.schema.fields.map((f) => f.name)).toEqual(header);
    expect(String(table.schema.fields.at(-1)?.type)).toBe('Utf8');
    const columns = header.map((name) => table.getChild(name)!.toArray() as ArrayLike<string | number | boolean>);
    const fromArrow = Array.from({ length: table.numRows }, (_, r) => csvLine(columns.map((c) => c[r] ?? ''))).join('');
    expect(fromArrow).toBe([...sweep(g)].map((p) => efficiencySweepCsvLine(p, false)).join(''));
  });
});
