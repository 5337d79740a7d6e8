/** generate's charts: lines and points per list, memory limits where the axes put them, hollow runs, left-out charts. */
import { describe, expect, it } from 'vitest';
import type { GenerateDocument, GenerateRun } from '../../src/core/generate.js';
import { log2Axis } from '../../src/render/generate-chart.js';
import { generateSvg } from '../../src/render/generate-svg.js';
import { generateDoc as doc } from '../helpers/generate.js';
import { assertWellFormedXml } from './xml.js';

/** The panel group whose title is `title`, up to the next panel or row. */
function panel(svg: string, title: string): string {
  const i = svg.indexOf(`<g class="panel" data-title="${title}"`);
  if (i < 0) return '';
  const next = svg.slice(i + 1).search(/<g class="panel"|<\/g>\n<g class="legend-entry"|<g class="legend-entry"/);
  return next < 0 ? svg.slice(i) : svg.slice(i, i + 1 + next);
}

/** The x pixel of each x tick label in a panel, by label. */
function xticks(p: string): Map<string, number> {
  return new Map([...p.matchAll(/<text x="([\d.]+)" y="[\d.]+" class="xtick"[^>]*>([^<]*)<\/text>/g)].map((m) => [m[2] ?? '', Number(m[1])]));
}

/** The x pixel of the limit line of the line labelled `label`. */
function limitX(p: string, label: string): number {
  const m = new RegExp(`<line x1="([\\d.]+)" y1="[\\d.]+" x2="([\\d.]+)" y2="[\\d.]+" stroke="[^"]*" class="limit" data-label="${label}"`).exec(p);
  expect(m, `limit line for ${label}`).not.toBeNull();
  expect(m?.[1]).toBe(m?.[2]);
  return Number(m?.[1]);
}

/** Series groups of a panel: label → markers (x pixel, hollow). */
function series(p: string): Map<string, { x: number; hollow: boolean }[]> {
  const out = new Map<string, { x: number; hollow: boolean }[]>();
  for (const g of p.split('<g class="series" ').slice(1)) {
    const label = /^data-label="([^"]*)"/.exec(g)?.[1] ?? '';
    const body = g.slice(0, g.indexOf('</g>'));
    out.set(label, [...body.matchAll(/<circle class="point (fit|nofit)" cx="([\d.]+)"[^>]*fill="([^"]*)"/g)].map((m) => {
      // A hollow marker is white inside; a filled one takes its line's colour.
      expect(m[3] === '#ffffff').toBe(m[1] === 'nofit');
      return { x: Number(m[2]), hollow: m[1] === 'nofit' };
    }));
  }
  return out;
}

const run = (d: GenerateDocument, N: number, B: number): GenerateRun => d.runs.find((r) => r.workload.input === N && r.workload.batch === B)!;

