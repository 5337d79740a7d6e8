/** writeFilesAtomically undoes the renames already done when a later one fails (a failure forced with a mock). */
import * as fs from 'node:fs';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { liveTemps, writeFilesAtomically } from '../../src/io/write.js';

// Renames onto a file named "c" fail as a rename across file systems would; every other rename is real.
vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return {
    ...real,
    renameSync: (from: fs.PathLike, to: fs.PathLike): void => {
      if (basename(String(to)) === 'c') throw Object.assign(new Error(`EXDEV: cross-device link not permitted, rename '${String(from)}' -> '${String(to)}'`), { code: 'EXDEV' });
      real.renameSync(from, to);
    },
  };
});

describe('writeFilesAtomically, a rename failing after others succeeded', () => {
  it('puts the replaced file back, removes the new one, leaves no temporary file and reports the real error', () => {
    const d = mkdtempSync(join(tmpdir(), 'llmr-rollback-'));
    writeFileSync(join(d, 'a'), 'old a');
    expect(() => { writeFilesAtomically([{ path: join(d, 'a'), text: 'A' }, { path: join(d, 'b'), text: 'B' }, { path: join(d, 'c'), text: 'C' }]); })
      .toThrow(`--out: cannot write ${join(d, 'c')}: cannot replace it (EXDEV: cross-device link not permitted)`);
    expect(readdirSync(d)).toEqual(['a']);
    expect(readFileSync(join(d, 'a'), 'utf8')).toBe('old a');
    expect(liveTemps()).toEqual([]);
  });
});
