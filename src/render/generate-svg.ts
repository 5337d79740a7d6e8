/**
 * The serving view's charts: TTFT and TPOT against the input length N (a line per batch) and against the batch B
 * (a line per input length), with the memory limit of each line drawn and runs that do not fit drawn hollow.
 */
import type { GenerateDocument, GenerateRun } from '../core/generate.js';
import { timeUnit } from './axes.js';
import { leftMargin, limitPanelSvg, LIMIT_DASH, markerSvg, strokeAttrs, yAxisOf, type Limit, type LimitPanel, type LimitSeries } from './generate-chart.js';
import { settingsLine } from './generate.js';
import { displayText, shortModelId } from './sanitize.js';
import { CHAR_W, encoding, esc, FONT, fmt, INK, text, wrapText, wrapWords } from './svg.js';
import { seconds } from './units.js';

/** One row of charts: TTFT and TPOT against one quantity, their shared legend and the memory limits in words. */
export interface ChartRow {
  readonly against: 'input' | 'batch';
  readonly panels: readonly LimitPanel[];
  /** The row's lines, once each, for the legend. */
  readonly series: readonly LimitSeries[];
  /** Whether some run in the row does not fit (the legend then explains hollow markers). */
  readonly hollow: boolean;
  /** Each line's memory limit in words, with where it comes from. */
  readonly limitText: readonly string[];
}

/** The charts a document gives, and captions for the ones it cannot (a single N, a single B, one run). */
export interface GenerateCharts {
  readonly title: string;
  readonly subtitle: string;
  readonly rows: readonly ChartRow[];
  readonly captions: readonly string[];
}

const PAD = 10;
/** Pixels of one panel. */
export const PANEL = { width: 420, height: 280 } as const;

/** Unique values in first-seen order. */
function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** A run's point label for hover text. */
function tip(r: GenerateRun, what: 'TTFT' | 'TPOT', s: number): string {
  const w = r.workload;
  const fit = r.memory.fits ? '' : ' (does not fit in memory)';
  return `N = ${String(w.input)}, M = ${String(w.output)}, B = ${String(w.batch)}: ${what} ${seconds(s)}${fit}`;
}

/** How one row groups runs into lines and reads x and the memory limit of a line. */
interface RowSpec {
  readonly against: 'input' | 'batch';
  readonly axisName: string;
  readonly x: (r: GenerateRun) => number;
  /** The other varying quantity that names a line. */
  readonly line: (r: GenerateRun) => number;
  readonly lineName: string;
  /** The x where the line's runs stop fitting: the largest x that fits, from the line's first run. */
  readonly limit: (r: GenerateRun) => number;
  readonly limitWhy: (r: GenerateRun) => string;
}

const ROWS: readonly RowSpec[] = [
  {
    against: 'input',
    axisName: 'input length N (tokens)',
    x: (r) => r.workload.input,
    line: (r) => r.workload.batch,
    lineName: 'B',
    // The cache holds N + M tokens a sequence, so at batch B the longest input that fits is maxContext − M.
    limit: (r) => r.memory.maxContext - r.workload.output,
    limitWhy: (r) => `max context ${String(r.memory.maxContext)} − M ${String(r.workload.output)}`,
  },
  {
    against: 'batch',
    axisName: 'batch B (sequences)',
    x: (r) => r.workload.batch,
    line: (r) => r.workload.input,
    lineName: 'N',
    limit: (r) => r.memory.maxBatch,
    limitWhy: (r) => `max batch at N + M = ${String(r.memory.cachedTokens)} tokens`,
  },
];

