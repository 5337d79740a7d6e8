/** Output that is all-or-nothing: files are written to a temporary sibling and renamed into place. */
import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import { UserError } from './errors.js';

/** A sink for text chunks; `commit` makes the output visible, `abort` discards it. */
export interface OutputSink {
  write(chunk: string): void;
  commit(): void;
  abort(): void;
}

/** Writes to a file atomically: nothing appears at `path` unless `commit` is called. */
export function fileSink(path: string): OutputSink {
  const tmp = join(dirname(path), `.${basename(path)}.${String(process.pid)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new UserError('--out', '', `cannot write ${path} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  let buffer = '';
  const flush = (): void => {
    if (buffer.length > 0) writeSync(fd, buffer);
    buffer = '';
  };
  return {
    write(chunk) {
      buffer += chunk;
      if (buffer.length >= 1 << 16) flush();
    },
    commit() {
      flush();
      fsyncSync(fd);
      closeSync(fd);
      renameSync(tmp, path);
    },
    abort() {
      closeSync(fd);
      rmSync(tmp, { force: true });
    },
  };
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


/** Streams to stdout in 64 KiB chunks (stdout cannot be un-written; callers validate before streaming). */
export function stdoutSink(): OutputSink {
  let buffer = '';
  const flush = (): void => {
    if (buffer.length > 0) process.stdout.write(buffer);
    buffer = '';
  };
  return {
    write(chunk) {
      buffer += chunk;
      if (buffer.length >= 1 << 16) flush();
    },
    commit: flush,
    abort() {
      buffer = '';
    },
  };
}
