/**
 * The device profiles added for issue #18: each loads through the real loader, and its key datasheet numbers, ridge
 * point, links and derivations are pinned to published figures (sources in the comments).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hardwareIds, loadHardware, parseProfile } from '../../src/io/load-hardware.js';
import { ReportSchema } from '../../src/io/report-schema.js';
import { HARDWARE_DIR } from '../../src/io/resolve.js';
import { cli } from '../helpers/cli.js';
import { expectRel } from '../helpers/rel.js';

const NEW = ['apple-m3', 'apple-m3-max', 'apple-m3-pro', 'apple-m4', 'apple-m4-max', 'apple-m4-pro', 'b200', 'h200-sxm', 'jetson-agx-orin-64gb', 'l40s', 'mi300x', 'rtx-4090'];

interface Pin {
  fp16: number;
  bf16?: number;
  fp8?: number;
  fp4?: number;
  bandwidth: number;
  memory: number;
  /** FP16 dense peak / bandwidth, FLOP per byte, worked out by hand. */
  ridge: number;
}

const pins: Record<string, Pin> = {
  // NVIDIA H200 datasheet: BF16/FP16 1,979 and FP8 3,958 TFLOPS with sparsity (dense = 1/2, 989.4 as for the H100's
  // 132 SM x 4096 FLOP/clk x 1.83 GHz), 141 GB HBM3e, 4.8 TB/s. Ridge 989.4e12 / 4.8e12 = 206.125.
  'h200-sxm': { fp16: 989.4e12, bf16: 989.4e12, fp8: 1979e12, bandwidth: 4.8e12, memory: 141e9, ridge: 206.125 },
  // NVIDIA Blackwell datasheet, HGX B200: FP16/BF16 4.5, FP8 9, FP4 18 PFLOPS with sparsity; 180 GB; 8 TB/s (DGX B200
  // 64 TB/s / 8; AIConfigurator once stored 7.7, flagged). Ridge 2.25e15 / 8e12 = 281.25.
  b200: { fp16: 2250e12, bf16: 2250e12, fp8: 4500e12, fp4: 9000e12, bandwidth: 8e12, memory: 180e9, ridge: 281.25 },
  // AMD MI300X data sheet: FP16/BF16 1,307.4, FP8 2,614.9 TFLOPS dense; 192 GB HBM3; 5.3 TB/s. Ridge 1307.4 / 5.3 = 246.68.
  mi300x: { fp16: 1307.4e12, bf16: 1307.4e12, fp8: 2614.9e12, bandwidth: 5.3e12, memory: 192e9, ridge: 1307.4e12 / 5.3e12 },
  // NVIDIA L40S datasheet: FP16/BF16 362.05 | 733*, FP8 733 | 1,466* (* sparsity); 48 GB GDDR6; 864 GB/s. Ridge 419.04.
  l40s: { fp16: 362.05e12, bf16: 362.05e12, fp8: 733e12, bandwidth: 864e9, memory: 48e9, ridge: 362.05e12 / 864e9 },
  // Ada whitepaper (via waredb.com): FP16/BF16 165.2 dense with FP32 accumulate, FP8 330.3 with FP32 accumulate;
  // 24 GB GDDR6X at 384 bit x 21 Gb/s = 1,008 GB/s. Ridge 165.2e12 / 1.008e12 = 163.89.
  'rtx-4090': { fp16: 165.2e12, bf16: 165.2e12, fp8: 330.3e12, bandwidth: 1008e9, memory: 24e9, ridge: 165.2e12 / 1008e9 },
  // AGX Orin technical brief: GPU 170 INT8 TOPS with sparsity, so FP16 dense = 170 / 4 = 42.5; 64 GB; 204.8 GB/s.
  'jetson-agx-orin-64gb': { fp16: 42.5e12, bf16: 42.5e12, bandwidth: 204.8e9, memory: 64e9, ridge: 42.5e12 / 204.8e9 },
  // Apple: bandwidth and capacity from Apple; FP16 = cores x 128 ALUs x 2 x clock (third-party clocks, flagged).
  'apple-m3': { fp16: 10 * 128 * 2 * 1.398e9, bandwidth: 100e9, memory: 24e9, ridge: 35.789 },
  'apple-m3-pro': { fp16: 18 * 128 * 2 * 1.398e9, bandwidth: 150e9, memory: 36e9, ridge: 6.442e12 / 150e9 },
  'apple-m3-max': { fp16: 40 * 128 * 2 * 1.398e9, bandwidth: 400e9, memory: 128e9, ridge: 35.79 },
  'apple-m4': { fp16: 10 * 128 * 2 * 1.47e9, bandwidth: 120e9, memory: 32e9, ridge: 31.36 },
  'apple-m4-pro': { fp16: 20 * 128 * 2 * 1.47e9, bandwidth: 273e9, memory: 64e9, ridge: 7.5264e12 / 273e9 },
  'apple-m4-max': { fp16: 40 * 128 * 2 * 1.678e9, bandwidth: 546e9, memory: 128e9, ridge: 17.183e12 / 546e9 },
};

