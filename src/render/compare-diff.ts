/** Renderings of `compare`'s baseline mode: differences per point and the rules' verdicts, as text or Markdown. */
import { displayText, markdownCell } from './sanitize.js';
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { pointLabel, type Comparison, type FlagDiff, type MetricDiff, type PointDiff, type RuleVerdict, type ThresholdVerdict } from '../core/compare.js';
import { seconds, si } from './units.js';

/** What the renderers say about each file. */
export interface SideInfo {
  readonly file: string;
  readonly schema: string;
  readonly count: number;
}

/** Everything a baseline-mode rendering needs. */
export interface DiffInput {
  readonly baseline: SideInfo;
  readonly candidate: SideInfo;
  readonly comparison: Comparison;
}

// A pull-request comment has a size limit (65,536 characters on GitHub); past this many rows the table is cut.
const MARKDOWN_ROWS = 200;
// How many changes the Markdown summary shows before folding the rest.
const LEADING_ROWS = 5;
// Metrics a reader looks at first, besides those a rule gates.
const HEADLINE = ['totals.timeSeconds', 'memory.totalBytes', 'memory.kvCacheBytes'];

/** A metric value in its unit, judged from the field name (seconds, bytes, FLOPs, or a plain count). */
export function metricValue(metric: string, v: number): string {
  const leaf = metric.slice(metric.lastIndexOf('.') + 1);
  if (leaf.endsWith('Seconds')) return seconds(v);
  if (leaf === 'flops') return si(v, 'FLOP');
  if (leaf === 'bytes' || leaf.includes('Bytes')) return si(v, 'B');
  return si(v, '').trim();
}

const signed = (text: string, v: number): string => (v > 0 ? `+${text}` : text);
const plural = (n: number, word: string): string => `${String(n)} ${word}${n === 1 ? '' : 's'}`;

/** A fraction as a signed percentage: two decimals, more digits when smaller than 0.01%, ∞ from a zero baseline. */
export function changePercent(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+∞%' : '-∞%';
  const pct = x * 100;
  return signed(`${pct !== 0 && Math.abs(pct) < 0.01 ? pct.toPrecision(2) : pct.toFixed(2)}%`, pct);
}

/** One changed field of one point, as the tables show it. */
interface Row {
  readonly point: PointDiff;
  readonly metric: string;
  readonly baseline: string;
  readonly candidate: string;
  readonly change: string;
  readonly absolute: string;
  /** Sign of the change, for colour: +1 worse (every numeric metric is lower-is-better), −1 better. */
  readonly sign: number;
  /** How far it moved: |relative change| for a number, Infinity for a true/false flip. */
  readonly size: number;
}

function metricRow(point: PointDiff, d: MetricDiff): Row {
  const absolute = signed(metricValue(d.metric, d.absolute), d.absolute);
  return { point, metric: d.metric, baseline: metricValue(d.metric, d.baseline), candidate: metricValue(d.metric, d.candidate), change: changePercent(d.relative), absolute, sign: Math.sign(d.relative), size: Math.abs(d.relative) };
}

function flagRow(point: PointDiff, d: FlagDiff): Row {
  // Losing a true (fitsDevice) is taken as the worse direction.
  return { point, metric: d.metric, baseline: String(d.baseline), candidate: String(d.candidate), change: `→ ${String(d.candidate)}`, absolute: '', sign: d.candidate ? -1 : 1, size: Infinity };
}

/** Every changed field, point by point in file order, true/false flips before numbers. */
function diffRows(c: Comparison): Row[] {
  return c.points.flatMap((point) => [...point.changedFlags.map((d) => flagRow(point, d)), ...point.changed.map((d) => metricRow(point, d))]);
}

function ruleChangeText(v: ThresholdVerdict, change: number): string {
  return v.rule.relative ? changePercent(change) : signed(metricValue(v.rule.metric, change), change);
}

function matchLine(i: DiffInput): string {
  const c = i.comparison;
  const changed = c.points.filter((p) => p.changed.length > 0 || p.changedFlags.length > 0).length;
  const first = c.points[0];
  // --match-by workload may pair files of several models each (in file order): name them only when there is one.
  const single = (side: 'baseline' | 'candidate'): boolean => c.points.every((p) => p[side].model === first?.[side].model);
  const models = first === undefined || c.onModel ? ''
    : single('baseline') && single('candidate') ? ` (one model each: ${first.baseline.model} in ${i.baseline.file}, ${first.candidate.model} in ${i.candidate.file})`
    : ' (model ids ignored: points of several models pair in file order)';
  return displayText(`matched ${plural(c.points.length, 'point')} on ${c.onModel ? 'model, hardware and workload' : 'hardware and workload'}${models}; ${String(changed)} with changes`);
}

function verdictText(v: RuleVerdict, total: number, label: (p: PointDiff) => string): string {
  const of = `${String(v.broken.length)} of ${plural(total, 'point')}`;
  if (v.kind === 'flag') {
    const first = v.broken[0];
    return first === undefined ? `holds at all ${plural(total, 'point')}` : `broken at ${of}, first at ${label(first.point)}`;
  }
  const worst = v.worst !== undefined ? `worst ${ruleChangeText(v, v.worst.change)} at ${label(v.worst.point)}` : '';
  if (v.broken.length === 0) return worst;
  return `broken at ${of}; ${worst}`;
}

function summary(c: Comparison): string {
  const broken = c.rules.filter((v) => v.broken.length > 0).length;
  if (c.rules.length === 0) return 'no rules given (--fail-if)';
  if (broken === 0) return c.rules.length === 1 ? 'the rule passes' : `all ${String(c.rules.length)} rules pass`;
  return `${String(broken)} of ${plural(c.rules.length, 'rule')} broken`;
}

