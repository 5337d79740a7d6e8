/** `llm-roofline compare` as a user runs it: side by side, and baseline mode's exit codes 0, 1 and 2. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { compareModels } from '../../src/core/compare-models.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { renderCompareTable } from '../../src/render/compare-models.js';
import { CompareBaselineSchema } from '../../src/io/compare-schema.js';
import { CompareSchema } from '../../src/io/report-schema.js';
import { cli } from '../helpers/cli.js';

const ANSI = '\u001b[';
const dir = mkdtempSync(join(tmpdir(), 'llmr-compare-'));
const path = (name: string): string => join(dir, name);
const write = (name: string, value: unknown): string => {
  writeFileSync(path(name), typeof value === 'string' ? value : JSON.stringify(value));
  return path(name);
};

/** Runs compare and expects one error line matching `pattern`, exit 2 and no stdout. */
function expectBadInput(args: string[], pattern: RegExp): void {
  const r = cli(['compare', ...args]);
  expect(r.stdout).toBe('');
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(pattern);
  expect(r.status).toBe(2);
}

let sweepFile = '';
let reportFile = '';

beforeAll(() => {
  sweepFile = path('sweep.json');
  expect(cli(['sweep', '--model', 'paper/gqa-1b,paper/gta-1b', '--phase', 'prefill,decode', '--batch', '1,8', '--out', sweepFile]).status).toBe(0);
  reportFile = path('report.json');
  expect(cli(['analyze', '--format', 'json', '--out', reportFile]).status).toBe(0);
});

describe('side by side', () => {
  const args = ['compare', '--model', 'paper/gqa-1b,paper/gta-1b', '--phase', 'prefill,decode', '--batch', '1,32'];
  it('prints one table with a ratio row per extra model, without colour off a terminal', () => {
    const r = cli(args);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^h100-sxm, w16a16kv16, unfused, pairs causal, scope model, cost model exact\n/);
    expect(r.stdout).toMatch(/│ prefill B1 S2048 +│ paper\/gqa-1b +│ +11\.5 ms │/);
    expect(r.stdout).toMatch(/│ +│ +÷ paper\/gqa-1b +│ +0\.662× │ +0\.918× │ +0\.593× │ +0\.300× │ +1\.00× │/);
    expect(r.stdout).not.toContain(ANSI);
  });
  it('--format json is llm-roofline.compare/v1', () => {
    const doc = CompareSchema.parse(JSON.parse(cli([...args, '--format', 'json']).stdout));
    expect(doc.schema).toBe('llm-roofline.compare/v1');
    expect(doc.baselineModel).toBe('paper/gqa-1b');
    expect(doc.rows).toHaveLength(4);
    expect(Object.keys(doc.rows[0]!.models[1]!).sort()).toEqual(['bound', 'memory', 'model', 'ratio', 'totals']);
    expect(Object.keys(doc.rows[0]!.models[1]!.ratio).sort()).toEqual(['bytes', 'flops', 'kvCacheBytes', 'timeSeconds', 'weightBytes']);
  });
  it.each([
    ['md', /^\| point \| model \| time \|/m],
    ['csv', /^hardware,phase,batch,seqLen,contextLen,bits,flash,pairs,scope,costModel,model,timeSeconds,/],
    ['latex', /\\begin\{tabular\}/],
  ])('--format %s', (format, pattern) => {
    const r = cli([...args, '--format', format]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(pattern);
  });
  it('colours ratios green when better and red when worse, only when asked', () => {
    const h100 = loadHardware('h100-sxm').hardware;
    const doc = compareModels({ models: [loadModel('paper/gta-1b'), loadModel('paper/gqa-1b')], hardware: [h100], phases: ['decode'], batches: [32], seqLens: [2048], contextLens: [2048], bits: [{ weight: 16, activation: 16, kv: 16 }], flash: [false], pairs: 'causal', scope: 'model', costModel: 'exact' });
    const coloured = renderCompareTable(doc, true);
    expect(coloured).toContain('\u001b[31m1.91×'); // GQA-1B's time over GTA-1B's: worse, red
    expect(coloured).toContain('\u001b[32m1.00×'); // its weights: 0.9999 of GTA-1B's, better, so green
    expect(renderCompareTable(doc, false)).not.toContain(ANSI);
  });
  it('bad flags are user errors', () => {
    expectBadInput(['--model', 'paper/gta-2b'], /^--model: unknown model "paper\/gta-2b"/);
    expectBadInput([], /^--model: expected the models to compare side by side/);
    expectBadInput(['--model', 'paper/gta-1b', '--fail-if', 'totals.flops > 1'], /^--fail-if: only with --baseline FILE --candidate FILE$/);
  });
});

