/** `compare`'s pure parts: rule parsing and semantics, point matching, and the side-by-side grouping. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compareModels, dominantBound } from '../../src/core/compare-models.js';
import { breaks, CompareInputError, flagBreaks, parseRule, relativeChange, ruleChange, type FlagRule, type ThresholdRule } from '../../src/core/compare-rules.js';
import { compareSides, matchesOnModel, matchPoints, type CompareSide, type ComparePoint } from '../../src/core/compare.js';
import type { OpResult } from '../../src/core/engine.js';
import { buildReport } from '../../src/core/report.js';
import type { SweepGrid } from '../../src/core/sweep.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { leadingRows } from '../../src/render/compare-diff.js';

const workload = { phase: 'decode', batch: 1, seqLen: 1, contextLen: 2048, bitsLabel: 'w16a16kv16', flash: false, pairs: 'causal', scope: 'model', costModel: 'exact' };

function point(model: string, batch: number, metrics: Record<string, number>, field = '', flags: Record<string, boolean> = {}): ComparePoint {
  return { model, hardware: 'h100-sxm', workload: { ...workload, batch }, metrics, flags, field };
}

/** Parses a rule that must be a threshold rule. */
function threshold(text: string): ThresholdRule {
  const r = parseRule(text);
  if (r.kind !== 'threshold') throw new Error(`expected a threshold rule: ${text}`);
  return r;
}

/** Parses a rule that must be a true/false rule. */
function flag(text: string): FlagRule {
  const r = parseRule(text);
  if (r.kind !== 'flag') throw new Error(`expected a flag rule: ${text}`);
  return r;
}

const side = (file: string, points: ComparePoint[]): CompareSide => ({ file, points });

function thrown(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof CompareInputError) return e.message;
    throw e;
  }
  throw new Error('expected a CompareInputError');
}

describe('parseRule', () => {
  it.each([
    ['totals.timeSeconds > +5%', { metric: 'totals.timeSeconds', op: '>', threshold: 0.05, relative: true }],
    ['memory.kvCacheBytes>+0%', { metric: 'memory.kvCacheBytes', op: '>', threshold: 0, relative: true }],
    ['totals.flops < -10%', { metric: 'totals.flops', op: '<', threshold: -0.1, relative: true }],
    ['totals.bytes > 2.5%', { metric: 'totals.bytes', op: '>', threshold: 0.025, relative: true }],
    ['totals.bytes > +1e6', { metric: 'totals.bytes', op: '>', threshold: 1e6, relative: false }],
    ['totals.timeSeconds < -0.001', { metric: 'totals.timeSeconds', op: '<', threshold: -0.001, relative: false }],
    ['  memory.weightBytes   >   1000  ', { metric: 'memory.weightBytes', op: '>', threshold: 1000, relative: false }],
  ])('%s', (text, expected) => {
    expect(parseRule(text)).toEqual({ kind: 'threshold', text, ...expected });
  });

  it.each(['totals.timeSeconds >> 5%', 'totals.timeSeconds >= 5%', 'totals.timeSeconds = 5%', '> 5%', 'totals.timeSeconds >', 'totals.timeSeconds > 5%%', 'totals.timeSeconds > five', 'totals.timeSeconds > 1e999', 'totals..flops > 1'])(
    'rejects %s naming the rule and the expected form',
    (text) => {
      expect(thrown(() => parseRule(text))).toBe(`--fail-if: "${text}": expected "<metric> > <threshold>" or "<metric> < <threshold>", threshold like +5%, -2.5% or 1e6, or for a true/false field "<field> == false" or "<field> becomes false"`);
    },
  );
});

