/**
 * A sweep with parallelism through the byte-level writers: the same bytes as the row-at-a-time renderings
 * (`parallelSweepCsvLine`, `JSON.stringify(point)`), for blocks on one device, split (tensor, pipeline, both),
 * replicated only (dp), split under LLM-Viewer's accounting, and a split point without a busiest device (blank cells,
 * Arrow nulls); and the fast path, not the slow one, writes them. Expected values are those renderings.
 */
import { tableFromIPC } from 'apache-arrow';
import { describe, expect, it, vi } from 'vitest';
import type { Hardware } from '../../src/core/hardware.js';
import { blockPoint, sweep, sweepBlocks, type SweepBlock, type SweepGrid, type SweepPoint } from '../../src/core/sweep.js';
import { csvLine, PARALLEL_HEADER, parallelSweepCsvLine, SWEEP_HEADER, sweepCsvLine, sweepHeader } from '../../src/render/csv.js';
import { arrowSweepWriter, loadArrow } from '../../src/render/sweep-arrow.js';
import { TOY_HW } from '../helpers/engine.js';
import { arrowBytes, written } from '../helpers/sweep-rows.js';
import { modelWith } from '../helpers/models.js';

const link = { name: 'toy link', bytesPerSecond: 1e11, latencySeconds: 5e-6, efficiency: 0.8 };
/** The toy device, eight to a node on one link. */
const NODE: Hardware = { ...TOY_HW, id: 'toy-node', interconnect: { devicesPerNode: 8, scaleUp: link, scaleOut: undefined } };
/** 16 query and 4 KV heads, 4096 MLP columns, 6 layers, 1000 tokens: tp 4 divides them all, pp 2 the layers. */
const GQA = modelWith({ kind: 'gqa', heads: 16, kvHeads: 4, headDim: 64, qkvBias: false, outBias: false }, 1024, { layers: 6, intermediateSize: 4096 });
const TP = { tp: 4, pp: 1, ep: 1, dp: 1 };
const grid = (costModel: SweepGrid['costModel']): SweepGrid => ({
  models: [GQA], hardware: [NODE], phases: ['prefill', 'decode'], batches: [1, 3, 64], seqLens: [1, 7, 4096], contextLens: [1, 2048, 100_000],
  bits: [{ weight: 16, activation: 16, kv: 16 }], flash: [false, true], pairs: 'causal', scope: 'model', costModel,
  // LLM-Viewer splits by tensor parallelism only (it refuses a pipeline).
  parallelisms: costModel === 'exact'
    ? [undefined, TP, { tp: 1, pp: 2, ep: 1, dp: 1 }, { tp: 4, pp: 2, ep: 1, dp: 1 }, { tp: 1, pp: 1, ep: 1, dp: 3 }]
    : [undefined, TP, { tp: 1, pp: 1, ep: 1, dp: 3 }],
  overlap: true,
  ...(costModel === 'exact' ? { microBatches: 4 } : {}),
});

/** A split block whose points say nothing of the busiest device: its cells are blank, its Arrow values null. */
function withoutDevice(b: SweepBlock): SweepBlock {
  return {
    ...b,
    summary: (batch, len) => {
      const { totals, memory } = b.summary(batch, len);
      const whole = { ...memory };
      delete whole.perDevice;
      return { totals, memory: whole };
    },
  };
}


function slow(points: readonly SweepPoint[], format: 'csv' | 'json'): string {
  return points.map((p, i) => (format === 'csv' ? parallelSweepCsvLine(p) : (i === 0 ? '\n' : ',\n') + JSON.stringify(p))).join('');
}