/** One row of charts from the runs, lines keyed by the other quantity (and M when several). */
function chartRow(runs: readonly GenerateRun[], spec: RowSpec, manyM: boolean): ChartRow {
  const key = (r: GenerateRun): string => `${spec.lineName} = ${String(spec.line(r))}${manyM ? `, M = ${String(r.workload.output)}` : ''}`;
  const labels = unique(runs.map(key));
  const xName = spec.against === 'input' ? 'N' : 'B';
  const groups = labels.map((label, i) => ({ label, style: encoding(i), runs: runs.filter((r) => key(r) === label).sort((a, b) => spec.x(a) - spec.x(b)) }));
  const limitOf = (g: (typeof groups)[number]): Limit => {
    const x = spec.limit(g.runs[0]!);
    // The chart names the limit by its value alone, in its line's colour; the text under the chart names the line.
    return { label: g.label, text: x > 0 ? `${xName} ≤ ${String(x)}` : `no ${xName} fits`, color: g.style.color, x: Math.max(0, x) };
  };
  const limitText = groups.map((g) => {
    const first = g.runs[0]!;
    const x = spec.limit(first);
    return x > 0 ? `${g.label}: ${xName} ≤ ${String(x)} (${spec.limitWhy(first)})` : `${g.label}: not one sequence fits (${spec.limitWhy(first)})`;
  });
  const panel = (what: 'TTFT' | 'TPOT'): LimitPanel | undefined => {
    const value = (r: GenerateRun): number | undefined => (what === 'TTFT' ? r.ttftSeconds : r.tpotSeconds);
    const all = runs.map(value).filter((v): v is number => v !== undefined);
    if (all.length === 0) return undefined;
    const unit = timeUnit(all);
    const drawn = groups
      .map((g) => ({
        g,
        points: g.runs.flatMap((r) => {
          const v = value(r);
          return v === undefined ? [] : [{ x: spec.x(r), y: v * unit.scale, hollow: !r.memory.fits, tip: tip(r, what, v) }];
        }),
      }))
      .filter((s) => s.points.length > 0);
    const against = spec.against === 'input' ? 'input length' : 'batch';
    return {
      title: `${what} against ${against}`,
      xLabel: spec.axisName,
      yLabel: `${what} (${unit.name})`,
      series: drawn.map(({ g, points }) => ({ label: g.label, ...g.style, points })),
      limits: drawn.map(({ g }) => limitOf(g)),
    };
  };
  const panels = [panel('TTFT'), panel('TPOT')].filter((p): p is LimitPanel => p !== undefined);
  const series = groups.map((g): LimitSeries => ({ label: g.label, ...g.style, points: [] }));
  return { against: spec.against, panels, series, hollow: runs.some((r) => !r.memory.fits), limitText };
}

/** The charts of a document, or the captions that say why some or all are left out. */
export function generateCharts(d: GenerateDocument): GenerateCharts {
  const first = d.runs[0];
  if (first === undefined) throw new Error('internal: no runs to chart');
  const title = `TTFT and TPOT: ${shortModelId(first.model)} on ${displayText(first.hardware)}`;
  const subtitle = settingsLine(first);
  if (d.runs.length === 1) {
    return { title, subtitle, rows: [], captions: ['One run only: the charts need lists, e.g. --input 512,1024,2048 --batch 1,8,32.'] };
  }
  const inputs = unique(d.runs.map((r) => r.workload.input));
  const batches = unique(d.runs.map((r) => r.workload.batch));
  const manyM = unique(d.runs.map((r) => r.workload.output)).length > 1;
  const rows: ChartRow[] = [];
  const captions: string[] = [];
  const [byInput, byBatch] = ROWS as [RowSpec, RowSpec];
  if (inputs.length > 1) rows.push(chartRow(d.runs, byInput, manyM));
  else captions.push(`One input length (N = ${String(inputs[0])}): the charts against N are left out; give --input a list to draw them.`);
  if (batches.length > 1) rows.push(chartRow(d.runs, byBatch, manyM));
  else captions.push(`One batch (B = ${String(batches[0])}): the charts against B are left out; give --batch a list to draw them.`);
  if (d.runs.every((r) => r.tpotSeconds === undefined)) captions.push('M = 1: the prefill yields the only token, so there is no TPOT to chart.');
  return { title, subtitle, rows, captions };
}

/** Phrases joined by "; " into lines of at most `max` characters, a phrase never split (a longer one stands alone). */
function packed(phrases: readonly string[], max: number): string[] {
  const lines: string[] = [];
  for (const p of phrases) {
    const last = lines[lines.length - 1];
    const sep = last === undefined || last.endsWith(':') ? ' ' : '; ';
    if (last !== undefined && (last + sep + p).length <= max) lines[lines.length - 1] = last + sep + p;
    else lines.push(p);
  }
  return lines;
}

