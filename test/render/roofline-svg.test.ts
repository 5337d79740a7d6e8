/** The roofline, latency and time charts and the HTML report: structure, determinism and label layout. */
import { describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/core/report.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { renderHtmlReport } from '../../src/render/html-report.js';
import { overlaps, placeLabels } from '../../src/render/label-layout.js';
import { latencySvg } from '../../src/render/latency-svg.js';
import { plottable, rooflineSvg } from '../../src/render/roofline-svg.js';
import { timeChartSvg, type TimeRecord } from '../../src/render/sweep-svg.js';

const TOOL = { name: 'llm-roofline', version: 'test' };

function report(phase: 'prefill' | 'decode', hardware = 'h100-sxm', model = 'paper/gta-1b'): Report {
  return buildReport(loadModel(model), loadHardware(hardware).hardware,
    { phase, batch: 4, seqLen: 1024, contextLen: 1024, bits: { weight: 16, activation: 16, kv: 16 }, flash: false, pairs: 'causal', mla: undefined, costModel: 'exact' }, 'model', TOOL);
}

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

describe('rooflineSvg', () => {
  for (const phase of ['prefill', 'decode'] as const) {
    const r = report(phase);
    const svg = rooflineSvg(r);
    it(`${phase}: one point per operator with FLOPs, the rest listed in the note`, () => {
      expect(count(svg, '<circle class="op ')).toBe(r.ops.filter(plottable).length);
      for (const o of r.ops.filter(plottable)) expect(svg).toContain(`data-op="${o.name}"`);
      expect(svg).toContain('Not plotted (no FLOPs, so no place on a log axis): embedding.');
      expect(count(svg, 'class="op compute"') + count(svg, 'class="op memory"')).toBe(r.ops.filter(plottable).length);
    });
    it(`${phase}: roofs, ridge, axis labels with units, title`, () => {
      // H100 lists fp64, fp32, tf32, fp16, bf16, fp8 and int8: equal peaks share a roof.
      expect(count(svg, 'class="roof compute-roof"')).toBe(new Set(Object.values(r.hardware.peakFlopPerSecond)).size);
      expect(svg).toContain('fp16/bf16 989 TFLOP/s');
      expect(svg).toContain('class="roof memory-roof"');
      expect(svg).toContain('>memory 3.35 TB/s</text>');
      expect(svg).toMatch(/class="ridge-label"[^>]*>ridge \(fp16\): 295 FLOP\/byte</);
      expect(svg).toContain('>arithmetic intensity (FLOP/byte)</text>');
      expect(svg).toContain('>attainable throughput (FLOP/s)</text>');
      expect(svg).toContain('Roofline: GTA-1B (paper/gta-1b) on NVIDIA H100 SXM5 80 GB');
      expect(svg).toContain(`${phase}, batch 4, `);
      expect(rooflineSvg(r)).toBe(svg);
    });
  }

  it('prints every coordinate with at most two decimals and nothing non-finite', () => {
    const svg = rooflineSvg(report('prefill', 'bcm2712', 'llama-2-7b'));
    expect(svg).not.toMatch(/NaN|Infinity/);
    for (const m of svg.matchAll(/ (?:x1|y1|x2|y2|cx|cy|x|y|width|height)="([^"]*)"/g)) expect(m[1]).toMatch(/^-?\d+(\.\d{1,2})?$/);
  });
});

describe('placeLabels', () => {
  it('keeps labels apart from each other and from obstacles when there is room', () => {
    const requests = Array.from({ length: 12 }, (_, i) => ({ x: 200 + (i % 3), y: 200, w: 60, h: 12 }));
    const obstacle = { x: 205, y: 205, w: 40, h: 40 };
    const placed = placeLabels(requests, { boxes: [obstacle], segments: [{ x1: 0, y1: 300, x2: 400, y2: 100 }] }, { x: 0, y: 0, w: 400, h: 400 });
    placed.forEach((p, i) => {
      expect(overlaps(p.box, obstacle, 0)).toBe(false);
      for (const q of placed.slice(i + 1)) expect(overlaps(p.box, q.box, 0)).toBe(false);
    });
  });
});

describe('latencySvg and the HTML report', () => {
  const r = report('decode');
  it('draws one bar per operator', () => {
    const svg = latencySvg(r);
    expect(count(svg, '<rect class="bar ')).toBe(r.ops.length);
    expect(svg).toContain('share of the total predicted time');
  });
  it('is one self-contained page with both charts and one table row per operator', () => {
    const html = renderHtmlReport(r);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<(?:script|link|img)[^>]+(?:src|href)=/);
    expect(html).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    expect(html).toMatch(/<section id="roofline">[\s\S]*<svg [\s\S]*<\/svg>[\s\S]*<\/section>/);
    expect(html).toMatch(/<section id="latency">[\s\S]*<svg [\s\S]*<\/svg>[\s\S]*<\/section>/);
    expect(count(html, '<tr data-i=')).toBe(r.ops.length);
    expect(renderHtmlReport(r)).toBe(html);
  });
});

