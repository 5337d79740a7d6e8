/** Deterministic SVG roofline chart of a report: the device's roofs and every operator at its achieved throughput. */
import type { DType } from '../core/dtype.js';
import type { OpResult } from '../core/engine.js';
import type { Report } from '../core/report.js';
import { nearestOnBox, overlaps, placeLabels, type Box, type LabelRequest, type Segment } from './label-layout.js';
import { logAxis, tickLabel } from './axes.js';
import { displayText, shortModelId } from './sanitize.js';
import { esc, FONT, fmt, GRID, INK, line, text, wrapWords } from './svg.js';
import { si } from './units.js';

/** Colours by bound (colour-blind-safe pair), shared with the latency chart so a reader learns them once. */
export const BOUND_COLORS = { compute: '#d55e00', memory: '#0072b2', network: '#009e73' } as const;

// The right margin holds the compute roofs' labels, outside the plot, where no operator or its label can collide.
const [W, L, R, T, PH] = [880, 78, 150, 66, 440];
const PW = W - L - R;
const LABEL_CHAR_W = 6; // DejaVu Sans at 10px, rough; sizes label boxes for the collision checks
const LINE_H = 12;

/** The one line under the title that says which workload this is. */
export function workloadLine(r: Report): string {
  const w = r.workload;
  const lengths = w.phase === 'prefill' ? `seq ${String(w.seqLen)}` : `context ${String(w.contextLen)}`;
  const efficiency = w.efficiency === 'peak' ? '' : `, efficiency ${displayText(w.efficiency)}`;
  return `${w.phase}, batch ${String(w.batch)}, ${lengths}, ${w.bitsLabel} (compute at ${w.computeDtype}), ${w.flash ? 'flash' : 'unfused'} attention, scope ${w.scope}, cost model ${w.costModel}${efficiency}`;
}

/** A report's model as titles show it: its display name, and its (shortened) id when the name does not already say it. */
export function modelTitle(r: Report): string {
  const name = displayText(r.model.name);
  const id = shortModelId(r.model.id);
  return id === '' || name.includes(id) ? name : `${name} (${id})`;
}

/**
 * A centred bold title, shrunk to fit the width (a long device name would otherwise run off both edges) down to
 * 11px, then wrapped at spaces; `extra` is the height the lines after the first take, to move the rest down by.
 */
export function title(s: string, width: number): { readonly svg: string; readonly extra: number } {
  const wrapped = wrapWords(s, Math.floor((width - 20) / (11 * 0.62)));
  const lines = wrapped.length > 0 ? wrapped : [s];
  const size = Math.min(15, ...lines.map((l) => Math.floor(((width - 20) / (l.length * 0.62)) * 10) / 10));
  const svg = lines.map((l, i) => text(width / 2, 24 + i * (size + 4), l, ` text-anchor="middle" font-size="${fmt(size)}" font-weight="bold" fill="${INK}"`));
  return { svg: svg.join('\n'), extra: (lines.length - 1) * (size + 4) };
}

/** `parts` moved down by `dy` (as they are when `dy` is 0, so charts with a one-line title are unchanged). */
export function shifted(parts: readonly string[], dy: number): string[] {
  return dy === 0 ? [...parts] : [`<g transform="translate(0 ${fmt(dy)})">`, ...parts, '</g>'];
}

/** Whether an operator can sit on log-log axes: it needs FLOPs, bytes and time. */
export function plottable(o: OpResult): boolean {
  return o.flops > 0 && o.timeSeconds > 0 && o.intensityFlopPerByte > 0 && Number.isFinite(o.intensityFlopPerByte);
}

/** Dtypes with equal peaks share one roof ("fp16/bf16"), listed in the profile's order, highest first. */
function roofGroups(peaks: Readonly<Partial<Record<DType, number>>>): { label: string; peak: number; dtypes: DType[] }[] {
  const groups: { label: string; peak: number; dtypes: DType[] }[] = [];
  for (const [dtype, peak] of Object.entries(peaks) as [DType, number | undefined][]) {
    if (peak === undefined || peak <= 0) continue;
    const g = groups.find((x) => x.peak === peak);
    if (g === undefined) groups.push({ label: dtype, peak, dtypes: [dtype] });
    else g.dtypes.push(dtype);
  }
  for (const g of groups) g.label = g.dtypes.join('/');
  return groups.sort((a, b) => b.peak - a.peak);
}

