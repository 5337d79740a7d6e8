/** Short titles: models shown by display name, never by a file path; more lines than a chart can tell apart refused. */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { importHfConfig } from '../../src/io/hf-config.js';
import { cli } from '../helpers/cli.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/hf/llama-3.1-8b.json', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'llm-roofline-titles-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('HF model names', () => {
  const json = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
  const nameWith = (v: string): string => importHfConfig({ ...json, _name_or_path: v }, '/x/y/config.json', '/x/y/config.json').name;
  it('keep a hub id, and only the last part of a local directory', () => {
    expect(nameWith('meta-llama/Llama-3.1-8B')).toBe('meta-llama/Llama-3.1-8B');
    expect(nameWith('/home/me/checkpoints/llama-3.1-8b-ft')).toBe('llama-3.1-8b-ft');
    expect(nameWith('./out/step-1000/')).toBe('step-1000');
    expect(nameWith('C:\\models\\llama')).toBe('llama');
    expect(nameWith('~/models/llama')).toBe('llama');
    expect(nameWith('.')).toBe('y (llama)');
  });
});

describe('chart titles through the CLI', () => {
  // A copy under a deep directory, as a user's download would sit.
  const dir = join(tmp, 'downloads', 'models', 'Llama-3.1-8B');
  const file = join(dir, 'config.json');
  it('name the model, not the path to its config.json', () => {
    // Without _name_or_path the name comes from the folder and model_type; the id (the path) is left out.
    const json = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, unknown>;
    delete json._name_or_path;
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, JSON.stringify(json));
    const roof = cli(['analyze', '--model', file, '--format', 'svg']);
    expect(roof.stderr).toBe('');
    expect(roof.stdout).toContain('>Roofline: Llama-3.1-8B (llama) on ');
    const html = cli(['analyze', '--model', file, '--format', 'html']);
    expect(html.stdout).toContain('<h1>Llama-3.1-8B (llama) on ');
    const cmp = cli(['compare', '--model', `paper/gta-1b,${file}`, '--phase', 'decode', '--context', '1024,4096', '--format', 'svg']);
    expect(cmp.stderr).toBe('');
    expect(cmp.stdout).toContain('>Predicted time against length: paper/gta-1b vs Llama-3.1-8B</text>');
    for (const out of [roof.stdout, html.stdout, cmp.stdout]) expect(out).not.toMatch(/<(?:title|text|h1)[^>]*>[^<]*downloads/);
  });

  it('refuse a chart with more lines than encodings, with exit 2 and what to do instead', () => {
    const batches = Array.from({ length: 65 }, (_, i) => String(i + 1)).join(',');
    const r = cli(['sweep', '--model', 'paper/gta-1b', '--hardware', 'h100-sxm,a800-sxm', '--phase', 'decode', '--batch', batches, '--context', '1024', '--format', 'svg']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('--format: svg: 130 lines (one per model, batch and other varying setting) are more than one chart can tell apart (at most 128); chart fewer values at once, or use --format csv or json\n');
    expect(r.stdout).toBe('');
    const ok = cli(['sweep', '--model', 'paper/gta-1b', '--hardware', 'h100-sxm,a800-sxm', '--phase', 'decode', '--batch', batches.split(',').slice(0, 64).join(','), '--context', '1024', '--format', 'svg']);
    expect(ok.status).toBe(0);
  });
});
