/**
 * `--format arrow`: the file read back with apache-arrow has SWEEP_HEADER's columns, typed, and every value equal to
 * the CSV's: each Arrow row put through `csvLine` gives the CSV text of the same sweep, byte for byte (numbers as
 * float64 and int32 round-trip exactly, so `String(v)` is the CSV's text). Small record batches, so that the grid
 * spans many, the last one partly filled.
 */
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { sweep, sweepBlocks, type SweepGrid } from '../../src/core/sweep.js';
import { csvLine, SWEEP_HEADER, sweepCsvLine } from '../../src/render/csv.js';
import { arrowSweepWriter, loadArrow } from '../../src/render/sweep-arrow.js';
import { TOY_HW } from '../helpers/engine.js';
import { GQA_1B, MLA_160M } from '../helpers/models.js';

/** Rows per record batch here: 6400 points make 7 batches, the last with 400 rows. */
const ROWS = 1000;
const range = (n: number, f: (i: number) => number): number[] => Array.from({ length: n }, (_, i) => f(i));
// A device name CSV has to quote and clean (comma, quote, a control character) and one outside ASCII.
const grid: SweepGrid = {
  models: [GQA_1B, MLA_160M], hardware: [TOY_HW, { ...TOY_HW, id: 'toy,"quoted"\u0007 µ' }], phases: ['prefill', 'decode'],
  batches: range(10, (i) => 7 * i + 1), seqLens: range(20, (i) => 131 * i + 1), contextLens: range(20, (i) => 257 * i + 1),
  bits: [{ weight: 16, activation: 16, kv: 16 }, { weight: 4, activation: 16, kv: 8 }], flash: [false, true], pairs: 'causal', scope: 'model',
  costModel: 'exact',
};

/** The whole Arrow file of a grid, written in-process as the sweep command writes it. */
async function arrowFile(g: SweepGrid, reuse: boolean): Promise<Uint8Array> {
  const w = arrowSweepWriter(await loadArrow(), () => reuse, ROWS);
  const chunks: Uint8Array[] = [];
  for (const b of sweepBlocks(g)) {
    for (const batch of b.batches) {
      for (let i = 0; i < b.lengths.length; i++) {
        const { totals, memory } = b.summary(batch, b.lengths[i] ?? 0);
        // Copies, when the arrays are reused: as a file sink, done with the bytes once written.
        chunks.push(...w.row(b, batch, i, totals, memory).map((c) => (reuse ? c.slice() : c)));
      }
    }
  }
  chunks.push(...w.end());
  return Buffer.concat(chunks);
}

describe('sweep as Arrow', () => {
  it.each([false, true])('has the CSV columns, typed, and the CSV values in every row (column arrays reused: %s)', async (reuse) => {
    const points = [...sweep(grid)];
    expect(points).toHaveLength(6400);
    const table = tableFromIPC(await arrowFile(grid, reuse));
    expect(table.schema.fields.map((f) => f.name)).toEqual(SWEEP_HEADER);
    expect(table.schema.fields.map((f) => String(f.type))).toEqual([
      'Utf8', 'Utf8', 'Utf8', 'Int32', 'Int32', 'Int32', 'Utf8', 'Bool', 'Utf8', 'Utf8', 'Utf8',
      'Float64', 'Float64', 'Float64', 'Float64', 'Float64', 'Float64', 'Float64', 'Float64', 'Bool',
    ]);
    expect(table.batches.map((b) => b.numRows)).toEqual([...range(6, () => ROWS), 400]);
    expect(table.numRows).toBe(points.length);
    const columns = SWEEP_HEADER.map((name) => {
      const c = table.getChild(name);
      if (c === null) throw new Error(`no column ${name}`);
      return c.toArray() as ArrayLike<string | number | boolean>;
    });
    const fromArrow = range(table.numRows, (r) => r).map((r) => csvLine(columns.map((c) => c[r] ?? ''))).join('');
    expect(fromArrow === points.map(sweepCsvLine).join('')).toBe(true);
  });

  it('an empty sweep is a valid file with the schema and no rows', async () => {
    const table = tableFromIPC(await arrowFile({ ...grid, batches: [] }, false));
    expect(table.numRows).toBe(0);
    expect(table.schema.fields.map((f) => f.name)).toEqual(SWEEP_HEADER);
  });
});
