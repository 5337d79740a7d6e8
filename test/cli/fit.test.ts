/**
 * `llm-roofline fit` as a user runs it. The measurements are the engine's own times under a known profile (gemm 0.6,
 * attention 0.5, elementwise 0.7, memory 0.75, 20 µs per layer, 100 µs per pass) on h100-sxm, for three models with
 * 32, 54 and 24 layers, prefill (compute-bound products and attention) and decode (memory-bound throughout): the fit
 * from peak must give the profile back, and the file it writes must reproduce the fitted predictions in `analyze`.
 * This set is one where classify-and-solve alone stops at a local minimum (160m-gqa's prefill attention left
 * memory-bound by f_attention ≈ 0.81, gemm ≈ 0.56): only the threshold search reaches the exact fit.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Bits } from '../../src/core/dtype.js';
import type { EfficiencyProfile } from '../../src/core/efficiency.js';
import { Plan } from '../../src/core/engine.js';
import { mlaMode } from '../../src/core/workload.js';
import { FitSchema, type FitDocument } from '../../src/io/fit-schema.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { cli } from '../helpers/cli.js';
import { KNOWN_EFFICIENCY } from '../helpers/efficiency.js';
import { expectRel } from '../helpers/rel.js';

const KNOWN = KNOWN_EFFICIENCY;
const BITS: Bits = { weight: 16, activation: 16, kv: 16 };
const POINTS = [
  { phase: 'prefill', batch: 1, seqLen: 4096, contextLen: 4096 },
  { phase: 'prefill', batch: 2, seqLen: 8192, contextLen: 8192 },
  { phase: 'decode', batch: 1, seqLen: 1, contextLen: 2048 },
  { phase: 'decode', batch: 32, seqLen: 1, contextLen: 4096 },
] as const;

/** Measurement rows for `models` on `hardware` under `e`, each time multiplied by factor(i). */
function rows(e: EfficiencyProfile, models: readonly string[], hardware = 'h100-sxm', factor: (i: number) => number = () => 1) {
  const hw = loadHardware(hardware).hardware;
  return models.flatMap((id) => POINTS.map((p) => ({ id, p }))).map(({ id, p }, i) => {
    const plan = new Plan(loadModel(id), hw, { phase: p.phase, flash: true, pairs: 'causal', mla: mlaMode({ phase: p.phase }), scope: 'model', efficiency: e });
    const t = plan.totalsAt({ ...p, bits: BITS }).timeSeconds * factor(i);
    return { model: id, hardware, phase: p.phase, batch: p.batch, seqLen: p.seqLen, contextLen: p.contextLen, measuredSeconds: t };
  });
}

const MODELS = ['llama-3.1-8b', 'paper/gta-1b', 'paper/160m-gqa'];
let dir: string;
const write = (name: string, data: unknown): string => {
  const f = join(dir, name);
  writeFileSync(f, typeof data === 'string' ? data : JSON.stringify(data));
  return f;
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'llmr-fit-'));
});

