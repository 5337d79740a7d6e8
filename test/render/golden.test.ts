/** The charts and the HTML report are byte-identical to the committed files under test/golden/, run through the built CLI. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const GOLDEN = fileURLToPath(new URL('../golden/', import.meta.url));

/** Each golden file and the arguments that produce it; keep the grids small so the files stay reviewable. */
const CASES: readonly { file: string; args: string[] }[] = [
  { file: 'analyze-roofline.svg', args: ['analyze', '--format', 'svg'] },
  { file: 'analyze-roofline-prefill.svg', args: ['analyze', '--phase', 'prefill', '--format', 'svg'] },
  { file: 'analyze.html', args: ['analyze', '--format', 'html'] },
  { file: 'sweep.svg', args: ['sweep', '--model', 'paper/gqa-1b,paper/gta-1b', '--phase', 'prefill,decode', '--batch', '1,8', '--seq', '512,1024,2048,4096', '--context', '512,2048,8192', '--format', 'svg'] },
  { file: 'compare.svg', args: ['compare', '--model', 'paper/gqa-1b,paper/gta-1b,paper/500m-mla', '--phase', 'prefill,decode', '--batch', '1,32', '--seq', '512,2048', '--context', '2048,8192', '--format', 'svg'] },
];

// Writing is opt-in and never in CI, so a missing or stale golden file fails instead of silently passing.
const UPDATE = process.env.UPDATE_GOLDEN === '1' && process.env.CI !== 'true';
const tmp = mkdtempSync(join(tmpdir(), 'llm-roofline-golden-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('golden charts', () => {
  it.each(CASES.map((c) => [c.file, c] as const))('%s', (_name, c) => {
    const r = cli(c.args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const path = join(GOLDEN, c.file);
    if (UPDATE) writeFileSync(path, r.stdout);
    if (!existsSync(path)) throw new Error(`missing golden file test/golden/${c.file}: generate it with UPDATE_GOLDEN=1 npx vitest run test/render/golden.test.ts (never in CI) and commit it`);
    expect(r.stdout).toBe(readFileSync(path, 'utf8'));
    // Same bytes again, and the same bytes through --out (the atomic file path).
    expect(cli(c.args).stdout).toBe(r.stdout);
    const out = join(tmp, c.file);
    const w = cli([...c.args, '--out', out]);
    expect(w.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toBe(r.stdout);
  });

  it('svg is offered only where a chart exists', () => {
    const r = cli(['compare', '--baseline', 'a.json', '--candidate', 'b.json', '--format', 'svg']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('--format: expected one of table, md, json (got "svg")');
    expect(r.stdout).toBe('');
  });
});
