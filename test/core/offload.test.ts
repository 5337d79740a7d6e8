/** KV offload: the host-transfer operators against bytes / host bandwidth, the overlapped pass against its formula. */
import { describe, expect, it } from 'vitest';
import { Plan, type OpResult, type Point } from '../../src/core/engine.js';
import { Generator, type GenerateSettings } from '../../src/core/generate.js';
import type { Bits } from '../../src/core/dtype.js';
import type { Hardware } from '../../src/core/hardware.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import type { Phase } from '../../src/core/workload.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { GQA_1B, GTA_1B, LLAMA_2_7B } from '../helpers/models.js';
import { expectRel } from '../helpers/rel.js';

const h100 = loadHardware('h100-sxm').hardware;
const BITS16 = { weight: 16, activation: 16, kv: 16 } as const;
const BITS32 = { weight: 32, activation: 32, kv: 32 } as const;

/** H100 SXM's host link as its profile gives it: PCIe Gen5 x16, 128 GB/s both directions; defaults 1 us and 0.8. */
const HOST_PER_DIRECTION = 128e9 / 2;
const HOST_EFFICIENCY = 0.8;
const HOST_LATENCY = 1e-6;

function plan(model: ModelConfig, phase: Phase, kvOffload: boolean | undefined, hw: Hardware = h100): Plan {
  return new Plan(model, hw, { phase, flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model', kvOffload });
}

function decodeAt(batch: number, contextLen: number, bits: Bits = BITS16): Point {
  return { batch, seqLen: 1, contextLen, bits };
}

function named(ops: readonly OpResult[], name: string): OpResult {
  const o = ops.find((x) => x.name === name);
  if (o === undefined) throw new Error(`no ${name}`);
  return o;
}

describe('the host transfer of one layer', () => {
  it('Llama-2-7B: B · K · 2 · n_kv · d_h · kv bytes, one latency + bytes / (bandwidth × efficiency)', () => {
    // 8 sequences × 4096 cached tokens × 2 (K and V) × 32 KV heads × 128 dims × 2 bytes = 536,870,912 bytes.
    const bytes = 8 * 4096 * 2 * 32 * 128 * 2;
    expect(bytes).toBe(536_870_912);
    const fetch = named(plan(LLAMA_2_7B, 'decode', true).operators(decodeAt(8, 4096)), 'kv_fetch');
    expect(fetch.count).toBe(32);
    expect(fetch.kind).toBe('collective');
    expect(fetch.bound).toBe('network');
    expect(fetch.bytes.network).toBe(bytes);
    expectRel(fetch.timeSeconds, HOST_LATENCY + bytes / (HOST_PER_DIRECTION * HOST_EFFICIENCY));
  });

  it('GTA-1B: its cache of n_k·d_h + n_c·d_l = 64 + 128 elements per token, and the new token written back', () => {
    const ops = plan(GTA_1B, 'decode', true).operators(decodeAt(64, 2048));
    // 64 × 2048 × 192 × 2 = 50,331,648 bytes fetched; 64 × 1 × 192 × 2 = 24,576 bytes stored.
    expect(named(ops, 'kv_fetch').bytes.network).toBe(50_331_648);
    expect(named(ops, 'kv_store').bytes.network).toBe(24_576);
    expectRel(named(ops, 'kv_store').timeSeconds, HOST_LATENCY + 24_576 / (HOST_PER_DIRECTION * HOST_EFFICIENCY));
    // The transfers move no device memory of their own: the cache bytes are still the attention's kvRead.
    expect(named(ops, 'kv_fetch').bytes.total).toBe(0);
  });

  it('prefill only writes the prompt\'s cache back', () => {
    const ops = plan(GTA_1B, 'prefill', true).operators({ batch: 4, seqLen: 512, contextLen: 512, bits: BITS16 });
    expect(ops.some((o) => o.name === 'kv_fetch')).toBe(false);
    expect(named(ops, 'kv_store').bytes.network).toBe(4 * 512 * 192 * 2);
  });
});

/** The pass by the documented formula, from the per-operator results of a uniform model (every layer one segment). */
function formulaSeconds(ops: readonly OpResult[], layers: number): number {
  const inLayer = ops.filter((o) => o.count === layers && o.kind !== 'collective');
  const c = inLayer.reduce((s, o) => s + o.timeSeconds, 0);
  const f = ops.find((o) => o.name === 'kv_fetch')?.timeSeconds ?? 0;
  const w = named(ops, 'kv_store').timeSeconds;
  const outer = ops.filter((o) => o.count === 1).reduce((s, o) => s + o.timeSeconds, 0);
  // f_1 + max(c_1, f_2) + Σ_{l=2..L−1} max(c_l, f_{l+1}, w_{l−1}) + max(c_L, w_{L−1}) + w_L + embedding and head.
  return f + Math.max(c, f) + (layers - 2) * Math.max(c, f, w) + Math.max(c, w) + w + outer;
}

describe('a pass of T new tokens (a prefill chunk, a verification) fetches only what the host holds', () => {
  it('chunk of 512 new tokens after 1,536 cached: B · (K − T + 1) tokens fetched, as a decode step fetches B · K at T = 1', () => {
    // The host holds the 1,536 keys earlier chunks wrote; the chunk's own 512 are computed on the device and only
    // stored. Fetched: 2 × (1,536 + 1) tokens × 192 elements × 2 bytes (the + 1: a decode step's convention, T = 1
    // fetching all K keys it reads); stored: 2 × 512 × 192 × 2.
    const ops = plan(GTA_1B, 'decode', true).operators({ batch: 2, seqLen: 1, contextLen: 2048, queries: 512, bits: BITS16 });
    expect(named(ops, 'kv_fetch').bytes.network).toBe(2 * 1537 * 192 * 2);
    expect(named(ops, 'kv_store').bytes.network).toBe(2 * 512 * 192 * 2);
  });

  it('one chunk (C ≥ N) fetches one token per sequence, not the prompt the pass itself computes', () => {
    const ops = plan(LLAMA_2_7B, 'decode', true).operators({ batch: 1, seqLen: 1, contextLen: 8192, queries: 8192, bits: BITS16 });
    // 1 token × 2 (K and V) × 32 heads × 128 dims × 2 bytes.
    expect(named(ops, 'kv_fetch').bytes.network).toBe(16_384);
  });
});

describe('the overlapped pass', () => {
  it('equals f_1 + Σ max(c_l, f_{l+1}, w_{l−1}) + w_L + the rest, where the link is the bottleneck', () => {
    const p = plan(GTA_1B, 'decode', true);
    const at = decodeAt(64, 2048, BITS32);
    const ops = p.operators(at);
    const t = p.totalsAt(at);
    expectRel(t.timeSeconds, formulaSeconds(ops, 54), 1e-12);
    // Transfer-bound: every layer waits on its fetch, so the pass is close to the link's busy time.
    expect(t.timeSeconds).toBeGreaterThan(t.hostTransferSeconds ?? 0);
    expectRel(t.hostTransferSeconds ?? 0, 54 * (named(ops, 'kv_fetch').timeSeconds + named(ops, 'kv_store').timeSeconds));
  });

  it('equals the formula where compute hides the stream (a short context), and the prefill', () => {
    const p = plan(GTA_1B, 'decode', true);
    const at = decodeAt(1, 16);
    const ops = p.operators(at);
    expectRel(p.totalsAt(at).timeSeconds, formulaSeconds(ops, 54), 1e-12);
    const pre = plan(GTA_1B, 'prefill', true);
    const pat = { batch: 8, seqLen: 1024, contextLen: 1024, bits: BITS16 };
    expectRel(pre.totalsAt(pat).timeSeconds, formulaSeconds(pre.operators(pat), 54), 1e-12);
  });

  it('is never faster than the cache on the device, and the compute operators cost what they cost without offload', () => {
    const at = decodeAt(16, 1024);
    const on = plan(GTA_1B, 'decode', true);
    const off = plan(GTA_1B, 'decode', undefined);
    expect(on.totalsAt(at).timeSeconds).toBeGreaterThanOrEqual(off.totalsAt(at).timeSeconds);
    const onOps = on.operators(at).filter((o) => o.kind !== 'collective');
    expect(onOps).toEqual(off.operators(at));
  });
});

describe('off is today', () => {
  it('kvOffload false or absent gives the same operators, totals and footprint', () => {
    for (const phase of ['prefill', 'decode'] as const) {
      const at = { batch: 4, seqLen: 256, contextLen: 1024, bits: BITS16 };
      const absent = plan(LLAMA_2_7B, phase, undefined);
      const off = plan(LLAMA_2_7B, phase, false);
      expect(off.operators(at)).toEqual(absent.operators(at));
      expect(off.summary(at)).toEqual(absent.summary(at));
      expect(Object.keys(off.summary(at).totals)).toEqual(['flops', 'bytes', 'timeSeconds']);
      expect('hostKvCacheBytes' in off.memory(at)).toBe(false);
    }
  });
});

describe('memory under offload', () => {
  it('the device holds two layers\' cache; the host holds the whole cache', () => {
    const at = decodeAt(64, 2048);
    const on = plan(GTA_1B, 'decode', true).memory(at);
    const off = plan(GTA_1B, 'decode', undefined).memory(at);
    // One layer: 64 × 2048 × 192 × 2 bytes; two resident.
    expect(on.kvCacheBytes).toBe(2 * 64 * 2048 * 192 * 2);
    expect(on.hostKvCacheBytes).toBe(off.kvCacheBytes);
    expectRel(on.kvCacheBytes, (2 / 54) * off.kvCacheBytes);
    expect(on.totalBytes).toBe(off.totalBytes - off.kvCacheBytes + on.kvCacheBytes);
    expect(on.weightBytes).toBe(off.weightBytes);
  });

  it('generate\'s memory answers use the device-side cache: a far larger batch fits', () => {
    const settings: GenerateSettings = { bits: BITS16, flash: false, pairs: 'causal', costModel: 'exact' };
    const options = { memoryReserve: 0.1 };
    const r = { input: 2048, output: 128, batch: 64 };
    const on = new Generator(LLAMA_2_7B, h100, { ...settings, kvOffload: true }, options).run(r);
    const off = new Generator(LLAMA_2_7B, h100, settings, options).run(r);
    expect(on.memory.kvCacheBytes).toBe((2 / 32) * off.memory.kvCacheBytes);
    expect(on.memory.maxBatch).toBeGreaterThan(10 * off.memory.maxBatch);
    expect(on.workload.kvOffload).toBe(true);
    expect(off.workload.kvOffload).toBeUndefined();
  });
});

describe('generate under offload', () => {
  it('is the prefill plus the sum of the offloaded decode steps', () => {
    const settings: GenerateSettings = { bits: BITS32, flash: false, pairs: 'causal', costModel: 'exact', kvOffload: true };
    const run = new Generator(GTA_1B, h100, settings, { memoryReserve: 0.1 }).run({ input: 512, output: 4, batch: 64 });
    const ttft = plan(GTA_1B, 'prefill', true).totalsAt({ batch: 64, seqLen: 512, contextLen: 512, bits: BITS32 }).timeSeconds;
    const d = plan(GTA_1B, 'decode', true);
    const steps = [513, 514, 515].reduce((s, k) => s + d.totalsAt(decodeAt(64, k, BITS32)).timeSeconds, 0);
    expectRel(run.ttftSeconds, ttft);
    expectRel(run.e2eSeconds, ttft + steps);
  });
});

describe('the paper\'s trend (Fig. 6): a smaller cache gains more under offload, on an H100', () => {
  it('GTA-1B / GQA-1B time to decode 128 tokens from 2048 is lower with offload than without', () => {
    const steps = (m: ModelConfig, kvOffload: boolean): number => {
      const p = plan(m, 'decode', kvOffload);
      let s = 0;
      for (let j = 1; j <= 128; j++) s += p.totalsAt(decodeAt(64, 2048 + j, BITS32)).timeSeconds;
      return s;
    };
    const without = steps(GTA_1B, false) / steps(GQA_1B, false);
    const withOffload = steps(GTA_1B, true) / steps(GQA_1B, true);
    expect(withOffload).toBeLessThan(without);
    // Transfer-bound, the ratio approaches the caches' ratio, 192 / 640 elements per token per layer.
    expect(withOffload).toBeGreaterThan(192 / 640);
    expect(withOffload).toBeLessThan(0.35);
  });
});

describe('refusals', () => {
  it('a profile without a host link, a scope below the model, LLM-Viewer, a split, --mtp', () => {
    const apple = loadHardware('apple-m2').hardware;
    expect(() => plan(GTA_1B, 'decode', true, apple)).toThrow(/interconnect\.host/);
    expect(() => new Plan(GTA_1B, h100, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'layer', kvOffload: true })).toThrow(/--scope model/);
    expect(() => new Plan(GTA_1B, h100, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model', costModel: 'llm-viewer-gta', kvOffload: true })).toThrow(/cost-model exact/);
    expect(() => new Plan(LLAMA_2_7B, h100, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model', parallel: { tp: 2, pp: 1, ep: 1, dp: 1 }, kvOffload: true })).toThrow(/one device/);
    // Replicas are fine: each has its own host link.
    expect(() => new Plan(LLAMA_2_7B, h100, { phase: 'decode', flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model', parallel: { tp: 1, pp: 1, ep: 1, dp: 2 }, kvOffload: true })).not.toThrow();
  });
});