describe('true/false rules', () => {
  it.each([
    ['memory.fitsDevice == false', { metric: 'memory.fitsDevice', op: '==', value: false }],
    ['memory.fitsDevice==true', { metric: 'memory.fitsDevice', op: '==', value: true }],
    ['  memory.fitsDevice   becomes   false ', { metric: 'memory.fitsDevice', op: 'becomes', value: false }],
    ['memory.fitsDevice becomes true', { metric: 'memory.fitsDevice', op: 'becomes', value: true }],
  ])('%s', (text, expected) => {
    expect(parseRule(text)).toEqual({ kind: 'flag', text, ...expected });
  });
  it.each(['memory.fitsDevice = false', 'memory.fitsDevice == no', 'memory.fitsDevice == False', 'memory.fitsDevice != false', 'memory.fitsDevicebecomes false', 'memory.fitsDevice becomesfalse', 'memory.fitsDevice == 0', 'memory.fitsDevice becomes > false'])(
    'rejects %s with the expected forms',
    (text) => {
      expect(thrown(() => parseRule(text))).toMatch(/^--fail-if: ".*": expected "<metric> > <threshold>" .*"<field> == false" or "<field> becomes false"$/);
    },
  );
  it('== judges the candidate alone; becomes needs the baseline to differ', () => {
    // [baseline, candidate] → broken?
    const cases: [boolean, boolean][] = [[true, true], [true, false], [false, true], [false, false]];
    expect(cases.map(([b, c]) => flagBreaks(flag('f == false'), b, c))).toEqual([false, true, false, true]);
    expect(cases.map(([b, c]) => flagBreaks(flag('f becomes false'), b, c))).toEqual([false, true, false, false]);
    expect(cases.map(([b, c]) => flagBreaks(flag('f == true'), b, c))).toEqual([true, false, true, false]);
    expect(cases.map(([b, c]) => flagBreaks(flag('f becomes true'), b, c))).toEqual([false, false, true, false]);
  });
});

describe('rule semantics', () => {
  const up5 = threshold('m > +5%');
  const down10 = threshold('m < -10%');
  it('a change exactly at a relative limit passes, one just past it breaks', () => {
    expect(ruleChange(up5, 20, 21)).toBe(0.05);
    expect(breaks(up5, ruleChange(up5, 20, 21))).toBe(false);
    expect(breaks(up5, ruleChange(up5, 20, 21.000001))).toBe(true);
    expect(ruleChange(down10, 100, 90)).toBe(-0.1);
    expect(breaks(down10, ruleChange(down10, 100, 90))).toBe(false);
    expect(breaks(down10, ruleChange(down10, 100, 89.9))).toBe(true);
    // A decrease never breaks an upper limit, an increase never a lower one.
    expect(breaks(up5, ruleChange(up5, 20, 1))).toBe(false);
    expect(breaks(down10, ruleChange(down10, 20, 40))).toBe(false);
  });
  it('absolute thresholds compare candidate − baseline', () => {
    const abs = threshold('m > +1e6');
    expect(breaks(abs, ruleChange(abs, 5e6, 6e6))).toBe(false);
    expect(breaks(abs, ruleChange(abs, 5e6, 6e6 + 1))).toBe(true);
    const drop = threshold('m < -0.5');
    expect(breaks(drop, ruleChange(drop, 2, 1.5))).toBe(false);
    expect(breaks(drop, ruleChange(drop, 2, 1.25))).toBe(true);
  });
  it('from a zero baseline the change is 0 when both are 0, else ±Infinity', () => {
    expect(relativeChange(0, 0)).toBe(0);
    expect(relativeChange(0, 3)).toBe(Infinity);
    expect(relativeChange(0, -3)).toBe(-Infinity);
    expect(breaks(threshold('m > +1000000%'), relativeChange(0, 1e-30))).toBe(true);
    expect(breaks(threshold('m > +0%'), relativeChange(0, 0))).toBe(false);
    expect(breaks(threshold('m < -5%'), relativeChange(0, 3))).toBe(false);
  });
});

