/**
 * The byte-level sweep writers give the same bytes as the row-at-a-time renderings they replace: `sweepCsvLine` per
 * point, and `JSON.stringify(point)` per point after "\n" or ",\n". Expected values are those renderings, or
 * `String(x)` for single numbers: an equivalence, so a wrong digit, sign or exponent fails.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { MemoryFootprint, Totals } from '../../src/core/engine.js';
import { blockPoint, sweep, sweepBlocks, type SweepBlock, type SweepGrid } from '../../src/core/sweep.js';
import { ByteChunk } from '../../src/render/byte-chunk.js';
import { sweepCsvLine } from '../../src/render/csv.js';
import { TOY_HW } from '../helpers/engine.js';
import { written } from '../helpers/sweep-rows.js';
import { GQA_1B, GTA_1B, MLA_160M } from '../helpers/models.js';

const decoder = new TextDecoder();


/** The same points rendered one at a time, as the sweep command did before. */
function slow(points: Iterable<ReturnType<typeof blockPoint>>, format: 'csv' | 'json'): string {
  return [...points].map((p, i) => (format === 'csv' ? sweepCsvLine(p) : (i === 0 ? '\n' : ',\n') + JSON.stringify(p))).join('');
}

describe('ByteChunk.number', () => {
  const awkward = [
    0, -0, 1, -1, 9, 10, 99, 100, 101, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 99_999_999, 1e8, 1e8 + 1, 100_000_000_100, 123_456_789_012_345,
    2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 53, 2 ** 53 + 2, 1e21, 1e22, 1e-7, 1.5e-7, 5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 0.1 + 0.2, -1.5,
    0.003948247651343283, 13_219_357_696_000, 1e15 + 0.5,
  ];
  it.each(awkward)('writes %s as String(x) does', (x) => {
    const out = new ByteChunk(64);
    out.number(x);
    expect(decoder.decode(out.filled())).toBe(String(x));
  });

  it('agrees with String(x) for any finite double and any safe integer', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.maxSafeInteger(), fc.integer()), (x) => {
        const out = new ByteChunk(64);
        out.number(x);
        return decoder.decode(out.filled()) === String(x);
      }),
      { numRuns: 5000 },
    );
  });
});

// Names that CSV must quote (comma, quote) or clean (control characters), and one outside ASCII.
const hw = { ...TOY_HW, id: 'toy,"quoted"\u0007 µ' };
const grid: SweepGrid = {
  models: [GQA_1B, GTA_1B, MLA_160M], hardware: [TOY_HW, hw], phases: ['prefill', 'decode'], batches: [1, 3, 1000], seqLens: [1, 7, 4096],
  contextLens: [1, 2048, 1_000_000], bits: [{ weight: 16, activation: 16, kv: 16 }, { weight: 4, activation: 16, kv: 8 }], flash: [false, true],
  pairs: 'causal', scope: 'model', costModel: 'exact',
};

describe('sweep rows', () => {
  it.each(['csv', 'json'] as const)('%s: the same bytes as the row-at-a-time rendering, through chunks of every size', (format) => {
    const expected = slow(sweep(grid), format);
    // A chunk smaller than a row grows for it; a big one holds everything.
    for (const capacity of [16, 1000, 1 << 20]) expect(written(sweepBlocks(grid), format, { capacity })).toBe(expected);
  });

  // A block whose numbers are tiny, huge, negative zero, fractional or past 2^53: every formatting path in one row.
  const odd: Totals = { flops: 1.7976931348623157e308, bytes: 2 ** 53 + 2, timeSeconds: 5e-324 };
  const oddMemory: MemoryFootprint = { weightBytes: -0, kvCacheBytes: 0.1 + 0.2, kvCacheBytesPerToken: 1e21, activationBytes: 1e-7, totalBytes: 123_456_789_012_345, fitsDevice: false };
  const [real] = sweepBlocks(grid);
  if (real === undefined) throw new Error('the grid has blocks');
  const awkwardBlock: SweepBlock = { ...real, summary: () => ({ totals: odd, memory: oddMemory }) };
  const points = (b: SweepBlock) => b.batches.flatMap((batch) => b.lengths.map((_, i) => blockPoint(b, batch, i)));

  it.each(['csv', 'json'] as const)('%s: awkward numbers come out as String(x) writes them', (format) => {
    expect(written([awkwardBlock], format)).toBe(slow(points(awkwardBlock), format));
    expect(written([awkwardBlock], format)).toContain('1.7976931348623157e+308');
  });

  it('json: a point with a field the template does not know is written whole by JSON.stringify', () => {
    const extra = { ...odd, energyJoules: 3 } as Totals;
    const block: SweepBlock = { ...real, summary: () => ({ totals: extra, memory: oddMemory }) };
    const text = written([block], 'json');
    expect(text).toBe(slow(points(block), 'json'));
    expect(text).toContain('"energyJoules":3');
  });
});
