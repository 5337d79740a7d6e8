/** Checks an output path before any work: a command fails in one line, not after minutes of computing. */
import { accessSync, constants, lstatSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UserError } from './errors.js';
import { errnoCode } from './errno.js';

/** Links followed before giving up, as the kernel's own limit (ELOOP). */
const MAX_LINKS = 40;

function kindOf(s: Stats): string {
  return s.isDirectory() ? 'a folder'
    : s.isCharacterDevice() ? 'a character device'
    : s.isBlockDevice() ? 'a block device'
    : s.isFIFO() ? 'a named pipe (FIFO)'
    : s.isSocket() ? 'a socket'
    : s.isFile() ? 'a file'
    : 'not a regular file';
}

/** Throws unless `dir` is an existing folder this process may create files in. */
function requireWritableFolder(flag: string, shown: string, dir: string): void {
  let s: Stats;
  try {
    s = statSync(dir);
  } catch (e) {
    throw new UserError(flag, '', `cannot write ${shown}: folder ${dir} ${errnoCode(e) === 'ENOENT' ? 'does not exist' : `cannot be read (${errnoCode(e)})`}`);
  }
  if (!s.isDirectory()) throw new UserError(flag, '', `cannot write ${shown}: ${dir} is ${kindOf(s)}, not a folder`);
  try {
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new UserError(flag, '', `cannot write ${shown}: no permission to create files in ${dir} (${errnoCode(e)})`);
  }
}

/**
 * The file an output path will replace, symbolic links followed; throws a UserError naming `flag` when the path is
 * empty, a folder or a special file (device, FIFO, socket), or its folder is missing or not writable.
 */
export function checkOutTarget(path: string, flag = '--out'): string {
  if (path === '') throw new UserError(flag, '', 'expected a file name (got "")');
  let target = path;
  for (let links = 0; ; links++) {
    let s: Stats;
    try {
      s = lstatSync(target);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') break; // A new file (a dangling link's target is created).
      if (errnoCode(e) === 'ENOTDIR') throw new UserError(flag, '', `cannot write ${path}: a part of its folder is not a folder`);
      throw new UserError(flag, '', `cannot write ${path} (${errnoCode(e)})`);
    }
    if (s.isSymbolicLink()) {
      if (links >= MAX_LINKS) throw new UserError(flag, '', `cannot write ${path}: more than ${String(MAX_LINKS)} symbolic links (a loop?)`);
      target = resolve(dirname(target), readlinkSync(target));
      continue;
    }
    if (!s.isFile()) throw new UserError(flag, '', `${path} is ${kindOf(s)}, expected a file name (the output replaces a regular file)`);
    break;
  }
  requireWritableFolder(flag, path, dirname(target));
  return target;
}

/**
 * Checks an output folder before any work: it is an existing folder, or the closest part of it that exists is a
 * folder where it can be created. Throws a UserError naming `flag` otherwise.
 */
export function checkOutDir(dir: string, flag = '--out'): void {
  if (dir === '') throw new UserError(flag, '', 'expected a folder name (got "")');
  let existing = resolve(dir);
  for (;;) {
    let s: Stats | undefined;
    try {
      s = statSync(existing);
    } catch (e) {
      // ENOTDIR: a file on the way, reported below as the closest part that exists.
      if (errnoCode(e) !== 'ENOENT' && errnoCode(e) !== 'ENOTDIR') throw new UserError(flag, '', `cannot write in ${dir} (${errnoCode(e)})`);
    }
    if (s !== undefined) {
      if (!s.isDirectory()) throw new UserError(flag, '', `cannot write in ${dir}: ${existing === resolve(dir) ? dir : existing} is ${kindOf(s)}, not a folder`);
      break;
    }
    const parent = dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  requireWritableFolder(flag, dir, existing);
}