describe('matching', () => {
  const m = { 'totals.timeSeconds': 1 };
  it('ignores model ids when each file has one model (auto), and only then', () => {
    const a = side('a.json', [point('x.json', 1, m)]);
    const b = side('b.json', [point('y.json', 1, m)]);
    expect(matchesOnModel(a, b, 'auto')).toBe(false);
    expect(matchesOnModel(a, a, 'auto')).toBe(true);
    expect(matchesOnModel(a, b, 'model')).toBe(true);
    const two = side('c.json', [point('x.json', 1, m), point('z.json', 1, m)]);
    expect(matchesOnModel(two, two, 'auto')).toBe(true);
    expect(matchesOnModel(two, two, 'workload')).toBe(false);
  });
  it('pairs points whatever their order; repeated points pair in file order', () => {
    const a = side('a.json', [point('x', 1, { t: 1 }, 'points.0'), point('x', 2, { t: 2 }, 'points.1'), point('x', 2, { t: 3 }, 'points.2')]);
    const b = side('b.json', [point('x', 2, { t: 20 }, 'points.0'), point('x', 1, { t: 10 }, 'points.1'), point('x', 2, { t: 30 }, 'points.2')]);
    expect(matchPoints(a, b, true).map(([p, q]) => [p.metrics.t, q.metrics.t])).toEqual([[1, 10], [2, 20], [3, 30]]);
  });
  it('names an unmatched point, its file and where it sits', () => {
    const a = side('a.json', [point('x', 1, m, 'points.0')]);
    const b = side('b.json', [point('x', 1, m, 'points.0'), point('x', 4, m, 'points.1')]);
    expect(thrown(() => matchPoints(a, b, true))).toBe('b.json: points.1: x h100-sxm decode B4 L2048 w16a16kv16 has no matching point in a.json');
    expect(thrown(() => matchPoints(b, a, true))).toBe('b.json: points.1: x h100-sxm decode B4 L2048 w16a16kv16 has no matching point in a.json');
    expect(thrown(() => matchPoints(side('a.json', [point('x', 1, m)]), side('b.json', [point('y', 1, m)]), true))).toMatch(/^a\.json: x h100-sxm .* has no matching point in b\.json$/);
  });
  it('a point routed with a MoE imbalance, or with the MTP module costed, is another point; an imbalance of 1 is uniform', () => {
    const uniform = point('x', 1, m, 'points.0');
    const skewed = { ...uniform, workload: { ...uniform.workload, moeImbalance: 2 } };
    const withMtp = { ...uniform, workload: { ...uniform.workload, mtp: true } };
    expect(thrown(() => matchPoints(side('b.json', [skewed]), side('a.json', [uniform]), true))).toBe('b.json: points.0: x h100-sxm decode B1 L2048 w16a16kv16 moe imbalance 2 has no matching point in a.json');
    expect(thrown(() => matchPoints(side('b.json', [withMtp]), side('a.json', [uniform]), true))).toBe('b.json: points.0: x h100-sxm decode B1 L2048 w16a16kv16 mtp has no matching point in a.json');
    const one = { ...uniform, workload: { ...uniform.workload, moeImbalance: 1 } };
    expect(matchPoints(side('a.json', [uniform]), side('b.json', [one]), true)).toHaveLength(1);
  });
  it('a point split over devices pairs only with the same split and overlap; all degrees 1 is one device', () => {
    const single = point('x', 1, m, 'points.0');
    const split = (tp: number, pp: number, overlap?: boolean): ComparePoint => ({ ...single, workload: { ...single.workload, parallelism: { tp, pp, ep: 1, dp: 1 }, ...(overlap === undefined ? {} : { overlap }) } });
    expect(thrown(() => matchPoints(side('b.json', [split(8, 1, false)]), side('a.json', [single]), true))).toBe('b.json: points.0: x h100-sxm decode B1 L2048 w16a16kv16 tp8 has no matching point in a.json');
    expect(thrown(() => matchPoints(side('b.json', [split(8, 1, true)]), side('a.json', [split(8, 1, false)]), true))).toBe('b.json: points.0: x h100-sxm decode B1 L2048 w16a16kv16 tp8 overlap has no matching point in a.json');
    expect(thrown(() => matchPoints(side('b.json', [split(4, 2)]), side('a.json', [split(8, 1)]), true))).toMatch(/tp4 pp2 has no matching point/);
    expect(matchPoints(side('a.json', [split(8, 1, false)]), side('b.json', [split(8, 1)]), true)).toHaveLength(1);
    expect(matchPoints(side('a.json', [single]), side('b.json', [split(1, 1, false)]), true)).toHaveLength(1);
  });

  it('pipelined points pair only with the same number of micro-batches', () => {
    const single = point('x', 1, m, 'points.0');
    const piped = (microBatches: number): ComparePoint => ({ ...single, workload: { ...single.workload, parallelism: { tp: 1, pp: 4, ep: 1, dp: 1 }, microBatches } });
    expect(thrown(() => matchPoints(side('b.json', [piped(8)]), side('a.json', [piped(4)]), true))).toBe('b.json: points.0: x h100-sxm decode B1 L2048 w16a16kv16 pp4 8 micro-batches has no matching point in a.json');
    expect(matchPoints(side('a.json', [piped(4)]), side('b.json', [piped(4)]), true)).toHaveLength(1);
  });
});

