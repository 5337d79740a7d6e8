/** Measurements CSV as spreadsheets and scripts write it: quoted cells, CRLF, blank lines, a BOM; and what is refused. */
import fc from 'fast-check';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readCsvRows } from '../../src/io/csv-read.js';
import { loadMeasurements } from '../../src/io/measurements.js';

const dir = mkdtempSync(join(tmpdir(), 'llmr-csv-'));
let count = 0;
const HEAD = 'model,hardware,phase,batch,seqLen,contextLen,measuredSeconds';
const ROW = 'paper/gta-1b,h100-sxm,decode,1,1,2048,0.0008';
const EXPECTED = { model: 'paper/gta-1b', hardware: 'h100-sxm', phase: 'decode', batch: 1, seqLen: 1, contextLen: 2048, measuredSeconds: 0.0008, bits: 'w16a16kv16', flash: true, scope: 'model' };

/** Writes `text` as a fresh .csv file and returns its path. */
function csv(text: string): string {
  const file = join(dir, `m${String(count++)}.csv`);
  writeFileSync(file, text);
  return file;
}

/** The message of the UserError `f` throws. */
function userError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect((e as Error).name).toBe('UserError');
    return (e as Error).message;
  }
  throw new Error('expected a UserError');
}

describe('accepted', () => {
  it.each([
    ['LF', `${HEAD}\n${ROW}\n`],
    ['CRLF', `${HEAD}\r\n${ROW}\r\n`],
    ['a byte-order mark', `\uFEFF${HEAD}\n${ROW}\n`],
    ['every cell quoted (as spreadsheets export)', `${HEAD.split(',').map((h) => `"${h}"`).join(',')}\n${ROW.split(',').map((c) => `"${c}"`).join(',')}\n`],
    ['blank lines and no final newline', `\n${HEAD}\n\n${ROW}`],
  ])('%s', (_, text) => {
    expect(loadMeasurements(csv(text))).toEqual([EXPECTED]);
  });

  it('a quoted cell keeps commas, doubled quotes and line breaks', () => {
    expect(readCsvRows('a,"b,c","say ""hi""","two\nlines"\nx', 'f.csv')).toEqual([
      { line: 1, cells: ['a', 'b,c', 'say "hi"', 'two\nlines'] },
      { line: 3, cells: ['x'] },
    ]);
  });

  it('property: any cells, quoted as RFC 4180 says, read back as written', () => {
    const cellText = fc.string({ unit: fc.constantFrom('a', ' ', ',', '"', '\n', '\r\n', 'é', '1') });
    fc.assert(
      fc.property(fc.array(fc.array(cellText, { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 5 }), (rows) => {
        // A row of one empty cell is a blank line, which the reader skips: give every row a non-empty first cell.
        const table = rows.map((r) => ['k', ...r]);
        const text = table.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\r\n');
        expect(readCsvRows(text, 'f.csv').map((r) => r.cells)).toEqual(table);
      }),
    );
  });
});

describe('refused in one line naming the line', () => {
  it('a bad value after a blank line is named by its line in the file, not its row number', () => {
    const file = csv(`${HEAD}\n\n${ROW}\npaper/gta-1b,h100-sxm,decode,0,1,2048,0.0008\n`);
    expect(userError(() => loadMeasurements(file))).toBe(`${file}: line 4, column batch: Too small: expected number to be >0 (got 0)`);
  });
  it('more cells than columns (an unquoted comma) instead of dropping the extra cells', () => {
    const file = csv(`${HEAD}\n${ROW},9\n`);
    expect(userError(() => loadMeasurements(file))).toBe(`${file}: line 2: 8 cells, more than the header's 7 columns (a comma inside a cell needs quotes)`);
  });
  it('a column named twice instead of the last one silently winning', () => {
    const file = csv(`${HEAD},batch\n${ROW},8\n`);
    expect(userError(() => loadMeasurements(file))).toBe(`${file}: batch: column named twice in the header (expected each column once)`);
  });
  it('a hexadecimal number, which Number() would read as 16', () => {
    const file = csv(`${HEAD}\npaper/gta-1b,h100-sxm,decode,0x10,1,2048,0.0008\n`);
    expect(userError(() => loadMeasurements(file))).toBe(`${file}: line 2, column batch: Invalid input: expected number, received string (got "0x10")`);
  });
  it('bad widths, by line and column', () => {
    const file = csv(`${HEAD},bits\n${ROW},w3a16kv16\n`);
    expect(userError(() => loadMeasurements(file))).toBe(`${file}: line 2, column bits: expected w<bits>a<bits>kv<bits> with widths 4, 8, 16 or 32 (e.g. w16a16kv16, w4a16kv8), a format (fp32, fp16, bf16, fp8, fp4), or widths@dtype (e.g. w8a8kv16@fp8) (got "w3a16kv16")`);
  });
  it('an empty file, a header cell without a name, an unclosed quote', () => {
    const empty = csv('');
    expect(userError(() => loadMeasurements(empty))).toBe(`${empty}: empty (expected a header line naming some of: model, hardware, phase, batch, seqLen, contextLen, measuredSeconds, bits, flash, scope)`);
    const unnamed = csv(`${HEAD},\n${ROW},\n`);
    expect(userError(() => loadMeasurements(unnamed))).toBe(`${unnamed}: column 8: no name in the header (expected one of: model, hardware, phase, batch, seqLen, contextLen, measuredSeconds, bits, flash, scope)`);
    const open = csv(`${HEAD}\n"paper/gta-1b,h100-sxm\n`);
    expect(userError(() => loadMeasurements(open))).toBe(`${open}: line 2: a quoted cell is not closed (expected a closing ")`);
  });
});
