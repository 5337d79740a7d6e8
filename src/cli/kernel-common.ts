/** What run, calibrate and validate share: the calibrated host profile, size flags, memory refusals. */
import { existsSync } from 'node:fs';
import type { Hardware } from '../core/hardware.js';
import { UserError } from '../io/errors.js';
import { HOST_PROFILE } from '../io/host-profile.js';
import { loadHardware } from '../io/load-hardware.js';
import type { Limit } from '../core/limits.js';
import { MAX_THREADS } from '../kernel/fast/layout.js';
import { MemoryShortfall } from '../kernel/memory.js';

/** --threads: the fast kernels run at most MAX_THREADS workers (their shared counters are sized for that many). */
export const THREADS_LIMIT: Limit = { max: MAX_THREADS, unit: 'threads' };

/** The calibrated host profile; a clear error when `calibrate` has not run. */
export function hostHardware(ref: string | undefined): Hardware {
  if (ref !== undefined) return loadHardware(ref).hardware;
  if (!existsSync(HOST_PROFILE)) throw new UserError(HOST_PROFILE, '', 'missing: run `llm-roofline calibrate` first (or pass --hardware)');
  return loadHardware('host').hardware;
}

const UNITS: Readonly<Record<string, number>> = { '': 1, B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** A size flag: whole bytes, or a number with KiB, MiB, GiB or TiB (binary units), e.g. 480MiB or 1.5 GiB. */
export function byteSize(flag: string, text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KiB|MiB|GiB|TiB)?\s*$/.exec(text);
  const bytes = m === null ? NaN : Math.floor(Number(m[1]) * (UNITS[m[2] ?? ''] ?? NaN));
  if (!(bytes >= 1 && Number.isSafeInteger(bytes))) throw new UserError(flag, '', `expected a size in bytes, or with KiB, MiB, GiB or TiB, e.g. 480MiB (got "${text}")`);
  return bytes;
}

/** Runs `fn`; work that does not fit memory (MemoryShortfall) becomes a one-line user error of `source`. */
export function refusingShortfall<T>(source: string, field: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof MemoryShortfall) throw new UserError(source, field, e.message);
    throw e;
  }
}
