/** The shipped efficiency profiles and `--efficiency` resolution: families, sources, refusals. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PEAK_EFFICIENCY } from '../../src/core/efficiency.js';
import { UserError } from '../../src/io/errors.js';
import { EFFICIENCY_DIR, familyOf, parseEfficiency, resolveEfficiency, shippedEfficiencies } from '../../src/io/load-efficiency.js';
import { hardwareIds, loadHardware, type LoadedProfile } from '../../src/io/load-hardware.js';

/** A fresh copy of a shipped profile's raw JSON. */
function raw(family: string): Record<string, unknown> & { kinds: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(`${EFFICIENCY_DIR}/${family}.json`, 'utf8')) as ReturnType<typeof raw>;
}

/** The one-line message of the UserError `f` throws. */
function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as UserError).message;
  }
  return expect.fail('expected a UserError');
}

describe('shipped efficiency profiles', () => {
  const shipped = shippedEfficiencies();

  it('cover the brief\'s families, each file named by its family', () => {
    expect(shipped.map((e) => e.data.family)).toEqual(['amd-cdna3', 'nvidia-ada', 'nvidia-ampere', 'nvidia-blackwell', 'nvidia-hopper']);
    expect(shipped.map((e) => e.efficiency.label)).toEqual(shipped.map((e) => `typical:${e.data.family ?? ''}`));
  });

  it('map these devices to these families, every listed id a shipped hardware profile, none listed twice', () => {
    const expected: Record<string, string> = {
      'h100-sxm': 'nvidia-hopper', 'h100-pcie': 'nvidia-hopper', 'h200-sxm': 'nvidia-hopper',
      'a800-sxm': 'nvidia-ampere', 'a800-pcie': 'nvidia-ampere', 'rtx-3060': 'nvidia-ampere',
      l40s: 'nvidia-ada', 'rtx-4090': 'nvidia-ada', b200: 'nvidia-blackwell', mi300x: 'amd-cdna3',
    };
    for (const [id, family] of Object.entries(expected)) expect(familyOf(id, shipped)?.data.family, id).toBe(family);
    const listed = shipped.flatMap((e) => e.data.devices ?? []);
    expect(new Set(listed).size).toBe(listed.length);
    expect(listed.sort()).toEqual(Object.keys(expected).sort());
    for (const id of listed) expect(hardwareIds()).toContain(id);
  });

  it('give every term a source with a title, fractions in (0, 1] and overheads at BLIS\'s fitted 32 us and 126 us', () => {
    for (const e of shipped) {
      const terms = Object.values(e.data.kinds).concat([e.data.memory, e.data.layerOverheadSeconds, e.data.stepOverheadSeconds]);
      for (const t of terms) expect(e.data.sources[t.source]?.title.length ?? 0).toBeGreaterThan(0);
      for (const f of [...Object.values(e.efficiency.kinds), e.efficiency.memory]) expect(f > 0 && f <= 1).toBe(true);
      expect([e.efficiency.layerOverheadSeconds, e.efficiency.stepOverheadSeconds]).toEqual([3.2e-5, 1.26e-4]);
    }
  });

  it('flag as inferred what a family takes from another (Blackwell\'s GEMM and attention are Hopper\'s)', () => {
    const b = raw('nvidia-blackwell');
    const h = raw('nvidia-hopper');
    for (const k of ['gemm', 'attention']) {
      expect(b.kinds[k]?.value).toBe(h.kinds[k]?.value);
      expect(b.kinds[k]?.flags).toContain('inferred');
    }
  });

  it('source the hopper numbers as the brief asks: FlashAttention-3, AIConfigurator\'s 0.8, BLIS\'s overheads', () => {
    const h = shipped.find((e) => e.data.family === 'nvidia-hopper')!;
    expect(h.efficiency.references?.[h.efficiency.sources?.attention ?? '']).toMatch(/FlashAttention-3.*2407\.08608/);
    expect(h.efficiency.references?.[h.efficiency.sources?.memory ?? '']).toMatch(/AIConfigurator.*0\.8/);
    expect(h.efficiency.references?.[h.efficiency.sources?.layerOverheadSeconds ?? '']).toMatch(/BLIS/);
  });
});

