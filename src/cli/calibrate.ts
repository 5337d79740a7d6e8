/** `llm-roofline calibrate`: measures this machine with the kernel engine and writes hardware-profiles/host.json. */
import { calibrate, type Calibration, type CalibratorOptions } from '../kernel/calibrate.js';
import { usableMachineBytes } from '../kernel/memory.js';
import type { Backend } from '../kernel/backend.js';
import { openBackend, type Probes } from '../kernel/engines.js';
import { boundText } from '../core/limits.js';
import { UserError } from '../io/errors.js';
import { CACHE_BYTES } from '../io/hardware-schema.js';
import { capNote, freeMemoryBytes, HOST_PROFILE, hostProfile, lastLevelCacheBytes } from '../io/host-profile.js';
import { checkOutTarget, fileSink, writeAll } from '../io/write.js';
import { seconds, si } from '../render/units.js';
import { positiveInt } from './options.js';
import { byteSize, refusingShortfall, THREADS_LIMIT } from './kernel-common.js';
import { defaultThreads } from './run.js';

function hasProbes(b: Backend & Partial<Probes>): b is Backend & Probes {
  return b.measureGemmFlopPerSecond !== undefined && b.measureReadBytesPerSecond !== undefined && b.measureExpPerSecond !== undefined;
}

/** The backend, as one with calibration probes (the fast one has them); a clear error naming `command` and `field` otherwise. */
export function withProbes(b: Backend & Partial<Probes>, command: string, field: string): Backend & Probes {
  if (!hasProbes(b)) throw new UserError(command, field, 'the fast kernel backend is not available (run `npm run build`)');
  return b;
}

/** Rounds of every probe by default; each figure is the median over them. */
export const DEFAULT_ROUNDS = 36;
/** Without --rounds, no round starts that would end past this many seconds (the default rounds take about 45 s). */
export const DEFAULT_BUDGET_SECONDS = 55;

/** Writes a calibration as a host profile (dated today) to `out`, by default hardware-profiles/host.json; returns the path. */
export function writeHostProfile(c: Calibration, out = HOST_PROFILE, cacheSource: 'os' | 'given' = 'os'): string {
  writeAll(fileSink(out), JSON.stringify(hostProfile(c, new Date().toISOString().slice(0, 10), cacheSource), null, 2) + '\n');
  return out;
}

/** The options every calibration shares: --cache-bytes (a size, or "none") and --memory-limit. */
export interface CalibrationFlags {
  cacheBytes?: string | undefined;
  memoryLimit?: string | undefined;
}

const inCacheRange = (bytes: number): boolean => bytes >= CACHE_BYTES.min && bytes <= CACHE_BYTES.max;

/** --cache-bytes, within the range a profile's lastLevelCacheBytes loads with (the profile records it). */
function givenCacheBytes(text: string): number {
  const bytes = byteSize('--cache-bytes', text);
  if (!inCacheRange(bytes)) {
    const range = `${boundText(CACHE_BYTES.min)} and ${boundText(CACHE_BYTES.max)} ${CACHE_BYTES.unit}`;
    throw new UserError('--cache-bytes', '', `must be between ${range}, the range of a profile's lastLevelCacheBytes (got ${String(bytes)} B)`);
  }
  return bytes;
}

/** The cache size the OS reports; one outside that range is treated as unknown, so the profile written still loads. */
function osCacheBytes(): number | undefined {
  const bytes = lastLevelCacheBytes();
  return bytes !== undefined && inCacheRange(bytes) ? bytes : undefined;
}

/**
 * What sizes the probes: the cache (--cache-bytes, or what the OS reports), the machine's usable free memory, the
 * user's limit; and where the cache size came from.
 */
export function calibrationSizing(o: CalibrationFlags): { opts: CalibratorOptions; cacheSource: 'os' | 'given' } {
  const given = o.cacheBytes !== undefined;
  const cacheBytes = !given ? osCacheBytes() : o.cacheBytes === 'none' ? undefined : givenCacheBytes(o.cacheBytes ?? '');
  const limitBytes = o.memoryLimit === undefined ? undefined : byteSize('--memory-limit', o.memoryLimit);
  return { opts: { cacheBytes, limitBytes, machineBytes: usableMachineBytes(freeMemoryBytes()) }, cacheSource: given ? 'given' : 'os' };
}

/** One line per probe that ran over less memory than it wanted (stderr), so a cap is never silent. */
export function capLines(command: string, c: Calibration): string {
  return c.caps.map((cap) => `${command}: capped: ${capNote(cap)}\n`).join('');
}

/** Runs the command. */
export async function runCalibrate(o: CalibrationFlags & { threads?: string | undefined; out?: string | undefined; rounds?: string | undefined }): Promise<void> {
  checkOutTarget(o.out ?? HOST_PROFILE);
  const threads = o.threads === undefined ? defaultThreads() : positiveInt('--threads', o.threads, THREADS_LIMIT);
  const rounds = o.rounds === undefined ? DEFAULT_ROUNDS : positiveInt('--rounds', o.rounds);
  const { opts, cacheSource } = calibrationSizing(o);
  const backend = await openBackend('fast', threads);
  try {
    // In a terminal each progress line overwrites the last; in a log, every step is a line.
    const tty = process.stderr.isTTY;
    const c = refusingShortfall('calibrate', '', () => calibrate(withProbes(backend, 'calibrate', ''), threads, rounds, (done, total, what) => {
      const line = `calibrate [${String(done)}/${String(total)}] ${what}`;
      process.stderr.write(tty ? `\r\x1b[K${line}${done === total ? '\n' : ''}` : `${line}\n`);
    }, opts, o.rounds === undefined ? DEFAULT_BUDGET_SECONDS : Infinity));
    const out = writeHostProfile(c, o.out, cacheSource);
    process.stderr.write(capLines('calibrate', c));
    process.stderr.write(`wrote ${out}: fp32 ${si(c.gemmFlopPerSecond.median, 'FLOP/s')}, read ${si(c.readBytesPerSecond.median, 'B/s')}, exp ${si(c.expPerSecond.median, '/s')}, overhead ${seconds(c.operatorOverheadSeconds.median)} per operator${c.cache?.workingSet[0] === undefined ? '' : `, ${si(c.cache.workingSet[0].rate.median, 'B/s')} over ${String(Math.round(c.cache.workingSet[0].bytes / 2 ** 20))} MiB read again and again`}, ${String(threads)} threads, medians of ${String(c.gemmFlopPerSecond.runs)} rounds${c.caps.length === 0 ? '' : `, ${String(c.caps.length)} probe${c.caps.length === 1 ? '' : 's'} capped (calibrationCaps)`}\n`);
  } finally {
    backend.dispose();
  }
}