describe('sweep rows with parallelism', () => {
  it.each([['exact', 180], ['llm-viewer', 108]] as const)('%s: CSV and JSON bytes equal the row-at-a-time renderings', (costModel, n) => {
    const g = grid(costModel);
    const points = [...sweep(g)];
    // 5 (LLM-Viewer 3) splits × 2 phases × 2 kernels × 3 batches × 3 lengths.
    expect(points).toHaveLength(n);
    for (const format of ['csv', 'json'] as const) expect(written(sweepBlocks(g), format, { split: true })).toBe(slow(points, format));
  });

  it('a split block without a busiest device: the same bytes, two blank CSV cells, no perDevice in JSON', () => {
    const blocks = [...sweepBlocks(grid('exact'))].filter((b) => b.fixed.parallelism?.tp === 4).map(withoutDevice);
    const points = blocks.flatMap((b) => b.batches.flatMap((batch) => b.lengths.map((_, i) => blockPoint(b, batch, i))));
    expect(points).toHaveLength(72);
    for (const format of ['csv', 'json'] as const) expect(written(blocks, format, { split: true })).toBe(slow(points, format));
    for (const p of points) expect(parallelSweepCsvLine(p).endsWith(`,${String(p.totals.communicationSeconds)},,\n`)).toBe(true);
  });

  it('exact: split points carry the split, the collectives\' seconds and the busiest device; one-device points none of it', () => {
    const points = [...sweep(grid('exact'))];
    const one = points.filter((p) => p.workload.parallelism === undefined);
    const split = points.filter((p) => (p.workload.parallelism?.tp ?? 1) * (p.workload.parallelism?.pp ?? 1) > 1);
    const dp = points.filter((p) => p.workload.parallelism?.dp === 3);
    expect([one.length, split.length, dp.length]).toEqual([36, 108, 36]);
    for (const p of one) expect([p.workload.overlap, p.totals.communicationSeconds, p.memory.perDevice]).toEqual([undefined, undefined, undefined]);
    for (const p of split) {
      expect(p.workload.overlap).toBe(true);
      expect(p.totals.communicationSeconds).toBeGreaterThan(0);
      expect(p.memory.perDevice?.totalBytes).toBeLessThan(p.memory.totalBytes);
      // Micro-batches are a pipeline's setting: only pp > 1 points carry them.
      expect(p.workload.microBatches).toBe(p.workload.parallelism?.pp === 2 ? 4 : undefined);
    }
    // Replicas alone leave each on one device: no collectives and no per-device split, as analyze reports it.
    for (const p of dp) expect([p.workload.parallelism, p.totals.communicationSeconds, p.memory.perDevice]).toEqual([{ tp: 1, pp: 1, ep: 1, dp: 3 }, undefined, undefined]);
  });

  it('CSV cells: degrees, seconds and the busiest device; one device holds the whole model', () => {
    const first = (costModel: SweepGrid['costModel'], split: SweepGrid['parallelisms']): SweepPoint => {
      const [p] = sweep({ ...grid(costModel), parallelisms: split });
      if (p === undefined) throw new Error('no point');
      return p;
    };
    const one = first('exact', [undefined]);
    expect(parallelSweepCsvLine(one)).toBe(`${sweepCsvLine(one).trimEnd()},1,1,1,1,0,${String(one.memory.totalBytes)},${String(one.memory.fitsDevice)}\n`);
    for (const costModel of ['exact', 'llm-viewer'] as const) {
      const tp = first(costModel, [TP]);
      const d = tp.memory.perDevice;
      if (d === undefined) throw new Error(`a split point under ${costModel} has a busiest device`);
      expect(d.totalBytes).toBeLessThan(tp.memory.totalBytes);
      expect(parallelSweepCsvLine(tp)).toBe(`${sweepCsvLine(tp).trimEnd()},4,1,1,1,${String(tp.totals.communicationSeconds)},${String(d.totalBytes)},${String(d.fits)}\n`);
    }
  });

  it('the template writes the rows: JSON.stringify runs for the first row of a block, not for every point', () => {
    const g = grid('exact');
    const spy = vi.spyOn(JSON, 'stringify');
    try {
      written(sweepBlocks(g), 'json', { split: true });
      // 20 blocks of 9 points: the first row of each is checked against JSON.stringify(point), the rest are bytes.
      const whole = spy.mock.calls.filter(([v]) => typeof v === 'object' && v !== null && 'totals' in v).length;
      expect(whole).toBe(20);
    } finally {
      spy.mockRestore();
    }
  });
});

describe('sweep with parallelism as Arrow', () => {
  it.each([false, true])('the parallel columns, typed, with the CSV values (nulls where it is blank: %s)', async (blank) => {
    const g = grid('exact');
    // Without a busiest device in the tp 4 blocks, when `blank`.
    const blocks = [...sweepBlocks(g)].map((b) => (blank && b.fixed.parallelism?.tp === 4 ? withoutDevice(b) : b));
    const w = arrowSweepWriter(await loadArrow(), () => false, 50, true);
    const table = tableFromIPC(arrowBytes(blocks, w));
    expect(table.schema.fields.map((f) => f.name)).toEqual(sweepHeader(true));
    expect(table.schema.fields.slice(SWEEP_HEADER.length).map((f) => `${String(f.type)}${f.nullable ? '?' : ''}`)).toEqual(['Int32', 'Int32', 'Int32', 'Int32', 'Float64', 'Float64?', 'Bool?']);
    const points = blocks.flatMap((b) => b.batches.flatMap((batch) => b.lengths.map((_, i) => blockPoint(b, batch, i))));
    expect(table.getChild('perDeviceTotalBytes')?.nullCount).toBe(blank ? 72 : 0);
    const rows = Array.from({ length: table.numRows }, (_, r) => {
      const row = table.get(r);
      return csvLine(sweepHeader(true).map((name) => (row?.[name] as string | number | boolean | null) ?? ''));
    });
    expect(rows.join('') === points.map(parallelSweepCsvLine).join('')).toBe(true);
    expect(PARALLEL_HEADER).toEqual(['tp', 'pp', 'ep', 'dp', 'communicationSeconds', 'perDeviceTotalBytes', 'perDeviceFits']);
  });
});

// The one-block points of the first block agree with blockPoint, the path `sweep` takes.
it('blockPoint and the summary a writer receives are one evaluation', () => {
  const [b] = sweepBlocks(grid('exact'));
  if (b === undefined) throw new Error('no block');
  const s = b.summary(3, b.lengths[1] ?? 0);
  expect(blockPoint(b, 3, 1)).toMatchObject({ totals: s.totals, memory: s.memory });
});
