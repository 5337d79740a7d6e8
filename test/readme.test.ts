/** The README's worked examples are real: each `$ npx llm-roofline …` line runs and prints what the README shows. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers/cli.js';

interface Example {
  args: string[];
  expected: string;
}

/** Commands and their shown output from the README's ```console blocks. */
function examples(): Example[] {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```console\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  return blocks.flatMap((block) => {
    const [first, ...rest] = block.split('\n');
    const m = /^\$ npx llm-roofline (.*)$/.exec(first ?? '');
    if (!m) throw new Error(`console block does not start with "$ npx llm-roofline": ${first ?? ''}`);
    return [{ args: (m[1] ?? '').split(' '), expected: rest.join('\n') }];
  });
}

describe('README examples', () => {
  const all = examples();
  it('there are examples', () => {
    expect(all.length).toBeGreaterThanOrEqual(4);
  });
  it.each(all.map((e) => [e.args.join(' '), e] as const))('llm-roofline %s', (_name, e) => {
    const r = cli(e.args);
    expect(r.stdout + r.stderr).toBe(e.expected);
    expect(r.status).toBe(e.expected.startsWith('hardware-profiles/') ? 2 : 0);
  });
});
