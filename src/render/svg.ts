/** Deterministic SVG line charts for paper figures: a grid of panels on linear or log axes, one shared legend. */
import { linearAxis, logAxis, type Axis } from './axes.js';
import { xmlText } from './sanitize.js';

/** One line in a panel; `label` doubles as the legend key, so equal labels across panels share one legend entry. */
export interface Series {
  readonly label: string;
  /** [x, y] pairs, x ascending; both positive on a log axis. */
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  /** Index into DASHES. */
  readonly dash: number;
  readonly marker: Marker;
}

/** Point marker shapes, so lines of one colour and dash still differ. */
export const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;
export type Marker = (typeof MARKERS)[number];
/** Stroke patterns: solid, dashed, dotted, dash-dot. */
export const DASHES = ['', '6 3', '1.5 2.5', '8 3 1.5 3'] as const;
/** Colour-blind-safe palette (Okabe-Ito), in the order lines take it. */
export const COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'] as const;
/** How many lines one chart can tell apart: every colour × dash × marker combination once. */
export const MAX_SERIES = COLORS.length * DASHES.length * MARKERS.length;

/** The i-th line's encoding: colour fastest, then dash, then marker; no two indices below MAX_SERIES share one. */
export function encoding(i: number): Pick<Series, 'color' | 'dash' | 'marker'> {
  if (!Number.isInteger(i) || i < 0 || i >= MAX_SERIES) throw new Error(`internal: series index ${String(i)} outside 0..${String(MAX_SERIES - 1)}`);
  return {
    color: COLORS[i % COLORS.length] ?? '#000000',
    dash: Math.floor(i / COLORS.length) % DASHES.length,
    marker: MARKERS[Math.floor(i / (COLORS.length * DASHES.length))] ?? 'circle',
  };
}

/** One chart in the grid; each panel scales its own axes so panels with different magnitudes stay readable. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Log x axis bounded by the data, for lengths. */
  readonly logX?: boolean;
  /** Base-10 log y axis, for times spanning decades. */
  readonly logY?: boolean;
  readonly series: readonly Series[];
}

/** A whole figure; sizes are per panel so a figure grows with its grid instead of squeezing panels. */
export interface ChartSpec {
  readonly title: string;
  readonly subtitle?: string;
  readonly panels: readonly Panel[];
  /** Panels per row. */
  readonly columns: number;
  /** Pixels, default 320. */
  readonly panelWidth?: number;
  /** Pixels, default 240. */
  readonly panelHeight?: number;
}

export const FONT = 'DejaVu Sans, Arial, sans-serif';
const PAD = 10;
export const CHAR_W = 6.6; // rough DejaVu Sans advance at 11px; only used to size margins and legend slots
export const GRID = '#e6e6e6';
export const INK = '#333333';

/** Coordinates rounded to 2 decimals so output is byte-identical whatever noise the float arithmetic leaves. */
export function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Text and attribute values both go through this, so labels can never break the document. */
export function esc(s: string): string {
  return xmlText(s);
}

/** Bad points are programming errors upstream, so fail loudly with the series and value instead of drawing nonsense. */
function check(p: Panel): void {
  for (const s of p.series) {
    for (const [x, y] of s.points) {
      const where = `series "${s.label}" in panel "${p.title}"`;
      if (!Number.isFinite(x) || !Number.isFinite(y)) throw new Error(`${where}: non-finite point (${x}, ${y})`);
      if (p.logX === true && x <= 0) throw new Error(`${where}: x = ${x} is not positive on a log x axis`);
      if (p.logY === true && y <= 0) throw new Error(`${where}: y = ${y} is not positive on a log y axis`);
    }
  }
}

/** `<text>` with escaped content; attributes are trusted numbers and constants. */
export function text(x: number, y: number, s: string, attrs: string): string {
  return `<text x="${fmt(x)}" y="${fmt(y)}"${attrs}>${esc(s)}</text>`;
}

/** `<line>` between two points. */
export function line(x1: number, y1: number, x2: number, y2: number, stroke: string, extra = ''): string {
  return `<line x1="${fmt(x1)}" y1="${fmt(y1)}" x2="${fmt(x2)}" y2="${fmt(y2)}" stroke="${esc(stroke)}"${extra}/>`;
}

/** Stroke attributes shared by series and their legend samples, so the two always match. */
function strokeAttrs(s: Series): string {
  const dash = DASHES[s.dash] ?? '';
  return ` fill="none" stroke="${esc(s.color)}" stroke-width="1.5" stroke-linejoin="round"${dash === '' ? '' : ` stroke-dasharray="${dash}"`}`;
}

