/** docs/generate-llama-2-7b.svg is what the command docs/serving.md shows writes it, byte for byte. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli.js';

const FILE = 'docs/generate-llama-2-7b.svg';
// Writing is opt-in and never in CI, so a stale example fails instead of silently passing.
const UPDATE = process.env.UPDATE_GOLDEN === '1' && process.env.CI !== 'true';

describe(FILE, () => {
  const docs = readFileSync(join(ROOT, 'docs/serving.md'), 'utf8');
  const command = docs.split('\n').find((l) => l.startsWith('npx llm-roofline generate ') && l.includes(`--out ${FILE}`)) ?? '';

  it('is current (rerun the command in docs/serving.md, section Charts, after a change)', () => {
    expect(command, `docs/serving.md shows the command that writes ${FILE}`).not.toBe('');
    expect(docs).toContain('](generate-llama-2-7b.svg)');
    const args = command.replace(/^npx llm-roofline /, '').replace(` --out ${FILE}`, '').split(' ');
    const r = cli(args);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const path = join(ROOT, FILE);
    if (UPDATE) writeFileSync(path, r.stdout);
    if (!existsSync(path)) throw new Error(`missing ${FILE}: run the command in docs/serving.md (or UPDATE_GOLDEN=1, never in CI) and commit it`);
    expect(r.stdout).toBe(readFileSync(path, 'utf8'));
  });

  it('shows the limits the text derives', () => {
    const svg = readFileSync(join(ROOT, FILE), 'utf8');
    // docs/serving.md: batch 64 fits 1,743 cached tokens, so inputs up to 1,743 − 256; N = 2048 fits 48 sequences.
    expect(svg).toContain('B = 64: N ≤ 1487 (max context 1743 − M 256)');
    expect(svg).toContain('N = 2048: B ≤ 48 (max batch at N + M = 2304 tokens)');
    expect(docs).toContain('1,743 − 256 =\n  1,487 tokens');
  });
});