/** The terminal rendering; increases in red and decreases in green when `color` (lower is better for every metric). */
export function renderDiffTable(i: DiffInput, color: boolean): string {
  const c = i.comparison;
  const k = new Chalk({ level: color ? 1 : 0 });
  const label = (p: PointDiff): string => displayText(pointLabel(p.baseline, c.onModel));
  const paint = (v: number, text: string): string => (v > 0 ? k.red(text) : v < 0 ? k.green(text) : text);
  const side = (name: string, s: SideInfo): string => displayText(`${name}: ${s.file} (${s.schema}, ${plural(s.count, 'point')})`);
  const out = [side('baseline', i.baseline), side('candidate', i.candidate), matchLine(i)];
  const rows = diffRows(c);
  if (rows.length > 0) {
    const table = new Table({ head: ['point', 'metric', 'baseline', 'candidate', 'change', 'absolute'], colAligns: ['left', 'left', 'right', 'right', 'right', 'right'], style: { head: [], border: [], compact: true } });
    let last: PointDiff | undefined;
    for (const r of rows) {
      table.push([r.point === last ? '' : label(r.point), r.metric, r.baseline, r.candidate, paint(r.sign, r.change), paint(r.sign, r.absolute)]);
      last = r.point;
    }
    out.push(table.toString());
  }
  if (c.rules.length > 0) {
    out.push('rules:');
    const width = Math.max(...c.rules.map((v) => v.rule.text.length));
    for (const v of c.rules) {
      const ok = v.broken.length === 0;
      out.push(`  ${ok ? k.green('pass') : k.red('FAIL')}  ${v.rule.text.padEnd(width)}  ${verdictText(v, c.points.length, label)}`);
    }
  }
  out.push(c.passed ? k.green(summary(c)) : k.red(summary(c)));
  return out.join('\n') + '\n';
}

const cell = markdownCell;

function markdownTable(rows: readonly Row[], label: (p: PointDiff) => string, grouped: boolean): string[] {
  const out = ['| point | metric | baseline | candidate | change | absolute |', '|---|---|--:|--:|--:|--:|'];
  let last: PointDiff | undefined;
  for (const r of rows) {
    out.push(`| ${grouped && r.point === last ? '' : cell(label(r.point))} | \`${r.metric}\` | ${r.baseline} | ${r.candidate} | ${r.change} | ${r.absolute} |`);
    last = r.point;
  }
  return out;
}

/** The changes to lead with: flips and gated or headline metrics first, each group by how far it moved. */
export function leadingRows<T extends { metric: string; size: number }>(rows: readonly T[], gated: readonly string[], n: number): T[] {
  const headline = new Set([...gated, ...HEADLINE]);
  const rank = (r: T): number => (headline.has(r.metric) || r.size === Infinity ? 0 : 1);
  // Array.prototype.sort is stable, so equal changes keep file order.
  return [...rows].sort((a, b) => rank(a) - rank(b) || b.size - a.size).slice(0, n);
}

/**
 * A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`: the verdict, the rules (broken first),
 * the largest changes, and every other change folded in a `<details>` block. Unchanged fields are left out.
 */
export function renderDiffMarkdown(i: DiffInput): string {
  const c = i.comparison;
  const label = (p: PointDiff): string => pointLabel(p.baseline, c.onModel);
  const rows = diffRows(c);
  const changed = c.points.filter((p) => p.changed.length > 0 || p.changedFlags.length > 0).length;
  const out = [
    `### ${c.passed ? '✅' : '❌'} llm-roofline compare: ${summary(c)}; ${plural(c.points.length, 'point')}, ${String(changed)} changed`,
    '',
    `Baseline \`${cell(i.baseline.file)}\`, candidate \`${cell(i.candidate.file)}\`: ${cell(matchLine(i))} (${plural(rows.length, 'metric change')}).`,
    '',
  ];
  if (c.rules.length > 0) {
    out.push('| rule | result | detail |', '|---|---|---|');
    const ordered = [...c.rules.filter((v) => v.broken.length > 0), ...c.rules.filter((v) => v.broken.length === 0)];
    for (const v of ordered) {
      out.push(`| \`${cell(v.rule.text)}\` | ${v.broken.length === 0 ? '✅ pass' : '❌ fail'} | ${cell(verdictText(v, c.points.length, label))} |`);
    }
    out.push('');
  }
  if (rows.length === 0) {
    out.push('No metric changed.', '');
    return out.join('\n');
  }
  const lead = leadingRows(rows, c.rules.map((v) => v.rule.metric), LEADING_ROWS);
  out.push(`**Largest changes** (${rows.length > lead.length ? `${String(lead.length)} of ${String(rows.length)}: ` : ''}gated and headline metrics first, by relative change)`, '');
  out.push(...markdownTable(lead, label, false), '');
  const shown = new Set(lead);
  const rest = rows.filter((r) => !shown.has(r));
  if (rest.length > 0) {
    out.push(`<details><summary>${plural(rest.length, 'other change')}</summary>`, '');
    out.push(...markdownTable(rest.slice(0, MARKDOWN_ROWS), label, true));
    if (rest.length > MARKDOWN_ROWS) out.push('', `… and ${String(rest.length - MARKDOWN_ROWS)} more changed metrics (run \`llm-roofline compare\` for all of them).`);
    out.push('', '</details>', '');
  }
  return out.join('\n');
}
