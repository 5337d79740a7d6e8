/** The source tree's shape: no import cycles, and layers import only downwards (lint enforces it too). */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Relative imports of each source file, static and dynamic, resolved to .ts paths under src. */
function graph(): Map<string, string[]> {
  const g = new Map<string, string[]>();
  for (const f of files(SRC)) {
    const text = readFileSync(f, 'utf8');
    const targets = [...text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)\.js'/g)].map((m) => resolve(dirname(f), `${m[1] ?? ''}.ts`));
    g.set(f, targets);
  }
  return g;
}

const layerOf = (f: string): string => relative(SRC, f).split('/')[0] ?? '';
const ALLOWED: Record<string, string[]> = { 'index.ts': ['core', 'io'], core: ['core'], io: ['io', 'core'], render: ['render', 'core'], kernel: ['kernel', 'core'], cli: ['cli', 'io', 'render', 'kernel', 'core'] };

describe('architecture', () => {
  const g = graph();
  it('has no import cycles', () => {
    const state = new Map<string, 'open' | 'done'>();
    const cycles: string[] = [];
    const visit = (f: string, path: string[]): void => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((x) => relative(SRC, x)).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const t of g.get(f) ?? []) visit(t, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of g.keys()) visit(f, []);
    expect(cycles).toEqual([]);
  });
  it('imports point cli → io, render, kernel → core', () => {
    const bad = [...g].flatMap(([f, ts]) => ts.filter((t) => !(ALLOWED[layerOf(f)] ?? []).includes(layerOf(t))).map((t) => `${relative(SRC, f)} → ${relative(SRC, t)}`));
    expect(bad).toEqual([]);
  });
});
