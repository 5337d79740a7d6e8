/** Every line of a chart has its own colour × dash × marker, its legend entry matches it, and the chart reads in one unit. */
import { describe, expect, it } from 'vitest';
import { timeChartSvg, type TimeRecord } from '../../src/render/sweep-svg.js';
import { encoding, MAX_SERIES } from '../../src/render/svg.js';
import { assertWellFormedXml } from './xml.js';

/** (stroke, dasharray, marker shape) of each `<g class=CLS data-label=…>` group, with its label, in document order. */
function encodings(svg: string, cls: 'series' | 'legend-entry'): [string, string][] {
  return [...svg.matchAll(new RegExp(`<g class="${cls}" data-label="([^"]*)">\\n<(?:polyline|path) ([^>]*)/>\\n<(circle|rect|path) ([^>]*)/>`, 'g'))].map((m) => {
    const attr = (s: string, name: string): string => new RegExp(`${name}="([^"]*)"`).exec(s)?.[1] ?? '';
    const line = m[2] ?? '';
    // Triangles and diamonds are both paths; their vertex count tells them apart.
    const shape = m[3] === 'path' ? ((attr(m[4] ?? '', 'd').match(/L/g) ?? []).length === 2 ? 'triangle' : 'diamond') : (m[3] ?? '');
    return [m[1] ?? '', JSON.stringify([attr(line, 'stroke'), attr(line, 'stroke-dasharray') || 'solid', shape])];
  });
}

function records(models: number, batches: number): TimeRecord[] {
  const out: TimeRecord[] = [];
  for (let m = 0; m < models; m++) {
    for (let b = 1; b <= batches; b++) {
      for (const phase of ['prefill', 'decode'] as const) {
        for (const len of [512, 1024, 4096]) {
          out.push({
            model: `model-${String(m)}`, hardware: 'h100-sxm',
            // Prefill in seconds and decode in milliseconds: the chart must still pick one unit for both.
            timeSeconds: (phase === 'prefill' ? 1e-2 : 1e-5) * (m + 1) * b * (len / 512),
            workload: { phase, batch: b, seqLen: phase === 'prefill' ? len : 1, contextLen: len, bitsLabel: 'w16a16kv16', flash: false, pairs: 'causal', scope: 'model', costModel: 'exact' },
          });
        }
      }
    }
  }
  return out;
}

describe('encoding', () => {
  it('gives every index below MAX_SERIES a different colour × dash × marker', () => {
    expect(MAX_SERIES).toBe(128);
    for (const n of [1, 2, 8, 9, 16, 32, 33, 64, 128]) {
      const tuples = Array.from({ length: n }, (_, i) => JSON.stringify(encoding(i)));
      expect(new Set(tuples).size).toBe(n);
    }
    expect(() => encoding(MAX_SERIES)).toThrow(/series index 128/);
  });
  it('varies colour first, so up to eight lines are all solid with circles', () => {
    expect(Array.from({ length: 8 }, (_, i) => [encoding(i).dash, encoding(i).marker])).toEqual(Array.from({ length: 8 }, () => [0, 'circle']));
    expect(encoding(8)).toEqual({ color: '#0072b2', dash: 1, marker: 'circle' });
    expect(encoding(32)).toEqual({ color: '#0072b2', dash: 0, marker: 'square' });
  });
});

describe('time charts with many lines', () => {
  // 4 models × 8 batches: the model by dash and marker, the batch by colour. 8 × 8 and 16 × 8: one encoding per line.
  it.each([[4, 8], [8, 8], [16, 8], [2, 1]])('%i models × %i batches: unique encodings, legend matching every line', (m, b) => {
    const svg = timeChartSvg(records(m, b), 't');
    assertWellFormedXml(svg, 'chart');
    const legend = encodings(svg, 'legend-entry');
    expect(legend).toHaveLength(m * b);
    expect(new Set(legend.map(([, e]) => e)).size).toBe(m * b);
    const byLabel = new Map(legend);
    const lines = encodings(svg, 'series');
    expect(lines).toHaveLength(2 * m * b);
    for (const [label, e] of lines) expect([label, e]).toEqual([label, byLabel.get(label)]);
  });

  it('one time unit for the whole chart, named in each axis title', () => {
    // Prefill runs up to 0.32 s and decode down to 10 µs: both panels in ms, chosen from the largest time.
    const svg = timeChartSvg(records(2, 2), 't');
    expect([...svg.matchAll(/>time \(([^)]*)\)<\/text>/g)].map((x) => x[1])).toEqual(['ms', 'ms']);
  });

  it('lengths on a log x axis that ends at the first and last point, in sweep and compare alike', () => {
    const svg = timeChartSvg(records(2, 1).filter((r) => r.workload.contextLen !== 1024), 't');
    for (const group of svg.split('<g transform=').slice(1)) {
      const axis = /<line x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)" y2="[\d.]+" stroke="#333333" class="x-axis"\/>/.exec(group);
      const xs = [...group.matchAll(/<polyline points="([^"]*)"/g)].flatMap((p) => (p[1] ?? '').split(' ').map((pt) => Number(pt.split(',')[0])));
      expect([Math.min(...xs), Math.max(...xs)]).toEqual([Number(axis?.[1]), Number(axis?.[2])]);
      // 512 to 4096 on a log axis: the 1k tick lands log(1000/512)/log(8) = 0.322 of the way along (linear: 0.136).
      const tick = /<line x1="([\d.]+)"[^>]*\/>\n<line [^>]*\/>\n<text [^>]*class="xtick"[^>]*>1k</.exec(group);
      const frac = (Number(tick?.[1]) - Math.min(...xs)) / (Math.max(...xs) - Math.min(...xs));
      expect(frac).toBeCloseTo(Math.log10(1000 / 512) / Math.log10(8), 3);
    }
  });
});