describe('generate --format svg with 3 input lengths × 2 batches', () => {
  // Llama-2-7B on an H100 at M = 256: batch 64 holds at most 1,743 cached tokens a sequence, so N = 2048 does not fit.
  const d = doc([512, 1024, 2048], [256], [16, 64]);
  const svg = generateSvg(d);

  it('is well-formed XML with no NaN or Infinity, identical on every call', () => {
    assertWellFormedXml(svg, 'generate svg');
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(generateSvg(d)).toBe(svg);
    expect(svg).toContain('>TTFT and TPOT: test-mha on h100-sxm</text>');
  });

  it('draws a line per batch against N (3 points each) and a line per N against B (2 points each)', () => {
    for (const what of ['TTFT', 'TPOT']) {
      const byN = series(panel(svg, `${what} against input length`));
      expect([...byN.keys()]).toEqual(['B = 16', 'B = 64']);
      for (const pts of byN.values()) expect(pts).toHaveLength(3);
      const byB = series(panel(svg, `${what} against batch`));
      expect([...byB.keys()]).toEqual(['N = 512', 'N = 1024', 'N = 2048']);
      for (const pts of byB.values()) expect(pts).toHaveLength(2);
    }
    // Each point carries its run in words, time through units.ts.
    expect(svg).toContain('<title>N = 2048, M = 256, B = 64: TTFT 2.31 s (does not fit in memory)</title>');
  });

  it('puts the limit against N at max context − M, where the log2 axis puts that value', () => {
    const r = run(d, 512, 64);
    const limit = r.memory.maxContext - 256;
    // The limit of batch 64 lies between the 1024 and 2048 inputs (1,487 with this reserve).
    expect(limit).toBeGreaterThan(1024);
    expect(limit).toBeLessThan(2048);
    const p = panel(svg, 'TTFT against input length');
    const t = xticks(p);
    const [x512, x2048] = [t.get('512') ?? NaN, t.get('2048') ?? NaN];
    // On a log2 axis 512 → 2048 is two doublings; the limit is log2(limit / 512) of them past 512.
    const want = x512 + ((x2048 - x512) * Math.log2(limit / 512)) / 2;
    expect(Math.abs(limitX(p, 'B = 64') - want)).toBeLessThan(0.02);
    // Batch 16 fits 6,974 tokens: its limit (6,718) is within 4× of the data, so the axis reaches it too.
    expect(limitX(p, 'B = 16')).toBeCloseTo(x512 + ((x2048 - x512) * Math.log2((run(d, 512, 16).memory.maxContext - 256) / 512)) / 2, 1);
  });

  it('puts the limit against B at max batch', () => {
    const p = panel(svg, 'TPOT against batch');
    const t = xticks(p);
    const [x16, x64] = [t.get('16') ?? NaN, t.get('64') ?? NaN];
    const maxBatch = run(d, 2048, 16).memory.maxBatch;
    // docs/serving.md derives 48 sequences of 2,304 cached tokens for this model and device.
    expect(maxBatch).toBe(48);
    expect(Math.abs(limitX(p, 'N = 2048') - (x16 + ((x64 - x16) * Math.log2(maxBatch / 16)) / 2))).toBeLessThan(0.02);
  });

  it('draws the run that does not fit hollow, right of its line\'s limit, and says so in the legend', () => {
    expect(run(d, 2048, 64).memory.fits).toBe(false);
    expect(d.runs.filter((r) => !r.memory.fits)).toHaveLength(1);
    for (const [title, label, hollowAt] of [['TTFT against input length', 'B = 64', 2], ['TPOT against batch', 'N = 2048', 1]] as const) {
      const p = panel(svg, title);
      const pts = series(p).get(label) ?? [];
      expect(pts.map((q) => q.hollow)).toEqual(pts.map((_, i) => i === hollowAt));
      const x = limitX(p, label);
      for (const q of pts) expect(q.x > x).toBe(q.hollow);
    }
    expect((svg.match(/class="point nofit"/g) ?? []).length).toBe(4);
    expect(svg).toMatch(/<g class="legend-entry" data-label="does not fit">\n<circle class="legend-marker nofit" [^>]*fill="#ffffff"/);
    expect(svg).toContain('B = 64: N ≤ 1487 (max context 1743 − M 256)');
  });
});

