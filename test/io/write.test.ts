/** Atomic file output and backpressure-honouring stream output, exercised directly on the io layer. */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { Writable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkOutDir, checkOutTarget, fileSink, liveTemps, streamSink, writeAll, writeFilesAtomically } from '../../src/io/write.js';
import { userErrorMessage as userError } from '../helpers/errors.js';

const fresh = (): string => mkdtempSync(join(tmpdir(), 'llmr-write-'));

describe('fileSink', () => {
  it('shows nothing at the path until commit, then exactly the text, with no temporary file left', () => {
    const dir = fresh();
    const path = join(dir, 'out.txt');
    const sink = fileSink(path);
    // More than one 64 KiB chunk, so some of it reaches the temporary file before commit.
    const text = 'x'.repeat(100_000) + 'é\n';
    expect(sink.write(text)).toBe(false);
    expect(existsSync(path)).toBe(false);
    expect(readdirSync(dir)).toEqual([basename(sink.tmp)]);
    expect(basename(sink.tmp)).toMatch(new RegExp(`^\\.out\\.txt\\.${String(process.pid)}\\.\\d+\\.tmp$`));
    sink.commit();
    expect(readFileSync(path, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['out.txt']);
    expect(liveTemps()).toEqual([]);
  });

  it('abort removes the temporary file and leaves an existing file untouched', () => {
    const dir = fresh();
    const path = join(dir, 'out.txt');
    writeFileSync(path, 'old');
    const sink = fileSink(path);
    sink.write('new');
    sink.abort();
    sink.abort(); // Twice is harmless: the descriptor is closed once.
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['out.txt']);
    expect(liveTemps()).toEqual([]);
  });

  it('follows a symbolic link: the link stays, its target is replaced and keeps its mode', () => {
    const dir = fresh();
    mkdirSync(join(dir, 'real'));
    const target = join(dir, 'real', 'report.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    const link = join(dir, 'link.json');
    symlinkSync(join('real', 'report.json'), link);
    writeAll(fileSink(link), 'new');
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe(join('real', 'report.json'));
    expect(readFileSync(target, 'utf8')).toBe('new');
    expect(statSync(target).mode & 0o7777).toBe(0o640);
    expect(readdirSync(join(dir, 'real'))).toEqual(['report.json']);
  });

  it('keeps the mode of the file it replaces, whatever the mode', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0o400, max: 0o777 }), (mode) => {
        const path = join(fresh(), 'f');
        writeFileSync(path, 'old');
        chmodSync(path, mode);
        writeAll(fileSink(path), 'new');
        expect(statSync(path).mode & 0o777).toBe(mode);
      }),
      { numRuns: 20 },
    );
  });

  it('a dangling link creates its target', () => {
    const dir = fresh();
    symlinkSync('made.txt', join(dir, 'link'));
    writeAll(fileSink(join(dir, 'link')), 'hi');
    expect(readFileSync(join(dir, 'made.txt'), 'utf8')).toBe('hi');
    expect(lstatSync(join(dir, 'link')).isSymbolicLink()).toBe(true);
  });

  it('a rename that fails reports the real error once and removes the temporary file', () => {
    const dir = fresh();
    const path = join(dir, 'out');
    const sink = fileSink(path);
    sink.write('text');
    // The target turns into a non-empty folder after the check: the rename fails with EISDIR (Linux) or EEXIST/ENOTEMPTY.
    mkdirSync(join(path, 'inside'), { recursive: true });
    const message = userError(() => { writeAll(sink, ''); });
    expect(message).toMatch(new RegExp(`^--out: cannot write ${path}: cannot replace it \\((EISDIR|EEXIST|ENOTEMPTY): [a-z]`));
    expect(message).not.toContain('.tmp');
    expect(readdirSync(dir)).toEqual(['out']);
    expect(liveTemps()).toEqual([]);
  });
});

