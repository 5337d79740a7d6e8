/** Operator values derived by hand from the spec's formulas, one or more per variant. */
import { describe, expect, it } from 'vitest';
import { opNamed, opsAt } from '../helpers/engine.js';
import { GQA_1B, GTA_1B, LLAMA_2_7B, MLA_160M, modelWith } from '../helpers/models.js';

describe('GTA-1B decode, B=1, L=2048, 16-bit, unfused', () => {
  const ops = opsAt(GTA_1B, { phase: 'decode', contextLen: 2048 });
  it('q_proj: 2·H·n_q·d_h = 2·1280·320 FLOPs; (H+1)·320 weights ×2 B', () => {
    const q = opNamed(ops, 'q_proj');
    expect(q.flops).toBe(819_200);
    expect(q.bytes.weight).toBe(1281 * 320 * 2);
    expect(q.bytes.actRead).toBe(1280 * 2);
    expect(q.bytes.actWrite).toBe(320 * 2);
  });
  it('qk_matmul: 2·L·n_q·d_h = 2·2048·5·64 FLOPs, one key head of 64 read per key: 2048·64·2 B', () => {
    const qk = opNamed(ops, 'qk_matmul');
    expect(qk.flops).toBe(1_310_720);
    expect(qk.bytes.kvRead).toBe(262_144);
    expect(qk.bytes.actWrite).toBe(2048 * 5 * 2); // the 5 score rows
  });
  it('sv_matmul: 2·L·n_q·d_l = 2·2048·5·128 FLOPs, one latent head of 128 read per key', () => {
    const sv = opNamed(ops, 'sv_matmul');
    expect(sv.flops).toBe(2_621_440);
    expect(sv.bytes.kvRead).toBe(524_288);
  });
  it('softmax: 5 FLOPs per score over n_q = 5 maps: 5·2048·5', () => {
    expect(opNamed(ops, 'softmax').flops).toBe(51_200);
  });
  it('decoder: 2·n_q·d_l·e·d_l + H = 2·5·128·2·128 + 1280 FLOPs; d_l·H weights', () => {
    const d = opNamed(ops, 'decoder');
    expect(d.flops).toBe(327_680 + 1280);
    expect(d.bytes.weight).toBe(128 * 1280 * 2);
  });
  it('gate: 5 FLOPs per hidden element, reads gate and decoder output, writes one', () => {
    const g = opNamed(ops, 'gate');
    expect(g.flops).toBe(6400);
    expect(g.bytes.actRead).toBe(2 * 1280 * 2);
  });
  it('rope: 3 FLOPs per rotated element over n_q + n_k = 6 heads of 64; the rotated key goes to the cache', () => {
    const r = opNamed(ops, 'rope');
    expect(r.flops).toBe(3 * 6 * 64);
    expect(r.bytes.kvWrite).toBe(64 * 2);
  });
});

describe('GQA-1B decode, B=1, L=2048', () => {
  const ops = opsAt(GQA_1B, { phase: 'decode', contextLen: 2048 });
  it('qk_matmul: 2·2048·20·64 FLOPs; 5 KV heads × 64 read once per key, not once per query head', () => {
    const qk = opNamed(ops, 'qk_matmul');
    expect(qk.flops).toBe(5_242_880);
    expect(qk.bytes.kvRead).toBe(2048 * 5 * 64 * 2);
  });
  it('v_proj writes its output straight into the cache: 5·64 elements ×2 B', () => {
    const v = opNamed(ops, 'v_proj');
    expect(v.bytes.kvWrite).toBe(640);
    expect(v.bytes.actWrite).toBe(0);
  });
});

describe('GQA prefill pairs', () => {
  const m = modelWith({ kind: 'gqa', heads: 12, kvHeads: 3, headDim: 64, qkvBias: true, outBias: false }, 768);
  it('causal S=4 has 10 pairs: qk FLOPs 2·10·12·64', () => {
    expect(opNamed(opsAt(m, { phase: 'prefill', seqLen: 4 }), 'qk_matmul').flops).toBe(15_360);
  });
  it('dense S=4 has 16 pairs: qk FLOPs 2·16·12·64', () => {
    expect(opNamed(opsAt(m, { phase: 'prefill', seqLen: 4, pairs: 'dense' }), 'qk_matmul').flops).toBe(24_576);
  });
});

describe('MLA 160M decode absorbed, B=1, L=1024', () => {
  const ops = opsAt(MLA_160M, { phase: 'decode', contextLen: 1024 });
  it('qk_matmul: 2·L·n_h·(d_c+d_r) = 2·1024·12·288 FLOPs, the latent read once: 1024·288·2 B', () => {
    const qk = opNamed(ops, 'qk_matmul');
    expect(qk.flops).toBe(7_077_888);
    expect(qk.bytes.kvRead).toBe(589_824);
  });
  it('q_absorb: 2·n_h·d_n·d_c = 2·12·64·256 FLOPs with n_h·d_n·d_c weights', () => {
    const q = opNamed(ops, 'q_absorb');
    expect(q.flops).toBe(393_216);
    expect(q.bytes.weight).toBe(12 * 64 * 256 * 2);
  });
  it('kv_norm writes the latent (d_c) to the cache, rope writes the shared key (d_r)', () => {
    expect(opNamed(ops, 'kv_norm').bytes.kvWrite).toBe(256 * 2);
    expect(opNamed(ops, 'rope').bytes.kvWrite).toBe(32 * 2);
  });
});

describe('MHA Llama-2-7B prefill S=1024, flash, causal, 228 KiB on-chip', () => {
  const ops = opsAt(LLAMA_2_7B, { phase: 'prefill', seqLen: 1024, flash: true });
  it('Br = min(ceil(233472 / (4·128·2)), 128) = 128, 8 tiles; tile i re-reads (i+1)·128 keys: 4608 key rows in all', () => {
    const a = opNamed(ops, 'attention');
    expect(a.bytes.kvRead).toBe(4608 * 2 * 32 * 128 * 2);
    expect(a.bytes.actWrite).toBe(1024 * 32 * 128 * 2);
  });
  it('FLOPs: causal 1024·1025/2 pairs × (2·32·128 + 5·32 + 2·32·128)', () => {
    expect(opNamed(ops, 'attention').flops).toBe(524_800 * (8192 + 160 + 8192));
  });
});
