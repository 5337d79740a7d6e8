/**
 * One chart panel of the serving view: lines with filled or hollow markers (a run that fits in memory or not) and
 * vertical dashed markers at memory limits; lengths and batches on a log2 axis when they span more than 8×.
 */
import { clean, extent, linearAxis, logAxis, tickLabel, type Axis, type Tick } from './axes.js';
import { hitsSegment, overlaps, type Box, type Segment } from './label-layout.js';
import { CHAR_W, DASHES, esc, fmt, GRID, INK, line, text, type Marker } from './svg.js';

// DejaVu Sans at 9px, rough: sizes limit labels for the collision checks.
const LABEL_CHAR_W = 5.4;

/** One point of a line; `hollow` draws it as an outline: the run does not fit in memory. */
export interface LimitPoint {
  readonly x: number;
  readonly y: number;
  readonly hollow: boolean;
  /** Hover text (an SVG `<title>`). */
  readonly tip: string;
}

/** One line of a panel; its legend entry and its memory limit share its label and colour. */
export interface LimitSeries {
  readonly label: string;
  readonly color: string;
  readonly dash: number;
  readonly marker: Marker;
  /** x ascending. */
  readonly points: readonly LimitPoint[];
}

/** A vertical memory limit at `x`, in its series' colour; a limit far outside the data is named at the edge instead. */
export interface Limit {
  /** The line's label (for the data attribute and the caption). */
  readonly label: string;
  /** What the chart prints beside the limit. */
  readonly text: string;
  readonly color: string;
  readonly x: number;
}

/** A panel to draw: its series, limits, and whether y reads better on a log axis. */
export interface LimitPanel {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly LimitSeries[];
  readonly limits: readonly Limit[];
}

/** A limit within this factor beyond the data's extent widens the x axis; one farther out would squeeze the data. */
export const LIMIT_REACH = 4;
/** Past this ratio of largest to smallest, x is on a log2 axis. */
export const LOG2_SPAN = 8;
/** Panel margins around the plot: right, top, bottom (left depends on the tick labels). */
export const MARGIN = { right: 16, top: 26, bottom: 44 } as const;

/** Whole numbers below 10,000 print exactly (512, 4096); above, with an SI prefix (16.4k): powers of two read as themselves. */
function powerLabel(v: number): string {
  return Number.isInteger(v) && v < 1e4 ? String(v) : tickLabel(v);
}

/** A base-2 log axis bounded by the values, ticks at powers of two (every second or fourth one over a wide range). */
export function log2Axis(values: readonly number[]): Axis {
  const [lo, hi] = extent(values) ?? [1, 2];
  let [tLo, tHi] = [Math.log2(lo), Math.log2(hi)];
  if (tHi - tLo < 1e-9) [tLo, tHi] = [tLo - 0.5, tHi + 0.5];
  const all: number[] = [];
  for (let k = Math.ceil(tLo - 1e-9); k <= Math.floor(tHi + 1e-9); k++) all.push(2 ** k);
  const every = Math.ceil(all.length / 9);
  let vs = all.filter((_, i) => i % every === 0);
  // A range without two powers of two still gets its ends labelled, so the reader has a scale.
  if (vs.length < 2) vs = [clean(2 ** tLo), clean(2 ** tHi)];
  const ticks: Tick[] = vs.map((v) => ({ v, label: powerLabel(v) }));
  return { t: Math.log2, tLo, tHi, ticks };
}

/** The x values the axis spans: the data, and each limit within LIMIT_REACH of the data's extent. */
export function xDomain(p: LimitPanel): number[] {
  const xs = p.series.flatMap((s) => s.points.map((pt) => pt.x));
  const [lo, hi] = extent(xs) ?? [1, 1];
  return [...xs, ...p.limits.map((l) => l.x).filter((x) => x > 0 && x >= lo / LIMIT_REACH && x <= hi * LIMIT_REACH)];
}

/** The panel's x axis: log2 when its domain spans more than LOG2_SPAN, else linear (not from zero). */
export function xAxisOf(p: LimitPanel): Axis {
  const d = xDomain(p);
  const [lo, hi] = extent(d) ?? [1, 1];
  return lo > 0 && hi / lo > LOG2_SPAN ? log2Axis(d) : linearAxis(d, false);
}

/** The panel's y axis: base-10 log when every value is positive and they span 20× or more, else linear from zero. */
export function yAxisOf(p: LimitPanel): Axis {
  const ys = p.series.flatMap((s) => s.points.map((pt) => pt.y));
  const [lo, hi] = extent(ys) ?? [0, 1];
  return lo > 0 && hi / lo >= 20 ? logAxis(ys, false) : linearAxis(ys, true);
}

