/** Pieces shared by the analyze and sweep commands: loading inputs, peak checks, output. */
import { bitsLabel, computeDtype, type Bits } from '../core/dtype.js';
import { UserError } from '../io/errors.js';
import type { LoadedProfile } from '../io/load-hardware.js';
import { fileSink, stdoutSink, writeAll, type OutputSink } from '../io/write.js';

/** Throws a UserError naming the profile file when it lacks the peak the widths compute at. */
export function requirePeak(p: LoadedProfile, bits: Bits): void {
  const dtype = computeDtype(bits);
  if (p.hardware.peakFlopPerSecond[dtype] !== undefined) return;
  throw new UserError(p.file, `peakFlopPerSecond.${dtype}`, `missing: ${bitsLabel(bits)} computes at the ${dtype} peak, which ${p.id} does not list (it lists: ${Object.keys(p.hardware.peakFlopPerSecond).join(', ')})`);
}

/** Where output goes: `--out FILE` (atomic) or stdout. */
export function sinkFor(out: string | undefined): OutputSink {
  return out === undefined ? stdoutSink() : fileSink(out);
}

/** Writes text through a sink, all or nothing. */
export function emit(out: string | undefined, text: string): void {
  writeAll(sinkFor(out), text);
}

/** Whether terminal colours are wanted on stdout. */
export function wantColor(out: string | undefined): boolean {
  return out === undefined && process.stdout.isTTY && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}
