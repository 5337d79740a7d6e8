/** generate's HTML report: the charts, the text table's columns and rows, the memory answers, escaped names. */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { renderGenerateTable } from '../../src/render/generate.js';
import { renderGenerateHtml } from '../../src/render/generate-html.js';
import { cli, ROOT } from '../helpers/cli.js';
import { generateDoc } from '../helpers/generate.js';
import { LLAMA_2_7B } from '../helpers/models.js';
import { assertWellFormedXml, svgsIn } from './xml.js';

/** The part of a page from `start` to the next `end`. */
const part = (html: string, start: string, end: string): string => {
  const i = html.indexOf(start);
  return i < 0 ? '' : html.slice(i, html.indexOf(end, i) + end.length);
};
/** Cell texts of each body row of a table. */
const rows = (table: string): string[][] =>
  [...table.slice(table.indexOf('<tbody>')).matchAll(/<tr[^>]*>(.*?)<\/tr>/g)].map((m) => [...(m[1] ?? '').matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1] ?? ''));
/** Header texts of a table. */
const heads = (table: string): string[] => [...table.matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1] ?? '');

const tmp = mkdtempSync(join(tmpdir(), 'llm-roofline-generate-html-'));
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('generate --format html', () => {
  const d = generateDoc([512, 1024, 2048], [256], [16, 64]);
  const html = renderGenerateHtml(d);
  const text = renderGenerateTable(d, false).split('\n');

  it('is one self-contained page with the charts as one well-formed SVG, nothing fetched', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    const svgs = svgsIn(html);
    expect(svgs).toHaveLength(1);
    assertWellFormedXml(svgs[0] ?? '', 'the charts');
    expect(svgs[0]).toContain('class="panel" data-title="TTFT against input length"');
    expect(html).not.toMatch(/<(?:script|link|img)\b|\b(?:src|href)=|url\(/);
    expect(html).not.toMatch(/NaN|Infinity/);
    expect(renderGenerateHtml(d)).toBe(html);
  });

  it('heads with the settings line as the table prints it', () => {
    expect(part(html, '<p class="settings">', '</p>')).toBe(`<p class="settings">${text[0] ?? ''}</p>`);
    expect(html).toContain('<h1>Serving report: test-mha on h100-sxm</h1>');
  });

  it('has the text table\'s columns and one row per run with its cells', () => {
    const table = part(html, '<table id="runs">', '</table>');
    // The text table's header row: │ model │ hardware │ … │
    const textHead = (text.find((l) => l.includes('│ model')) ?? '').split('│').map((c) => c.trim()).filter((c) => c !== '');
    expect(heads(table)).toEqual(textHead);
    const body = rows(table);
    expect(body).toHaveLength(6);
    const textRows = text.filter((l) => l.startsWith('│ test-mha')).map((l) => l.split('│').map((c) => c.trim()).filter((c) => c !== ''));
    expect(body).toEqual(textRows);
    // Whatever the table prints under its box (the definitions) follows the HTML table.
    expect(html).toContain('<p class="legend">TTFT: prefill of the N-token prompt;');
  });

  it('gives the memory answers of every run, the one that does not fit marked', () => {
    const table = part(html, '<table id="memory">', '</table>');
    const body = rows(table);
    expect(body).toHaveLength(6);
    const col = (h: string): number => heads(table).indexOf(h);
    const last = body[5] ?? [];
    expect([last[col('B')], last[col('N')], last[col('cached tokens')], last[col('fits')], last[col('max batch')], last[col('max context')]]).toEqual(['64', '2048', '2304', 'no', '48', '1743']);
    expect(table).toContain('<td class="nofit">no</td>');
    expect((table.match(/<td class="fits">yes<\/td>/g) ?? []).length).toBe(5);
  });

  it('lists the notes', () => {
    const notes = part(html, '<ul class="notes">', '</ul>');
    for (const n of d.runs[0]?.notes ?? []) expect(notes).toContain(n.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;'));
  });

  it('escapes a hostile model id in the title, the table and the charts', () => {
    const hostile = generateDoc([256, 512], [16], [1, 2], { ...LLAMA_2_7B, id: '<script>alert(1)</script>"&\'' });
    const page = renderGenerateHtml(hostile);
    expect(page).not.toContain('<script');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&amp;&apos;');
    for (const s of svgsIn(page)) assertWellFormedXml(s, 'hostile chart');
  });

  it('drops control characters and terminal escapes from the model and hardware ids', () => {
    const hostile = 'a\u0007b\u001b[31mred\u0000';
    const base = generateDoc([256, 512], [16], [1, 2]);
    const page = renderGenerateHtml({ ...base, runs: base.runs.map((r) => ({ ...r, model: `${hostile}/id`, hardware: `hw${hostile}` })) });
    // eslint-disable-next-line no-control-regex
    expect(page).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(page).not.toContain('[31m');
    expect(page).toContain('<h1>Serving report: abred/id on hwabred</h1>');
    expect(svgsIn(page)[0]).toContain('>TTFT and TPOT: abred/id on hwabred</text>');
    for (const s of svgsIn(page)) assertWellFormedXml(s, 'hostile chart');
  });
});

describe('generate --format svg|html through the command', () => {
  it('a model file whose path carries markup comes out escaped', () => {
    const file = join(tmp, '<script>alert(1)<script>.json');
    copyFileSync(join(ROOT, 'test/fixtures/models/good-gqa.json'), file);
    const args = ['generate', '--model', file, '--input', '64,128', '--output', '4', '--batch', '1,2'];
    const html = cli([...args, '--format', 'html']);
    expect(html.stderr).toBe('');
    expect(html.status).toBe(0);
    expect(html.stdout).not.toContain('<script');
    expect(html.stdout).toContain('&lt;script&gt;alert(1)&lt;script&gt;');
    const svg = cli([...args, '--format', 'svg']);
    expect(svg.status).toBe(0);
    assertWellFormedXml(svg.stdout, 'svg');
    expect(svg.stdout).toContain('&lt;script&gt;alert(1)&lt;script&gt;');
    expect(svg.stdout).toBe(`${svgsIn(html.stdout)[0] ?? ''}\n`);
  });

  it('a disaggregated, priced run has the columns of the text table, KV move and cost included', () => {
    const args = ['generate', '--model', 'llama-2-7b', '--hardware', 'h100-sxm', '--input', '512,2048', '--output', '64', '--batch', '1,8', '--disaggregate', 'scale-out', '--price-per-device-hour', '2'];
    const html = cli([...args, '--format', 'html']);
    expect(html.status).toBe(0);
    const text = cli(args).stdout.split('\n');
    const cells = (l: string): string[] => l.split('│').map((c) => c.trim()).filter((c) => c !== '');
    const table = part(html.stdout, '<table id="runs">', '</table>');
    expect(heads(table)).toEqual(cells(text.find((l) => l.includes('│ model')) ?? ''));
    expect(heads(table)).toContain('KV move');
    expect(heads(table)).toContain('$/M tokens');
    expect(rows(table)).toEqual(text.filter((l) => l.startsWith('│ llama-2-7b')).map(cells));
    // Every line the table prints above its box (settings, the disaggregation) heads the page.
    expect(part(html.stdout, '<p class="settings">', '</p>')).toContain('disaggregated: decode on a second pool');
  });
});
