/** Deterministic SVG bar chart of where a report's time goes: each operator's Σ count × time, coloured by bound. */
import type { Report } from '../core/report.js';
import { linearAxis } from './axes.js';
import { BOUND_COLORS, modelTitle, shifted, title, workloadLine } from './roofline-svg.js';
import { displayText } from './sanitize.js';
import { esc, FONT, fmt, GRID, INK, text } from './svg.js';
import { percent, seconds } from './units.js';

const W = 880;
const ROW = 18;
const CHAR_W = 6.6;

/** Renders one horizontal bar per operator (in the report's order) as a standalone SVG document. */
export function latencySvg(r: Report): string {
  const total = r.totals.timeSeconds;
  const rows = r.ops.map((o) => ({ op: o, time: o.count * o.timeSeconds, share: total > 0 ? (o.count * o.timeSeconds) / total : 0 }));
  const nameW = Math.max(...rows.map((x) => x.op.name.length), 4) * CHAR_W + 14;
  const [left, right, top] = [10 + nameW, 150, 66];
  const bw = W - left - right;
  // Percent axis from 0 to a nice value just above the largest share, so the longest bar nearly fills the width.
  const axis = linearAxis([0, ...rows.map((x) => x.share * 100)], true);
  const bx = (pct: number): number => left + (bw * (pct - axis.tLo)) / (axis.tHi - axis.tLo);
  const t = title(`Where the time goes: ${modelTitle(r)} on ${displayText(r.hardware.name)}`, W);
  const height = top + rows.length * ROW + 62 + t.extra;
  const y0 = top + rows.length * ROW;
  const head = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${fmt(W)}" height="${fmt(height)}" viewBox="0 0 ${fmt(W)} ${fmt(height)}" font-family="${FONT}">`,
    `<rect width="${fmt(W)}" height="${fmt(height)}" fill="#ffffff"/>`,
    t.svg,
  ];
  const out = [text(W / 2, 44, workloadLine(r), ' text-anchor="middle" font-size="11" fill="#555555"')];
  for (const t of axis.ticks) {
    const x = bx(t.v);
    out.push(`<line x1="${fmt(x)}" y1="${fmt(top)}" x2="${fmt(x)}" y2="${fmt(y0)}" stroke="${GRID}"/>`);
    out.push(text(x, y0 + 14, `${t.label}%`, ' class="xtick" text-anchor="middle" font-size="10"'));
  }
  rows.forEach((row, i) => {
    const y = top + i * ROW;
    const w = Math.max(0, bx(row.share * 100) - left);
    const value = `${seconds(row.time)} · ${percent(row.share)}`;
    const tip = `${row.op.name}: ${String(row.op.count)} × ${seconds(row.op.timeSeconds)} = ${value}, ${row.op.bound}-bound`;
    out.push(text(left - 6, y + 12.5, row.op.name, ' class="bar-label" text-anchor="end" font-size="11"'));
    out.push(`<rect class="bar ${row.op.bound}" data-op="${esc(row.op.name)}" x="${fmt(left)}" y="${fmt(y + 3)}" width="${fmt(w)}" height="${fmt(ROW - 6)}" fill="${BOUND_COLORS[row.op.bound]}"><title>${esc(tip)}</title></rect>`);
    out.push(text(left + w + 5, y + 12.5, value, ' class="bar-value" font-size="10" fill="#555555"'));
  });
  out.push(`<line x1="${fmt(left)}" y1="${fmt(top)}" x2="${fmt(left)}" y2="${fmt(y0)}" stroke="${INK}"/>`);
  out.push(text(left + bw / 2, y0 + 32, `share of the total predicted time, ${seconds(total)} (%)`, ' text-anchor="middle" font-size="11"'));
  const ly = y0 + 52;
  out.push(`<rect x="${fmt(left)}" y="${fmt(ly - 9)}" width="10" height="10" fill="${BOUND_COLORS.compute}"/>`, text(left + 15, ly, 'compute-bound', ' class="legend" font-size="11"'));
  out.push(`<rect x="${fmt(left + 120)}" y="${fmt(ly - 9)}" width="10" height="10" fill="${BOUND_COLORS.memory}"/>`, text(left + 135, ly, 'memory-bound', ' class="legend" font-size="11"'));
  out.push(text(left + 240, ly, 'bar: operator count × time per occurrence', ' class="legend" font-size="11" fill="#555555"'));
  return [...head, ...shifted(out, t.extra), '</svg>'].join('\n') + '\n';
}
