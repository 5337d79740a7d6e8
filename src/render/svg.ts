/** Deterministic SVG line charts for paper figures: a grid of panels on linear, log2 or log10 axes, one shared legend. */

/** One line in a panel; `label` doubles as the legend key, so equal labels across panels share one legend entry. */
export interface Series {
  readonly label: string;
  /** [x, y] pairs, x ascending; both positive on a log axis. */
  readonly points: readonly (readonly [number, number])[];
  readonly color: string;
  readonly dashed: boolean;
}

/** One chart in the grid; each panel scales its own axes so panels with different magnitudes stay readable. */
export interface Panel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  /** Base-2 log x axis, for power-of-two sequence lengths. */
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

export interface Tick {
  readonly v: number;
  readonly label: string;
}

/** An axis in transformed units (identity, log2 or log10) so projection is one linear map. */
export interface Axis {
  readonly t: (v: number) => number;
  readonly tLo: number;
  readonly tHi: number;
  readonly ticks: readonly Tick[];
}

export const FONT = 'DejaVu Sans, Arial, sans-serif';
const PAD = 10;
export const CHAR_W = 6.6; // rough DejaVu Sans advance at 11px; only used to size margins and legend slots
export const GRID = '#e6e6e6';
export const INK = '#333333';
const EPS = 1e-9;

/** Coordinates rounded to 2 decimals so output is byte-identical whatever noise the float arithmetic leaves. */
export function fmt(n: number): string {
  return String(Math.round(n * 100) / 100);
}

/** Drops float noise (0.30000000000000004) from computed tick values before they are compared or printed. */
export function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/** Compact, locale-free tick label: 6 significant digits, exponent form only outside [1e-3, 1e6]. */
export function num(v: number): string {
  const r = Number(v.toPrecision(6));
  if (r === 0) return '0';
  const a = Math.abs(r);
  return a < 1e-3 || a > 1e6 ? r.toExponential().replace('e+', 'e') : String(r);
}

/** Text and attribute values both go through this, so labels can never break the document. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' } as Record<string, string>)[c] ?? ''};`);
}

/** Min and max without spreading, so long series cannot overflow the call stack. */
export function extent(values: readonly number[]): [number, number] | undefined {
  if (values.length === 0) return undefined;
  return values.reduce<[number, number]>(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity]);
}

/** Nice linear ticks (1, 2, 2.5, 5 × 10^k, about five intervals), range padded out to whole steps. */
export function linearAxis(values: readonly number[], fromZero: boolean): Axis {
  let [lo, hi] = extent(values) ?? [0, 1];
  if (fromZero && lo >= 0) lo = 0;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    if (fromZero && lo === 0) hi = 1;
    else [lo, hi] = [lo - pad, hi + pad];
  }
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5].find((m) => m * mag >= raw * (1 - EPS)) ?? 10) * mag;
  const first = Math.floor(lo / step + EPS);
  const last = Math.ceil(hi / step - EPS);
  const ticks: Tick[] = [];
  for (let i = first; i <= last; i++) {
    const v = clean(i * step);
    ticks.push({ v, label: num(v) });
  }
  return { t: (v) => v, tLo: clean(first * step), tHi: clean(last * step), ticks };
}

/** Log ticks at whole powers of `base`, range padded out to the powers around the data, thinned past nine. */
export function logAxis(values: readonly number[], base: 2 | 10): Axis {
  const t = base === 2 ? Math.log2 : Math.log10;
  const e = extent(values);
  let kLo = e ? Math.floor(t(e[0]) + EPS) : 0;
  let kHi = e ? Math.ceil(t(e[1]) - EPS) : 1;
  if (kLo === kHi) [kLo, kHi] = [kLo - 1, kHi + 1];
  const every = Math.ceil((kHi - kLo + 1) / 9);
  const ticks: Tick[] = [];
  for (let k = kLo; k <= kHi; k += every) {
    if (base === 2) ticks.push({ v: 2 ** k, label: num(2 ** k) });
    else ticks.push({ v: Number(`1e${k}`), label: k >= -3 && k <= 3 ? num(Number(`1e${k}`)) : `1e${k}` });
  }
  return { t, tLo: kLo, tHi: kHi, ticks };
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
  return ` fill="none" stroke="${esc(s.color)}" stroke-width="1.5" stroke-linejoin="round"${s.dashed ? ' stroke-dasharray="5 3"' : ''}`;
}