describe('compareSides', () => {
  const metrics = { 'totals.timeSeconds': 20, 'memory.kvCacheBytes': 100 };
  const base = side('base.json', [point('x', 1, metrics, 'points.0')]);
  it('names an unknown metric and lists the numeric fields', () => {
    expect(thrown(() => compareSides(base, base, [parseRule('totals.speed > +5%')], 'auto'))).toBe(
      '--fail-if: "totals.speed > +5%": unknown metric totals.speed (numeric fields: totals.timeSeconds, memory.kvCacheBytes)',
    );
  });
  it('says when a metric is only in some points (a report against a sweep)', () => {
    const report = side('r.json', [point('x', 1, { ...metrics, 'model.parameters': 7 })]);
    expect(thrown(() => compareSides(report, base, [parseRule('model.parameters > 0')], 'auto'))).toMatch(/^--fail-if: "model.parameters > 0": model\.parameters is not in every point of both files/);
  });
  it('a file against itself passes every rule and changes nothing', () => {
    const c = compareSides(base, base, [parseRule('totals.timeSeconds > +0%'), parseRule('memory.kvCacheBytes < -0%'), parseRule('totals.timeSeconds > +0')], 'auto');
    expect(c.passed).toBe(true);
    expect(c.points[0]?.changed).toEqual([]);
  });
  it('reports changed metrics and the points that break a rule', () => {
    const head = side('head.json', [point('x', 1, { 'totals.timeSeconds': 21, 'memory.kvCacheBytes': 200 }, 'points.0')]);
    const c = compareSides(base, head, [parseRule('totals.timeSeconds > +5%'), parseRule('memory.kvCacheBytes > +0%')], 'auto');
    expect(c.points[0]?.changed.map((d) => [d.metric, d.relative])).toEqual([['totals.timeSeconds', 0.05], ['memory.kvCacheBytes', 1]]);
    expect(c.rules.map((r) => r.broken.length)).toEqual([0, 1]);
    expect(c.passed).toBe(false);
  });
  it('a candidate that stops fitting breaks == false and becomes false; one that never fitted breaks only ==', () => {
    const fits = (b: number, f: boolean, field: string): ComparePoint => point('x', b, metrics, field, { 'memory.fitsDevice': f });
    const before = side('base.json', [fits(1, true, 'points.0'), fits(2, false, 'points.1'), fits(3, true, 'points.2')]);
    const after = side('head.json', [fits(1, false, 'points.0'), fits(2, false, 'points.1'), fits(3, true, 'points.2')]);
    const c = compareSides(before, after, [parseRule('memory.fitsDevice becomes false'), parseRule('memory.fitsDevice == false')], 'auto');
    expect(c.flags).toEqual(['memory.fitsDevice']);
    expect(c.rules.map((v) => v.broken.map((x) => x.point.baseline.workload.batch))).toEqual([[1], [1, 2]]);
    expect(c.passed).toBe(false);
    expect(c.points.map((p) => p.changedFlags)).toEqual([[{ metric: 'memory.fitsDevice', baseline: true, candidate: false }], [], []]);
    expect(compareSides(before, before, [parseRule('memory.fitsDevice becomes false')], 'auto').passed).toBe(true);
  });
  it('a numeric rule on a true/false field and a true/false rule on a number say which form to use', () => {
    const b = side('b.json', [point('x', 1, metrics, '', { 'memory.fitsDevice': true })]);
    expect(thrown(() => compareSides(b, b, [parseRule('memory.fitsDevice > 0')], 'auto'))).toBe(
      '--fail-if: "memory.fitsDevice > 0": memory.fitsDevice is true or false, not a number: write "memory.fitsDevice == false" or "memory.fitsDevice becomes false"',
    );
    expect(thrown(() => compareSides(b, b, [parseRule('totals.timeSeconds == false')], 'auto'))).toBe(
      '--fail-if: "totals.timeSeconds == false": totals.timeSeconds is a number, not true or false: write a threshold, e.g. "totals.timeSeconds > +5%"',
    );
    expect(thrown(() => compareSides(b, b, [parseRule('memory.fits becomes false')], 'auto'))).toBe('--fail-if: "memory.fits becomes false": unknown metric memory.fits (true/false fields: memory.fitsDevice)');
  });
  it('an empty file is an error', () => {
    expect(thrown(() => compareSides(side('e.json', []), base, [], 'auto'))).toBe('e.json: points: no points to compare');
  });
});

