import { describe, expect, it } from 'vitest';
import { lineChartSvg, type ChartSpec, type Panel, type Series } from '../../src/render/svg.js';

const LENGTHS = [128, 256, 512, 1024, 2048, 4096];

function series(label: string, color: string, dashed: boolean, ys: readonly number[], xs: readonly number[] = LENGTHS): Series {
  return { label, color, dash: dashed ? 1 : 0, marker: 'circle', points: ys.map((y, i) => [xs[i] ?? 0, y] as const) };
}

const gta8 = series('GTA-1B, batch 8', '#1f77b4', false, [0.02, 0.05, 0.3, 2, 40, 300]);
const gqa8 = series('GQA-1B, batch 8', '#ff7f0e', true, [0.03, 0.08, 0.5, 3, 60, 290]);

const SPEC: ChartSpec = {
  title: 'Prefill & decode <GTA vs GQA>',
  subtitle: 'H100, bf16',
  columns: 2,
  panels: [
    { title: 'prefill, batch 8', xLabel: 'sequence length (tokens)', yLabel: 'time (ms)', logX: true, logY: true, series: [gta8, gqa8] },
    { title: 'decode, batch 8', xLabel: 'context length (tokens)', yLabel: 'time per token (ms)', logX: true, series: [gta8, gqa8] },
    { title: 'linear', xLabel: 'x (1)', yLabel: 'y (1)', series: [series('odd <&> label', '#2ca02c', false, [0, 0.1, 0.2, 0.3], [0, 1, 2, 3])] },
  ],
};