/** A series' marker at (x, y), drawn the same in the plot and in the legend. */
function markerSvg(s: Series, x: number, y: number): string {
  const fill = ` fill="${esc(s.color)}"`;
  switch (s.marker) {
    case 'circle':
      return `<circle cx="${fmt(x)}" cy="${fmt(y)}" r="2.5"${fill}/>`;
    case 'square':
      return `<rect x="${fmt(x - 2.5)}" y="${fmt(y - 2.5)}" width="5" height="5"${fill}/>`;
    case 'triangle':
      return `<path d="M${fmt(x)} ${fmt(y - 3.5)}L${fmt(x + 3)} ${fmt(y + 2)}L${fmt(x - 3)} ${fmt(y + 2)}Z"${fill}/>`;
    case 'diamond':
      return `<path d="M${fmt(x)} ${fmt(y - 3.5)}L${fmt(x + 3.5)} ${fmt(y)}L${fmt(x)} ${fmt(y + 3.5)}L${fmt(x - 3.5)} ${fmt(y)}Z"${fill}/>`;
    default:
      return assertNever(s.marker);
  }
}

function assertNever(x: never): never {
  throw new Error(`internal: unexpected ${String(x)}`);
}

/** A panel's x and y axes from its data. */
function axesOf(p: Panel): readonly [Axis, Axis] {
  const xs = p.series.flatMap((s) => s.points.map((pt) => pt[0]));
  const ys = p.series.flatMap((s) => s.points.map((pt) => pt[1]));
  return [p.logX === true ? logAxis(xs, true) : linearAxis(xs, false), p.logY === true ? logAxis(ys, false) : linearAxis(ys, true)];
}

/** One panel's elements in panel-local coordinates (the caller translates the group); `left` is shared so plots align. */
function panelSvg(p: Panel, [xa, ya]: readonly [Axis, Axis], left: number, w: number, h: number): string[] {
  const [right, top, bottom] = [14, 26, 44];
  const pw = Math.max(1, w - left - right);
  const ph = Math.max(1, h - top - bottom);
  const px = (v: number): number => left + (pw * (xa.t(v) - xa.tLo)) / (xa.tHi - xa.tLo);
  const py = (v: number): number => top + ph - (ph * (ya.t(v) - ya.tLo)) / (ya.tHi - ya.tLo);
  const out = [text(left + pw / 2, 16, p.title, ' text-anchor="middle" font-size="12" font-weight="bold"')];
  for (const t of xa.ticks) {
    const x = px(t.v);
    out.push(line(x, top, x, top + ph, GRID), line(x, top + ph, x, top + ph + 4, INK));
    out.push(text(x, top + ph + 15, t.label, ' class="xtick" text-anchor="middle" font-size="10"'));
  }
  for (const t of ya.ticks) {
    const y = py(t.v);
    out.push(line(left, y, left + pw, y, GRID), line(left - 4, y, left, y, INK));
    out.push(text(left - 6, y + 3.5, t.label, ' class="ytick" text-anchor="end" font-size="10"'));
  }
  out.push(line(left, top, left, top + ph, INK, ' class="y-axis"'), line(left, top + ph, left + pw, top + ph, INK, ' class="x-axis"'));
  out.push(text(left + pw / 2, h - 8, p.xLabel, ' text-anchor="middle" font-size="11"'));
  const yMid = top + ph / 2;
  out.push(text(12, yMid, p.yLabel, ` text-anchor="middle" font-size="11" transform="rotate(-90 12 ${fmt(yMid)})"`));
  for (const s of p.series) {
    if (s.points.length === 0) continue;
    const pts = s.points.map(([x, y]) => [px(x), py(y)] as const);
    // Grouped and labelled, so the line can be matched to its legend entry.
    out.push(`<g class="series" data-label="${esc(s.label)}">`, `<polyline points="${pts.map(([x, y]) => `${fmt(x)},${fmt(y)}`).join(' ')}"${strokeAttrs(s)}/>`);
    for (const [x, y] of pts) out.push(markerSvg(s, x, y));
    out.push('</g>');
  }
  return out;
}

