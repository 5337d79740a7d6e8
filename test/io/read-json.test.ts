/** Reading input files safely: regular files only, a size cap, a nesting cap, and a stack-safe value formatter. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeValue, printable, UserError } from '../../src/io/errors.js';
import { MAX_INPUT_BYTES, MAX_JSON_DEPTH, nestedDeeperThan, readInputText, readJson } from '../../src/io/read-json.js';
import { userErrorMessage as messageOf } from '../helpers/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'llmr-read-'));
const write = (name: string, text: string): string => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
};
const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const unix = process.platform !== 'win32';

describe('readJson: what is read', () => {
  it('parses a regular file, and ignores a UTF-8 byte-order mark', () => {
    expect(readJson(write('ok.json', '{"a":[1,2]}'))).toEqual({ a: [1, 2] });
    expect(readJson(write('bom.json', '\uFEFF{"a":1}'))).toEqual({ a: 1 });
  });
  it('a missing file, and a path through a file', () => {
    const file = join(dir, 'none.json');
    expect(messageOf(() => readJson(file))).toBe(`${file}: file not found`);
    const through = join(write('plain.json', '{}'), 'x.json');
    expect(messageOf(() => readJson(through))).toBe(`${through}: file not found`);
  });
  it('malformed JSON names the file', () => {
    const file = write('bad.json', '{"a":');
    expect(messageOf(() => readJson(file))).toMatch(new RegExp(`^${file.replace(/[.\\]/g, '\\$&')}: malformed JSON: `));
  });
  it('a directory', () => {
    const d = join(dir, 'folder.json');
    mkdirSync(d);
    expect(messageOf(() => readJson(d))).toBe(`${d}: expected a regular file (got a directory)`);
  });
  it.skipIf(!existsSync('/dev/zero'))('/dev/zero, which would never end', () => {
    expect(messageOf(() => readJson('/dev/zero'))).toBe('/dev/zero: expected a regular file (got a character device)');
  });
  it.skipIf(!unix)('a FIFO, refused without waiting for a writer, also through a symbolic link', () => {
    const fifo = join(dir, 'pipe.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    // Opening a FIFO for reading would block this test (and the CLI) forever.
    expect(messageOf(() => readJson(fifo))).toBe(`${fifo}: expected a regular file (got a named pipe)`);
    const link = join(dir, 'link.json');
    symlinkSync(fifo, link);
    expect(messageOf(() => readInputText(link))).toBe(`${link}: expected a regular file (got a named pipe)`);
  });
});

describe('readInputText: the size cap', () => {
  it('is 64 MiB', () => {
    expect(MAX_INPUT_BYTES).toBe(67108864);
  });
  it('refuses a file one byte over it from its size, without reading it (a sparse file)', () => {
    const file = join(dir, 'big.json');
    writeFileSync(file, '');
    truncateSync(file, MAX_INPUT_BYTES + 1);
    expect(messageOf(() => readJson(file))).toBe(`${file}: file too large (got 67108865 bytes, expected at most 67108864 bytes = 64 MiB)`);
  });
  it('accepts a file exactly at a cap and refuses one byte more', () => {
    expect(readInputText(write('16.txt', 'x'.repeat(16)), 16)).toBe('x'.repeat(16));
    const file = write('17.txt', 'x'.repeat(17));
    expect(messageOf(() => readInputText(file, 16))).toBe(`${file}: file too large (got 17 bytes, expected at most 16 bytes = 0.0 MiB)`);
  });
  it.skipIf(process.platform !== 'linux')('reads to the end of a file whose size says 0, and stops at the cap there too', () => {
    // Files under /proc report size 0; the text must not be cut at the reported size.
    expect(readInputText('/proc/self/cmdline')).toBe(readFileSync('/proc/self/cmdline', 'utf8'));
    expect(readInputText('/proc/self/status')).toMatch(/^Name:/);
    expect(messageOf(() => readInputText('/proc/self/status', 8))).toBe('/proc/self/status: file too large (got more than 8 bytes, expected at most 8 bytes = 0.0 MiB)');
  });
});

describe('readJson: the nesting cap', () => {
  it(`accepts ${String(MAX_JSON_DEPTH)} levels and refuses one more`, () => {
    expect(MAX_JSON_DEPTH).toBe(256);
    expect(readJson(write('256.json', nested(256)))).toBeInstanceOf(Array);
    const file = write('257.json', nested(257));
    expect(messageOf(() => readJson(file))).toBe(`${file}: nested too deeply (more than 256 levels of arrays and objects)`);
  });
  it('refuses 100 000 levels in one line, objects too', () => {
    const file = write('deep.json', nested(100_000));
    expect(messageOf(() => readJson(file))).toBe(`${file}: nested too deeply (more than 256 levels of arrays and objects)`);
    const objects = write('deep-objects.json', '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000));
    expect(messageOf(() => readJson(objects))).toMatch(/: nested too deeply/);
  });
  it('brackets inside strings do not count', () => {
    expect(nestedDeeperThan(JSON.stringify({ a: '[[[[', b: '"\\[[[', c: ['}}}'] }), 2)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify(['\\', [[]]]), 2)).toBe(true);
  });
  it('agrees with a recursive depth count on any JSON value (property)', () => {
    const depthOf = (v: unknown): number =>
      v !== null && typeof v === 'object' ? 1 + Math.max(0, ...Object.values(v as Record<string, unknown>).map(depthOf)) : 0;
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 6 }), fc.integer({ min: 0, max: 7 }), (v, max) => {
        expect(nestedDeeperThan(JSON.stringify(v), max)).toBe(depthOf(v) > max);
      }),
    );
  });
});

describe('describeValue (the value shown in error messages)', () => {
  // What it replaced: JSON.stringify, cut to 40 characters.
  const old = (v: unknown): string => {
    const json = JSON.stringify(v);
    return json.length > 40 ? `${json.slice(0, 37)}...` : json;
  };
  it('shows small values as JSON', () => {
    expect(describeValue(undefined)).toBe('nothing');
    expect(describeValue(-2)).toBe('-2');
    expect(describeValue('mqa')).toBe('"mqa"');
    expect(describeValue({ a: [1, null, true], b: 'x"y' })).toBe('{"a":[1,null,true],"b":"x\\"y"}');
    expect(describeValue('x'.repeat(100))).toBe(`"${'x'.repeat(36)}...`);
  });
  it('matches cut JSON.stringify on any JSON value (property)', () => {
    fc.assert(fc.property(fc.jsonValue(), (v) => describeValue(v) === old(v)));
  });
  it('is safe on a value nested a million deep and on a million items', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 1_000_000; i++) deep = [deep];
    expect(() => JSON.stringify(deep)).toThrow(RangeError);
    expect(describeValue(deep)).toBe(`${'['.repeat(37)}...`);
    const wide = Array.from({ length: 1_000_000 }, (_, i) => i);
    expect(describeValue(wide)).toBe('[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,1...');
  });
});

describe('UserError messages stay one printable line', () => {
  it('escapes newlines and terminal control sequences in any part', () => {
    expect(new UserError('a\nb.json', 'f\tg', 'got "\u001b[31mred\r"').message).toBe('a\\nb.json: f\\tg: got "\\u001b[31mred\\r"');
    expect(printable('\u0000\u007f\u009b ok é')).toBe('\\u0000\\u007f\\u009b ok é');
  });
  it('a file name with a newline gives a one-line error', () => {
    const file = join(dir, 'two\nlines.json');
    expect(messageOf(() => readJson(file))).toBe(`${dir}/two\\nlines.json: file not found`);
  });
});
