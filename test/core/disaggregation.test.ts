/** Prefill/decode disaggregation: the cache's move against bytes / link bandwidth, and its place in E2E, energy and memory. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MEMORY_RESERVE } from '../../src/core/capacity.js';
import { kvTransfer, transferLink, MissingTierError } from '../../src/core/disaggregation.js';
import { Generator, type GenerateSettings } from '../../src/core/generate.js';
import { PEAK_EFFICIENCY } from '../../src/core/efficiency.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { expectRel } from '../helpers/rel.js';

const BITS16 = { weight: 16, activation: 16, kv: 16 } as const;
const h100 = loadHardware('h100-sxm').hardware;
const l40s = loadHardware('l40s').hardware;
const TP8: GenerateSettings = { bits: BITS16, flash: true, pairs: 'causal', costModel: 'exact', parallelism: { tp: 8, pp: 1, ep: 1, dp: 1 }, overlap: false };
const llama70 = loadModel('llama-2-70b');

/** A generator whose decode runs on `decode` devices, the cache moved over `link`. */
function disaggregated(model = llama70, s = TP8, decode = h100, link: 'scale-up' | 'scale-out' = 'scale-out'): Generator {
  return new Generator(model, h100, s, { powerWatts: 700, pricePerDeviceHour: 2, memoryReserve: DEFAULT_MEMORY_RESERVE, disaggregation: { link, decodeHardware: decode, decodeEfficiency: PEAK_EFFICIENCY, decodePowerWatts: decode === h100 ? 700 : 350 } });
}