describe('new device profiles (issue #18)', () => {
  it('are all shipped, and each is pinned here', () => {
    const ids = hardwareIds();
    for (const id of NEW) expect(ids, id).toContain(id);
    expect(Object.keys(pins).sort()).toEqual(NEW);
  });

  it.each(NEW)('%s loads through loadHardware and parseProfile with no error', (id) => {
    const loaded = loadHardware(id);
    expect(loaded.id).toBe(id);
    const raw: unknown = JSON.parse(readFileSync(join(HARDWARE_DIR, `${id}.json`), 'utf8'));
    expect(parseProfile(raw, `${id}.json`, id).hardware).toEqual(loaded.hardware);
  });

  it.each(Object.entries(pins))('%s: key datasheet numbers and ridge point', (id, pin) => {
    const { hardware } = loadHardware(id);
    const peak = hardware.peakFlopPerSecond;
    // Stored values round the products above to 5 significant digits, hence 1e-4 on the derived Apple peaks.
    expectRel(peak.fp16 ?? 0, pin.fp16, 1e-4);
    if (pin.bf16 !== undefined) expectRel(peak.bf16 ?? 0, pin.bf16);
    if (pin.fp8 !== undefined) expectRel(peak.fp8 ?? 0, pin.fp8);
    else expect(peak.fp8, `${id} has no FP8 tier`).toBeUndefined();
    if (pin.fp4 !== undefined) expectRel(peak.fp4 ?? 0, pin.fp4);
    else expect(peak.fp4, `${id} has no FP4 tier`).toBeUndefined();
    expectRel(hardware.memoryBandwidthBytesPerSecond, pin.bandwidth);
    expect(hardware.memoryBytes).toBe(pin.memory);
    expectRel((peak.fp16 ?? 0) / hardware.memoryBandwidthBytesPerSecond, pin.ridge, 1e-4);
  });

  it.each(NEW)('%s: dense peaks are half the sparse figures where both are stored', (id) => {
    const { profile } = loadHardware(id);
    for (const [dtype, s] of Object.entries(profile.sparsePeakFlopPerSecond ?? {})) {
      const dense = profile.peakFlopPerSecond[dtype as keyof typeof profile.peakFlopPerSecond];
      // Datasheets round both figures (L40S: 362.05 dense vs 733 sparse), hence 2e-2.
      if (dense !== undefined) expectRel(dense.value, s.value / 2, 2e-2);
    }
  });

  it('L40S FP8 is 733 TFLOPS dense, not the 1,466 that is its sparse figure', () => {
    const { hardware, profile } = loadHardware('l40s');
    expect(hardware.peakFlopPerSecond.fp8).toBe(733e12);
    expect(profile.sparsePeakFlopPerSecond?.fp8?.value).toBe(1466e12);
  });

  it('RTX 4090 uses the FP32-accumulate rate for fp16 (165.2), keeping FP16 accumulate (330.3) for reference', () => {
    const { hardware, profile } = loadHardware('rtx-4090');
    expect(hardware.peakFlopPerSecond.fp16).toBe(165.2e12);
    expect(profile.peakFlopPerSecond.fp16).toMatchObject({ accumulate: 'fp32', fp16AccumulateValue: 330.3e12 });
    expect(profile.peakFlopPerSecond.fp8).toMatchObject({ value: 330.3e12, accumulate: 'fp32', fp16AccumulateValue: 660.6e12 });
    // The report of a run carries the peak the roofline used.
    const r = cli(['analyze', '--model', 'llama-2-7b', '--hardware', 'rtx-4090', '--format', 'json']);
    expect(r.status).toBe(0);
    expect(ReportSchema.parse(JSON.parse(r.stdout)).hardware.peakFlopPerSecond.fp16).toBe(165.2e12);
  });

  it('derived peaks agree with the figures they come from', () => {
    // MI300X: 304 CUs x 2048 FP16 FLOP/clk x 2.1 GHz = 1,307.4 TFLOPS (AMD's peak engine clock).
    expectRel(loadHardware('mi300x').hardware.peakFlopPerSecond.fp16 ?? 0, 304 * 2048 * 2.1e9, 1e-4);
    // Jetson: FP16 dense = INT8 dense / 2 = sparse INT8 / 4.
    const orin = loadHardware('jetson-agx-orin-64gb');
    expectRel(orin.hardware.peakFlopPerSecond.int8 ?? 0, 85e12);
    expectRel(orin.hardware.peakFlopPerSecond.fp16 ?? 0, (orin.profile.sparsePeakFlopPerSecond?.int8?.value ?? 0) / 4);
    // Apple: the FP32 peak is GPU cores x 128 ALUs x 2 FLOP x the clock stored beside it.
    for (const id of NEW.filter((i) => i.startsWith('apple-'))) {
      const { profile } = loadHardware(id);
      const cu = profile.computeUnits;
      expect(cu?.name).toBe('GPU core');
      expectRel(profile.peakFlopPerSecond.fp32?.value ?? 0, (cu?.count ?? 0) * 128 * 2 * (cu?.clockHz?.value ?? 0), 1e-4);
      expect(profile.peakFlopPerSecond.fp32?.flags).toEqual(['derived', 'unconfirmed']);
    }
  });

  it('links: per-direction bandwidth and devices per node as collectives will see them', () => {
    const ic = (id: string) => loadHardware(id).hardware.interconnect;
    // NVLink 4: 900 GB/s both directions; NVLink 5: 1.8 TB/s; Infinity Fabric 7 x 128 GB/s = 896 both directions.
    expect(ic('h200-sxm')).toMatchObject({ devicesPerNode: 8, scaleUp: { bytesPerSecond: 450e9 }, scaleOut: { bytesPerSecond: 50e9 } });
    expect(ic('b200')).toMatchObject({ devicesPerNode: 8, scaleUp: { bytesPerSecond: 900e9 }, scaleOut: { bytesPerSecond: 50e9 } });
    expect(ic('mi300x')).toMatchObject({ devicesPerNode: 8, scaleUp: { bytesPerSecond: 448e9 }, scaleOut: { bytesPerSecond: 50e9 } });
    // No scale-up link: the GPUs of a node talk over PCIe 4.0 x16, 32 GB/s per direction.
    expect(ic('l40s')).toMatchObject({ devicesPerNode: 8, scaleUp: { name: 'PCIe 4.0 x16', bytesPerSecond: 32e9 }, scaleOut: { bytesPerSecond: 25e9 } });
    expect(ic('rtx-4090')).toMatchObject({ devicesPerNode: 4, scaleUp: { name: 'PCIe 4.0 x16', bytesPerSecond: 32e9 }, scaleOut: undefined });
    for (const id of ['jetson-agx-orin-64gb', ...NEW.filter((i) => i.startsWith('apple-'))]) expect(ic(id), id).toBeUndefined();
  });

  it('B200 --bits fp4 computes at the FP4 peak: a compute-bound operator takes FLOPs / 9e15 s', () => {
    const r = cli(['analyze', '--model', 'llama-2-7b', '--hardware', 'b200', '--bits', 'fp4', '--phase', 'prefill', '--seq', '2048', '--format', 'json']);
    expect(r.status).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.hardware.peakFlopPerSecond.fp4).toBe(9e15);
    const bound = report.ops.filter((o) => o.bound === 'compute' && o.flops > 0);
    expect(bound.length).toBeGreaterThan(0);
    for (const o of bound) expectRel(o.timeSeconds, o.flops / 9e15, 1e-9);
  });

  it.each(NEW)('%s: analyze runs on it', (id) => {
    const r = cli(['analyze', '--model', 'llama-2-7b', '--hardware', id, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.hardware.id).toBe(id);
    expect(report.totals.timeSeconds).toBeGreaterThan(0);
  });
});