describe('fit', () => {
  it('gives back the profile that made the data; --out writes a file that analyze --efficiency loads and reproduces', () => {
    const measurements = write('known.json', { measurements: rows(KNOWN, MODELS) });
    const out = join(dir, 'fitted.json');
    const r = cli(['fit', '--measurements', measurements, '--format', 'json', '--out', out, '--name', 'my H100']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const doc = FitSchema.parse(JSON.parse(r.stdout));
    expect(doc.undetermined).toEqual(['elementwise', 'gather', 'collective']);
    const p = doc.profile;
    expectRel(p.kinds.gemm.value, 0.6, 1e-6);
    expectRel(p.kinds.attention.value, 0.5, 1e-6);
    expectRel(p.memory.value, 0.75, 1e-6);
    expectRel(p.layerOverheadSeconds.value, 20e-6, 1e-6);
    expectRel(p.stepOverheadSeconds.value, 100e-6, 1e-6);
    // Never bound: the base's (peak's) value, citing the base, not the fit.
    expect(p.kinds.elementwise).toMatchObject({ value: 1, source: 'base' });
    expect(p.kinds.gemm).toMatchObject({ source: 'fit', flags: ['derived'] });
    expect(p.sources.fit?.title).toBe(`fitted by llm-roofline fit from ${measurements}, 12 measurements`);
    expect(p.name).toBe('my H100');
    expect(doc.medianAbsError.fitted).toBeLessThan(1e-9);
    expect(doc.medianAbsError.base).toBeGreaterThan(0.1);
    // The file is the document's profile, and analyze under it predicts what the fit printed.
    expect(JSON.parse(readFileSync(out, 'utf8'))).toEqual(p);
    for (const x of doc.residuals.filter((_, i) => i % 3 === 0)) {
      const flag = x.phase === 'prefill' ? ['--seq', String(x.seqLen)] : ['--context', String(x.contextLen)];
      const a = cli(['analyze', '--model', x.model, '--hardware', 'h100-sxm', '--phase', x.phase, '--batch', String(x.batch), ...flag, '--flash', '--efficiency', out, '--format', 'json']);
      expect(a.status).toBe(0);
      expectRel((JSON.parse(a.stdout) as { totals: { timeSeconds: number } }).totals.timeSeconds, x.fittedSeconds, 1e-12);
    }
  });

  it('the table lists each term, base → fitted or why not, each residual, and the median errors', () => {
    const measurements = write('known.csv', ['model,hardware,phase,batch,seqLen,contextLen,measuredSeconds', ...rows(KNOWN, MODELS).map((m) => [m.model, m.hardware, m.phase, m.batch, m.seqLen, m.contextLen, m.measuredSeconds].join(','))].join('\n'));
    const r = cli(['fit', '--measurements', measurements]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^fit of h100-sxm to .*known\.csv: 12 measurements, base peak, \d iterations?\n/);
    expect(r.stdout).toMatch(/│ gemm +│ 1 +│ 0\.6000 +│/);
    expect(r.stdout).toMatch(/│ layerOverheadSeconds │ 0 µs │ 20\.00 µs +│/);
    expect(r.stdout).toMatch(/│ elementwise +│ 1 +│ not determined: no elementwise operator is compute-bound in any measurement │/);
    expect(r.stdout).toMatch(/│ llama-3\.1-8b +│ decode +│ 32 │ 4096 │/);
    expect(r.stdout).toMatch(/\nmedian \|error\|: \d+\.\d% at base, 0\.0% fitted\n$/);
  });

  it('from --base typical, undetermined terms keep the family\'s values and cite its sources; noisy data still beats the base', () => {
    const noise = (i: number): number => 1 + [0.05, -0.05, 0.025, -0.025, 0][i % 5]!;
    const measurements = write('noisy.json', { measurements: rows(KNOWN, MODELS, 'h100-sxm', noise) });
    const r = cli(['fit', '--measurements', measurements, '--base', 'typical', '--format', 'json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as FitDocument;
    expect(doc.base).toBe('typical:nvidia-hopper');
    expect(doc.profile.kinds.elementwise).toMatchObject({ value: 0.068, source: 'h100-datasheet' });
    expect(doc.profile.sources['h100-datasheet']?.title).toMatch(/^NVIDIA H100/);
    expect(doc.medianAbsError.fitted).toBeLessThan(doc.medianAbsError.base);
    expect(doc.medianAbsError.fitted).toBeLessThan(0.05);
  });

  it('refuses two hardware profiles, an empty file and a bad --base with exit 2, the file and the field, writing nothing', () => {
    const out = join(dir, 'never.json');
    const two = rows(KNOWN, ['paper/gta-1b']);
    two[1] = { ...two[1]!, hardware: 'a800-sxm' };
    const onA800 = rows(KNOWN, ['paper/gta-1b'], 'a800-sxm');
    const withBits: Record<string, unknown>[] = onA800.map((m, i) => (i === 2 ? { ...m, bits: 'fp8' } : m));
    const cases: [string[], RegExp][] = [
      [['--measurements', write('two.json', { measurements: two })], /^\S*two\.json: measurements\.1\.hardware: names a second hardware profile \(got "a800-sxm", expected "h100-sxm"/],
      [['--measurements', write('empty.json', { measurements: [] })], /^\S*empty\.json: measurements: /],
      [['--measurements', write('fp8.json', { measurements: withBits })], /^\S*fp8\.json: measurements\.2\.bits: fp8 computes at the fp8 peak, which a800-sxm \(hardware-profiles\/a800-sxm\.json\) does not list/],
      [['--measurements', write('empty.csv', '')], /^\S*empty\.csv: empty \(expected a header line/],
      [['--measurements', write('ok.json', { measurements: rows(KNOWN, ['paper/gta-1b']) }), '--base', 'fast'], /^--base: expected peak, typical, typical:<family> or a path to a \.json file \(got "fast"\)/],
      [['--measurements', join(dir, 'ok.json'), '--base', 'typical:nope'], /^--base: unknown family "nope"/],
    ];
    for (const [args, message] of cases) {
      const r = cli(['fit', ...args, '--out', out]);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
  });
});
