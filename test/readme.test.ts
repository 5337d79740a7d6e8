/**
 * The documentation's worked examples are real: each ```console block of README.md and docs/*.md starts with a
 * `$ npx llm-roofline …` line, which runs and prints exactly what the block shows.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

interface Example {
  file: string;
  args: string[];
  expected: string;
}

const ROOT = new URL('../', import.meta.url);
/** README.md, then every Markdown file under docs/, as paths from the project root. */
const FILES = ['README.md', ...readdirSync(new URL('docs/', ROOT)).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)];

/** Commands and their shown output from one file's ```console blocks. */
function examples(file: string): Example[] {
  const text = readFileSync(new URL(file, ROOT), 'utf8');
  const blocks = [...text.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.map((block) => {
    const [first, ...rest] = block.split('\n');
    const m = /^\$ npx llm-roofline (.*)$/.exec(first ?? '');
    if (!m) throw new Error(`${file}: console block does not start with "$ npx llm-roofline": ${first ?? ''}`);
    return { file, args: (m[1] ?? '').split(' '), expected: rest.join('\n') };
  });
}

const all = FILES.flatMap(examples);

describe('documentation examples', () => {
  it('the README has worked examples, and so does docs/', () => {
    expect(all.filter((e) => e.file === 'README.md').length).toBeGreaterThanOrEqual(4);
    expect(all.filter((e) => e.file !== 'README.md').length).toBeGreaterThanOrEqual(2);
  });
  it('the README stays a guide: under 20 KB, pointing to docs/ for the rest', () => {
    const readme = readFileSync(new URL('README.md', ROOT), 'utf8');
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(20_480);
    const linked = new Set([...readme.matchAll(/\]\((docs\/[^)#]+)/g)].map((m) => m[1] ?? ''));
    expect([...linked].sort()).toEqual(FILES.filter((f) => f !== 'README.md'));
  });
  it('every relative link between these files names a file that exists', () => {
    for (const file of FILES) {
      const text = readFileSync(new URL(file, ROOT), 'utf8');
      for (const m of text.matchAll(/\]\(([^)#:]+)(?:#[^)]*)?\)/g)) {
        const target = m[1] ?? '';
        expect(existsSync(new URL(target, new URL(file, ROOT))), `${file} links to ${target}`).toBe(true);
      }
    }
  });
  it.each(all.map((e) => [`${e.file}: llm-roofline ${e.args.join(' ')}`, e] as const))('%s', (_name, e) => {
    const r = cli(e.args);
    expect(r.stdout + r.stderr).toBe(e.expected);
    // An example that shows an error shows the one-line `file: field: detail` of a user error, which exits 2.
    expect(r.status).toBe(e.expected.startsWith('hardware-profiles/') ? 2 : 0);
  });
});