describe('checkOutTarget', () => {
  it.each([
    ['an empty name', () => '', /^--out: expected a file name \(got ""\)$/],
    ['a folder', () => fresh(), /^--out: \S+ is a folder, expected a file name/],
    ['a character device', () => '/dev/null', /^--out: \/dev\/null is a character device, expected a file name/],
    ['a missing folder', () => join(fresh(), 'no', 'file.json'), /^--out: cannot write \S+file\.json: folder \S+\/no does not exist$/],
    ['a file as a folder', () => { const f = join(fresh(), 'file'); writeFileSync(f, ''); return join(f, 'x.json'); }, /^--out: cannot write \S+: a part of its folder is not a folder$/],
    ['a link loop', () => { const d = fresh(); symlinkSync('b', join(d, 'a')); symlinkSync('a', join(d, 'b')); return join(d, 'a'); }, /^--out: cannot write \S+: more than 40 symbolic links \(a loop\?\)$/],
    ['a link to a folder', () => { const d = fresh(); symlinkSync(tmpdir(), join(d, 'l')); return join(d, 'l'); }, /^--out: \S+\/l is a folder, expected a file name/],
  ])('%s is a one-line UserError', (_, path, pattern) => {
    expect(userError(() => checkOutTarget(path()))).toMatch(pattern);
  });

  it('a FIFO is refused without opening it (which would block)', () => {
    const fifo = join(fresh(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(userError(() => checkOutTarget(fifo, '--calibrate'))).toMatch(/^--calibrate: \S+fifo is a named pipe \(FIFO\), expected a file name/);
  });

  it('returns the final target of a chain of links', () => {
    const d = fresh();
    symlinkSync('b', join(d, 'a'));
    symlinkSync(join(d, 'c.json'), join(d, 'b'));
    expect(checkOutTarget(join(d, 'a'))).toBe(join(d, 'c.json'));
  });

  it('checkOutDir accepts a folder to create and refuses a file on the way', () => {
    const d = fresh();
    expect(() => { checkOutDir(join(d, 'new', 'deeper')); }).not.toThrow();
    writeFileSync(join(d, 'file'), '');
    expect(userError(() => { checkOutDir(join(d, 'file', 'sub')); })).toBe(`--out: cannot write in ${join(d, 'file', 'sub')}: ${join(d, 'file')} is a file, not a folder`);
    expect(userError(() => { checkOutDir(''); })).toBe('--out: expected a folder name (got "")');
  });
});

describe('writeFilesAtomically', () => {
  it('writes every file, replacing old ones', () => {
    const d = fresh();
    writeFileSync(join(d, 'a'), 'old a');
    writeFilesAtomically([{ path: join(d, 'a'), text: 'A' }, { path: join(d, 'b'), text: 'B' }]);
    expect(readdirSync(d).sort()).toEqual(['a', 'b']);
    expect(readFileSync(join(d, 'a'), 'utf8')).toBe('A');
    expect(readFileSync(join(d, 'b'), 'utf8')).toBe('B');
  });

  it('writes nothing when one target is a folder, even the last one', () => {
    const d = fresh();
    writeFileSync(join(d, 'a'), 'old a');
    mkdirSync(join(d, 'c'));
    const message = userError(() => { writeFilesAtomically([{ path: join(d, 'a'), text: 'A' }, { path: join(d, 'b'), text: 'B' }, { path: join(d, 'c'), text: 'C' }]); });
    expect(message).toMatch(/^--out: \S+\/c is a folder/);
    expect(readdirSync(d).sort()).toEqual(['a', 'c']);
    expect(readFileSync(join(d, 'a'), 'utf8')).toBe('old a');
    expect(liveTemps()).toEqual([]);
  });
});

/** A slow destination: each chunk takes a timer turn, like a pipe whose reader is slower than the producer. */
function slowStream(): Writable & { maxBuffered: number; received: number } {
  const s = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _encoding, callback) {
      s.received += chunk.length;
      setTimeout(callback, 0);
    },
  }) as Writable & { maxBuffered: number; received: number };
  s.maxBuffered = 0;
  s.received = 0;
  return s;
}

describe('streamSink', () => {
  it('waits for a slow destination: what it holds stays under two chunks however much is written', async () => {
    const stream = slowStream();
    const sink = streamSink(stream);
    const line = JSON.stringify({ point: 'x'.repeat(200) }) + '\n';
    const lines = 40_000; // About 8.5 MB, a hundred times what may be held.
    let ready = true;
    for (let i = 0; i < lines; i++) {
      if (!ready) await sink.drained();
      ready = sink.write(line);
      stream.maxBuffered = Math.max(stream.maxBuffered, stream.writableLength);
    }
    sink.commit();
    await new Promise<void>((resolve) => stream.end(resolve));
    expect(stream.received).toBe(lines * line.length);
    // 64 KiB chunks into a 16 KiB high-water mark: at most one chunk waits behind the one being written.
    expect(stream.maxBuffered).toBeLessThanOrEqual(2 * (64 * 1024 + line.length));
  });

  it('stops waiting when the destination closes instead of draining', async () => {
    const stream = new Writable({ highWaterMark: 1, write() { /* never completes */ } });
    const sink = streamSink(stream);
    expect(sink.write('y'.repeat(70_000))).toBe(false);
    const waited = sink.drained();
    stream.destroy();
    await expect(waited).resolves.toBeUndefined();
  });

  it('a destination that throws on write (a full disk behind stdout) is a one-line UserError', () => {
    const stream = new Writable({ write() { /* unused */ } });
    stream.write = () => { throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' }); };
    const sink = streamSink(stream);
    expect(userError(() => { sink.write('z'.repeat(70_000)); })).toBe('stdout: cannot write (ENOSPC: no space left on device)');
  });
});
