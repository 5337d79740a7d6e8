/** Output that is all-or-nothing: files are written to a temporary sibling and renamed into place. */
import { closeSync, fchmodSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoCode, errnoText } from './errno.js';
import { UserError } from './errors.js';
import { inputAt } from './inputs-read.js';
import { checkOutTarget } from './out-target.js';
import { forgetTemp, liveTemps, rememberTemp } from './temp-files.js';

export { checkOutDir, checkOutTarget } from './out-target.js';

/** Text written per system call; also how often a streaming producer is asked to pause (see `write`). */
const CHUNK = 1 << 16;

/** A sink for text chunks; `commit` makes the output visible, `abort` discards it. */
export interface OutputSink {
  /**
   * Queues text. Returns false when the producer should `await drained()` before writing more: the destination is
   * behind (a pipe), or a chunk went out and the event loop should get a turn (signals, progress, pipe errors).
   * Bytes go out at once, after any text queued before them; see `holdsBytes` before reusing the array.
   */
  write(chunk: string | Uint8Array): boolean;
  /** Whether the sink still holds the bytes last written (a stream sends them later): the caller must not reuse them. */
  holdsBytes(): boolean;
  /** Resolves when writing may go on. */
  drained(): Promise<void>;
  commit(): void;
  abort(): void;
}

