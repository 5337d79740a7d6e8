/** Loads a hardware profile by id or path and reduces it to the plain numbers the engine uses. */
import type { DType } from '../core/dtype.js';
import type { Hardware } from '../core/hardware.js';
import { fromZod, UserError } from './errors.js';
import { HardwareProfileSchema, type HardwareProfile } from './hardware-schema.js';
import { readJson } from './read-json.js';
import { displayPath, HARDWARE_DIR, idFile, isPath, listIds } from './resolve.js';

/** A profile with its file and id, as loaded. */
export interface LoadedProfile {
  readonly id: string;
  readonly file: string;
  readonly profile: HardwareProfile;
  readonly hardware: Hardware;
}

/** Validates a parsed profile; every cited source key must exist. */
export function parseProfile(json: unknown, file: string, id: string): LoadedProfile {
  const parsed = HardwareProfileSchema.safeParse(json);
  if (!parsed.success) throw fromZod(file, parsed.error, json);
  const profile = parsed.data;
  checkSources(profile, file);
  const peakFlopPerSecond: Partial<Record<DType, number>> = {};
  for (const [dtype, q] of Object.entries(profile.peakFlopPerSecond) as [DType, { value: number } | undefined][]) {
    if (q !== undefined) peakFlopPerSecond[dtype] = q.value;
  }
  if (Object.keys(peakFlopPerSecond).length === 0) throw new UserError(file, 'peakFlopPerSecond', 'needs at least one dtype (got none)');
  const hardware: Hardware = {
    id,
    name: profile.name,
    peakFlopPerSecond,
    memoryBandwidthBytesPerSecond: profile.memoryBandwidthBytesPerSecond.value,
    memoryBytes: profile.memoryBytes.value,
    onChipMemoryBytes: profile.onChipMemoryBytes.value,
    efficiency: profile.efficiency ?? { compute: 1, memory: 1 },
    extras:
      profile.expPerSecond === undefined && profile.operatorOverheadSeconds === undefined && profile.attentionFlopPerSecond === undefined && profile.lastLevelCacheResidentBytes === undefined && profile.fewRowGemmFlopPerSecond === undefined
        ? undefined
        : {
            expPerSecond: profile.expPerSecond?.value ?? 0,
            operatorOverheadSeconds: profile.operatorOverheadSeconds?.value ?? 0,
            attentionFlopPerSecond: { prefill: profile.attentionFlopPerSecond?.prefill.value ?? 0, decode: profile.attentionFlopPerSecond?.decode.value ?? 0 },
            fewRowGemmFlopPerSecond: profile.fewRowGemmFlopPerSecond?.value ?? 0,
            // The cache term needs both the resident working set and the measured rate.
            cacheBytes: profile.lastLevelCacheBandwidthBytesPerSecond === undefined ? 0 : (profile.lastLevelCacheResidentBytes?.value ?? 0),
            cacheBytesPerSecond: profile.lastLevelCacheResidentBytes === undefined ? 0 : (profile.lastLevelCacheBandwidthBytesPerSecond?.value ?? 0),
          },
  };
  return { id, file, profile, hardware };
}

/** Every `source` field in the profile names an entry of `sources`. */
function checkSources(profile: HardwareProfile, file: string): void {
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object') return;
    const rec = value as Record<string, unknown>;
    if (typeof rec.source === 'string' && typeof rec.value === 'number' && !(rec.source in profile.sources)) {
      throw new UserError(file, `${path}.source`, `"${rec.source}" is not a key of sources (expected one of: ${Object.keys(profile.sources).join(', ')})`);
    }
    for (const [k, v] of Object.entries(rec)) if (k !== 'sources') visit(v, path === '' ? k : `${path}.${k}`);
  };
  visit(profile, '');
}

/** The profile a `--hardware` value names: a shipped id (e.g. `h100-sxm`) or a path to a JSON file. */
export function loadHardware(ref: string): LoadedProfile {
  const found = isPath(ref) ? ref : idFile(HARDWARE_DIR, ref);
  const file = found === undefined ? undefined : displayPath(found);
  if (file === undefined) {
    throw new UserError('--hardware', '', `unknown hardware "${ref}" (expected a path to a .json file or one of: ${listIds(HARDWARE_DIR).join(', ')})`);
  }
  return parseProfile(readJson(file), file, ref);
}

/** Every shipped hardware id. */
export function hardwareIds(): string[] {
  return listIds(HARDWARE_DIR);
}
