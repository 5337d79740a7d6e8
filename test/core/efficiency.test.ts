/**
 * Efficiency profiles in the engine: `peak` is today's roofline to the bit, and under `typical` each kind's time is
 * its FLOPs over (peak × its fraction) or its bytes over (bandwidth × the memory fraction), plus the fixed overheads.
 */
import { describe, expect, it } from 'vitest';
import { Plan, sumOps, type OpResult, type PlanSpec, type Point } from '../../src/core/engine.js';
import { PEAK_EFFICIENCY, isPeak, type EfficiencyProfile } from '../../src/core/efficiency.js';
import type { Scope } from '../../src/core/model.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { SINGLE } from '../../src/core/parallelism.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { resolveEfficiency } from '../../src/io/load-efficiency.js';
import { loadModel } from '../../src/io/load-model.js';
import { opNamed } from '../helpers/engine.js';
import { LLAMA_2_7B } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const H100 = loadHardware('h100-sxm');
const TYPICAL = resolveEfficiency('typical', H100);
const BITS = { weight: 16, activation: 16, kv: 16 } as const;
const PREFILL: Point = { batch: 1, seqLen: 2048, contextLen: 2048, bits: BITS };
const DECODE: Point = { batch: 1, seqLen: 1, contextLen: 2048, bits: BITS };

function plan(model: ModelConfig, phase: 'prefill' | 'decode', efficiency: EfficiencyProfile | undefined, more: Partial<PlanSpec> = {}, scope: Scope = 'model'): Plan {
  return new Plan(model, H100.hardware, { phase, flash: true, pairs: 'causal', mla: 'absorbed', scope, efficiency, ...more });
}

/** Σ count × time of the operators, the part of the total that is not a fixed overhead. */
const opSeconds = (ops: readonly OpResult[]): number => sumOps(ops).timeSeconds;

describe('peak', () => {
  it('is today\'s roofline exactly: the same operators and totals, bit for bit, as a plan without an efficiency', () => {
    for (const phase of ['prefill', 'decode'] as const) {
      for (const scope of ['attention', 'layer', 'model'] as const) {
        const p = phase === 'prefill' ? PREFILL : DECODE;
        const without = plan(LLAMA_2_7B, phase, undefined, {}, scope);
        const withPeak = plan(LLAMA_2_7B, phase, PEAK_EFFICIENCY, {}, scope);
        // An equal profile that is not the PEAK_EFFICIENCY object: fractions of 1 and zero overheads change nothing.
        const ones = plan(LLAMA_2_7B, phase, { ...PEAK_EFFICIENCY, label: 'all ones' }, {}, scope);
        expect(withPeak.summary(p)).toEqual(without.summary(p));
        expect(ones.summary(p)).toEqual(without.summary(p));
        expect(withPeak.operators(p)).toEqual(without.operators(p));
        expect(without.totalsAt(p).overheadSeconds).toBeUndefined();
      }
    }
  });

  it('has every fraction 1 and no overhead; a typical profile is not peak', () => {
    expect(isPeak(PEAK_EFFICIENCY)).toBe(true);
    expect(isPeak(TYPICAL)).toBe(false);
    expect(TYPICAL.label).toBe('typical:nvidia-hopper');
  });
});