describe('the KV cache move', () => {
  it('Llama-2-70B TP8, B 16, N 2048: each device sends 1/8 of the cache over one InfiniBand hop', () => {
    const run = disaggregated().run({ input: 2048, output: 64, batch: 16 });
    // GQA cache per token: 80 layers × K and V × 8 heads × 128 × 2 bytes = 327,680 B; × 2048 tokens × 16 sequences,
    // split over 8 devices (one KV head each): 1,342,177,280 B per device.
    const bytes = (16 * 2048 * 327_680) / 8;
    expect(run.disaggregation?.bytesPerDevice).toBe(bytes);
    // H100's scale-out: 400 Gb/s = 50 GB/s per GPU at efficiency 0.8, 4 us a hop: 4e-6 + 1.342e9 / 40e9 = 33.56 ms.
    expectRel(run.disaggregation?.seconds ?? NaN, 4e-6 + bytes / (50e9 * 0.8), 1e-12);
    expect(run.disaggregation?.link).toBe('scale-out');
  });

  it('E2E and TPOT carry the move; the colocated run differs by it exactly; TTFT does not', () => {
    const req = { input: 1024, output: 9, batch: 8 };
    const apart = disaggregated().run(req);
    const together = new Generator(llama70, h100, TP8, { powerWatts: 700, pricePerDeviceHour: 2, memoryReserve: DEFAULT_MEMORY_RESERVE }).run(req);
    const move = apart.disaggregation?.seconds ?? NaN;
    expect(apart.ttftSeconds).toBe(together.ttftSeconds);
    expectRel(apart.e2eSeconds, together.e2eSeconds + move, 1e-12);
    expectRel(apart.tpotSeconds ?? NaN, (together.tpotSeconds ?? NaN) + move / 8, 1e-12);
    expect(apart.devices).toBe(16);
    // Each pool works its own part: 8 devices × 700 W × (TTFT + move + decode) = 8 × 700 × E2E joules.
    expectRel(apart.joulesPerOutputToken ?? NaN, (8 * 700 * apart.e2eSeconds) / (8 * 9), 1e-12);
    expectRel(apart.costPerMillionOutputTokens ?? NaN, ((2 * 8 * apart.e2eSeconds) / 3600 / 72) * 1e6, 1e-12);
  });

  it('one output token: no decode, nothing moves', () => {
    const run = disaggregated().run({ input: 1024, output: 1, batch: 8 });
    expect(run.disaggregation?.seconds).toBe(0);
    expect(run.disaggregation?.bytesPerDevice).toBe(0);
    expect(run.e2eSeconds).toBe(run.ttftSeconds);
  });

  it('MLA\'s latent cache moves in a fraction of the bytes: DeepSeek-V2, 60 layers × (512 + 64) × 2 B per token', () => {
    const v2 = loadModel('hf/deepseek-v2');
    const one: GenerateSettings = { bits: BITS16, flash: true, pairs: 'causal', costModel: 'exact' };
    const run = new Generator(v2, h100, one, { memoryReserve: 0.1, disaggregation: { link: 'scale-up', decodeHardware: h100, decodeEfficiency: PEAK_EFFICIENCY } }).run({ input: 4096, output: 2, batch: 4 });
    const bytes = 4 * 4096 * 60 * (512 + 64) * 2;
    expect(run.disaggregation?.bytesPerDevice).toBe(bytes);
    // NVLink 4: 450 GB/s per direction at 0.8, 1 us a hop.
    expectRel(run.disaggregation?.seconds ?? NaN, 1e-6 + bytes / (450e9 * 0.8), 1e-12);
  });

  it('decode on other devices: its steps, memory and power are theirs; the link is the slower end\'s', () => {
    const one: GenerateSettings = { bits: BITS16, flash: true, pairs: 'causal', costModel: 'exact' };
    const llama7 = loadModel('llama-2-7b');
    const run = disaggregated(llama7, one, l40s).run({ input: 512, output: 3, batch: 2 });
    const alone = new Generator(llama7, l40s, one, { memoryReserve: 0.1 }).run({ input: 512, output: 3, batch: 2 });
    expect(run.disaggregation?.decodeHardware).toBe('l40s');
    expect(run.memory.deviceBytes).toBe(l40s.memoryBytes);
    expectRel((run.tpotSeconds ?? NaN) * 2 - (run.disaggregation?.seconds ?? NaN), (alone.tpotSeconds ?? NaN) * 2, 1e-12);
    // L40S's network share (25 GB/s) is slower than the H100's 50 GB/s: the move runs at 25 GB/s × 0.8.
    const bytes = 2 * 512 * 32 * 2 * 4096 * 2;
    expectRel(run.disaggregation?.seconds ?? NaN, 4e-6 + bytes / (25e9 * 0.8), 1e-12);
    // Prefill pool at 700 W for TTFT, decode pool at 350 W for the rest.
    expectRel(run.joulesPerOutputToken ?? NaN, (700 * run.ttftSeconds + 350 * (run.e2eSeconds - run.ttftSeconds)) / 6, 1e-12);
  });

  it('the energy note names each pool\'s power and part, not one profile\'s power for the whole E2E', () => {
    const one: GenerateSettings = { bits: BITS16, flash: true, pairs: 'causal', costModel: 'exact' };
    const run = disaggregated(loadModel('llama-2-7b'), one, l40s).run({ input: 512, output: 3, batch: 2 });
    const energy = run.notes.filter((n) => n.startsWith('energy: '));
    expect(energy).toEqual(['energy: each pool\'s devices at their profile\'s power (its TDP), the prefill pool\'s 700 W for TTFT and the decode pool\'s 350 W for the rest: an upper bound (a device below full load draws less).']);
  });

  it('without the decode devices\' power, the note says why joulesPerOutputToken is absent', () => {
    const one: GenerateSettings = { bits: BITS16, flash: true, pairs: 'causal', costModel: 'exact' };
    const g = new Generator(loadModel('llama-2-7b'), h100, one, { powerWatts: 700, memoryReserve: DEFAULT_MEMORY_RESERVE, disaggregation: { link: 'scale-out', decodeHardware: l40s, decodeEfficiency: PEAK_EFFICIENCY } });
    const run = g.run({ input: 512, output: 3, batch: 2 });
    expect(run.joulesPerOutputToken).toBeUndefined();
    expect(run.notes.filter((n) => n.startsWith('energy: '))).toEqual(['energy: the decode devices\' profile gives no powerWatts, so joulesPerOutputToken is absent.']);
  });

  it('a prefill pool that cannot hold the model is reported, though the decode pool can', () => {
    // Llama-2-70B at TP 2: 68,976,648,192 parameters × 2 B / 2 = 69.0 GB of weights a device; an L40S has 48 GB
    // (43.2 GB usable), an H100 80 GB (72 GB usable).
    const tp2: GenerateSettings = { ...TP8, parallelism: { tp: 2, pp: 1, ep: 1, dp: 1 } };
    const g = (prefill: typeof h100, decode: typeof h100) => new Generator(llama70, prefill, tp2, { memoryReserve: DEFAULT_MEMORY_RESERVE, disaggregation: { link: 'scale-out', decodeHardware: decode, decodeEfficiency: PEAK_EFFICIENCY } });
    const onL40s = g(l40s, h100).run({ input: 512, output: 4, batch: 1 });
    expect(onL40s.memory.fits).toBe(true);
    expect(onL40s.disaggregation?.prefillFits).toBe(false);
    expect(onL40s.notes.some((n) => n.startsWith('disaggregation memory: the prefill pool (l40s) does not hold'))).toBe(true);
    const onH100 = g(h100, h100).run({ input: 512, output: 4, batch: 1 });
    expect(onH100.disaggregation?.prefillFits).toBe(true);
    expect(onH100.notes.some((n) => n.startsWith('disaggregation memory:'))).toBe(false);
  });

  it('scale-up across device kinds, or a missing tier, is refused', () => {
    expect(() => transferLink(h100, l40s, 'scale-up')).toThrow(MissingTierError);
    expect(() => transferLink(loadHardware('rtx-3060').hardware, h100, 'scale-out')).toThrow(/rtx-3060 has no scale-out link/);
    // The cost is the pipeline send's: one hop's latency plus the bytes at the reachable rate.
    const link = { name: 'l', bytesPerSecond: 1e9, latencySeconds: 1e-5, efficiency: 0.5 };
    expect(kvTransfer('scale-out', link, 1e9, 0.5).seconds).toBe(1e-5 + 1e9 / (1e9 * 0.5 * 0.5));
  });
});

describe('a decode pool of another efficiency', () => {
  it('the notes state both efficiencies', () => {
    const one: GenerateSettings = { bits: BITS16, flash: true, pairs: 'causal', costModel: 'exact', efficiency: { ...PEAK_EFFICIENCY, label: 'prefill-profile' } };
    const run = new Generator(loadModel('llama-2-7b'), h100, one, { memoryReserve: 0.1, disaggregation: { link: 'scale-out', decodeHardware: l40s, decodeEfficiency: PEAK_EFFICIENCY } }).run({ input: 64, output: 2, batch: 1 });
    expect(run.notes.some((n) => n.startsWith('efficiency prefill-profile: '))).toBe(true);
    expect(run.notes.some((n) => n.startsWith('decode pool (l40s): efficiency peak: '))).toBe(true);
  });
});
