/**
 * Temporary files that are still being written: removed when the process exits early or is interrupted, so an
 * interrupted command never leaves a `.name.<pid>.<n>.tmp` file behind.
 */
import { rmSync } from 'node:fs';
import { constants } from 'node:os';

const live = new Set<string>();
// The handlers exist only while a temporary file does: with none, Ctrl-C keeps its default effect immediately, even
// in a long synchronous computation.
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
let exitHookInstalled = false;

function removeAll(): void {
  for (const path of live) rmSync(path, { force: true });
  live.clear();
}

function onSignal(signal: (typeof SIGNALS)[number]): void {
  removeAll();
  // The shell's convention for a process ended by a signal: 128 + its number (130 for SIGINT, 143 for SIGTERM).
  process.exit(128 + constants.signals[signal]);
}

/** Registers a temporary file to remove on SIGINT, SIGTERM, SIGHUP or an early exit. */
export function rememberTemp(path: string): void {
  if (!exitHookInstalled) {
    // process.exit() elsewhere (a closed stdout pipe) still runs 'exit' listeners, which may only do synchronous work.
    process.on('exit', removeAll);
    exitHookInstalled = true;
  }
  if (live.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  live.add(path);
}

/** Unregisters a temporary file that was renamed into place or removed. */
export function forgetTemp(path: string): void {
  if (!live.delete(path)) return;
  if (live.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
}

/** The temporary files registered now. */
export function liveTemps(): string[] {
  return [...live];
}
