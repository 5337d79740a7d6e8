/**
 * Reads input files (model configs, profiles, reports, measurements) safely: regular files only, a size cap, and
 * JSON nested too deeply refused; every problem is a one-line UserError naming the file.
 */
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { UserError } from './errors.js';
import { rememberInput } from './inputs-read.js';

/** The largest input file read (64 MiB); the biggest real inputs (sweeps, HF configs) are far below it. */
export const MAX_INPUT_BYTES = 64 * 2 ** 20;
/** The deepest nesting of arrays and objects accepted; real inputs nest fewer than 10 levels. */
export const MAX_JSON_DEPTH = 256;

// Opening a FIFO for reading waits for a writer; non-blocking, it opens at once and fstat then refuses it.
// Windows has no O_NONBLOCK (and no FIFOs to guard against).
const O_NONBLOCK = (constants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0;

function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a directory';
  if (s.isFIFO()) return 'a named pipe';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

function requireRegular(file: string, s: Stats): void {
  if (!s.isFile()) throw new UserError(file, '', `expected a regular file (got ${kindOf(s)})`);
}

function tooLarge(file: string, bytes: string, maxBytes: number): UserError {
  return new UserError(file, '', `file too large (got ${bytes} bytes, expected at most ${String(maxBytes)} bytes = ${formatMiB(maxBytes)})`);
}

function formatMiB(bytes: number): string {
  const mib = bytes / 2 ** 20;
  return `${Number.isInteger(mib) ? String(mib) : mib.toFixed(1)} MiB`;
}

function readError(file: string, e: unknown): UserError {
  const code = (e as NodeJS.ErrnoException).code ?? 'error';
  if (code === 'ENOENT' || code === 'ENOTDIR') return new UserError(file, '', 'file not found');
  if (code === 'EACCES' || code === 'EPERM') return new UserError(file, '', 'permission denied');
  return new UserError(file, '', `cannot read file (${code})`);
}

/** The text of an input file (UTF-8): a regular file of at most `maxBytes` bytes, else a UserError. */
export function readInputText(file: string, maxBytes = MAX_INPUT_BYTES): string {
  let fd: number;
  try {
    // stat first so that a FIFO or device is refused without opening it at all.
    requireRegular(file, statSync(file));
    fd = openSync(file, constants.O_RDONLY | O_NONBLOCK);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw readError(file, e);
  }
  try {
    // The file may have been swapped between stat and open; what counts is what was opened.
    const s = fstatSync(fd);
    requireRegular(file, s);
    if (s.size > maxBytes) throw tooLarge(file, String(s.size), maxBytes);
    rememberInput(s, file);
    // Read until end of file rather than trusting the size (files under /proc report 0), but never past the cap.
    let buf = Buffer.alloc(Math.min(maxBytes + 1, Math.max(s.size + 1, 64 * 1024)));
    let got = 0;
    for (;;) {
      if (got === buf.length) {
        if (got > maxBytes) throw tooLarge(file, `more than ${String(maxBytes)}`, maxBytes);
        const bigger = Buffer.alloc(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      const n = readSync(fd, buf, got, buf.length - got, null);
      if (n === 0) return buf.toString('utf8', 0, got);
      got += n;
    }
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw readError(file, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * Whether JSON text nests arrays and objects more than `maxDepth` deep. A plain loop over the characters, so that
 * no depth of input can overflow the stack here (JSON.parse copes, but every recursive walk after it would not).
 */
export function nestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip a string: brackets inside it do not nest.
      for (i++; i < text.length; i++) {
        const d = text.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}

/** Parsed JSON content of a file, checked by readInputText and for nesting depth. */
export function readJson(file: string): unknown {
  // Editors on Windows may start a UTF-8 file with a byte-order mark, which JSON.parse rejects.
  const text = readInputText(file).replace(/^\uFEFF/, '');
  if (nestedDeeperThan(text, MAX_JSON_DEPTH)) {
    throw new UserError(file, '', `nested too deeply (more than ${String(MAX_JSON_DEPTH)} levels of arrays and objects)`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UserError(file, '', `malformed JSON: ${(e as Error).message}`);
  }
}