describe('baseline mode', () => {
  const withTime = (name: string, timeSeconds: number): string => {
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { totals: { timeSeconds: number } };
    report.totals.timeSeconds = timeSeconds;
    return write(name, report);
  };

  it('a sweep against itself passes every rule: exit 0', () => {
    const r = cli(['compare', '--baseline', sweepFile, '--candidate', sweepFile, '--fail-if', 'totals.timeSeconds > +0%', '--fail-if', 'memory.kvCacheBytes > +0%', '--fail-if', 'totals.flops < -0%', '--fail-if', 'totals.bytes > +0']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/matched 8 points on model, hardware and workload; 0 with changes/);
    expect(r.stdout).toMatch(/all 4 rules pass\n$/);
    expect(r.status).toBe(0);
  });

  it('a change exactly at the limit passes (exit 0); just past it fails (exit 1)', () => {
    // (21 − 20) / 20 is exactly 0.05 in floating point, as is the parsed 5%.
    const base = withTime('t20.json', 20);
    expect(cli(['compare', '--baseline', base, '--candidate', withTime('t21.json', 21), '--fail-if', 'totals.timeSeconds > +5%']).status).toBe(0);
    const r = cli(['compare', '--baseline', base, '--candidate', withTime('t21b.json', 21.00001), '--fail-if', 'totals.timeSeconds > +5%']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/FAIL {2}totals\.timeSeconds > \+5% {2}broken at 1 of 1 point; worst \+5\.00% at paper\/gta-1b h100-sxm decode B1 L2048 w16a16kv16/);
  });

  it('--github prints a Markdown summary with the verdict, the changes and the rules', () => {
    const r = cli(['compare', '--baseline', withTime('g20.json', 20), '--candidate', withTime('g30.json', 30), '--fail-if', 'totals.timeSeconds > +5%', '--fail-if', 'model.parameters > +0', '--github']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^### ❌ llm-roofline compare: 1 of 2 rules broken; 1 point, 1 changed\n/);
    expect(r.stdout).toMatch(/^\| paper\/gta-1b h100-sxm decode B1 L2048 w16a16kv16 \| `totals\.timeSeconds` \| 20\.0 s \| 30\.0 s \| \+50\.00% \| \+10\.0 s \|$/m);
    expect(r.stdout).toMatch(/^\| `totals\.timeSeconds > \+5%` \| ❌ fail \| broken at 1 of 1 point; worst \+50\.00% at .* \|$/m);
    expect(r.stdout).toMatch(/^\| `model\.parameters > \+0` \| ✅ pass \| /m);
  });

  it('end to end: a GTA config with wider latent values grows the KV cache (exit 1, names kvCacheBytes)', () => {
    const config = JSON.parse(readFileSync('configs/paper/gta-1b.json', 'utf8')) as { $schema?: string; attention: { valueDim: number } };
    delete config.$schema;
    const before = write('gta-before.json', config);
    // queryHeads 5 × e × 256 = hiddenSize 1280 with e = 1: still a valid GTA config.
    const after = write('gta-after.json', { ...config, attention: { ...config.attention, valueDim: 256 } });
    const grid = ['--phase', 'prefill,decode', '--batch', '1,16'];
    expect(cli(['sweep', '--model', before, ...grid, '--out', path('base.json')]).status).toBe(0);
    expect(cli(['sweep', '--model', after, ...grid, '--out', path('head.json')]).status).toBe(0);
    const r = cli(['compare', '--baseline', path('base.json'), '--candidate', path('head.json'), '--fail-if', 'memory.kvCacheBytes > +0%']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/matched 4 points on hardware and workload \(one model each: /);
    expect(r.stdout).toMatch(/memory\.kvCacheBytes .* \+66\.67% /);
    expect(r.stdout).toMatch(/FAIL {2}memory\.kvCacheBytes > \+0% {2}broken at 4 of 4 points/);
    expect(r.status).toBe(1);
    // Matching on model ids, the renamed model has no counterpart.
    expectBadInput(['--baseline', path('base.json'), '--candidate', path('head.json'), '--match-by', 'model'], /base\.json: points\.0: .*gta-before\.json h100-sxm prefill B1 S2048 w16a16kv16 has no matching point in .*head\.json$/);
  });

  it('--match-by workload over files of several models does not claim one model each', () => {
    const grid = ['--model', 'paper/gta-1b,paper/gqa-1b', '--batch', '1,2'];
    expect(cli(['sweep', ...grid, '--out', path('two-models.json')]).status).toBe(0);
    const r = cli(['compare', '--baseline', path('two-models.json'), '--candidate', path('two-models.json'), '--match-by', 'workload']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^matched 4 points on hardware and workload \(model ids ignored: points of several models pair in file order\); 0 with changes$/m);
    expect(r.status).toBe(0);
  });

  it('a malformed rule names the rule and what was expected (exit 2)', () => {
    expectBadInput(['--baseline', sweepFile, '--candidate', sweepFile, '--fail-if', 'totals.timeSeconds >> 5%'], /^--fail-if: "totals\.timeSeconds >> 5%": expected "<metric> > <threshold>" or "<metric> < <threshold>", threshold like \+5%, -2\.5% or 1e6, or for a true\/false field "<field> == false" or "<field> becomes false"$/);
  });
  it('an unknown metric lists the numeric fields (exit 2)', () => {
    expectBadInput(['--baseline', sweepFile, '--candidate', sweepFile, '--fail-if', 'totals.speed > +5%'], /^--fail-if: "totals\.speed > \+5%": unknown metric totals\.speed \(numeric fields: totals\.timeSeconds, totals\.flops, .*memory\.kvCacheBytes/);
  });
  it('an unmatched point is named (exit 2)', () => {
    const small = path('small.json');
    expect(cli(['sweep', '--model', 'paper/gqa-1b,paper/gta-1b', '--phase', 'prefill,decode', '--batch', '1', '--out', small]).status).toBe(0);
    expectBadInput(['--baseline', sweepFile, '--candidate', small], /sweep\.json: points\.1: paper\/gqa-1b h100-sxm prefill B8 S2048 w16a16kv16 has no matching point in .*small\.json$/);
  });
  it.each([
    ['malformed JSON', '{', /m\.json: malformed JSON: /],
    ['neither schema', { schema: 'llm-roofline.validation/v1' }, /m\.json: schema: expected "llm-roofline\.report\/v1" \(from analyze --format json\) or "llm-roofline\.sweep\/v1" \(from sweep\) \(got "llm-roofline\.validation\/v1"\)$/],
    ['no schema', [1, 2], /m\.json: schema: expected .*\(no schema field\)$/],
    ['a field failing the schema', { schema: 'llm-roofline.sweep/v1', points: [{ model: 'x' }] }, /m\.json: points\.0\.hardware: required field is missing$/],
  ])('a file with %s (exit 2)', (_what, content, pattern) => {
    expectBadInput(['--baseline', write('m.json', content), '--candidate', sweepFile], pattern);
  });
  it('an unreadable file, a missing --candidate, mixed modes (exit 2)', () => {
    expectBadInput(['--baseline', path('none.json'), '--candidate', sweepFile], /none\.json: file not found$/);
    expectBadInput(['--baseline', sweepFile], /^--candidate: required with --baseline/);
    expectBadInput(['--baseline', sweepFile, '--candidate', sweepFile, '--model', 'paper/gta-1b'], /^--model: only in side-by-side mode/);
    expectBadInput(['--baseline', sweepFile, '--candidate', sweepFile, '--format', 'csv'], /^--format: expected one of table, md, json \(got "csv"\)$/);
  });
  it('model.parameters is a metric of reports only', () => {
    expect(cli(['compare', '--baseline', reportFile, '--candidate', reportFile, '--fail-if', 'model.parameters > +0%']).status).toBe(0);
    expectBadInput(['--baseline', reportFile, '--candidate', sweepFile, '--fail-if', 'model.parameters > +0%'], /^--fail-if: "model\.parameters > \+0%": model\.parameters is not in every point of both files/);
  });

  describe('true/false fields and the JSON and GitHub outputs, on a GTA config whose wider values stop decode B1280 fitting an H100', () => {
    // KV cache per token: 20.7 kB before, 34.6 kB after (+66.67%, valueDim 128 → 256); at B1280 L2048 the whole
    // footprint grows from 56.9 GB, which fits the 80 GB device, to 93.2 GB, which does not.
    let base = '';
    let head = '';
    let small = '';
    let smallHead = '';
    beforeAll(() => {
      const config = JSON.parse(readFileSync('configs/paper/gta-1b.json', 'utf8')) as { $schema?: string; attention: { valueDim: number } };
      delete config.$schema;
      const before = write('fit-before.json', config);
      const after = write('fit-after.json', { ...config, attention: { ...config.attention, valueDim: 256 } });
      const grid = (batch: string): string[] => ['--phase', 'prefill,decode', '--batch', batch, '--seq', '512'];
      [base, head, small, smallHead] = [path('fit-base.json'), path('fit-head.json'), path('fit-small.json'), path('fit-small-head.json')];
      expect(cli(['sweep', '--model', before, ...grid('1,16,1280'), '--out', base]).status).toBe(0);
      expect(cli(['sweep', '--model', after, ...grid('1,16,1280'), '--out', head]).status).toBe(0);
      expect(cli(['sweep', '--model', before, ...grid('1,16'), '--out', small]).status).toBe(0);
      expect(cli(['sweep', '--model', after, ...grid('1,16'), '--out', smallHead]).status).toBe(0);
    });

    it('a candidate that stops fitting its device breaks "memory.fitsDevice becomes false" (exit 1); one that still fits passes (exit 0)', () => {
      const r = cli(['compare', '--baseline', base, '--candidate', head, '--fail-if', 'memory.fitsDevice becomes false']);
      expect(r.stderr).toBe('');
      expect(r.stdout).toMatch(/^│ h100-sxm decode B1280 L2048 w16a16kv16 +│ memory\.fitsDevice +│ +true │ +false │ +→ false │ +│$/m);
      expect(r.stdout).toMatch(/FAIL {2}memory\.fitsDevice becomes false {2}broken at 1 of 6 points, first at h100-sxm decode B1280 L2048 w16a16kv16\n/);
      expect(r.status).toBe(1);
      expect(cli(['compare', '--baseline', base, '--candidate', head, '--fail-if', 'memory.fitsDevice == false']).status).toBe(1);
      const ok = cli(['compare', '--baseline', small, '--candidate', smallHead, '--fail-if', 'memory.fitsDevice becomes false', '--fail-if', 'memory.fitsDevice == false']);
      expect(ok.stdout).toMatch(/pass {2}memory\.fitsDevice becomes false {2}holds at all 4 points\n/);
      expect(ok.status).toBe(0);
    });

    it('a numeric comparison on a true/false field, and the reverse, are user errors naming the form to use (exit 2)', () => {
      expectBadInput(['--baseline', base, '--candidate', head, '--fail-if', 'memory.fitsDevice < 1'], /^--fail-if: "memory\.fitsDevice < 1": memory\.fitsDevice is true or false, not a number: write "memory\.fitsDevice == false" or "memory\.fitsDevice becomes false"$/);
      expectBadInput(['--baseline', base, '--candidate', head, '--fail-if', 'memory.totalBytes becomes false'], /^--fail-if: "memory\.totalBytes becomes false": memory\.totalBytes is a number, not true or false: write a threshold, e.g. "memory\.totalBytes > \+5%"$/);
    });

    it('--format json follows llm-roofline.compare-baseline/v1: points, per-metric values and changes, rules, verdict (exit 1)', () => {
      const r = cli(['compare', '--baseline', base, '--candidate', head, '--fail-if', 'memory.fitsDevice becomes false', '--fail-if', 'memory.kvCacheBytes > +50%', '--fail-if', 'totals.flops > +10%', '--format', 'json']);
      expect(r.status).toBe(1);
      const doc = CompareBaselineSchema.parse(JSON.parse(r.stdout));
      expect(doc.passed).toBe(false);
      expect(doc.points).toHaveLength(6);
      expect(doc.flags).toEqual(['memory.fitsDevice']);
      const b1280 = doc.points.findIndex((p) => p.workload.phase === 'decode' && p.workload.batch === 1280);
      expect(doc.points[b1280]?.flags).toEqual([{ metric: 'memory.fitsDevice', baseline: true, candidate: false }]);
      const kv = doc.points[b1280]?.metrics.find((m) => m.metric === 'memory.kvCacheBytesPerToken');
      // 24 layers × (n_k·d_h + n_c·d_l) = 24 × 432 elements × 2 bytes before; d_l doubles to 256 after.
      expect(kv).toMatchObject({ baseline: 20_736, candidate: 34_560, absolute: 13_824 });
      expect(kv?.relative).toBeCloseTo(2 / 3, 12);
      expect(doc.rules.map((x) => [x.rule, x.kind, x.passed])).toEqual([['memory.fitsDevice becomes false', 'flag', false], ['memory.kvCacheBytes > +50%', 'threshold', false], ['totals.flops > +10%', 'threshold', true]]);
      expect(doc.rules[0]?.broken).toEqual([{ point: b1280 }]);
      expect(doc.rules[1]?.broken).toHaveLength(6);
    });

    it('--github leads with the broken rules and the 5 largest changes, folds the rest, and leaves out unchanged metrics', () => {
      const r = cli(['compare', '--baseline', base, '--candidate', head, '--fail-if', 'memory.fitsDevice becomes false', '--fail-if', 'totals.flops > +10%', '--github']);
      expect(r.status).toBe(1);
      const doc = CompareBaselineSchema.parse(JSON.parse(cli(['compare', '--baseline', base, '--candidate', head, '--format', 'json']).stdout));
      const changes = doc.points.flatMap((p) => [...p.flags.filter((f) => f.baseline !== f.candidate).map((f) => f.metric), ...p.metrics.filter((m) => m.absolute !== 0).map((m) => m.metric)]);
      const md = r.stdout;
      expect(md).toMatch(new RegExp(`^### ❌ llm-roofline compare: 1 of 2 rules broken; 6 points, 6 changed\n\nBaseline .* \\(${String(changes.length)} metric changes\\)[.]\n`));
      const sections = md.split(/\n\n(?=\*\*Largest changes|<details>)/);
      expect(sections).toHaveLength(3);
      const [head0, lead, folded] = sections as [string, string, string];
      // Rules first, the broken one before the passing one.
      expect(head0.split('\n').filter((l) => l.startsWith('| `'))).toEqual([
        '| `memory.fitsDevice becomes false` | ❌ fail | broken at 1 of 6 points, first at h100-sxm decode B1280 L2048 w16a16kv16 |',
        expect.stringMatching(/^\| `totals\.flops > \+10%` \| ✅ pass \| worst \+7\.\d\d% at /),
      ]);
      const rows = (text: string): string[][] => text.split('\n').filter((l) => /^\| (?!point|---)/.test(l)).map((l) => l.split(' | ').map((c) => c.replace(/^\| |`| \|$/g, '')));
      const leadRows = rows(lead);
      expect(lead).toMatch(new RegExp(`^\\*\\*Largest changes\\*\\* \\(5 of ${String(changes.length)}: `));
      expect(leadRows).toHaveLength(5);
      // The flip leads; then gated/headline metrics (flops, time, KV cache, total memory) by relative change.
      expect(leadRows[0]?.slice(0, 4)).toEqual(['h100-sxm decode B1280 L2048 w16a16kv16', 'memory.fitsDevice', 'true', 'false']);
      for (const row of leadRows.slice(1)) expect(['totals.flops', 'totals.timeSeconds', 'memory.kvCacheBytes', 'memory.totalBytes']).toContain(row[1]);
      const pct = leadRows.slice(1).map((row) => Number(row[4]?.replace('%', '')));
      expect(pct).toEqual([...pct].sort((a, b) => b - a));
      expect(pct[0]).toBeCloseTo(66.67, 2);
      expect(folded).toMatch(new RegExp(`^<details><summary>${String(changes.length - 5)} other changes</summary>\n\n\\| point \\|`));
      expect(folded.trimEnd()).toMatch(/\n<\/details>$/);
      // Every change appears once, lead or folded; an unchanged metric (activation bytes at decode) nowhere.
      const all = [...leadRows, ...rows(folded)].map((row) => row[1]);
      expect(all.sort()).toEqual([...changes].sort());
    });
  });
});