/** Legend entries (first series per label wins) laid out in centred rows that wrap at `width`. */
function legendSvg(panels: readonly Panel[], width: number, top: number): { readonly out: string[]; readonly height: number } {
  const seen = new Map<string, Series>();
  for (const p of panels) for (const s of p.series) if (!seen.has(s.label)) seen.set(s.label, s);
  const rows: { s: Series; w: number }[][] = [];
  let used = Infinity;
  for (const s of seen.values()) {
    const w = 30 + s.label.length * CHAR_W + 18;
    const row = rows[rows.length - 1];
    if (row === undefined || used + w > width) {
      rows.push([{ s, w }]);
      used = w;
    } else {
      row.push({ s, w });
      used += w;
    }
  }
  const out: string[] = [];
  rows.forEach((row, i) => {
    const y = top + 9 + i * 18;
    let x = PAD + (width - row.reduce((a, it) => a + it.w, 0) + 18) / 2;
    for (const { s, w } of row) {
      out.push(`<g class="legend-entry" data-label="${esc(s.label)}">`, `<path d="M${fmt(x)} ${fmt(y)}h24"${strokeAttrs(s)}/>`, markerSvg(s, x + 12, y), '</g>');
      out.push(text(x + 30, y + 4, s.label, ' class="legend" font-size="11"'));
      x += w;
    }
  });
  return { out, height: rows.length * 18 };
}

/** Splits text after its commas and semicolons into lines of at most `max` characters (a longer piece stands alone). */
export function wrapText(s: string, max: number): string[] {
  const pieces = s.match(/[^,;]+(?:[,;]\s*|$)/g) ?? [s];
  const lines: string[] = [];
  for (const p of pieces) {
    const last = lines[lines.length - 1];
    if (last !== undefined && (last + p).trimEnd().length <= max) lines[lines.length - 1] = last + p;
    else lines.push(p);
  }
  return lines.map((l) => l.trim()).filter((l) => l !== '');
}

/** Splits text at spaces into lines of at most `max` characters (a longer word stands alone). */
export function wrapWords(s: string, max: number): string[] {
  const lines: string[] = [];
  for (const w of s.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && `${last} ${w}`.length <= max) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  return lines.filter((l) => l !== '');
}

/** Renders panels of line charts as one standalone SVG document. */
export function lineChartSvg(spec: ChartSpec): string {
  if (!Number.isInteger(spec.columns) || spec.columns < 1) throw new Error(`columns must be a positive integer, got ${spec.columns}`);
  spec.panels.forEach(check);
  const pw = spec.panelWidth ?? 320;
  const ph = spec.panelHeight ?? 240;
  const cols = Math.min(spec.columns, Math.max(1, spec.panels.length));
  const rows = Math.ceil(spec.panels.length / cols);
  const width = 2 * PAD + cols * pw;
  // A long subtitle wraps at its commas and semicolons instead of running off both edges of the figure.
  const sub = spec.subtitle === undefined ? [] : wrapText(spec.subtitle, Math.floor((width - 2 * PAD) / (12 * 0.6)));
  // A long title shrinks from 16px down to 11px (the legend's size) to stay on one line; past that it wraps at spaces
  // (compare's "A vs B vs …" with 15 models used to shrink to 2.4px). Only a single word too long for a line shrinks more.
  const wrapped = wrapWords(spec.title, Math.floor((width - 2 * PAD) / (11 * 0.62)));
  const titleLines = wrapped.length > 0 ? wrapped : [spec.title];
  // One size for every line (the longest line's), so a wrapped title reads as one.
  const titleFont = Math.min(16, ...titleLines.map((t) => (width - 2 * PAD) / (t.length * 0.62)));
  const titleExtra = (titleLines.length - 1) * (titleFont + 4);
  const panelsTop = 40 + titleExtra + sub.length * 16 + (sub.length > 0 ? 2 : 0);
  const axes = spec.panels.map(axesOf);
  const labelChars = axes.reduce((m, [, ya]) => ya.ticks.reduce((n, t) => Math.max(n, t.label.length), m), 1);
  const left = 24 + labelChars * CHAR_W * (10 / 11) + 8;
  const legend = legendSvg(spec.panels, width - 2 * PAD, panelsTop + rows * ph + 6);
  const height = panelsTop + rows * ph + 6 + legend.height + PAD;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" font-family="${FONT}">`,
    `<rect width="${fmt(width)}" height="${fmt(height)}" fill="#ffffff"/>`,
    ...titleLines.map((t, i) => text(width / 2, 24 + i * (titleFont + 4), t, ` text-anchor="middle" font-size="${fmt(titleFont)}" font-weight="bold" fill="${INK}"`)),
  ];
  sub.forEach((s, i) => out.push(text(width / 2, 44 + titleExtra + i * 16, s, ` text-anchor="middle" font-size="12" fill="#555555"`)));
  spec.panels.forEach((p, i) => {
    const x = PAD + (i % cols) * pw;
    const y = panelsTop + Math.floor(i / cols) * ph;
    out.push(`<g transform="translate(${fmt(x)} ${fmt(y)})">`, ...panelSvg(p, axes[i] ?? axesOf(p), left, pw, ph), '</g>');
  });
  out.push(...legend.out, '</svg>');
  return out.join('\n') + '\n';
}
