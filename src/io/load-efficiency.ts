/**
 * `--efficiency peak|typical|typical:<family>|FILE`: the efficiency profile a device runs under. Shipped profiles live
 * in efficiency-profiles/<family>.json, each listing the hardware ids it covers (`devices`); `typical` picks the one
 * that lists the device.
 */
import { join } from 'node:path';
import { EFFICIENCY_TERMS, PEAK_EFFICIENCY, type EfficiencyProfile, type EfficiencyTerm } from '../core/efficiency.js';
import { hasOwnKey } from '../core/own.js';
import { EfficiencyProfileSchema, type EfficiencyProfileFile } from './efficiency-schema.js';
import { fromZod, UserError } from './errors.js';
import type { LoadedProfile } from './load-hardware.js';
import { readJson } from './read-json.js';
import { displayPath, isPath, listIds, PACKAGE_ROOT } from './resolve.js';

export const EFFICIENCY_DIR = join(PACKAGE_ROOT, 'efficiency-profiles');

/** A shipped or user profile file, validated, with the engine's plain numbers. */
export interface LoadedEfficiency {
  readonly file: string;
  readonly data: EfficiencyProfileFile;
  readonly efficiency: EfficiencyProfile;
}

/** Validates a parsed efficiency file; `label` is what reports will call it. */
export function parseEfficiency(json: unknown, file: string, label: string): LoadedEfficiency {
  const parsed = EfficiencyProfileSchema.safeParse(json);
  if (!parsed.success) throw fromZod(file, parsed.error, json);
  const data = parsed.data;
  const terms: Record<EfficiencyTerm, { value: number; source: string }> = { ...data.kinds, memory: data.memory, layerOverheadSeconds: data.layerOverheadSeconds, stepOverheadSeconds: data.stepOverheadSeconds };
  const sources: Partial<Record<EfficiencyTerm, string>> = {};
  for (const t of EFFICIENCY_TERMS) {
    const q = terms[t];
    const path = t in data.kinds ? `kinds.${t}` : t;
    if (!hasOwnKey(data.sources, q.source)) throw new UserError(file, `${path}.source`, `"${q.source}" is not a key of sources (expected one of: ${Object.keys(data.sources).join(', ')})`);
    sources[t] = q.source;
  }
  const references = Object.fromEntries(Object.entries(data.sources).map(([k, v]) => [k, v.url === undefined ? v.title : `${v.title}, ${v.url}`]));
  const { gemm, attention, elementwise, gather, collective } = data.kinds;
  const efficiency: EfficiencyProfile = {
    label,
    kinds: { gemm: gemm.value, attention: attention.value, elementwise: elementwise.value, gather: gather.value, collective: collective.value },
    memory: data.memory.value,
    layerOverheadSeconds: data.layerOverheadSeconds.value,
    stepOverheadSeconds: data.stepOverheadSeconds.value,
    sources,
    references,
  };
  return { file, data, efficiency };
}

/** Every shipped family profile, loaded (a broken shipped file is a user-visible error naming it). */
export function shippedEfficiencies(): LoadedEfficiency[] {
  return listIds(EFFICIENCY_DIR).map((family) => {
    const file = displayPath(join(EFFICIENCY_DIR, `${family}.json`));
    const loaded = parseEfficiency(readJson(file), file, `typical:${family}`);
    if (loaded.data.family !== family) throw new UserError(file, 'family', `must be the file's name (got ${JSON.stringify(loaded.data.family)}, expected "${family}")`);
    return loaded;
  });
}

/** The shipped family profile that lists a hardware id, or undefined. */
export function familyOf(hardwareId: string, shipped: readonly LoadedEfficiency[] = shippedEfficiencies()): LoadedEfficiency | undefined {
  return shipped.find((e) => e.data.devices?.includes(hardwareId) === true);
}

/** Why a calibrated profile takes no efficiency profile: its measured terms are achieved rates already. */
const CALIBRATED = 'is a calibrated profile: its measured kernel rates and overheads are achieved figures already';

/**
 * The efficiency `--efficiency` names for a device. `typical` on a calibrated profile applies nothing, and says so
 * (its measured terms already are achieved rates); a FILE on one is refused, since it would count the shortfall twice.
 */
export function resolveEfficiency(value: string, device: LoadedProfile, flag = '--efficiency'): EfficiencyProfile {
  if (value === 'peak') return PEAK_EFFICIENCY;
  const calibrated = device.hardware.extras !== undefined;
  if (value === 'typical' || value.startsWith('typical:')) {
    if (calibrated) return { ...PEAK_EFFICIENCY, note: `--efficiency ${value} applies nothing: ${device.id} (${device.file}) ${CALIBRATED}` };
    const shipped = shippedEfficiencies();
    const families = shipped.map((e) => `${e.data.family ?? ''} (${(e.data.devices ?? []).join(', ')})`).join('; ');
    const found = value === 'typical' ? familyOf(device.id, shipped) : shipped.find((e) => `typical:${e.data.family ?? ''}` === value);
    if (found !== undefined) return found.efficiency;
    if (value !== 'typical') throw new UserError(flag, '', `unknown family "${value.slice('typical:'.length)}" (expected one of: ${shipped.map((e) => e.data.family ?? '').join(', ')})`);
    throw new UserError(flag, '', `typical is not available for ${device.id} (${device.file}): no sourced efficiency profile covers it (families: ${families}); use --efficiency peak, typical:<family> or a JSON file`);
  }
  if (!isPath(value)) throw new UserError(flag, '', `expected peak, typical, typical:<family> or a path to a .json file (got "${value}")`);
  const file = displayPath(value);
  const loaded = parseEfficiency(readJson(file), file, file);
  if (calibrated) throw new UserError(flag, '', `${device.id} (${device.file}) ${CALIBRATED}; an efficiency file would count the shortfall twice (use --efficiency peak)`);
  return loaded.efficiency;
}