describe('timeChartSvg', () => {
  const rec = (model: string, phase: 'prefill' | 'decode', batch: number, len: number, t: number, bitsLabel = 'w16a16kv16'): TimeRecord => ({
    model, hardware: 'h100-sxm', timeSeconds: t,
    workload: { phase, batch, seqLen: phase === 'prefill' ? len : 1, contextLen: len, bitsLabel, flash: false, pairs: 'causal', scope: 'model', costModel: 'exact' },
  });
  it('one line per model and batch, varying settings in the label, a panel per phase present', () => {
    const svg = timeChartSvg([rec('a', 'decode', 1, 512, 1e-3), rec('a', 'decode', 1, 1024, 2e-3), rec('b', 'decode', 1, 512, 3e-3, 'w8a8kv8'), rec('b', 'decode', 1, 1024, 4e-3, 'w8a8kv8')], 't');
    expect(count(svg, '<polyline ')).toBe(2);
    expect(svg).toContain('>a, batch 1, w16a16kv16</text>');
    expect(svg).toContain('>b, batch 1, w8a8kv8</text>');
    expect(svg).toContain('>decode (one step)</text>');
    expect(svg).not.toContain('prefill (whole prompt)');
    expect(svg).toContain('>context length L (tokens)</text>');
    expect(svg).toContain('>time (ms)</text>');
  });
});

describe('a long model name in the roofline and time-per-operator titles', () => {
  const base = report('decode');
  const name = 'A very long model name '.repeat(12).trim();
  const r: Report = { ...base, model: { ...base.model, name } };
  for (const [what, svg] of [['roofline', rooflineSvg(r)], ['time per operator', latencySvg(r)]] as const) {
    it(`${what}: wraps at spaces at 11px or more, and moves the rest of the chart below it`, () => {
      const lines = [...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)" text-anchor="middle" font-size="([\d.]+)" font-weight="bold" fill="#333333">([^<]*)<\/text>/g)];
      // 880 px less margins at 11 px × 0.62 per character: at most 126 characters a line, so 293 take 3 or more.
      expect(lines.length).toBeGreaterThanOrEqual(3);
      for (const m of lines) expect(Number(m[2])).toBeGreaterThanOrEqual(11);
      expect(lines.map((m) => m[3]).join(' ')).toContain(name);
      const lastY = Math.max(...lines.map((m) => Number(m[1])));
      const dy = Number(/<g transform="translate\(0 ([\d.]+)\)">/.exec(svg)?.[1]);
      expect(dy).toBe(lastY - 24);
      const height = Number(/<svg [^>]*height="([\d.]+)"/.exec(svg)?.[1]);
      const plain = (what === 'roofline' ? rooflineSvg : latencySvg)(base);
      expect(height - Number(/<svg [^>]*height="([\d.]+)"/.exec(plain)?.[1])).toBeCloseTo(dy, 6);
    });
  }
});
