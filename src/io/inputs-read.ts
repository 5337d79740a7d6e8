/**
 * The files this process has read as input, by device and inode, so that an output never replaces one of them:
 * `analyze --model m.json --out m.json` would otherwise destroy the config it was computed from.
 */
import { statSync, type Stats } from 'node:fs';

const read = new Map<string, string>();
const key = (s: Pick<Stats, 'dev' | 'ino'>): string => `${String(s.dev)}:${String(s.ino)}`;

/** Records a file read as input (its fstat), under the name it was given. */
export function rememberInput(s: Pick<Stats, 'dev' | 'ino'>, name: string): void {
  read.set(key(s), name);
}

/** The name an input was read under when `path` (links followed) is that same file; undefined otherwise. */
export function inputAt(path: string): string | undefined {
  let s: Stats;
  try {
    s = statSync(path);
  } catch {
    return undefined; // Nothing there yet: a new file replaces no input.
  }
  return read.get(key(s));
}
