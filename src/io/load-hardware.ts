/** Loads a hardware profile by id or path and reduces it to the plain numbers the engine uses. */
import type { DType } from '../core/dtype.js';
import type { AttentionRates, Hardware } from '../core/hardware.js';
import { hasOwnKey } from '../core/own.js';
import { gridOf, type RateGrid } from '../core/rate-grid.js';
import { coldStreamCurve, workingSetCurve, type WorkingSetCurve } from '../core/roofline.js';
import { fromZod, UserError } from './errors.js';
import { inputKind } from './file-kind.js';
import { interconnectOf } from './hardware-links.js';
import { HardwareProfileSchema, type HardwareProfile } from './hardware-schema.js';
import { checkPeaks } from './peak-checks.js';
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
  if (!parsed.success) {
    const kind = inputKind(json);
    if (kind !== undefined && !kind.startsWith('a hardware profile')) throw new UserError(file, '', `this is ${kind}, expected a hardware profile`);
    throw fromZod(file, parsed.error, json);
  }
  const profile = parsed.data;
  checkSources(profile, file);
  checkPeaks(profile, file);
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
      profile.expPerSecond === undefined && profile.operatorOverheadSeconds === undefined && profile.attentionFlopPerSecond === undefined && profile.lastLevelCacheResidentBytes === undefined && profile.workingSetBandwidth === undefined && profile.fewRowGemmFlopPerSecond === undefined && profile.gemmGrid === undefined && profile.coldStreamBandwidth === undefined && profile.kvStreamBandwidth === undefined && profile.fewRowGemmCachedFlopPerSecond === undefined
        ? undefined
        : {
            expPerSecond: profile.expPerSecond?.value ?? 0,
            operatorOverheadSeconds: profile.operatorOverheadSeconds?.value ?? 0,
            attentionFlopPerSecond: attentionRates(profile, file),
            fewRowGemmFlopPerSecond: profile.fewRowGemmFlopPerSecond?.value ?? 0,
            fewRowGemmCachedFlopPerSecond: profile.fewRowGemmCachedFlopPerSecond?.value,
            gemmGrid: checkedGrid(file, 'gemmGrid', profile.gemmGrid?.map((p) => ({ x: p.rows, y: p.cols, rate: p.value }))),
            workingSet: workingSetOf(profile),
            kvStream: profile.kvStreamBandwidth?.value,
            coldStream: profile.coldStreamBandwidth === undefined ? undefined : coldStreamCurve(profile.coldStreamBandwidth.map((w) => ({ bytes: w.bytes, bytesPerSecond: w.value }))),
          },
    interconnect: interconnectOf(profile, file),
  };
  return { id, file, profile, hardware };
}

/** The attention rates of a profile, its grids checked to be complete. */
function attentionRates(profile: HardwareProfile, file: string): AttentionRates {
  const a = profile.attentionFlopPerSecond;
  return {
    prefill: a?.prefill.value ?? 0,
    decode: a?.decode.value ?? 0,
    prefillGrid: checkedGrid(file, 'attentionFlopPerSecond.prefillGrid', a?.prefillGrid?.map((p) => ({ x: p.seqLen, y: p.headDim, rate: p.value }))),
    decodeGrid: checkedGrid(file, 'attentionFlopPerSecond.decodeGrid', a?.decodeGrid?.map((p) => ({ x: p.mapsPerKeyHead, y: p.headDim, rate: p.value }))),
  };
}

/**
 * The working-set curve: the measured one, or from an older profile's resident working set and cache rate a single
 * point (a step that fits streams at the cache rate, a larger one at memory bandwidth); undefined when neither.
 */
function workingSetOf(profile: HardwareProfile): WorkingSetCurve | undefined {
  if (profile.workingSetBandwidth !== undefined) return workingSetCurve(profile.workingSetBandwidth.map((w) => ({ bytes: w.bytes, bytesPerSecond: w.value })));
  const resident = profile.lastLevelCacheResidentBytes?.value;
  const rate = profile.lastLevelCacheBandwidthBytesPerSecond?.value;
  return resident === undefined || rate === undefined ? undefined : workingSetCurve([{ bytes: resident, bytesPerSecond: rate }]);
}

/** The grid of a profile's measured points (undefined when absent); an incomplete one is an error naming `field`. */
function checkedGrid(file: string, field: string, points: { x: number; y: number; rate: number }[] | undefined): RateGrid | undefined {
  if (points === undefined) return undefined;
  const g = gridOf(points);
  if (typeof g === 'string') throw new UserError(file, field, `expected ${g}`);
  return g;
}

/** Every `source` field in the profile names an entry of `sources`. */
function checkSources(profile: HardwareProfile, file: string): void {
  const visit = (value: unknown, path: string): void => {
    if (value === null || typeof value !== 'object') return;
    const rec = value as Record<string, unknown>;
    if (typeof rec.source === 'string' && typeof rec.value === 'number' && !hasOwnKey(profile.sources, rec.source)) {
      throw new UserError(file, `${path}.source`, `"${rec.source}" is not a key of sources (expected one of: ${Object.keys(profile.sources).join(', ')})`);
    }
    for (const [k, v] of Object.entries(rec)) if (k !== 'sources') visit(v, path === '' ? k : `${path}.${k}`);
  };
  visit(profile, '');
}

/** The profile a `--hardware` value names: a shipped id (e.g. `h100-sxm`) or a path to a JSON file. */
export function loadHardware(ref: string, flag = '--hardware'): LoadedProfile {
  const found = isPath(ref) ? ref : idFile(HARDWARE_DIR, ref);
  const file = found === undefined ? undefined : displayPath(found);
  if (file === undefined) {
    throw new UserError(flag, '', `unknown hardware "${ref}" (expected a path to a .json file or one of: ${listIds(HARDWARE_DIR).join(', ')})`);
  }
  return parseProfile(readJson(file), file, ref);
}

/** Every shipped hardware id. */
export function hardwareIds(): string[] {
  return listIds(HARDWARE_DIR);
}