/** Tick labels of one class ("xtick" or "ytick") inside the panel group whose title is `title`. */
function ticks(svg: string, title: string, cls: string): string[] {
  const group = svg.split('<g ').find((g) => g.includes(`>${title}</text>`)) ?? '';
  return [...group.matchAll(new RegExp(`class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1] ?? '');
}

const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

describe('lineChartSvg', () => {
  const svg = lineChartSvg(SPEC);

  it('is one standalone SVG document, identical on every call', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" ')).toBe(true);
    expect(svg.endsWith('</svg>\n')).toBe(true);
    expect(svg).toMatch(/<svg [^>]*width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
    expect(svg).toContain('font-family="DejaVu Sans, Arial, sans-serif"');
    expect(lineChartSvg(SPEC)).toBe(svg);
  });

  it('prints every coordinate with at most two decimals', () => {
    const numbers = [...svg.matchAll(/(?:x1|y1|x2|y2|cx|cy|x|y)="(-?[\d.]+)"/g)].map((m) => m[1] ?? '');
    expect(numbers.length).toBeGreaterThan(50);
    for (const n of numbers) expect(n).toMatch(/^-?\d+(\.\d{1,2})?$/);
    for (const m of svg.matchAll(/points="([^"]*)"/g)) expect(m[1]).toMatch(/^(-?\d+(\.\d{1,2})?,-?\d+(\.\d{1,2})? ?)+$/);
  });

  it('shows panel titles, axis labels and escaped text', () => {
    for (const p of SPEC.panels) {
      expect(count(svg, `>${p.title}</text>`)).toBe(1);
      expect(svg).toContain(`>${p.xLabel}</text>`);
      expect(svg).toContain(`>${p.yLabel}</text>`);
    }
    expect(svg).toContain('Prefill &amp; decode &lt;GTA vs GQA&gt;');
    expect(svg).toContain('odd &lt;&amp;&gt; label');
    expect(svg).not.toContain('<&>');
  });

  it('lists each series label once in the legend, in first-seen order', () => {
    const legend = [...svg.matchAll(/class="legend"[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
    expect(legend).toEqual(['GTA-1B, batch 8', 'GQA-1B, batch 8', 'odd &lt;&amp;&gt; label']);
  });

  it('dashes only dashed series, with one polyline vertex and marker per data point', () => {
    const lines = [...svg.matchAll(/<polyline points="([^"]*)"([^>]*)\/>/g)];
    expect(lines).toHaveLength(5);
    const gtaLine = lines.find((m) => m[2]?.includes('#1f77b4'));
    const gqaLine = lines.find((m) => m[2]?.includes('#ff7f0e'));
    expect(gtaLine?.[2]).not.toContain('stroke-dasharray');
    expect(gqaLine?.[2]).toContain('stroke-dasharray="6 3"');
    expect(gtaLine?.[2]).toContain('fill="none"');
    expect(gtaLine?.[2]).toContain('stroke-width="1.5"');
    expect(gtaLine?.[1]?.split(' ')).toHaveLength(gta8.points.length);
    const markers = count(svg, '<circle ') - 3; // minus one legend marker per label
    expect(markers).toBe(4 * gta8.points.length + 4);
  });

  it('puts log x ticks at 1, 2, 5 × 10^k within the data and log y ticks at powers of ten around it', () => {
    expect(ticks(svg, 'prefill, batch 8', 'xtick')).toEqual(['200', '500', '1k', '2k']);
    expect(ticks(svg, 'prefill, batch 8', 'ytick')).toEqual(['0.01', '0.1', '1', '10', '100', '1k']);
    const big = lineChartSvg({ title: 't', columns: 1, panels: [{ title: 'big', xLabel: 'x', yLabel: 'y', logY: true, series: [series('s', '#000', false, [3e-6, 2e4], [1, 2])] }] });
    expect(ticks(big, 'big', 'ytick')).toEqual(['1µ', '10µ', '100µ', '0.001', '0.01', '0.1', '1', '10', '100', '1k', '10k', '100k'].filter((_, i) => i % 2 === 0));
  });

  it('gives linear axes nice ticks without floating noise, y from zero', () => {
    expect(ticks(svg, 'linear', 'ytick')).toEqual(['0', '0.1', '0.2', '0.3']);
    expect(ticks(svg, 'linear', 'xtick')).toEqual(['0', '1', '2', '3']);
    expect(ticks(svg, 'decode, batch 8', 'ytick')).toEqual(['0', '100', '200', '300']);
    const odd = lineChartSvg({ title: 't', columns: 1, panels: [{ title: 'odd', xLabel: 'x', yLabel: 'y', series: [series('s', '#000', false, [0.07, 0.71], [0.1, 0.7])] }] });
    for (const label of [...ticks(odd, 'odd', 'xtick'), ...ticks(odd, 'odd', 'ytick')]) expect(label).toMatch(/^-?\d+(\.\d{1,2})?$/);
  });

  it('draws empty panels, single points and flat lines without dividing by zero', () => {
    const panels: Panel[] = [
      { title: 'empty', xLabel: 'x', yLabel: 'y', series: [] },
      { title: 'empty log', xLabel: 'x', yLabel: 'y', logX: true, logY: true, series: [series('none', '#000', false, [])] },
      { title: 'single', xLabel: 'x', yLabel: 'y', logX: true, logY: true, series: [series('one', '#111', false, [5], [512])] },
      { title: 'flat', xLabel: 'x', yLabel: 'y', series: [series('flat', '#222', true, [-2, -2], [3, 3])] },
    ];
    const out = lineChartSvg({ title: 'edge cases', columns: 3, panels });
    expect(out).not.toMatch(/NaN|Infinity/);
    expect(ticks(out, 'empty', 'ytick')).toEqual(['0', '0.2', '0.4', '0.6', '0.8', '1']);
    expect(ticks(out, 'single', 'xtick')).toEqual(['200', '500', '1k']);
    expect(ticks(out, 'flat', 'ytick').length).toBeGreaterThan(1);
  });

  it('throws on points a log axis or the page cannot hold, naming the series', () => {
    const bad = (logY: boolean, y: number): ChartSpec => ({ title: 't', columns: 1, panels: [{ title: 'p', xLabel: 'x', yLabel: 'y', logY, series: [series('GQA-8B, batch 1', '#000', false, [1, y], [1, 2])] }] });
    expect(() => lineChartSvg(bad(true, -3))).toThrow(/GQA-8B, batch 1.*-3/);
    expect(() => lineChartSvg(bad(true, 0))).toThrow(/GQA-8B, batch 1/);
    expect(() => lineChartSvg(bad(false, Number.NaN))).toThrow(/GQA-8B, batch 1.*NaN/);
    expect(() => lineChartSvg({ ...SPEC, columns: 0 })).toThrow(/columns/);
  });
});

describe('a long chart title', () => {
  // compare's title names every model; 15 shipped ids make 263 characters, which a 440 px figure cannot hold in one line.
  const ids = ['llama-2-70b', 'llama-2-7b', 'llama-3.1-8b', ...['gqa', 'gta1', 'gta2', 'mha', 'mla'].map((v) => `paper/160m-${v}`), ...['gqa', 'gta3', 'gta4', 'mha', 'mla'].map((v) => `paper/500m-${v}`), 'paper/gqa-1b', 'paper/gta-1b'];
  const title = `Predicted time against length: ${ids.join(' vs ')}`;
  const svg = lineChartSvg({ title, subtitle: 'h100-sxm, w16a16kv16', columns: 1, panelWidth: 420, panels: [{ title: 'decode', xLabel: 'x', yLabel: 'y', series: [gta8] }] });
  const lines = [...svg.matchAll(/<text [^>]*font-size="([\d.]+)" font-weight="bold" fill="#333333">([^<]*)<\/text>/g)];
  it('wraps at spaces at a readable size instead of shrinking to one line', () => {
    // 420 px at 11 px × 0.62 per character: at most 61 characters a line, so 263 characters take at least 5 lines.
    expect(lines.length).toBeGreaterThanOrEqual(5);
    for (const m of lines) expect(m[2]?.length).toBeLessThanOrEqual(61);
    for (const m of lines) expect(Number(m[1])).toBeGreaterThanOrEqual(11);
    expect(new Set(lines.map((m) => m[1])).size).toBe(1);
    expect(lines.map((m) => m[2]).join(' ')).toBe(title);
  });
  it('moves the subtitle and panels below the last title line', () => {
    const lastTitleY = Math.max(...[...svg.matchAll(/<text x="[\d.]+" y="([\d.]+)"[^>]*font-weight="bold" fill="#333333">/g)].map((m) => Number(m[1])));
    const subY = Number(/<text x="[\d.]+" y="([\d.]+)"[^>]*fill="#555555">h100-sxm/.exec(svg)?.[1]);
    expect(subY).toBe(lastTitleY + 20);
    const panelY = Number(/<g transform="translate\([\d.]+ ([\d.]+)\)">/.exec(svg)?.[1]);
    expect(panelY).toBeGreaterThan(subY);
  });
});