/** Pixels of the plot inside a panel of size w × h whose plot starts at `left`. */
export interface PlotBox {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/** The plot's box inside a panel. */
export function plotBox(left: number, w: number, h: number): PlotBox {
  return { left, top: MARGIN.top, width: Math.max(1, w - left - MARGIN.right), height: Math.max(1, h - MARGIN.top - MARGIN.bottom) };
}

/** Projects a value onto an axis spanning `from` to `from + size` pixels (y: pass a negative size from the bottom). */
export function project(a: Axis, v: number, from: number, size: number): number {
  return from + (size * (a.t(v) - a.tLo)) / (a.tHi - a.tLo);
}

/** A marker shape at (x, y), filled in `color` or hollow (white inside, outlined in `color`), with hover text if given. */
export function markerSvg(shape: Marker, color: string, hollow: boolean, x: number, y: number, cls: string, tip?: string): string {
  const paint = hollow ? ` fill="#ffffff" stroke="${esc(color)}" stroke-width="1.5"` : ` fill="${esc(color)}"`;
  const [tag, geometry] = ((): [string, string] => {
    switch (shape) {
      case 'circle':
        return ['circle', `cx="${fmt(x)}" cy="${fmt(y)}" r="3"`];
      case 'square':
        return ['rect', `x="${fmt(x - 3)}" y="${fmt(y - 3)}" width="6" height="6"`];
      case 'triangle':
        return ['path', `d="M${fmt(x)} ${fmt(y - 4)}L${fmt(x + 3.5)} ${fmt(y + 2.5)}L${fmt(x - 3.5)} ${fmt(y + 2.5)}Z"`];
      case 'diamond':
        return ['path', `d="M${fmt(x)} ${fmt(y - 4)}L${fmt(x + 4)} ${fmt(y)}L${fmt(x)} ${fmt(y + 4)}L${fmt(x - 4)} ${fmt(y)}Z"`];
      default:
        throw new Error(`internal: unexpected marker ${String(shape satisfies never)}`);
    }
  })();
  const open = `<${tag} class="${cls}" ${geometry}${paint}`;
  return tip === undefined ? `${open}/>` : `${open}><title>${esc(tip)}</title></${tag}>`;
}

/** Stroke attributes of a series' line, shared with its legend sample. */
export function strokeAttrs(color: string, dash: number): string {
  const d = DASHES[dash] ?? '';
  return ` fill="none" stroke="${esc(color)}" stroke-width="1.5" stroke-linejoin="round"${d === '' ? '' : ` stroke-dasharray="${d}"`}`;
}

/** The dash pattern of every memory limit, so a limit never reads as a data line. */
export const LIMIT_DASH = '4 3';

/** How wide the y tick labels of these axes need the left margin to be. */
export function leftMargin(axes: readonly Axis[]): number {
  const chars = axes.reduce((m, a) => a.ticks.reduce((n, t) => Math.max(n, t.label.length), m), 1);
  return 24 + chars * CHAR_W * (10 / 11) + 8;
}

/** A panel's elements in panel-local coordinates (the caller translates the group). */
export function limitPanelSvg(p: LimitPanel, left: number, w: number, h: number): string[] {
  for (const s of p.series) {
    for (const pt of s.points) if (!Number.isFinite(pt.x) || !Number.isFinite(pt.y)) throw new Error(`internal: series "${s.label}" in "${p.title}": non-finite point (${String(pt.x)}, ${String(pt.y)})`);
  }
  const [xa, ya] = [xAxisOf(p), yAxisOf(p)];
  const b = plotBox(left, w, h);
  const px = (v: number): number => project(xa, v, b.left, b.width);
  const py = (v: number): number => project(ya, v, b.top + b.height, -b.height);
  const out = [text(b.left + b.width / 2, 16, p.title, ' class="panel-title" text-anchor="middle" font-size="12" font-weight="bold"')];
  for (const t of xa.ticks) {
    const x = px(t.v);
    out.push(line(x, b.top, x, b.top + b.height, GRID), line(x, b.top + b.height, x, b.top + b.height + 4, INK));
    out.push(text(x, b.top + b.height + 15, t.label, ' class="xtick" text-anchor="middle" font-size="10"'));
  }
  for (const t of ya.ticks) {
    const y = py(t.v);
    out.push(line(b.left, y, b.left + b.width, y, GRID), line(b.left - 4, y, b.left, y, INK));
    out.push(text(b.left - 6, y + 3.5, t.label, ' class="ytick" text-anchor="end" font-size="10"'));
  }
  out.push(line(b.left, b.top, b.left, b.top + b.height, INK, ' class="y-axis"'), line(b.left, b.top + b.height, b.left + b.width, b.top + b.height, INK, ' class="x-axis"'));
  out.push(text(b.left + b.width / 2, h - 8, p.xLabel, ' text-anchor="middle" font-size="11"'));
  const yMid = b.top + b.height / 2;
  out.push(text(12, yMid, p.yLabel, ` text-anchor="middle" font-size="11" transform="rotate(-90 12 ${fmt(yMid)})"`));
  const drawn = p.series.filter((s) => s.points.length > 0).map((s) => ({ s, pts: s.points.map((pt) => ({ ...pt, sx: px(pt.x), sy: py(pt.y) })) }));
  const obstacles = {
    boxes: drawn.flatMap(({ pts }) => pts.map((q) => ({ x: q.sx - 4, y: q.sy - 4, w: 8, h: 8 }))),
    segments: drawn.flatMap(({ pts }) => pts.slice(1).map((q, i) => ({ x1: pts[i]!.sx, y1: pts[i]!.sy, x2: q.sx, y2: q.sy }))),
  };
  out.push(...limitsSvg(p.limits, xa, b, px, obstacles));
  for (const { s, pts } of drawn) {
    out.push(`<g class="series" data-label="${esc(s.label)}">`, `<polyline points="${pts.map((q) => `${fmt(q.sx)},${fmt(q.sy)}`).join(' ')}"${strokeAttrs(s.color, s.dash)}/>`);
    for (const q of pts) out.push(markerSvg(s.marker, s.color, q.hollow, q.sx, q.sy, q.hollow ? 'point nofit' : 'point fit', q.tip));
    out.push('</g>');
  }
  return out;
}

/**
 * The limits: a dashed vertical line where the axis reaches, else an arrow label at the edge the limit lies past;
 * labels are placed clear of the points, the lines and each other.
 */
function limitsSvg(limits: readonly Limit[], xa: Axis, b: PlotBox, px: (v: number) => number, obstacles: { boxes: readonly Box[]; segments: readonly Segment[] }): string[] {
  const where = limits.map((l) => {
    const t = l.x > 0 ? xa.t(l.x) : -Infinity;
    const side = t < xa.tLo - 1e-9 ? ('left' as const) : t > xa.tHi + 1e-9 ? ('right' as const) : ('in' as const);
    return { l, side, x: side === 'in' ? px(l.x) : side === 'left' ? b.left : b.left + b.width, text: side === 'left' ? `← ${l.text}` : side === 'right' ? `${l.text} →` : l.text };
  });
  const lines: Segment[] = where.filter((w) => w.side === 'in').map((w) => ({ x1: w.x, y1: b.top, x2: w.x, y2: b.top + b.height }));
  const taken: Box[] = [...obstacles.boxes];
  const placed = where.map((w) => {
    const box = besideLine(w.x, w.side === 'right' ? ['left'] : w.side === 'left' ? ['right'] : ['right', 'left'], w.text.length * LABEL_CHAR_W, b, taken, obstacles.segments, lines);
    taken.push(box);
    return box;
  });
  const out: string[] = [];
  where.forEach((w, i) => {
    const box = placed[i]!;
    const label = ` data-label="${esc(w.l.label)}"`;
    if (w.side === 'in') out.push(line(w.x, b.top, w.x, b.top + b.height, w.l.color, ` class="limit"${label} data-x="${String(w.l.x)}" stroke-width="1.2" stroke-dasharray="${LIMIT_DASH}"`));
    out.push(text(box.x, box.y + 8, w.text, ` class="${w.side === 'in' ? 'limit-label' : 'limit-off'}"${label} font-size="9" fill="${esc(w.l.color)}"`));
  });
  return out;
}

/**
 * A label's box beside a vertical line at x: the first free slot going down from the plot's top, on the sides given
 * in order, so a label never strays from its line. Free first means clear of points, lines and labels; where a label
 * must cross another limit's line (two limits close together), clear of points, data lines and labels; then of
 * points and labels; else the top slot.
 */
function besideLine(x: number, sides: readonly ('right' | 'left')[], w: number, b: PlotBox, taken: readonly Box[], data: readonly Segment[], limits: readonly Segment[]): Box {
  const h = 10;
  const inside = (c: Box): boolean => c.x >= b.left && c.x + c.w <= b.left + b.width && c.y + c.h <= b.top + b.height;
  const at = (side: 'right' | 'left', y: number): Box => ({ x: side === 'right' ? x + 3 : x - 3 - w, y, w, h });
  for (const segments of [[...data, ...limits], data, []]) {
    for (let y = b.top + 2; y + h <= b.top + b.height; y += h + 1) {
      for (const side of sides) {
        const c = at(side, y);
        if (inside(c) && !taken.some((t) => overlaps(c, t)) && !segments.some((s) => hitsSegment(c, s))) return c;
      }
    }
  }
  const first = at(sides[0] ?? 'right', b.top + 2);
  return { ...first, x: Math.min(Math.max(first.x, b.left), b.left + b.width - w) };
}