/** A file sink whose commit can be split: `finish` writes and closes the temporary file, `publish` renames it. */
export interface FileSink extends OutputSink {
  /** The file that will be replaced (symbolic links followed). */
  readonly target: string;
  /** The temporary file beside it. */
  readonly tmp: string;
  finish(): void;
  publish(): void;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
let tempCount = 0;

/**
 * Writes to a file atomically: nothing appears at `path` unless `commit` is called. A symbolic link is followed, so
 * the link stays and its target is replaced; the replaced file keeps its mode. The temporary file is removed on
 * every error, on abort and on SIGINT/SIGTERM.
 */
export function fileSink(path: string, flag = '--out'): FileSink {
  const target = checkOutTarget(path, flag);
  const fail = (what: string, e: unknown): UserError => new UserError(flag, '', `cannot write ${path}: ${what} (${errnoText(e)})`);
  const mode = existingMode(target);
  const tmp = join(dirname(target), `.${basename(target)}.${String(process.pid)}.${String(tempCount++)}.tmp`);
  let fd: number | undefined;
  try {
    // 'wx': never follow or reuse something already at the temporary name.
    fd = openSync(tmp, 'wx');
    rememberTemp(tmp);
    if (mode !== undefined) fchmodSync(fd, mode);
  } catch (e) {
    cleanUp();
    throw fail('cannot create a temporary file beside it', e);
  }
  let buffer = '';
  function cleanUp(): void {
    if (fd !== undefined) {
      const open = fd;
      fd = undefined;
      try {
        closeSync(open);
      } catch {
        // Already failing; the error that matters is the one being thrown.
      }
    }
    rmSync(tmp, { force: true });
    forgetTemp(tmp);
  }
  const writeBytes = (bytes: Uint8Array): void => {
    if (fd === undefined) throw new Error(`internal: write to ${path} after it was finished or aborted`);
    try {
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
    } catch (e) {
      cleanUp();
      throw fail('write failed', e);
    }
  };
  const flush = (): void => {
    if (buffer.length === 0) return;
    const text = buffer;
    buffer = '';
    writeBytes(Buffer.from(text));
  };
  function finish(): void {
    flush();
    if (fd === undefined) throw new Error(`internal: ${path} finished twice, or after abort`);
    try {
      fsyncSync(fd);
    } catch (e) {
      cleanUp();
      throw fail('write failed', e);
    }
    const open = fd;
    fd = undefined; // Closed exactly once, even when close fails.
    try {
      closeSync(open);
    } catch (e) {
      cleanUp();
      throw fail('write failed', e);
    }
  }
  function publish(): void {
    // Checked at the last moment, once every input has been read: the input stays as it was and nothing is written.
    const input = inputAt(target);
    if (input !== undefined) {
      cleanUp();
      const which = input === path ? 'an input of this command' : `the input file ${input}`;
      throw new UserError(flag, '', `${path} is ${which}; expected a different file (writing it would replace the input)`);
    }
    try {
      renameSync(tmp, target);
    } catch (e) {
      cleanUp();
      throw fail('cannot replace it', e);
    }
    forgetTemp(tmp);
  }
  return {
    target,
    tmp,
    write(chunk) {
      if (typeof chunk !== 'string') {
        flush();
        writeBytes(chunk);
        return false;
      }
      buffer += chunk;
      if (buffer.length < CHUNK) return true;
      flush();
      return false;
    },
    // Written synchronously: the bytes are in the file when `write` returns.
    holdsBytes: () => false,
    drained: nextTurn,
    finish,
    publish,
    commit() {
      finish();
      publish();
    },
    abort: cleanUp,
  };
}

/** The permission bits of an existing regular file, to give its replacement; undefined when there is none. */
function existingMode(target: string): number | undefined {
  try {
    return statSync(target).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Writes whole text through a sink: committed when written, aborted on any error. */
export function writeAll(sink: OutputSink, text: string): void {
  try {
    sink.write(text);
    sink.commit();
  } catch (e) {
    sink.abort();
    throw e;
  }
}

/**
 * Writes several files all or nothing: every target is checked and every temporary file written and closed before
 * the first rename; if a rename fails, the files already renamed are put back as they were (new ones removed,
 * replaced ones restored from a hard link taken just before).
 */
export function writeFilesAtomically(files: readonly { path: string; text: string }[], flag = '--out'): void {
  const sinks: ReturnType<typeof fileSink>[] = [];
  // What undoing each rename takes: put back the hard link kept of the old file, or remove a file that is new.
  const renamed: { target: string; backup: string | undefined; existed: boolean }[] = [];
  // Every target first, so that a folder or device among them fails before any temporary file exists.
  for (const f of files) checkOutTarget(f.path, flag);
  try {
    for (const f of files) sinks.push(fileSink(f.path, flag));
    for (const [i, f] of files.entries()) {
      const s = sinks[i];
      if (s === undefined) throw new Error('internal: a sink per file');
      s.write(f.text);
      s.finish();
    }
    for (const s of sinks) {
      let backup: string | undefined = `${s.tmp}.old`;
      let existed = true;
      try {
        linkSync(s.target, backup);
        rememberTemp(backup);
      } catch (e) {
        existed = errnoCode(e) !== 'ENOENT';
        backup = undefined; // A new file, or no hard links here: then the old file cannot be put back.
      }
      try {
        s.publish();
      } catch (e) {
        if (backup !== undefined) discard(backup);
        throw e;
      }
      renamed.push({ target: s.target, backup, existed });
    }
    for (const r of renamed) if (r.backup !== undefined) discard(r.backup);
  } catch (e) {
    for (const r of renamed.reverse()) {
      try {
        if (r.backup !== undefined) renameSync(r.backup, r.target);
        else if (!r.existed) rmSync(r.target, { force: true });
      } catch {
        // Best effort: the original error is the one to report.
      }
      if (r.backup !== undefined) discard(r.backup);
    }
    for (const s of sinks) s.abort();
    throw e;
  }
}

function discard(path: string): void {
  rmSync(path, { force: true });
  forgetTemp(path);
}

/**
 * Streams to a writable stream (stdout) in 64 KiB chunks, honouring backpressure: `write` returns false after each
 * chunk and `drained()` waits for the stream's 'drain' when it is behind, so memory stays flat whatever the output.
 * Nothing can be un-written: callers validate before streaming.
 */
export function streamSink(stream: NodeJS.WritableStream & { writableNeedDrain?: boolean }, name = 'stdout'): OutputSink {
  let buffer = '';
  const send = (chunk: string | Uint8Array): void => {
    try {
      stream.write(chunk);
    } catch (e) {
      // A file or terminal behind stdout is written synchronously and throws here (a pipe's errors are events).
      throw new UserError(name, '', `cannot write (${errnoText(e)})`);
    }
  };
  const flush = (): void => {
    if (buffer.length === 0) return;
    const text = buffer;
    buffer = '';
    send(text);
  };
  return {
    write(chunk) {
      if (typeof chunk !== 'string') {
        flush();
        send(chunk);
        return false;
      }
      buffer += chunk;
      if (buffer.length < CHUNK) return true;
      flush();
      return false;
    },
    // Nothing queued means the stream handed every byte to the system already (pipes and files on Linux do).
    holdsBytes: () => (stream as { writableLength?: number }).writableLength !== 0,
    drained() {
      if (stream.writableNeedDrain !== true) return nextTurn();
      // A closed or failed stream never drains: 'close' ends the wait too; the error itself goes to the stream's
      // 'error' listeners (main maps EPIPE to a quiet exit 0).
      return new Promise((resolve) => {
        const done = (): void => {
          stream.removeListener('drain', done);
          stream.removeListener('close', done);
          resolve();
        };
        stream.once('drain', done);
        stream.once('close', done);
      });
    },
    commit: flush,
    abort() {
      buffer = '';
    },
  };
}

/** Streams to stdout (see `streamSink`). */
export function stdoutSink(): OutputSink {
  return streamSink(process.stdout);
}

/** Temporary files not yet renamed or removed (for tests and diagnostics). */
export { liveTemps };
