/**
 * The efficiency fit recovers a profile that made the data. Measurements are the engine's own predictions under a
 * known non-peak profile, so the fitted profile must give them back: each term the data determines to 1e-6, residuals
 * ~0. Which terms are determined follows from the bounds: prefill products and attention are compute-bound, decode is
 * memory-bound throughout, element-wise operators and the embedding gather are memory-bound everywhere.
 */
import { describe, expect, it } from 'vitest';
import type { Bits } from '../../src/core/dtype.js';
import { PEAK_EFFICIENCY, type EfficiencyProfile } from '../../src/core/efficiency.js';
import { Plan, type Point } from '../../src/core/engine.js';
import { fitEfficiency, medianAbs, type FitMeasurement } from '../../src/core/fit/fit.js';
import type { Hardware } from '../../src/core/hardware.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import type { Scope } from '../../src/core/model.js';
import { mlaMode, type Phase } from '../../src/core/workload.js';
import { TOY_HW } from '../helpers/engine.js';
import { GTA_1B, modelWith } from '../helpers/models.js';
import { KNOWN_EFFICIENCY } from '../helpers/efficiency.js';
import { expectRel } from '../helpers/rel.js';

const KNOWN = KNOWN_EFFICIENCY;

const BITS: Bits = { weight: 16, activation: 16, kv: 16 };
/** The toy device with an H100 SXM's roofs (989.4 TFLOP/s, 3.35 TB/s), where long prefills' attention is compute-bound. */
const DEVICE: Hardware = { ...TOY_HW, id: 'h100-like', peakFlopPerSecond: { fp16: 989.4e12, bf16: 989.4e12 }, memoryBandwidthBytesPerSecond: 3.35e12 };
/** Three models with 54, 32 and 24 layers, so per-layer and per-pass overheads can be told apart. */
const MODELS: ModelConfig[] = [
  GTA_1B,
  modelWith({ kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128, qkvBias: false, outBias: false }, 4096, { id: 'gqa-32', layers: 32, intermediateSize: 14336, vocabSize: 128256 }),
  modelWith({ kind: 'mha', heads: 12, headDim: 64, qkvBias: false, outBias: false }, 768, { id: 'mha-24', layers: 24, vocabSize: 50257 }),
];

/** A measurement's plan under any profile, as the CLI builds it. */
function planFor(model: ModelConfig, phase: Phase, scope: Scope): (e: EfficiencyProfile) => Plan {
  return (e) => new Plan(model, DEVICE, { phase, flash: true, pairs: 'causal', mla: mlaMode({ phase }), scope, efficiency: e });
}

/** Prefill at 4k and 8k prompts (compute-bound) and decode at batch 1 and 16 (memory-bound), per model. */
function grid(scope: Scope = 'model'): { plan: (e: EfficiencyProfile) => Plan; point: Point }[] {
  return MODELS.flatMap((m) => [
    { plan: planFor(m, 'prefill', scope), point: { batch: 2, seqLen: 4096, contextLen: 4096, bits: BITS } },
    { plan: planFor(m, 'prefill', scope), point: { batch: 1, seqLen: 8192, contextLen: 8192, bits: BITS } },
    { plan: planFor(m, 'decode', scope), point: { batch: 1, seqLen: 1, contextLen: 2048, bits: BITS } },
    { plan: planFor(m, 'decode', scope), point: { batch: 16, seqLen: 1, contextLen: 4096, bits: BITS } },
  ]);
}

/** The grid's times under `e`, times a factor per measurement. */
function measured(e: EfficiencyProfile, scope: Scope = 'model', factor: (i: number) => number = () => 1): FitMeasurement[] {
  return grid(scope).map((g, i) => ({ ...g, measuredSeconds: g.plan(e).totalsAt(g.point).timeSeconds * factor(i) }));
}

const value = (e: EfficiencyProfile, t: string): number => (t === 'memory' ? e.memory : t === 'layerOverheadSeconds' ? e.layerOverheadSeconds : t === 'stepOverheadSeconds' ? e.stepOverheadSeconds : e.kinds[t as keyof EfficiencyProfile['kinds']]);

