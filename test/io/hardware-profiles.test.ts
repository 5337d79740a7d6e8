import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { UserError } from '../../src/io/errors.js';
import { hardwareIds, loadHardware, parseProfile } from '../../src/io/load-hardware.js';
import { HARDWARE_DIR } from '../../src/io/resolve.js';

const SEED = ['a800-pcie', 'a800-sxm', 'apple-m2', 'apple-m2-cpu', 'bcm2712', 'h100-pcie', 'h100-sxm', 'rtx-3060'];
/** Profiles added for issue #18; their numbers are pinned in new-devices.test.ts. */
const ADDED = ['apple-m3', 'apple-m3-max', 'apple-m3-pro', 'apple-m4', 'apple-m4-max', 'apple-m4-pro', 'b200', 'h200-sxm', 'jetson-agx-orin-64gb', 'l40s', 'mi300x', 'rtx-4090'];
const SHIPPED = [...SEED, ...ADDED].sort();

/** |actual - expected| <= tol * |expected|. */
function expectRel(actual: number | undefined, expected: number, tol = 1e-12): void {
  expect(actual).toBeDefined();
  const a = actual ?? Number.NaN;
  if (Math.abs(a - expected) > tol * Math.abs(expected)) {
    expect.fail(`expected ${String(a)} to be within relative ${String(tol)} of ${String(expected)}`);
  }
}