/** Operators whose points land within a few pixels of each other share one label, names joined. */
function clusters(points: readonly { name: string; x: number; y: number }[]): { names: string[]; x: number; y: number }[] {
  const out: { names: string[]; x: number; y: number }[] = [];
  for (const p of points) {
    const c = out.find((k) => Math.hypot(k.x - p.x, k.y - p.y) < 5);
    if (c === undefined) out.push({ names: [p.name], x: p.x, y: p.y });
    else c.names.push(p.name);
  }
  return out;
}

/** Joins names with commas into lines of at most `width` characters, so a big cluster's label stays compact. */
function wrap(names: readonly string[], width: number): string[] {
  const lines: string[] = [];
  for (const n of names) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + n.length + 2 <= width) lines[lines.length - 1] = `${last}, ${n}`;
    else {
      if (last !== undefined) lines[lines.length - 1] = `${last},`;
      lines.push(n);
    }
  }
  return lines;
}

/** Renders the roofline chart of a report as one standalone SVG document. */
export function rooflineSvg(r: Report): string {
  const bw = r.hardware.memoryBandwidthBytesPerSecond;
  const roofs = roofGroups(r.hardware.peakFlopPerSecond);
  const dtype = r.workload.computeDtype;
  const own = roofs.find((g) => g.dtypes.includes(dtype));
  const ops = r.ops.filter(plottable);
  const skipped = r.ops.filter((o) => !plottable(o)).map((o) => o.name);
  const achieved = (o: OpResult): number => o.flops / o.timeSeconds;
  const ridges = roofs.map((g) => g.peak / bw);
  const maxRidge = Math.max(1, ...ridges);
  // x spans the operators and every ridge with room right of the last one, so each roof shows as a flat line.
  // Padded out to whole decades: the roofs need room beyond the operators, unlike a chart of lengths.
  const xa = logAxis([...ops.map((o) => o.intensityFlopPerByte), ...ridges, maxRidge * 4], false);
  const ya = logAxis([...ops.map(achieved), ...roofs.map((g) => g.peak * 1.5), bw * 10 ** xa.tLo], false);
  const px = (v: number): number => L + (PW * (xa.t(v) - xa.tLo)) / (xa.tHi - xa.tLo);
  const py = (v: number): number => T + PH - (PH * (ya.t(v) - ya.tLo)) / (ya.tHi - ya.tLo);
  const [x0, x1, y0, y1] = [L, L + PW, T + PH, T];
  const out: string[] = [];
  const boxes: Box[] = [];
  const segments: Segment[] = [];

  for (const t of xa.ticks) {
    const x = px(t.v);
    out.push(line(x, y1, x, y0, GRID), line(x, y0, x, y0 + 4, INK), text(x, y0 + 15, t.label, ' class="xtick" text-anchor="middle" font-size="10"'));
  }
  for (const t of ya.ticks) {
    const y = py(t.v);
    out.push(line(x0, y, x1, y, GRID), line(x0 - 4, y, x0, y, INK), text(x0 - 6, y + 3.5, t.label, ' class="ytick" text-anchor="end" font-size="10"'));
  }
  out.push(line(x0, y1, x0, y0, INK), line(x0, y0, x1, y0, INK));
  out.push(text(L + PW / 2, y0 + 34, 'arithmetic intensity (FLOP/byte)', ' text-anchor="middle" font-size="11"'));
  out.push(text(16, T + PH / 2, 'attainable throughput (FLOP/s)', ` text-anchor="middle" font-size="11" transform="rotate(-90 16 ${fmt(T + PH / 2)})"`));

  // Memory roof: the bandwidth diagonal from the left edge to the highest roof's ridge.
  const top = roofs[0]?.peak ?? bw * 10 ** xa.tHi;
  const diag: Segment = { x1: x0, y1: py(bw * 10 ** xa.tLo), x2: px(top / bw), y2: py(top) };
  out.push(`<line class="roof memory-roof" x1="${fmt(diag.x1)}" y1="${fmt(diag.y1)}" x2="${fmt(diag.x2)}" y2="${fmt(diag.y2)}" stroke="${INK}" stroke-width="1.5"/>`);
  segments.push(diag);
  const pts = ops.map((o) => ({ op: o, name: o.name, x: px(o.intensityFlopPerByte), y: py(achieved(o)) }));
  const pointBoxes = pts.map((p): Box => ({ x: p.x - 4, y: p.y - 4, w: 8, h: 8 }));
  // The bandwidth label rides along the diagonal, above it, at the first stretch free of operator points.
  const angle = (Math.atan2(diag.y2 - diag.y1, diag.x2 - diag.x1) * 180) / Math.PI;
  const [ca, sa] = [Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)];
  const memLabel = `memory ${si(bw, 'B/s')}`;
  // Rotated text has no axis-aligned box; a row of small boxes along its glyphs stands in for one.
  const glyphBoxes = (f: number): Box[] => {
    const [mx, my] = [diag.x1 + (diag.x2 - diag.x1) * f, diag.y1 + (diag.y2 - diag.y1) * f - 5];
    const bs: Box[] = [];
    for (let d = 0; d <= memLabel.length * LABEL_CHAR_W; d += 8) bs.push({ x: mx + ca * d + sa * 4 - 7, y: my + sa * d - ca * 4 - 7, w: 14, h: 14 });
    return bs;
  };
  const spot = [0.3, 0.45, 0.15, 0.6, 0.05].find((f) => !glyphBoxes(f).some((b) => pointBoxes.some((p) => overlaps(b, p, 2)))) ?? 0.3;
  const [mx, my] = [diag.x1 + (diag.x2 - diag.x1) * spot, diag.y1 + (diag.y2 - diag.y1) * spot - 5];
  out.push(text(mx, my, memLabel, ` class="roof-label" font-size="10" fill="${INK}" transform="rotate(${fmt(angle)} ${fmt(mx)} ${fmt(my)})"`));
  boxes.push(...glyphBoxes(spot));

  // Compute roofs: flat from each ridge to the right edge; the workload's dtype solid, the others dashed grey.
  let lastLabelY = -Infinity;
  for (const g of roofs) {
    const mine = g === own;
    const y = py(g.peak);
    const seg: Segment = { x1: px(g.peak / bw), y1: y, x2: x1, y2: y };
    const style = mine ? ` stroke="${INK}" stroke-width="2"` : ' stroke="#999999" stroke-width="1" stroke-dasharray="5 3"';
    out.push(`<line class="roof compute-roof" data-dtype="${esc(g.label)}" x1="${fmt(seg.x1)}" y1="${fmt(y)}" x2="${fmt(x1)}" y2="${fmt(y)}"${style}/>`);
    segments.push(seg);
    const label = `${g.label} ${si(g.peak, 'FLOP/s')}`;
    // Roofs closer than a line of text stack their labels downwards instead of printing over each other.
    const ly = Math.max(y + 3.5, lastLabelY + LINE_H);
    lastLabelY = ly;
    out.push(text(x1 + 6, ly, label, ` class="roof-label" font-size="10"${mine ? ' font-weight="bold"' : ''} fill="${mine ? INK : '#666666'}"`));
  }

  // Points first (so labels avoid them), then the ridge label, then operator labels by cluster.
  boxes.push(...pointBoxes);
  const requests: LabelRequest[] = [];
  const labels: string[][] = [];
  if (own !== undefined) {
    const [rx, ry] = [px(own.peak / bw), py(own.peak)];
    out.push(line(rx, ry, rx, y0, INK, ' stroke-dasharray="2 3" class="ridge-line"'));
    segments.push({ x1: rx, y1: ry, x2: rx, y2: y0 });
    out.push(`<path class="ridge" d="M${fmt(rx)} ${fmt(ry - 6)}L${fmt(rx + 6)} ${fmt(ry)}L${fmt(rx)} ${fmt(ry + 6)}L${fmt(rx - 6)} ${fmt(ry)}Z" fill="#ffffff" stroke="${INK}" stroke-width="1.5"/>`);
    boxes.push({ x: rx - 6, y: ry - 6, w: 12, h: 12 });
    const ridgeLabel = [`ridge (${dtype}): ${tickLabel(own.peak / bw)} FLOP/byte`];
    requests.push({ x: rx, y: ry, w: ridgeLabel[0]!.length * LABEL_CHAR_W, h: LINE_H });
    labels.push(ridgeLabel);
  }
  for (const c of clusters(pts)) {
    const lines = wrap(c.names, 34);
    requests.push({ x: c.x, y: c.y, w: Math.max(...lines.map((s) => s.length)) * LABEL_CHAR_W, h: lines.length * LINE_H });
    labels.push(lines);
  }
  const placed = placeLabels(requests, { boxes, segments }, { x: x0 + 2, y: y1 + 2, w: PW - 4, h: PH - 4 });
  const labelOut: string[] = [];
  placed.forEach((p, i) => {
    const q = requests[i]!;
    const cls = i === 0 && own !== undefined ? 'ridge-label' : 'op-label';
    if (p.leader) {
      const [ex, ey] = nearestOnBox(p.box, q.x, q.y);
      labelOut.push(line(q.x, q.y, ex, ey, '#888888', ' class="leader"'));
    }
    (labels[i] ?? []).forEach((s, j) => labelOut.push(text(p.box.x, p.box.y + 9.5 + j * LINE_H, s, ` class="${cls}" font-size="10" fill="${INK}"`)));
  });
  out.push(...labelOut);
  for (const p of pts) {
    const tip = `${p.name}: ${tickLabel(p.op.intensityFlopPerByte)} FLOP/byte, ${si(achieved(p.op), 'FLOP/s')}, ${p.op.bound}-bound`;
    out.push(`<circle class="op ${p.op.bound}" data-op="${esc(p.name)}" cx="${fmt(p.x)}" cy="${fmt(p.y)}" r="4" fill="${BOUND_COLORS[p.op.bound]}" fill-opacity="0.85" stroke="#ffffff" stroke-width="0.75"><title>${esc(tip)}</title></circle>`);
  }

  // Legend and the note on operators a log axis cannot show.
  const ly = y0 + 58;
  const legend: [string, string][] = [
    [BOUND_COLORS.compute, 'compute-bound operator'],
    [BOUND_COLORS.memory, 'memory-bound operator'],
  ];
  let lx = L;
  for (const [color, label] of legend) {
    out.push(`<circle cx="${fmt(lx + 5)}" cy="${fmt(ly - 4)}" r="4" fill="${color}"/>`, text(lx + 14, ly, label, ' class="legend" font-size="11"'));
    lx += 30 + label.length * 6.6;
  }
  out.push(`<path d="M${fmt(lx + 5)} ${fmt(ly - 10)}l6 6l-6 6l-6 -6Z" fill="#ffffff" stroke="${INK}" stroke-width="1.5"/>`, text(lx + 16, ly, `ridge point at the ${dtype} peak`, ' class="legend" font-size="11"'));
  const notes = [`Each point: one occurrence of an operator, at its FLOPs over its bytes (x) and its FLOPs over its predicted time (y).`];
  if (skipped.length > 0) notes.push(`Not plotted (no FLOPs, so no place on a log axis): ${skipped.join(', ')}.`);
  notes.forEach((n, i) => out.push(text(L, ly + 22 + i * 15, n, ` class="note" font-size="11" fill="#555555"`)));
  const t = title(`Roofline: ${modelTitle(r)} on ${displayText(r.hardware.name)}`, W);
  const height = ly + 22 + notes.length * 15 + t.extra;
  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(W)}" height="${fmt(height)}" viewBox="0 0 ${fmt(W)} ${fmt(height)}" font-family="${FONT}">`,
    `<rect width="${fmt(W)}" height="${fmt(height)}" fill="#ffffff"/>`,
    t.svg,
  ];
  const body = [text(W / 2, 44, workloadLine(r), ' text-anchor="middle" font-size="11" fill="#555555"'), ...out];
  return [...head, ...shifted(body, t.extra), '</svg>'].join('\n') + '\n';
}