describe('fitEfficiency', () => {
  it('recovers every determined term of the profile that made the data, and the residuals are ~0', () => {
    const r = fitEfficiency(measured(KNOWN), { base: PEAK_EFFICIENCY, label: 'fitted' });
    expect(r.settled).toBe(true);
    const determined = r.terms.filter((t) => t.determined).map((t) => t.term);
    expect(determined).toEqual(['gemm', 'attention', 'memory', 'layerOverheadSeconds', 'stepOverheadSeconds']);
    for (const t of determined) expectRel(value(r.profile, t), value(KNOWN, t), 1e-6);
    for (const x of r.residuals) expect(Math.abs(x.fittedError)).toBeLessThan(1e-9);
    expect(r.medianAbsError.fitted).toBeLessThan(1e-9);
    // At peak every prediction is too fast: the fractions only slow operators down and the overheads add time.
    expect(r.residuals.every((x) => x.baseError < 0)).toBe(true);
  });

  it('a kind that is never compute-bound is not determined and keeps the base value, saying why', () => {
    const r = fitEfficiency(measured(KNOWN), { base: PEAK_EFFICIENCY, label: 'fitted' });
    const elementwise = r.terms.find((t) => t.term === 'elementwise');
    expect(elementwise).toEqual({ term: 'elementwise', base: 1, fitted: 1, determined: false, why: 'no elementwise operator is compute-bound in any measurement' });
    expect(r.profile.kinds.elementwise).toBe(1);
    expect(r.terms.find((t) => t.term === 'collective')?.determined).toBe(false);
    // From another base, the undetermined terms keep that base's values.
    const base = { ...PEAK_EFFICIENCY, label: 'b', kinds: { ...PEAK_EFFICIENCY.kinds, elementwise: 0.25, gather: 0.9 } };
    const again = fitEfficiency(measured(KNOWN), { base, label: 'fitted' });
    expect(again.profile.kinds.elementwise).toBe(0.25);
    expect(again.profile.kinds.gather).toBe(0.9);
    expectRel(again.profile.kinds.gemm, 0.6, 1e-6);
  });

  it('overheads are not determined where the scope has none: attention scope has neither, one layer count confounds them', () => {
    const attention = fitEfficiency(measured(KNOWN, 'attention'), { base: PEAK_EFFICIENCY, label: 'fitted' });
    const why = Object.fromEntries(attention.terms.map((t) => [t.term, t.why]));
    expect(why.layerOverheadSeconds).toBe('no measurement at layer or model scope');
    expect(why.stepOverheadSeconds).toBe('no measurement at model scope');
    expectRel(attention.profile.kinds.attention, 0.5, 1e-6);
    // Layer scope: per-layer overhead only (one layer per pass, the same for every model), no per-pass one.
    const layer = fitEfficiency(measured(KNOWN, 'layer'), { base: PEAK_EFFICIENCY, label: 'fitted' });
    const l = Object.fromEntries(layer.terms.map((t) => [t.term, t]));
    expect(l.stepOverheadSeconds?.determined).toBe(false);
    expect(l.layerOverheadSeconds?.determined).toBe(true);
    expectRel(layer.profile.layerOverheadSeconds, 20e-6, 1e-6);
    // One model only: layers × o_layer + o_step is the same column up to a factor; neither is determined.
    const one = fitEfficiency(measured(KNOWN).slice(0, 4), { base: PEAK_EFFICIENCY, label: 'fitted' });
    const o = Object.fromEntries(one.terms.map((t) => [t.term, t]));
    expect(o.layerOverheadSeconds?.why).toBe('cannot be told apart from stepOverheadSeconds with these measurements');
    expect(o.stepOverheadSeconds?.determined).toBe(false);
  });

  it('a fraction the data puts above 1 is held at 1 and flagged', () => {
    // Times 20% faster than peak on every prefill: no fraction explains that; gemm and attention stop at 1.
    const r = fitEfficiency(measured(PEAK_EFFICIENCY, 'attention', (i) => (i % 4 < 2 ? 0.8 : 1)), { base: PEAK_EFFICIENCY, label: 'fitted' });
    const attention = r.terms.find((t) => t.term === 'attention');
    expect(attention?.fitted).toBe(1);
    expect(attention?.atLimit).toBe(true);
    expect(r.medianAbsError.fitted).toBeGreaterThan(0);
  });

  it('with ±5% noise the fit still beats the base, and stays near the profile that made the data', () => {
    // A deterministic perturbation: +5%, −5%, +2.5%, −2.5%, … by measurement index.
    const noise = (i: number): number => 1 + [0.05, -0.05, 0.025, -0.025, 0][i % 5]!;
    const r = fitEfficiency(measured(KNOWN, 'model', noise), { base: PEAK_EFFICIENCY, label: 'fitted' });
    expect(r.medianAbsError.fitted).toBeLessThan(r.medianAbsError.base);
    expect(r.medianAbsError.fitted).toBeLessThan(0.05);
    expectRel(r.profile.kinds.gemm, 0.6, 0.1);
    expectRel(r.profile.memory, 0.75, 0.1);
  });

  it('medianAbs is the median of the absolute values', () => {
    expect(medianAbs([-3, 1, 2])).toBe(2);
    expect(medianAbs([-4, 1, 2, -3])).toBe(2.5);
  });
});