/** A panel's x and y axes from its data. */
function axesOf(p: Panel): readonly [Axis, Axis] {
  const xs = p.series.flatMap((s) => s.points.map((pt) => pt[0]));
  const ys = p.series.flatMap((s) => s.points.map((pt) => pt[1]));
  return [p.logX === true ? logAxis(xs, 2) : linearAxis(xs, false), p.logY === true ? logAxis(ys, 10) : linearAxis(ys, true)];
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
  out.push(line(left, top, left, top + ph, INK), line(left, top + ph, left + pw, top + ph, INK));
  out.push(text(left + pw / 2, h - 8, p.xLabel, ' text-anchor="middle" font-size="11"'));
  const yMid = top + ph / 2;
  out.push(text(12, yMid, p.yLabel, ` text-anchor="middle" font-size="11" transform="rotate(-90 12 ${fmt(yMid)})"`));
  for (const s of p.series) {
    if (s.points.length === 0) continue;
    const pts = s.points.map(([x, y]) => `${fmt(px(x))},${fmt(py(y))}`);
    out.push(`<polyline points="${pts.join(' ')}"${strokeAttrs(s)}/>`);
    for (const pt of pts) {
      const [cx = '', cy = ''] = pt.split(',');
      out.push(`<circle cx="${cx}" cy="${cy}" r="2" fill="${esc(s.color)}"/>`);
    }
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
      out.push(`<path d="M${fmt(x)} ${fmt(y)}h24"${strokeAttrs(s)}/>`);
      out.push(`<circle cx="${fmt(x + 12)}" cy="${fmt(y)}" r="2" fill="${esc(s.color)}"/>`);
      out.push(text(x + 30, y + 4, s.label, ' class="legend" font-size="11"'));
      x += w;
    }
  });
  return { out, height: rows.length * 18 };
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
  const panelsTop = spec.subtitle === undefined ? 40 : 58;
  const axes = spec.panels.map(axesOf);
  const labelChars = axes.reduce((m, [, ya]) => ya.ticks.reduce((n, t) => Math.max(n, t.label.length), m), 1);
  const left = 24 + labelChars * CHAR_W * (10 / 11) + 8;
  const legend = legendSvg(spec.panels, width - 2 * PAD, panelsTop + rows * ph + 6);
  const height = panelsTop + rows * ph + 6 + legend.height + PAD;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(width)}" height="${fmt(height)}" viewBox="0 0 ${fmt(width)} ${fmt(height)}" font-family="${FONT}">`,
    `<rect width="${fmt(width)}" height="${fmt(height)}" fill="#ffffff"/>`,
    text(width / 2, 24, spec.title, ` text-anchor="middle" font-size="16" font-weight="bold" fill="${INK}"`),
  ];
  if (spec.subtitle !== undefined) out.push(text(width / 2, 44, spec.subtitle, ` text-anchor="middle" font-size="12" fill="#555555"`));
  spec.panels.forEach((p, i) => {
    const x = PAD + (i % cols) * pw;
    const y = panelsTop + Math.floor(i / cols) * ph;
    out.push(`<g transform="translate(${fmt(x)} ${fmt(y)})">`, ...panelSvg(p, axes[i] ?? axesOf(p), left, pw, ph), '</g>');
  });
  out.push(...legend.out, '</svg>');
  return out.join('\n') + '\n';
}
