/** SVG charts of sweeps and side-by-side comparisons: predicted time against length, one line per model and batch. */
import type { CompareDocument } from '../core/compare-models.js';
import type { Phase } from '../core/workload.js';
import type { SweepPoint, SweepWorkload } from '../core/sweep.js';
import { lineChartSvg, type Panel, type Series } from './svg.js';

/** What a chart needs of one evaluated point; sweep points and compare entries both reduce to it. */
export interface TimeRecord {
  readonly model: string;
  readonly hardware: string;
  readonly workload: Pick<SweepWorkload, 'phase' | 'batch' | 'seqLen' | 'contextLen' | 'bitsLabel' | 'flash' | 'pairs' | 'scope' | 'costModel'>;
  readonly timeSeconds: number;
}

/** Colour-blind-safe palette, as in the paper figures. */
const COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];

/** Settings besides model and batch that can tell lines apart; they enter a label only when they vary. */
const SETTINGS: readonly { name: string; get: (r: TimeRecord) => string }[] = [
  { name: 'hardware', get: (r) => r.hardware },
  { name: 'bits', get: (r) => r.workload.bitsLabel },
  { name: 'kernel', get: (r) => (r.workload.flash ? 'flash' : 'unfused') },
  { name: 'pairs', get: (r) => `pairs ${r.workload.pairs}` },
  { name: 'scope', get: (r) => `scope ${r.workload.scope}` },
  { name: 'cost model', get: (r) => `cost model ${r.workload.costModel}` },
];

/** The unit that keeps a panel's largest time readable, so tick labels stay short. */
function timeUnit(maxSeconds: number): { name: string; scale: number } {
  if (maxSeconds >= 1) return { name: 's', scale: 1 };
  if (maxSeconds >= 1e-3) return { name: 'ms', scale: 1e3 };
  if (maxSeconds >= 1e-6) return { name: 'µs', scale: 1e6 };
  return { name: 'ns', scale: 1e9 };
}

/** Unique values in first-seen order, so line and legend order follow the input's order. */
function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** Time against prompt length (prefill) or context length (decode), one panel per phase present. */
export function timeChartSvg(records: readonly TimeRecord[], title: string): string {
  if (records.length === 0) throw new Error('internal: no points to chart');
  const varying = SETTINGS.filter((s) => unique(records.map(s.get)).length > 1);
  const constant = SETTINGS.filter((s) => !varying.includes(s)).map((s) => s.get(records[0]!));
  const models = unique(records.map((r) => r.model));
  const restKey = (r: TimeRecord): string => [`batch ${String(r.workload.batch)}`, ...varying.map((s) => s.get(r))].join(', ');
  const rests = unique(records.map(restKey));
  // Two models read best as solid against dashed with one colour per other setting; more need a colour per line.
  const paired = models.length <= 2 && rests.length <= COLORS.length;
  // Lines grouped by model, then by the other settings, whatever order the points came in (compare interleaves models).
  const order = (r: TimeRecord): number => models.indexOf(r.model) * rests.length + rests.indexOf(restKey(r));
  const sorted = [...records].sort((a, b) => order(a) - order(b));
  const labels = unique(sorted.map((r) => `${r.model}, ${restKey(r)}`));
  const style = (r: TimeRecord): { color: string; dashed: boolean } => {
    if (paired) return { color: COLORS[rests.indexOf(restKey(r)) % COLORS.length] ?? '#000000', dashed: models.indexOf(r.model) === 1 };
    const i = labels.indexOf(`${r.model}, ${restKey(r)}`);
    return { color: COLORS[i % COLORS.length] ?? '#000000', dashed: Math.floor(i / COLORS.length) % 2 === 1 };
  };
  const panels: Panel[] = [];
  for (const phase of ['prefill', 'decode'] as const satisfies readonly Phase[]) {
    const rs = sorted.filter((r) => r.workload.phase === phase);
    if (rs.length === 0) continue;
    const length = (r: TimeRecord): number => (phase === 'prefill' ? r.workload.seqLen : r.workload.contextLen);
    const unit = timeUnit(Math.max(...rs.map((r) => r.timeSeconds)));
    const xs = rs.map(length);
    const ys = rs.map((r) => r.timeSeconds).filter((t) => t > 0);
    const series: Series[] = unique(rs.map((r) => `${r.model}, ${restKey(r)}`)).map((label) => {
      const mine = rs.filter((r) => `${r.model}, ${restKey(r)}` === label);
      return {
        label,
        ...style(mine[0]!),
        points: mine.map((r) => [length(r), r.timeSeconds * unit.scale] as const).sort((a, b) => a[0] - b[0]),
      };
    });
    panels.push({
      title: phase === 'prefill' ? 'prefill (whole prompt)' : 'decode (one step)',
      xLabel: phase === 'prefill' ? 'prompt length S (tokens)' : 'context length L (tokens)',
      yLabel: `time (${unit.name})`,
      // Log axes only when values span enough range to need them; a few close values read better linearly.
      logX: unique(xs).length >= 3 && Math.max(...xs) / Math.min(...xs) >= 4,
      logY: ys.length === rs.length && Math.max(...ys) / Math.min(...ys) >= 20,
      series,
    });
  }
  const legendNote = paired && models.length === 2 ? `; ${models[0] ?? ''} solid, ${models[1] ?? ''} dashed` : '';
  return lineChartSvg({ title, subtitle: `${constant.join(', ')}${legendNote}`, panels, columns: 2, panelWidth: 420, panelHeight: 300 });
}

/** Chart of a sweep's points. */
export function sweepSvg(points: readonly SweepPoint[]): string {
  const records = points.map((p): TimeRecord => ({ model: p.model, hardware: p.hardware, workload: p.workload, timeSeconds: p.totals.timeSeconds }));
  return timeChartSvg(records, 'Predicted time against length');
}

/** Chart of a side-by-side comparison's rows. */
export function compareSvg(doc: CompareDocument): string {
  const records = doc.rows.flatMap((row) => row.models.map((m): TimeRecord => ({ model: m.model, hardware: row.hardware, workload: row.workload, timeSeconds: m.totals.timeSeconds })));
  const models = unique(records.map((r) => r.model));
  return timeChartSvg(records, `Predicted time against length: ${models.join(' vs ')}`);
}
