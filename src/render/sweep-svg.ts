/** SVG charts of sweeps and side-by-side comparisons: predicted time against length, one line per model and batch. */
import type { CompareDocument } from '../core/compare-models.js';
import type { Phase } from '../core/workload.js';
import { splitLabel, type SweepPoint, type SweepWorkload } from '../core/sweep.js';
import { timeUnit } from './axes.js';
import { shortModelIds } from './sanitize.js';
import { DASHES, encoding, lineChartSvg, MARKERS, MAX_SERIES, COLORS, type Panel, type Series } from './svg.js';

/** What a chart needs of one evaluated point; sweep points and compare entries both reduce to it. */
export interface TimeRecord {
  readonly model: string;
  readonly hardware: string;
  readonly workload: Pick<SweepWorkload, 'phase' | 'batch' | 'seqLen' | 'contextLen' | 'bitsLabel' | 'flash' | 'pairs' | 'scope' | 'costModel' | 'parallelism' | 'overlap'>;
  readonly timeSeconds: number;
}

/** Settings besides model and batch that can tell lines apart; they enter a label only when they vary. */
const SETTINGS: readonly { name: string; get: (r: TimeRecord) => string }[] = [
  { name: 'hardware', get: (r) => r.hardware },
  { name: 'split', get: (r) => splitLabel(r.workload.parallelism, r.workload.overlap) || 'one device' },
  { name: 'bits', get: (r) => r.workload.bitsLabel },
  { name: 'kernel', get: (r) => (r.workload.flash ? 'flash' : 'unfused') },
  { name: 'pairs', get: (r) => `pairs ${r.workload.pairs}` },
  { name: 'scope', get: (r) => `scope ${r.workload.scope}` },
  { name: 'cost model', get: (r) => `cost model ${r.workload.costModel}` },
];

/** Unique values in first-seen order, so line and legend order follow the input's order. */
function unique<T>(xs: readonly T[]): T[] {
  return [...new Set(xs)];
}

/** How many lines a chart of these records draws: one per model and combination of the settings that vary. */
export function lineCount(records: readonly TimeRecord[]): number {
  const varying = SETTINGS.filter((s) => unique(records.map(s.get)).length > 1);
  return unique(records.map((r) => JSON.stringify([r.model, r.workload.batch, ...varying.map((s) => s.get(r))]))).length;
}

/**
 * Time against prompt length (prefill) or context length (decode), one panel per phase present, one time unit
 * for the whole chart. Every line has its own colour × dash × marker; with few models and settings the dash and
 * marker name the model and the colour the other settings, so the eye can pair a model's lines.
 */
export function timeChartSvg(records: readonly TimeRecord[], title: string): string {
  if (records.length === 0) throw new Error('internal: no points to chart');
  const count = lineCount(records);
  if (count > MAX_SERIES) throw new Error(`internal: ${String(count)} lines is more than a chart can tell apart (${String(MAX_SERIES)})`);
  const varying = SETTINGS.filter((s) => unique(records.map(s.get)).length > 1);
  // One device throughout goes unsaid, as it did before splits existed.
  const constant = SETTINGS.filter((s) => !varying.includes(s)).map((s) => s.get(records[0]!)).filter((t) => t !== 'one device');
  const models = unique(records.map((r) => r.model));
  const names = shortModelIds(models);
  const nameOf = (m: string): string => names.get(m) ?? m;
  const restKey = (r: TimeRecord): string => [`batch ${String(r.workload.batch)}`, ...varying.map((s) => s.get(r))].join(', ');
  const rests = unique(records.map(restKey));
  // Up to four models with up to eight other settings: model by dash and marker together, settings by colour.
  const paired = models.length > 1 && models.length <= Math.min(DASHES.length, MARKERS.length) && rests.length <= COLORS.length;
  // Lines grouped by model, then by the other settings, whatever order the points came in (compare interleaves models).
  const order = (r: TimeRecord): number => models.indexOf(r.model) * rests.length + rests.indexOf(restKey(r));
  const sorted = [...records].sort((a, b) => order(a) - order(b));
  const keyOf = (r: TimeRecord): string => `${nameOf(r.model)}, ${restKey(r)}`;
  const labels = unique(sorted.map(keyOf));
  const style = (r: TimeRecord): Pick<Series, 'color' | 'dash' | 'marker'> => {
    if (!paired) return encoding(labels.indexOf(keyOf(r)));
    const m = models.indexOf(r.model);
    return { color: COLORS[rests.indexOf(restKey(r))] ?? '#000000', dash: m, marker: MARKERS[m] ?? 'circle' };
  };
  // One unit for the whole chart, so a prefill panel in s never sits beside a decode panel in ms.
  const unit = timeUnit(records.map((r) => r.timeSeconds));
  const panels: Panel[] = [];
  for (const phase of ['prefill', 'decode'] as const satisfies readonly Phase[]) {
    const rs = sorted.filter((r) => r.workload.phase === phase);
    if (rs.length === 0) continue;
    const length = (r: TimeRecord): number => (phase === 'prefill' ? r.workload.seqLen : r.workload.contextLen);
    const ys = rs.map((r) => r.timeSeconds).filter((t) => t > 0);
    const series: Series[] = unique(rs.map(keyOf)).map((label) => {
      const mine = rs.filter((r) => keyOf(r) === label);
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
      // Lengths are always on a log axis, so sweep and compare charts read alike.
      logX: true,
      // Times spanning more than a decade and a bit read better on a log axis; a few close values linearly.
      logY: ys.length === rs.length && Math.max(...ys) / Math.min(...ys) >= 20,
      series,
    });
  }
  return lineChartSvg({ title, subtitle: constant.join(', '), panels, columns: 2, panelWidth: 420, panelHeight: 300 });
}

/** A sweep's points as chart records. */
export function sweepRecords(points: readonly SweepPoint[]): TimeRecord[] {
  return points.map((p): TimeRecord => ({ model: p.model, hardware: p.hardware, workload: p.workload, timeSeconds: p.totals.timeSeconds }));
}

/** A side-by-side comparison's rows as chart records. */
export function compareRecords(doc: CompareDocument): TimeRecord[] {
  return doc.rows.flatMap((row) => row.models.map((m): TimeRecord => ({ model: m.model, hardware: row.hardware, workload: row.workload, timeSeconds: m.totals.timeSeconds })));
}

/** Chart of a sweep's points. */
export function sweepSvg(points: readonly SweepPoint[]): string {
  return timeChartSvg(sweepRecords(points), 'Predicted time against length');
}

/** Chart of a side-by-side comparison's rows. */
export function compareSvg(doc: CompareDocument): string {
  const records = compareRecords(doc);
  const models = unique(records.map((r) => r.model));
  const names = shortModelIds(models);
  return timeChartSvg(records, `Predicted time against length: ${models.map((m) => names.get(m) ?? m).join(' vs ')}`);
}
