// Terms only calibrated profiles carry, on one operator worked by hand: the few-row GEMM cap, the cache rate, the KV
// streaming rate, and the attention kernel's rate read off its grid at each variant's shape.
import { describe, expect, it } from 'vitest';
import { Plan } from '../../src/core/engine.js';
import type { Hardware } from '../../src/core/hardware.js';
import { TOY_HW } from '../helpers/engine.js';
import { GQA_1B, GTA_1B, LLAMA_2_7B, MLA_160M } from '../helpers/models.js';
import type { ModelConfig } from '../../src/core/model-config.js';

const EXTRAS = { expPerSecond: 0, operatorOverheadSeconds: 0, attentionFlopPerSecond: { prefill: 0, decode: 0 }, fewRowGemmFlopPerSecond: 0, workingSet: undefined };
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

  it('blends the few-row cap between its from-memory and in-cache rates by the share of the step read from memory', () => {
    const few = { ...EXTRAS, fewRowGemmFlopPerSecond: 1e12, fewRowGemmCachedFlopPerSecond: 3e12 };
    // Without a working-set curve the whole step comes from memory: the from-memory rate, as before.
    const mem = qProj({ ...TOY_HW, extras: few }, 4);
    expect(mem.timeSeconds).toBe(mem.flops / 1e12);
    // A step that streams at the curve's in-cache rate reads nothing from memory: the in-cache rate.
    const cached = qProj({ ...TOY_HW, extras: { ...few, workingSet: { bytes: [1e9], bytesPerSecond: [4e12] } } }, 4);
    expect(cached.timeSeconds).toBe(cached.flops / 3e12);
    // Halfway down a curve from 4e12 (in cache) to 1e12 (memory bandwidth) the step streams at 2.5e12: share 0.5,
    // rate 1 / (0.5 / 1e12 + 0.5 / 3e12) = 1.5e12.
    const plan = new Plan(GQA_1B, TOY_HW, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'attention' });
    const resident = plan.operators({ batch: 4, seqLen: 1, contextLen: 64, bits }).reduce((s, o) => s + o.count * (o.bytes.weight + o.bytes.kvRead), 0);
    const half = qProj({ ...TOY_HW, extras: { ...few, workingSet: { bytes: [resident / 2, resident * 2], bytesPerSecond: [4e12, 1e12] } } }, 4);
    expect(half.timeSeconds).toBeCloseTo(half.flops / 1.5e12, 15);
    // Above 8 rows neither rate applies.
    const nine = qProj({ ...TOY_HW, extras: { ...few, workingSet: { bytes: [1e9], bytesPerSecond: [4e12] } } }, 9);
    expect(nine.timeSeconds).toBe(Math.max(nine.flops / 1e15, nine.bytes / 4e12));
  });

  it('streams a step at the working-set rate when its weights and KV cache fit the measured curve, else at memory bandwidth', () => {
    const mem = qProj({ ...TOY_HW, extras: { ...EXTRAS, workingSet: { bytes: [1e6], bytesPerSecond: [4e12] } } }, 1); // far too small: memory rate
    const cached = qProj({ ...TOY_HW, extras: { ...EXTRAS, workingSet: { bytes: [1e9], bytesPerSecond: [4e12] } } }, 1);
    expect(mem.timeSeconds).toBe(mem.bytes / 1e12);
    expect(cached.timeSeconds).toBe(cached.bytes / 4e12);
  });

  it('charges a decode projection read from memory in one short stream at the measured cold-stream rate for its size', () => {
    // q_proj reads H² FP32 weights (6.55 MB) and a few KB of activations. The cold-stream curve puts 2^22 bytes at
    // 5e11 B/s and 2^24 at 1e12 (memory bandwidth, 1e12, is the long-stream rate): at 6.55 MB the rate is
    // interpolated in log2 of the size, and the weights take r_largest / r(size) times as long as at bandwidth.
    const coldStream = { bytes: [2 ** 22, 2 ** 24], bytesPerSecond: [5e11, 1e12] };
    const w = 4 * H * H;
    const r = 5e11 + ((Math.log2(w) - 22) / 2) * 5e11;
    const base = qProj(TOY_HW, 1);
    const cold = qProj({ ...TOY_HW, extras: { ...EXTRAS, coldStream } }, 1);
    expect(cold.bytes).toBe(base.bytes); // the bytes moved are the same; only their time changes
    expect(cold.timeSeconds).toBeCloseTo((base.bytes + w * (1e12 / r - 1)) / 1e12, 15);
    // A step that fits the working-set curve at its in-cache rate reads nothing from memory: no extra.
    const cached = qProj({ ...TOY_HW, extras: { ...EXTRAS, coldStream, workingSet: { bytes: [1e9], bytesPerSecond: [4e12] } } }, 1);
    expect(cached.timeSeconds).toBe(cached.bytes / 4e12);
  });

  it('reads the KV cache at the measured KV streaming rate, and the weights at the step bandwidth', () => {
    // Llama-2-7B decode at context 4096: the attention operator reads 32 heads × 128 × 4096 keys of K and of V in FP32.
    const hw: Hardware = { ...TOY_HW, extras: { ...EXTRAS, kvStream: 2e12 } };
    const p = new Plan(LLAMA_2_7B, hw, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'attention' });
    const point = { batch: 1, seqLen: 1, contextLen: 4096, bits };
    const ops = p.operators(point);
    const attn = ops.find((o) => o.name === 'attention')!;
    expect(attn.bytes.kvRead).toBe(32 * 128 * 4096 * 2 * 4);
    expect(attn.timeSeconds).toBeCloseTo((attn.bytes.total - attn.bytes.kvRead) / 1e12 + attn.bytes.kvRead / 2e12, 15);
    // Operators that read no cache keep the bandwidth; without the rate the cache reads go at it too.
    const plain = new Plan(LLAMA_2_7B, { ...TOY_HW, extras: EXTRAS }, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'attention' }).operators(point);
    expect(ops.find((o) => o.name === 'q_proj')!.timeSeconds).toBe(plain.find((o) => o.name === 'q_proj')!.timeSeconds);
    expect(plain.find((o) => o.name === 'attention')!.timeSeconds).toBe(attn.bytes.total / 1e12);
    // The summary's straight-line function agrees with the per-operator path.
    expect(p.summary(point).totals.timeSeconds).toBe(ops.reduce((t, o) => t + o.count * o.timeSeconds, 0));
  });

  const DECODE = { xs: [1, 4, 16], ys: [64, 256], rates: [[1e9, 2e9], [4e9, 8e9], [16e9, 32e9]] };
  const PREFILL = { xs: [128, 512, 2048], ys: [64, 128], rates: [[10e9, 20e9], [30e9, 40e9], [50e9, 60e9]] };
  const gridHw: Hardware = { ...TOY_HW, extras: { ...EXTRAS, attentionFlopPerSecond: { prefill: 1, decode: 1, prefillGrid: PREFILL, decodeGrid: DECODE } } };
  const plan = (m: ModelConfig, phase: 'prefill' | 'decode', hw: Hardware = gridHw): Plan => new Plan(m, hw, { phase, flash: true, pairs: 'causal', mla: phase === 'decode' ? 'absorbed' : 'naive', scope: 'attention' });

  it("reads the decode attention rate at the variant's maps per cached key head and head dimension", () => {
    expect(plan(LLAMA_2_7B, 'decode').attentionRate(1)).toBeCloseTo(1.5e9, 3); // MHA: 1 map per head, d = 128 (halfway 64 → 256)
    expect(plan(GQA_1B, 'decode').attentionRate(1)).toBe(4e9); // 20 maps over 5 heads of 64
    // GTA-1B: 5 maps share its one key head; scores 64 wide, values 128 (mean 96). Both parameters lie inside the
    // grid: 5 is log2(5/4)/2 of the way from 4 to 16, 96 is log2(96/64)/2 of the way from 64 to 256.
    const s = Math.log2(5 / 4) / 2;
    const u = Math.log2(96 / 64) / 2;
    const r4 = 4e9 + u * 4e9;
    const r16 = 16e9 + u * 16e9;
    expect(plan(GTA_1B, 'decode').attentionRate(1)).toBeCloseTo(r4 + s * (r16 - r4), 3);
    // MLA absorbed: 12 maps over one latent of d_c + d_r = 288 (scores) and 256 (values), mean 272, past the grid's 256.
    const t = Math.log2(12 / 4) / 2;
    expect(plan(MLA_160M, 'decode').attentionRate(1)).toBeCloseTo(8e9 + t * 24e9, 3);
  });

  it("reads the prefill attention rate at each point's sequence length, and uses it for the attention operator", () => {
    const p = plan(GQA_1B, 'prefill');
    expect(p.attentionRate(128)).toBe(10e9);
    expect(p.attentionRate(1024)).toBeCloseTo(40e9, 3);
    expect(p.attentionRate(8192)).toBe(50e9);
    const at = (seqLen: number): number => p.operators({ batch: 1, seqLen, contextLen: seqLen, bits }).find((o) => o.name === 'attention')!.timeSeconds;
    const flops = (seqLen: number): number => p.operators({ batch: 1, seqLen, contextLen: seqLen, bits }).find((o) => o.name === 'attention')!.flops;
    expect(at(128)).toBe(flops(128) / 10e9);
    expect(at(2048)).toBe(flops(2048) / 50e9);
    // The summary's straight-line function agrees with the per-operator path.
    const total = p.operators({ batch: 1, seqLen: 1024, contextLen: 1024, bits }).reduce((s, o) => s + o.count * o.timeSeconds, 0);
    expect(p.summary({ batch: 1, seqLen: 1024, contextLen: 1024, bits }).totals.timeSeconds).toBe(total);
  });

  it('uses the single figure per phase when the profile has no grid, and none without calibration', () => {
    const flat: Hardware = { ...TOY_HW, extras: { ...EXTRAS, attentionFlopPerSecond: { prefill: 3e9, decode: 5e9 } } };
    expect(plan(GQA_1B, 'prefill', flat).attentionRate(128)).toBe(3e9);
    expect(plan(LLAMA_2_7B, 'decode', flat).attentionRate(1)).toBe(5e9);
    expect(plan(GQA_1B, 'decode', TOY_HW).attentionRate(1)).toBe(0);
  });

  it("reads each weight product's compute peak off the GEMM grid at its own rows and output columns", () => {
    const GEMM = { xs: [128, 512, 2048], ys: [256, 1024, 4096], rates: [[1e9, 2e9, 4e9], [2e9, 4e9, 8e9], [4e9, 8e9, 16e9]] };
    const hw: Hardware = { ...TOY_HW, memoryBandwidthBytesPerSecond: 1e15, extras: { ...EXTRAS, gemmGrid: GEMM, fewRowGemmFlopPerSecond: 5e8 } };
    const p = plan(GQA_1B, 'prefill', hw);
    const ops = (batch: number, seqLen: number) => p.operators({ batch, seqLen, contextLen: seqLen, bits });
    const time = (batch: number, seqLen: number, name: string): { t: number; f: number } => {
      const o = ops(batch, seqLen).find((x) => x.name === name)!;
      return { t: o.timeSeconds, f: o.flops };
    };
    // q_proj writes 1280 columns per row, k_proj 320 (5 heads of 64): log2(1280/1024)/2 and log2(320/256)/2 of the
    // way to the next column of the grid.
    const q = time(1, 512, 'q_proj');
    expect(q.t).toBeCloseTo(q.f / (4e9 + (Math.log2(1280 / 1024) / 2) * 4e9), 15);
    const k = time(4, 512, 'k_proj'); // 2048 rows
    expect(k.t).toBeCloseTo(k.f / (4e9 + (Math.log2(320 / 256) / 2) * 4e9), 15);
    // Operators without weights (RoPE) keep the profile's peak; at most 8 rows the few-row rate applies instead.
    expect(time(1, 512, 'rope').t).toBe(Math.max(time(1, 512, 'rope').f / 1e15, ops(1, 512).find((o) => o.name === 'rope')!.bytes.total / 1e15));
    const d = plan(GQA_1B, 'decode', hw).operators({ batch: 4, seqLen: 1, contextLen: 64, bits }).find((o) => o.name === 'q_proj')!;
    expect(d.timeSeconds).toBe(d.flops / 5e8);
    const total = ops(2, 300).reduce((s, o) => s + o.count * o.timeSeconds, 0);
    expect(p.summary({ batch: 2, seqLen: 300, contextLen: 300, bits }).totals.timeSeconds).toBe(total);
  });
});