describe('a profile file', () => {
  it('is refused with the file and field named: a fraction above 1, a missing term, an unknown source, a typo', () => {
    const high = raw('nvidia-hopper');
    high.kinds.gemm!.value = 1.5;
    expect(userError(() => parseEfficiency(high, 'mine.json', 'mine.json'))).toMatch(/^mine\.json: kinds\.gemm\.value: must be between 0\.01 and 1/);
    const missing = raw('nvidia-hopper');
    delete missing.memory;
    expect(userError(() => parseEfficiency(missing, 'mine.json', 'mine.json'))).toBe('mine.json: memory: required field is missing');
    const source = raw('nvidia-hopper');
    source.kinds.attention!.source = 'nowhere';
    expect(userError(() => parseEfficiency(source, 'mine.json', 'mine.json'))).toMatch(/^mine\.json: kinds\.attention\.source: "nowhere" is not a key of sources/);
    const typo = { ...raw('nvidia-hopper'), memroy: 1 };
    expect(userError(() => parseEfficiency(typo, 'mine.json', 'mine.json'))).toMatch(/^mine\.json: memroy: unknown field/);
  });
});

describe('--efficiency resolution', () => {
  it('peak is PEAK_EFFICIENCY; typical is the device\'s family; typical:<family> names one', () => {
    const h100 = loadHardware('h100-sxm');
    expect(resolveEfficiency('peak', h100)).toBe(PEAK_EFFICIENCY);
    expect(resolveEfficiency('typical', h100).label).toBe('typical:nvidia-hopper');
    expect(resolveEfficiency('typical:amd-cdna3', h100).label).toBe('typical:amd-cdna3');
  });

  it('refuses typical for devices no family covers (Apple, CPUs, Jetson), naming the profile and its file', () => {
    for (const id of ['apple-m2', 'apple-m2-cpu', 'bcm2712', 'jetson-agx-orin-64gb', 'llm-viewer/nvidia_H100']) {
      expect(userError(() => resolveEfficiency('typical', loadHardware(id)))).toMatch(new RegExp(`^--efficiency: typical is not available for ${id} \\(hardware-profiles/${id}\\.json\\)`));
    }
  });

  it('on a calibrated profile applies nothing for typical, and says why; refuses a file', () => {
    const h = loadHardware('h100-sxm');
    const calibrated: LoadedProfile = { ...h, id: 'host', file: 'hardware-profiles/host.json', hardware: { ...h.hardware, extras: { expPerSecond: 1e9, operatorOverheadSeconds: 1e-6, attentionFlopPerSecond: { prefill: 1e10, decode: 1e10 }, fewRowGemmFlopPerSecond: 0, workingSet: undefined } } };
    const e = resolveEfficiency('typical', calibrated);
    expect({ ...e, note: undefined }).toEqual({ ...PEAK_EFFICIENCY, note: undefined });
    expect(e.note).toMatch(/applies nothing: host \(hardware-profiles\/host\.json\) is a calibrated profile/);
    expect(userError(() => resolveEfficiency(`${EFFICIENCY_DIR}/nvidia-hopper.json`, calibrated))).toMatch(/^--efficiency: host \(hardware-profiles\/host\.json\) is a calibrated profile.*count the shortfall twice/);
  });

  it('refuses an unknown family and a value that is neither a name nor a path', () => {
    expect(userError(() => resolveEfficiency('typical:nvidia-volta', loadHardware('h100-sxm')))).toMatch(/^--efficiency: unknown family "nvidia-volta" \(expected one of: amd-cdna3, /);
    expect(userError(() => resolveEfficiency('fast', loadHardware('h100-sxm')))).toBe('--efficiency: expected peak, typical, typical:<family> or a path to a .json file (got "fast")');
  });
});