/** A fresh copy of a shipped profile's raw JSON. */
function rawProfile(id: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${HARDWARE_DIR}/${id}.json`, 'utf8')) as Record<string, unknown>;
}

/** The UserError that parsing `json` throws (fails the test when none is thrown). */
function parseError(json: unknown, file: string): UserError {
  try {
    parseProfile(json, file, 'bad');
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  return expect.fail('expected parseProfile to throw');
}

describe('shipped hardware profiles', () => {
  it('hardwareIds lists exactly the shipped devices, plus LLM-Viewer\'s constants under llm-viewer/', () => {
    expect(hardwareIds().filter((id) => !id.startsWith('llm-viewer/') && id !== 'host')).toEqual(SHIPPED);
    expect(hardwareIds().filter((id) => id.startsWith('llm-viewer/'))).toEqual(
      ['nvidia_A100', 'nvidia_A100_80G', 'nvidia_A40', 'nvidia_A6000', 'nvidia_A800_80G_SXM', 'nvidia_H100', 'nvidia_H100_PCIe', 'nvidia_L40', 'nvidia_V100'].map((k) => `llm-viewer/${k}`),
    );
  });

  it.each(SHIPPED)('%s parses', (id) => {
    const loaded = loadHardware(id);
    expect(loaded.id).toBe(id);
    expect(loaded.profile.name.length).toBeGreaterThan(0);
    expect(Object.keys(loaded.hardware.peakFlopPerSecond).length).toBeGreaterThan(0);
  });

  interface Pin {
    fp16: number;
    bandwidth: number;
    memory: number;
    onChip: number;
    sparseFp16?: number;
  }
  const pins: Record<string, Pin> = {
    'h100-sxm': { fp16: 989.4e12, bandwidth: 3.35e12, memory: 80e9, onChip: 228 * 1024, sparseFp16: 1979e12 },
    'h100-pcie': { fp16: 756.5e12, bandwidth: 2.0e12, memory: 80e9, onChip: 228 * 1024, sparseFp16: 1513e12 },
    'a800-sxm': { fp16: 312e12, bandwidth: 2039e9, memory: 80e9, onChip: 164 * 1024, sparseFp16: 624e12 },
    'a800-pcie': { fp16: 312e12, bandwidth: 1935e9, memory: 80e9, onChip: 164 * 1024, sparseFp16: 624e12 },
    'rtx-3060': { fp16: 25.5e12, bandwidth: 360e9, memory: 12e9, onChip: 128 * 1024, sparseFp16: 51.0e12 },
    'apple-m2': { fp16: 3.58e12, bandwidth: 100e9, memory: 24e9, onChip: 32 * 1024 },
    'apple-m2-cpu': { fp16: 4 * 3.49e9 * 64 + 4 * 2.42e9 * 32, bandwidth: 100e9, memory: 24e9, onChip: 4e6 },
    bcm2712: { fp16: 4 * 2.4e9 * 32, bandwidth: (32 * 4.267e9) / 8, memory: 8e9, onChip: 512 * 1024 },
  };

  it('pins a device for every seed id', () => {
    expect(Object.keys(pins).sort()).toEqual(SEED);
  });

  it.each(Object.entries(pins))('%s: key datasheet numbers', (id, pin) => {
    const { hardware, profile } = loadHardware(id);
    expectRel(hardware.peakFlopPerSecond.fp16, pin.fp16);
    expectRel(hardware.memoryBandwidthBytesPerSecond, pin.bandwidth);
    expect(hardware.memoryBytes).toBe(pin.memory);
    expect(hardware.onChipMemoryBytes).toBe(pin.onChip);
    if (pin.sparseFp16 !== undefined) {
      const sparse = profile.sparsePeakFlopPerSecond?.fp16?.value;
      expectRel(sparse, pin.sparseFp16);
      // Datasheets round both figures (H100 SXM: 989.4 dense vs 1,979 sparse), hence the 1e-3 tolerance.
      expectRel(hardware.peakFlopPerSecond.fp16, (sparse ?? 0) / 2, 1e-3);
    }
  });

  it('stores dense tensor peaks, not sparse ones (guards against the 2x mix-up)', () => {
    const dense = (id: string) => loadHardware(id).hardware.peakFlopPerSecond;
    expectRel(dense('h100-sxm').bf16, 989.4e12);
    expectRel(dense('h100-sxm').fp8, 1979e12);
    expectRel(dense('h100-sxm').int8, 1979e12);
    expectRel(dense('h100-pcie').fp8, 1513e12);
    expectRel(dense('a800-sxm').int8, 624e12);
    expect(dense('a800-sxm').fp8).toBeUndefined();
    expectRel(dense('rtx-3060').fp32, 12.74e12);
    expectRel(dense('rtx-3060').int8, 101.9e12);
  });

  it('pins the derived CPU peaks', () => {
    const m2 = loadHardware('apple-m2-cpu').hardware.peakFlopPerSecond;
    expectRel(m2.fp64, 4 * 3.49e9 * 16 + 4 * 2.42e9 * 8);
    expectRel(m2.fp32, 601.6e9);
    expectRel(m2.fp16, 1203.2e9);
    expectRel(m2.int8, 2406.4e9);
    const pi = loadHardware('bcm2712').hardware.peakFlopPerSecond;
    expectRel(pi.fp64, 76.8e9);
    expectRel(pi.fp32, 153.6e9);
    expectRel(pi.fp16, 307.2e9);
    expectRel(pi.int8, 614.4e9);
  });

  it.each(SHIPPED)('%s: no dense peak exceeds the sparse peak of the same dtype', (id) => {
    const { profile } = loadHardware(id);
    const sparse = profile.sparsePeakFlopPerSecond ?? {};
    for (const [dtype, q] of Object.entries(profile.peakFlopPerSecond)) {
      const s = sparse[dtype as keyof typeof sparse];
      if (s !== undefined) expect(q.value, `${id} ${dtype}`).toBeLessThanOrEqual(s.value);
    }
  });

  it.each(SHIPPED)('%s: every derived number says how', (id) => {
    const visit = (value: unknown, path: string): void => {
      if (value === null || typeof value !== 'object') return;
      const rec = value as Record<string, unknown>;
      if (Array.isArray(rec.flags) && rec.flags.includes('derived')) {
        expect(typeof rec.note === 'string' && rec.note.length > 0, `${id} ${path} needs a note`).toBe(true);
      }
      for (const [k, v] of Object.entries(rec)) visit(v, `${path}.${k}`);
    };
    visit(loadHardware(id).profile, '');
  });
});

describe('hardware profile errors', () => {
  it('rejects a source key missing from sources', () => {
    const json = rawProfile('h100-sxm');
    (json.memoryBandwidthBytesPerSecond as Record<string, unknown>).source = 'nosuchsource';
    const err = parseError(json, 'bad-source.json');
    expect(err.message.startsWith('bad-source.json')).toBe(true);
    expect(err.message).toContain('memoryBandwidthBytesPerSecond.source');
    expect(err.message).toContain('nosuchsource');
  });

  it('rejects a misspelled field', () => {
    const json = rawProfile('h100-sxm');
    json.memoryBandwith = json.memoryBandwidthBytesPerSecond;
    const err = parseError(json, 'typo.json');
    expect(err.message.startsWith('typo.json')).toBe(true);
    expect(err.message).toContain('memoryBandwith');
  });

  it('rejects a misspelled field that replaces the real one, naming the missing field', () => {
    const json = rawProfile('h100-sxm');
    json.memoryBandwith = json.memoryBandwidthBytesPerSecond;
    delete json.memoryBandwidthBytesPerSecond;
    const err = parseError(json, 'typo.json');
    expect(err.message.startsWith('typo.json')).toBe(true);
    expect(err.message).toMatch(/memoryBandwith|memoryBandwidthBytesPerSecond/);
  });

  it('rejects a negative bandwidth', () => {
    const json = rawProfile('bcm2712');
    (json.memoryBandwidthBytesPerSecond as Record<string, unknown>).value = -17e9;
    const err = parseError(json, 'negative.json');
    expect(err.message.startsWith('negative.json')).toBe(true);
    expect(err.message).toContain('memoryBandwidthBytesPerSecond.value');
  });

  it('rejects an attention grid with a shape missing, naming the field', () => {
    const json = rawProfile('h100-sxm');
    const q = (value: number, shape: Record<string, number>) => ({ ...shape, value, source: Object.keys(json.sources as object)[0] });
    json.attentionFlopPerSecond = {
      prefill: q(1e12, {}),
      decode: q(1e12, {}),
      decodeGrid: [q(1e12, { mapsPerKeyHead: 1, headDim: 64 }), q(2e12, { mapsPerKeyHead: 4, headDim: 128 })],
    };
    const err = parseError(json, 'grid.json');
    expect(err.message.startsWith('grid.json')).toBe(true);
    expect(err.message).toContain('attentionFlopPerSecond.decodeGrid');
    expect(err.message).toContain('full grid');
    (json.attentionFlopPerSecond as { decodeGrid: unknown[] }).decodeGrid.push(q(3e12, { mapsPerKeyHead: 1, headDim: 128 }), q(4e12, { mapsPerKeyHead: 4, headDim: 64 }));
    expect(parseProfile(json, 'grid.json', 'ok').hardware.extras?.attentionFlopPerSecond.decodeGrid).toEqual({ xs: [1, 4], ys: [64, 128], rates: [[1e12, 3e12], [4e12, 2e12]] });
  });

  it("reads a measured working-set curve, and an older profile's resident cache size as a one-point curve", () => {
    const json = rawProfile('h100-sxm');
    const src = Object.keys(json.sources as object)[0];
    json.workingSetBandwidth = [{ bytes: 8e6, value: 30e9, source: src }, { bytes: 4e6, value: 25e9, source: src }, { bytes: 16e6, value: 20e9, source: src }];
    expect(parseProfile(json, 'ws.json', 'ws').hardware.extras?.workingSet).toEqual({ bytes: [4e6, 8e6, 16e6], bytesPerSecond: [27.5e9, 27.5e9, 20e9] });
    delete json.workingSetBandwidth;
    json.lastLevelCacheResidentBytes = { value: 12e6, source: src };
    json.lastLevelCacheBandwidthBytesPerSecond = { value: 40e9, source: src };
    expect(parseProfile(json, 'old.json', 'old').hardware.extras?.workingSet).toEqual({ bytes: [12e6], bytesPerSecond: [40e9] });
  });

  it('reads a measured cold-stream curve, sorted by size with rates that never fall; profiles without one model none', () => {
    const json = rawProfile('h100-sxm');
    const src = Object.keys(json.sources as object)[0];
    expect(parseProfile(json, 'plain.json', 'plain').hardware.extras?.coldStream).toBeUndefined();
    json.coldStreamBandwidth = [{ bytes: 2 ** 20, value: 12e9, source: src }, { bytes: 2 ** 16, value: 5e9, source: src }, { bytes: 2 ** 24, value: 10e9, source: src }];
    expect(parseProfile(json, 'cold.json', 'cold').hardware.extras?.coldStream).toEqual({ bytes: [2 ** 16, 2 ** 20, 2 ** 24], bytesPerSecond: [5e9, 11e9, 11e9] });
    json.coldStreamBandwidth = [{ bytes: -1, value: 5e9, source: src }];
    expect(() => parseProfile(json, 'bad.json', 'bad')).toThrow(/bad\.json.*coldStreamBandwidth/);
  });

  it('reads a measured KV streaming rate and in-cache few-row rate; profiles without them model none', () => {
    const json = rawProfile('h100-sxm');
    const src = Object.keys(json.sources as object)[0];
    expect(parseProfile(json, 'plain.json', 'plain').hardware.extras?.kvStream).toBeUndefined();
    json.kvStreamBandwidth = { value: 37e9, source: src };
    expect(parseProfile(json, 'kv.json', 'kv').hardware.extras?.kvStream).toBe(37e9);
    json.fewRowGemmCachedFlopPerSecond = { value: 50e9, source: src };
    expect(parseProfile(json, 'kv.json', 'kv').hardware.extras?.fewRowGemmCachedFlopPerSecond).toBe(50e9);
    json.kvStreamBandwidth = { value: 0, source: src };
    expect(() => parseProfile(json, 'bad.json', 'bad')).toThrow(/bad\.json.*kvStreamBandwidth/);
  });
});
