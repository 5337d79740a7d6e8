/** `llm-roofline calibrate`: measures this machine with the kernel engine and writes hardware-profiles/host.json. */
import { calibrate, type Calibration } from '../kernel/calibrate.js';
import type { Backend } from '../kernel/backend.js';
import { openBackend, type Probes } from '../kernel/engines.js';
import { UserError } from '../io/errors.js';
import { HOST_PROFILE, hostProfile, lastLevelCacheBytes } from '../io/host-profile.js';
import { checkOutTarget, fileSink, writeAll } from '../io/write.js';
import { seconds, si } from '../render/units.js';
import { positiveInt } from './options.js';
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
export function writeHostProfile(c: Calibration, out = HOST_PROFILE): string {
  writeAll(fileSink(out), JSON.stringify(hostProfile(c, new Date().toISOString().slice(0, 10)), null, 2) + '\n');
  return out;
}

/** Runs the command. */
export async function runCalibrate(o: { threads?: string | undefined; out?: string | undefined; rounds?: string | undefined }): Promise<void> {
  checkOutTarget(o.out ?? HOST_PROFILE);
  const threads = o.threads === undefined ? defaultThreads() : positiveInt('--threads', o.threads);
  const rounds = o.rounds === undefined ? DEFAULT_ROUNDS : positiveInt('--rounds', o.rounds);
  const backend = await openBackend('fast', threads);
  try {
    // In a terminal each progress line overwrites the last; in a log, every step is a line.
    const tty = process.stderr.isTTY;
    const c = calibrate(withProbes(backend, 'calibrate', ''), threads, rounds, (done, total, what) => {
      const line = `calibrate [${String(done)}/${String(total)}] ${what}`;
      process.stderr.write(tty ? `\r\x1b[K${line}${done === total ? '\n' : ''}` : `${line}\n`);
    }, lastLevelCacheBytes(), o.rounds === undefined ? DEFAULT_BUDGET_SECONDS : Infinity);
    const out = writeHostProfile(c, o.out);
    process.stderr.write(`wrote ${out}: fp32 ${si(c.gemmFlopPerSecond.median, 'FLOP/s')}, read ${si(c.readBytesPerSecond.median, 'B/s')}, exp ${si(c.expPerSecond.median, '/s')}, overhead ${seconds(c.operatorOverheadSeconds.median)} per operator${c.cache === undefined ? '' : `, ${si(c.cache.workingSet[0]?.rate.median ?? 0, 'B/s')} over ${String(Math.round((c.cache.workingSet[0]?.bytes ?? 0) / 2 ** 20))} MiB read again and again`}, ${String(threads)} threads, medians of ${String(c.gemmFlopPerSecond.runs)} rounds\n`);
  } finally {
    backend.dispose();
  }
}