describe('typical on h100-sxm (nvidia-hopper)', () => {
  // Hand derivation: H100 SXM dense BF16 peak 989.4e12 FLOP/s, bandwidth 3.35e12 B/s (hardware-profiles/h100-sxm.json);
  // hopper fractions gemm 0.77, memory 0.8, overheads 32 us per layer and 126 us per pass (efficiency-profiles).
  const PEAK = 9.894e14;
  const BANDWIDTH = 3.35e12;

  it('uses the shipped hopper fractions', () => {
    expect(TYPICAL.kinds.gemm).toBe(0.77);
    expect(TYPICAL.memory).toBe(0.8);
    expect(TYPICAL.layerOverheadSeconds).toBe(3.2e-5);
    expect(TYPICAL.stepOverheadSeconds).toBe(1.26e-4);
  });

  it('a compute-bound prefill GEMM takes FLOPs / (peak × gemm fraction)', () => {
    const gate = opNamed(plan(LLAMA_2_7B, 'prefill', TYPICAL).operators(PREFILL), 'gate_proj');
    expect(gate.bound).toBe('compute');
    // 2 · S · H · I = 2 · 2048 · 4096 · 11008 FLOPs.
    expect(gate.flops).toBe(2 * 2048 * 4096 * 11008);
    expectRel(gate.timeSeconds, gate.flops / (PEAK * 0.77), 1e-15);
  });

  it('a memory-bound decode operator takes bytes / (bandwidth × memory fraction)', () => {
    const q = opNamed(plan(LLAMA_2_7B, 'decode', TYPICAL).operators(DECODE), 'q_proj');
    expect(q.bound).toBe('memory');
    // Weights H · H · 2 B, one token in and out: (H·H + 2H) · 2 bytes.
    expect(q.bytes.total).toBe((4096 * 4096 + 2 * 4096) * 2);
    expectRel(q.timeSeconds, q.bytes.total / (BANDWIDTH * 0.8), 1e-15);
  });

  it('adds 32 us per layer and 126 us per pass to the whole model, in totals.overheadSeconds', () => {
    const p = plan(LLAMA_2_7B, 'decode', TYPICAL);
    const overhead = 32 * 3.2e-5 + 1.26e-4;
    const totals = p.totalsAt(DECODE);
    expectRel(totals.overheadSeconds ?? 0, overhead, 1e-15);
    expectRel(totals.timeSeconds, opSeconds(p.operators(DECODE)) + overhead, 1e-14);
  });

  it('charges a layer scope per layer kind and an attention scope nothing', () => {
    const layer = plan(LLAMA_2_7B, 'decode', TYPICAL, {}, 'layer');
    expect(layer.totalsAt(DECODE).overheadSeconds).toBe(3.2e-5);
    const attention = plan(LLAMA_2_7B, 'decode', TYPICAL, {}, 'attention');
    expect(attention.totalsAt(DECODE).overheadSeconds).toBeUndefined();
    expect(attention.totalsAt(DECODE).timeSeconds).toBe(opSeconds(attention.operators(DECODE)));
  });

  it('a pipeline\'s stages add up to the totals, overheads included: each stage its layers\', the last the pass\'s', () => {
    const p = plan(LLAMA_2_7B, 'decode', TYPICAL, { parallel: { ...SINGLE, pp: 2 } });
    const stages = p.stageSeconds(DECODE);
    const peak = plan(LLAMA_2_7B, 'decode', { ...TYPICAL, layerOverheadSeconds: 0, stepOverheadSeconds: 0 }, { parallel: { ...SINGLE, pp: 2 } }).stageSeconds(DECODE);
    expectRel(stages[0]! - peak[0]!, 16 * 3.2e-5, 1e-9);
    expectRel(stages[1]! - peak[1]!, 16 * 3.2e-5 + 1.26e-4, 1e-9);
    expectRel(stages[0]! + stages[1]!, p.totalsAt(DECODE).timeSeconds, 1e-12);
  });
});

describe('each kind answers to its own fraction', () => {
  const only = (kinds: Partial<EfficiencyProfile['kinds']>, memory = 1): EfficiencyProfile => ({ ...PEAK_EFFICIENCY, label: 'test', kinds: { ...PEAK_EFFICIENCY.kinds, ...kinds }, memory });

  it('attention: the fused attention core runs at peak × its fraction (FLOPs / (9.894e14 × 0.05) once compute-bound); GEMMs do not move', () => {
    const base = plan(LLAMA_2_7B, 'prefill', undefined).operators(PREFILL);
    const slow = plan(LLAMA_2_7B, 'prefill', only({ attention: 0.05 })).operators(PREFILL);
    const core = opNamed(slow, 'attention');
    expect(core.bound).toBe('compute');
    expectRel(core.timeSeconds, core.flops / (9.894e14 * 0.05), 1e-15);
    expect(core.timeSeconds).toBeGreaterThan(opNamed(base, 'attention').timeSeconds);
    expect(opNamed(slow, 'gate_proj')).toEqual(opNamed(base, 'gate_proj'));
  });

  it('memory: a memory-bound operator slows by 1 / fraction', () => {
    const base = opNamed(plan(LLAMA_2_7B, 'decode', undefined).operators(DECODE), 'mlp_act');
    const slow = opNamed(plan(LLAMA_2_7B, 'decode', only({}, 0.5)).operators(DECODE), 'mlp_act');
    expectRel(slow.timeSeconds, base.timeSeconds * 2, 1e-12);
  });

  it('collective: the fraction multiplies the link\'s efficiency (hops × latency + bytes / (rate × efficiency × fraction))', () => {
    const model = loadModel('llama-3.1-8b');
    const tp = { ...SINGLE, tp: 2 };
    const find = (e: EfficiencyProfile | undefined): OpResult => plan(model, 'decode', e, { parallel: tp }).operators(DECODE).find((o) => o.kind === 'collective')!;
    const base = find(undefined);
    const half = find(only({ collective: 0.5 }));
    const link = plan(model, 'decode', undefined, { parallel: tp }).links.tp!.link;
    const bytes = base.bytes.network ?? 0;
    const send = bytes / (link.bytesPerSecond * link.efficiency);
    expect(bytes).toBeGreaterThan(0);
    expectRel(half.timeSeconds - base.timeSeconds, send, 1e-9);
  });
});