/** A legend row: every line of a chart row, then the hollow marker and the dashed limit in ink. */
function legendSvg(row: ChartRow, width: number, top: number): { readonly out: string[]; readonly height: number } {
  const entries = [
    ...row.series.map((s) => ({ label: s.label, draw: (x: number, y: number) => [`<path d="M${fmt(x)} ${fmt(y)}h24"${strokeAttrs(s.color, s.dash)}/>`, markerSvg(s.marker, s.color, false, x + 12, y, 'legend-marker')] })),
    ...(row.hollow ? [{ label: 'does not fit', draw: (x: number, y: number) => [markerSvg('circle', INK, true, x + 12, y, 'legend-marker nofit')] }] : []),
    { label: 'memory limit', draw: (x: number, y: number) => [`<path d="M${fmt(x + 12)} ${fmt(y - 7)}v14" stroke="${INK}" stroke-width="1.2" stroke-dasharray="${LIMIT_DASH}"/>`] },
  ];
  const lines: { label: string; draw: (x: number, y: number) => string[]; w: number }[][] = [];
  let used = Infinity;
  for (const e of entries) {
    const w = 30 + e.label.length * CHAR_W + 18;
    const last = lines[lines.length - 1];
    if (last === undefined || used + w > width) {
      lines.push([{ ...e, w }]);
      used = w;
    } else {
      last.push({ ...e, w });
      used += w;
    }
  }
  const out: string[] = [];
  lines.forEach((l, i) => {
    const y = top + 9 + i * 18;
    let x = PAD + (width - l.reduce((a, it) => a + it.w, 0) + 18) / 2;
    for (const e of l) {
      out.push(`<g class="legend-entry" data-label="${esc(e.label)}">`, ...e.draw(x, y), '</g>', text(x + 30, y + 4, e.label, ' class="legend" font-size="11"'));
      x += e.w;
    }
  });
  return { out, height: lines.length * 18 };
}

/** Renders the serving charts as one standalone SVG document (byte-identical on re-run). */
export function generateSvg(d: GenerateDocument): string {
  const charts = generateCharts(d);
  const cols = Math.max(1, ...charts.rows.map((r) => r.panels.length));
  const width = Math.max(2 * PAD + cols * PANEL.width, 2 * PAD + 2 * PANEL.width);
  const chars = Math.floor((width - 2 * PAD) / (11 * 0.6));
  const titleLines = wrapWords(charts.title, Math.floor((width - 2 * PAD) / (15 * 0.62)));
  const out: string[] = [];
  let y = 24;
  for (const t of titleLines) {
    out.push(text(width / 2, y, t, ` class="title" text-anchor="middle" font-size="15" font-weight="bold" fill="${INK}"`));
    y += 19;
  }
  for (const s of wrapText(charts.subtitle, chars)) {
    out.push(text(width / 2, y, s, ' class="subtitle" text-anchor="middle" font-size="11" fill="#555555"'));
    y += 15;
  }
  y += 4;
  // One left margin for every panel, so the plots of a column line up.
  const left = leftMargin(charts.rows.flatMap((r) => r.panels.map(yAxisOf)));
  for (const row of charts.rows) {
    out.push(`<g class="chart-row" data-against="${row.against}">`);
    row.panels.forEach((p, i) => {
      out.push(`<g class="panel" data-title="${esc(p.title)}" transform="translate(${fmt(PAD + i * PANEL.width)} ${fmt(y)})">`, ...limitPanelSvg(p, left, PANEL.width, PANEL.height), '</g>');
    });
    y += PANEL.height + 4;
    const legend = legendSvg(row, width - 2 * PAD, y);
    out.push(...legend.out);
    y += legend.height + 4;
    for (const s of packed(['Memory limit (dashed):', ...row.limitText], chars)) {
      out.push(text(PAD + 4, y + 10, s, ' class="limit-text" font-size="11" fill="#555555"'));
      y += 15;
    }
    out.push('</g>');
    y += 8;
  }
  for (const c of charts.captions) {
    for (const s of wrapWords(c, chars)) {
      out.push(text(PAD + 4, y + 10, s, ' class="caption" font-size="11" fill="#555555"'));
      y += 15;
    }
  }
  const height = y + PAD;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" font-family="${FONT}">`,
    `<rect width="${fmt(width)}" height="${fmt(height)}" fill="#ffffff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
