/**
 * The GTA repository's LLM-Viewer outputs for GQA-1B and GTA-1B on nvidia_H100 (w16a16kv16, no flash, batch 1),
 * recovered from its history (spec: gta-paper.md §6): times to every printed digit (5 decimals of a millisecond),
 * OP totals and KV-cache sizes to the printed precision, and per-layer decode rows at S = 2048.
 */
import { describe, expect, it } from 'vitest';
import { Plan } from '../../src/core/engine.js';
import type { CostModel } from '../../src/core/workload.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';

const hw = loadHardware('llm-viewer/nvidia_H100').hardware;
const BITS = { weight: 16, activation: 16, kv: 16 } as const;

function at(id: string, phase: 'prefill' | 'decode', s: number, costModel: CostModel = 'llm-viewer-gta', scope: 'model' | 'layer' = 'model') {
  const plan = new Plan(loadModel(id), hw, { phase, flash: false, pairs: 'dense', mla: 'absorbed', scope, costModel });
  const point = { batch: 1, seqLen: s, contextLen: s, bits: BITS };
  return { ...plan.summary(point), ops: plan.operators(point) };
}

/** Rounds to `digits` significant digits, as LLM-Viewer's CSVs print (2.1G, 1.1T, 35.4M). */
const sig = (x: number, digits: number): number => Number(x.toPrecision(digits));

const LENGTHS = [2048, 1024, 512, 128];
const RECORDED = {
  'paper/gqa-1b': {
    decodeMs: [0.7882, 0.76228, 0.74932, 0.7396],
    prefillMs: [17.47829, 5.85791, 2.2838, 0.97816],
    decodeOps: [2.7e9, 2.4e9, 2.2e9, 2.1e9],
    prefillOps: [5.1e12, 2.3e12, 1.1e12, 252e9],
    kvBytes: [142e6, 70.8e6, 35.4e6, 8.8e6],
  },
  'paper/gta-1b': {
    decodeMs: [0.75186, 0.74423, 0.74041, 0.73755],
    prefillMs: [9.14241, 3.90181, 1.85871, 0.97557],
    decodeOps: [2.3e9, 2.2e9, 2.1e9, 2.1e9],
    prefillOps: [4.4e12, 2.1e12, 1.0e12, 249e9],
    kvBytes: [42.5e6, 21.2e6, 10.6e6, 2.7e6],
  },
} as const;

describe.each(Object.entries(RECORDED))('%s under llm-viewer-gta', (id, rec) => {
  it.each(LENGTHS.map((s, i) => [s, i] as const))('S = %i: times to 5 decimals of a ms, OPs and KV cache as printed', (s, i) => {
    const d = at(id, 'decode', s);
    const p = at(id, 'prefill', s);
    expect((d.totals.timeSeconds * 1e3).toFixed(5)).toBe(rec.decodeMs[i]!.toFixed(5));
    expect((p.totals.timeSeconds * 1e3).toFixed(5)).toBe(rec.prefillMs[i]!.toFixed(5));
    expect(sig(d.totals.flops, 2)).toBe(rec.decodeOps[i]);
    expect(sig(p.totals.flops, rec.prefillOps[i]! < 1e12 ? 3 : 2)).toBe(rec.prefillOps[i]);
    expect(sig(p.memory.kvCacheBytes, rec.kvBytes[i]! >= 10e6 ? 3 : 2)).toBe(rec.kvBytes[i]);
  });
});

describe('per-layer decode rows at B = 1, S = 2048 (as printed: 3 significant digits)', () => {
  const row = (id: string) => {
    const ops = at(id, 'decode', 2048, 'llm-viewer-gta', 'layer').ops;
    return (name: string) => ops.find((o) => o.name === name)!;
  };
  it('GQA-1B', () => {
    const op = row('paper/gqa-1b');
    expect([op('q_proj').flops, op('k_proj').flops, op('v_proj').flops, op('out_proj').flops].map((x) => sig(x, 2))).toEqual([3.3e6, 820e3, 820e3, 3.3e6]);
    expect(sig(op('gate_proj').flops, 2)).toBe(9.2e6);
    expect(sig(op('qk_matmul').flops, 2)).toBe(5.2e6);
    expect(sig(op('qk_matmul').bytes.kvRead, 2)).toBe(1.3e6);
    expect(sig(op('softmax').flops, 3)).toBe(205e3);
  });
  it('GTA-1B', () => {
    const op = row('paper/gta-1b');
    expect([op('q_proj').flops, op('k_proj').flops, op('v_proj').flops, op('out_proj').flops, op('v2o_proj').flops, op('g_proj').flops].map((x) => sig(x, 3))).toEqual([819e3, 164e3, 328e3, 3.28e6, 328e3, 3.28e6]);
    expect(sig(op('qk_matmul').flops, 2)).toBe(1.3e6);
    expect(sig(op('qk_matmul').bytes.kvRead, 3)).toBe(262e3);
    expect(sig(op('sv_matmul').flops, 2)).toBe(2.6e6);
    expect(sig(op('sv_matmul').bytes.kvRead, 3)).toBe(524e3);
    expect(sig(op('softmax').flops, 3)).toBe(51.2e3);
    expect(sig(op('output_add').flops, 2)).toBe(1.3e3);
    expect(sig(op('gate_act').flops, 2)).toBe(2.6e3);
  });
});

describe('lm_head counts B·H·V OPs, as in the recorded outputs', () => {
  it('GTA-1B decode lm_head: 1280 · 128256', () => {
    expect(at('paper/gta-1b', 'decode', 128).ops.find((o) => o.name === 'lm_head')!.flops).toBe(1280 * 128256);
  });
});

describe('flavours', () => {
  it('GTA follows the fork under both llm-viewer cost models', () => {
    expect(at('paper/gta-1b', 'prefill', 512, 'llm-viewer').totals).toEqual(at('paper/gta-1b', 'prefill', 512, 'llm-viewer-gta').totals);
  });
  it('upstream LLM-Viewer differs from the fork only in mlp_act for GQA (2·H·a + H·a bytes against 2·I·a + H·a)', () => {
    const up = at('paper/gqa-1b', 'decode', 512, 'llm-viewer');
    const fork = at('paper/gqa-1b', 'decode', 512, 'llm-viewer-gta');
    expect(fork.totals.bytes - up.totals.bytes).toBe(54 * 2 * (3584 - 1280) * 2);
  });
  it('MLA is not modelled by LLM-Viewer: a clear error', () => {
    expect(() => at('paper/160m-mla', 'decode', 128, 'llm-viewer')).toThrow(/LLM-Viewer has no accounting for MLA attention; use --cost-model exact/);
  });
});