describe('generate charts: lists that leave charts out', () => {
  it('one input length: the charts against N are left out, with a caption', () => {
    const svg = generateSvg(doc([1024], [64], [1, 8, 32]));
    assertWellFormedXml(svg, 'svg');
    expect(panel(svg, 'TTFT against input length')).toBe('');
    expect(series(panel(svg, 'TTFT against batch')).size).toBe(1);
    expect(svg).toContain('One input length (N = 1024): the charts against N are left out');
  });

  it('one batch: the charts against B are left out, with a caption', () => {
    const svg = generateSvg(doc([256, 1024, 4096], [64], [4]));
    expect(panel(svg, 'TPOT against batch')).toBe('');
    expect(series(panel(svg, 'TPOT against input length')).get('B = 4')).toHaveLength(3);
    expect(svg).toContain('One batch (B = 4): the charts against B are left out');
  });

  it('one run: no chart, a caption that charts need lists', () => {
    const svg = generateSvg(doc([1024], [64], [4]));
    assertWellFormedXml(svg, 'svg');
    expect(svg).not.toContain('class="panel"');
    expect(svg).toContain('One run only: the charts need lists');
  });

  it('M = 1: no TPOT panels, a caption why', () => {
    const svg = generateSvg(doc([256, 1024], [1], [1, 4]));
    expect(panel(svg, 'TPOT against batch')).toBe('');
    expect(panel(svg, 'TTFT against batch')).not.toBe('');
    expect(svg).toContain('M = 1: the prefill yields the only token');
  });

  it('several outputs: a line per batch and output; TPOT against batch on a linear axis when B spans 8× or less', () => {
    const d = doc([512, 2048], [128, 512], [2, 8]);
    const svg = generateSvg(d);
    expect([...series(panel(svg, 'TTFT against input length')).keys()]).toEqual(['B = 2, M = 128', 'B = 8, M = 128', 'B = 2, M = 512', 'B = 8, M = 512']);
    // Max batches of 100+ lie more than 4× past B = 8: named at the right edge with an arrow, no line drawn.
    const p = panel(svg, 'TPOT against batch');
    expect(p).not.toContain('class="limit"');
    expect((p.match(/class="limit-off"/g) ?? []).length).toBe(4);
    expect(p).toMatch(/class="limit-off"[^>]*>B ≤ \d+ →<\/text>/);
    // Linear: ticks 2, 4, 6, 8 evenly spaced.
    const t = [...xticks(p).entries()];
    expect(t.map(([k]) => k)).toEqual(['2', '4', '6', '8']);
    const gaps = t.slice(1).map(([, x], i) => x - (t[i]?.[1] ?? NaN));
    for (const g of gaps) expect(Math.abs(g - (gaps[0] ?? NaN))).toBeLessThan(0.02);
  });
});

describe('generate charts: limits that nothing reaches', () => {
  // Batch 64 caches 1,743 tokens a sequence: with M = 2000 not even an empty prompt fits. 120,000 + 2,000 tokens is
  // more than one sequence can cache (111,596 at batch 1), so no batch fits that input.
  const d = doc([256, 512, 120000], [2000], [1, 64]);
  const svg = generateSvg(d);

  it('names them at the left edge, draws every run of such a line hollow, and says why under the charts', () => {
    assertWellFormedXml(svg, 'svg');
    expect(svg).not.toMatch(/NaN|Infinity/);
    const byN = panel(svg, 'TTFT against input length');
    expect(byN).toMatch(/class="limit-off" data-label="B = 64"[^>]*>← no N fits<\/text>/);
    expect(byN).not.toContain('class="limit" data-label="B = 64"');
    expect((series(byN).get('B = 64') ?? []).map((q) => q.hollow)).toEqual([true, true, true]);
    expect(svg).toContain('B = 64: not one sequence fits (max context 1743 − M 2000)');
    const byB = panel(svg, 'TPOT against batch');
    expect(byB).toMatch(/class="limit-off" data-label="N = 120000"[^>]*>← no B fits<\/text>/);
    expect((series(byB).get('N = 120000') ?? []).map((q) => q.hollow)).toEqual([true, true]);
    expect(run(d, 120000, 1).memory.maxBatch).toBe(0);
  });
});

describe('log2Axis', () => {
  it('ticks at powers of two within the data, labelled exactly below 10,000 and with an SI prefix above', () => {
    expect(log2Axis([512, 6718]).ticks.map((t) => t.label)).toEqual(['512', '1024', '2048', '4096']);
    expect(log2Axis([1, 131072]).ticks.map((t) => t.label)).toEqual(['1', '4', '16', '64', '256', '1024', '4096', '16.4k', '65.5k']);
    const a = log2Axis([100, 100]);
    expect(a.tHi - a.tLo).toBe(1);
  });
});
