// Terms only calibrated profiles carry, on one operator worked by hand: the few-row GEMM cap and the cache rate.
import { describe, expect, it } from 'vitest';
import { Plan } from '../../src/core/engine.js';
import type { Hardware } from '../../src/core/hardware.js';
import { TOY_HW } from '../helpers/engine.js';
import { GQA_1B } from '../helpers/models.js';

const EXTRAS = { expPerSecond: 0, operatorOverheadSeconds: 0, attentionFlopPerSecond: { prefill: 0, decode: 0 }, fewRowGemmFlopPerSecond: 0, cacheBytes: 0, cacheBytesPerSecond: 0 };
const H = 1280; // GQA-1B hidden size; q_proj is H × H
const bits = { weight: 32, activation: 32, kv: 32 } as const;

function qProj(hw: Hardware, batch: number): { timeSeconds: number; flops: number; bytes: number } {
  const plan = new Plan(GQA_1B, hw, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'attention' });
  const op = plan.operators({ batch, seqLen: 1, contextLen: 64, bits }).find((o) => o.name === 'q_proj')!;
  return { timeSeconds: op.timeSeconds, flops: op.flops, bytes: op.bytes.total };
}

describe('calibrated roofline terms', () => {
  it('caps the compute peak at the measured few-row GEMM rate for at most 8 rows, not for 9', () => {
    const hw: Hardware = { ...TOY_HW, extras: { ...EXTRAS, fewRowGemmFlopPerSecond: 1e12 } };
    const four = qProj(hw, 4);
    expect(four.flops).toBe(2 * 4 * H * H);
    expect(four.timeSeconds).toBe(four.flops / 1e12); // compute at the capped rate beats the weights at 1e12 B/s
    expect(four.flops / 1e12).toBeGreaterThan(four.bytes / 1e12);
    const nine = qProj(hw, 9);
    expect(nine.timeSeconds).toBe(Math.max(nine.flops / 1e15, nine.bytes / 1e12));
    expect(qProj(TOY_HW, 4).timeSeconds).toBe(Math.max(four.flops / 1e15, four.bytes / 1e12));
  });

  it('streams a step at the cache rate when its weights and KV cache fit the measured resident working set', () => {
    const mem = qProj({ ...TOY_HW, extras: { ...EXTRAS, cacheBytes: 1e6, cacheBytesPerSecond: 4e12 } }, 1); // far too small: memory rate
    const cached = qProj({ ...TOY_HW, extras: { ...EXTRAS, cacheBytes: 1e9, cacheBytesPerSecond: 4e12 } }, 1);
    expect(mem.timeSeconds).toBe(mem.bytes / 1e12);
    expect(cached.timeSeconds).toBe(cached.bytes / 4e12);
  });
});