describe('side by side', () => {
  const op = (bound: 'compute' | 'memory', count: number, timeSeconds: number): OpResult => ({ name: 'x', kind: 'gemm', count, flops: 0, bytes: { weight: 0, actRead: 0, actWrite: 0, kvRead: 0, kvWrite: 0, total: 0 }, intensityFlopPerByte: 0, bound, timeSeconds });
  it('the dominant bound is the one whose operators take more Σ count × time', () => {
    expect(dominantBound([op('compute', 1, 3), op('memory', 2, 1)])).toBe('compute');
    expect(dominantBound([op('compute', 1, 3), op('memory', 4, 1)])).toBe('memory');
    expect(dominantBound([op('compute', 1, 2), op('memory', 2, 1)])).toBe('compute');
  });

  it('groups by everything but the model, first model first, with ratios to it and the report\'s numbers', () => {
    const h100 = loadHardware('h100-sxm').hardware;
    const models = [loadModel('paper/gqa-1b'), loadModel('paper/gta-1b'), loadModel('paper/500m-mla')];
    const grid: SweepGrid = { models, hardware: [h100], phases: ['prefill', 'decode'], batches: [1, 32], seqLens: [2048], contextLens: [2048], bits: [{ weight: 16, activation: 16, kv: 16 }], flash: [false], pairs: 'causal', scope: 'model', costModel: 'exact' };
    const doc = compareModels(grid);
    expect(doc.schema).toBe('llm-roofline.compare/v1');
    expect(doc.baselineModel).toBe('paper/gqa-1b');
    expect(doc.rows).toHaveLength(4);
    for (const row of doc.rows) {
      expect(row.models.map((m) => m.model)).toEqual(['paper/gqa-1b', 'paper/gta-1b', 'paper/500m-mla']);
      expect(row.models[0]?.ratio).toEqual({ timeSeconds: 1, flops: 1, bytes: 1, kvCacheBytes: 1, weightBytes: 1 });
      expect(row.models[1]?.ratio.kvCacheBytes).toBeCloseTo(0.3, 12);
      expect(row.models[2]?.mla).toBe(row.workload.phase === 'prefill' ? 'naive' : 'absorbed');
      for (const [i, m] of row.models.entries()) {
        const w = row.workload;
        const report = buildReport(models[i]!, h100, { phase: w.phase, batch: w.batch, seqLen: w.seqLen, contextLen: w.contextLen, bits: w.bits, flash: false, pairs: 'causal', costModel: 'exact' }, 'model', { name: 't', version: '0' });
        expect(m.totals).toEqual(report.totals);
        expect(m.bound).toBe(dominantBound(report.ops));
      }
    }
  });
});

describe('the changes --github leads with', () => {
  const HEADLINE = new Set(['totals.timeSeconds', 'memory.totalBytes', 'memory.kvCacheBytes', 'gated']);
  const row = fc.record({ metric: fc.constantFrom('totals.timeSeconds', 'memory.totalBytes', 'totals.flops', 'memory.weightBytes', 'gated', 'other'), size: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(Infinity)) });
  it('are the first n of flips and gated/headline metrics, then the rest, each by size; nothing left out ranks above them', () => {
    fc.assert(
      fc.property(fc.array(row, { maxLength: 30 }), fc.integer({ min: 0, max: 8 }), (rows, n) => {
        const lead = leadingRows(rows, ['gated'], n);
        expect(lead).toHaveLength(Math.min(n, rows.length));
        for (const r of lead) expect(rows).toContain(r);
        const rank = (r: { metric: string; size: number }): number => (HEADLINE.has(r.metric) || r.size === Infinity ? 0 : 1);
        for (let i = 1; i < lead.length; i++) {
          const [a, b] = [lead[i - 1]!, lead[i]!];
          expect(rank(a) < rank(b) || (rank(a) === rank(b) && a.size >= b.size)).toBe(true);
        }
        const last = lead.at(-1);
        if (last === undefined) return;
        for (const r of rows.filter((x) => !lead.includes(x))) expect(rank(r) > rank(last) || (rank(r) === rank(last) && r.size <= last.size)).toBe(true);
      }),
    );
  });
});
