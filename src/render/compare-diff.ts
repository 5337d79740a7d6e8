/** Renderings of `compare`'s baseline mode: differences per point and the rules' verdicts, as text or Markdown. */
import { displayText, markdownCell } from './sanitize.js';
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import { pointLabel, type Comparison, type MetricDiff, type PointDiff, type RuleVerdict } from '../core/compare.js';
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

/** A metric value in its unit, judged from the field name (seconds, bytes, FLOPs, or a plain count). */
export function metricValue(metric: string, v: number): string {
  const leaf = metric.slice(metric.lastIndexOf('.') + 1);
  if (leaf.endsWith('Seconds')) return seconds(v);
  if (leaf === 'flops') return si(v, 'FLOP');
  if (leaf === 'bytes' || leaf.includes('Bytes')) return si(v, 'B');
  return si(v, '').trim();
}

const signed = (text: string, v: number): string => (v > 0 ? `+${text}` : text);

/** A fraction as a signed percentage: two decimals, more digits when smaller than 0.01%, ∞ from a zero baseline. */
export function changePercent(x: number): string {
  if (!Number.isFinite(x)) return x > 0 ? '+∞%' : '-∞%';
  const pct = x * 100;
  return signed(`${pct !== 0 && Math.abs(pct) < 0.01 ? pct.toPrecision(2) : pct.toFixed(2)}%`, pct);
}

function absoluteText(d: MetricDiff): string {
  return signed(metricValue(d.metric, d.absolute), d.absolute);
}

function ruleChangeText(v: RuleVerdict, change: number): string {
  return v.rule.relative ? changePercent(change) : signed(metricValue(v.rule.metric, change), change);
}

function matchLine(i: DiffInput): string {
  const c = i.comparison;
  const changed = c.points.filter((p) => p.changed.length > 0).length;
  const first = c.points[0];
  const models = first === undefined || c.onModel ? '' : ` (one model each: ${first.baseline.model} in ${i.baseline.file}, ${first.candidate.model} in ${i.candidate.file})`;
  return displayText(`matched ${String(c.points.length)} point${c.points.length === 1 ? '' : 's'} on ${c.onModel ? 'model, hardware and workload' : 'hardware and workload'}${models}; ${String(changed)} with changes`);
}

function diffRows(c: Comparison): { point: PointDiff; d: MetricDiff; first: boolean }[] {
  return c.points.flatMap((point) => point.changed.map((d, k) => ({ point, d, first: k === 0 })));
}

function verdictText(v: RuleVerdict, total: number, label: (p: PointDiff) => string): string {
  const worst = v.worst === undefined ? '' : `worst ${ruleChangeText(v, v.worst.change)} at ${label(v.worst.point)}`;
  if (v.broken.length === 0) return worst;
  return `broken at ${String(v.broken.length)} of ${String(total)} point${total === 1 ? '' : 's'}; ${worst}`;
}

function summary(c: Comparison): string {
  const broken = c.rules.filter((v) => v.broken.length > 0).length;
  if (c.rules.length === 0) return 'no rules given (--fail-if)';
  if (broken === 0) return c.rules.length === 1 ? 'the rule passes' : `all ${String(c.rules.length)} rules pass`;
  return `${String(broken)} of ${String(c.rules.length)} rule${c.rules.length === 1 ? '' : 's'} broken`;
}

/** The terminal rendering; increases in red and decreases in green when `color` (lower is better for every metric). */
export function renderDiffTable(i: DiffInput, color: boolean): string {
  const c = i.comparison;
  const k = new Chalk({ level: color ? 1 : 0 });
  const label = (p: PointDiff): string => displayText(pointLabel(p.baseline, c.onModel));
  const paint = (v: number, text: string): string => (v > 0 ? k.red(text) : v < 0 ? k.green(text) : text);
  const side = (name: string, s: SideInfo): string => displayText(`${name}: ${s.file} (${s.schema}, ${String(s.count)} point${s.count === 1 ? '' : 's'})`);
  const out = [side('baseline', i.baseline), side('candidate', i.candidate), matchLine(i)];
  const rows = diffRows(c);
  if (rows.length > 0) {
    const table = new Table({ head: ['point', 'metric', 'baseline', 'candidate', 'change', 'absolute'], colAligns: ['left', 'left', 'right', 'right', 'right', 'right'], style: { head: [], border: [], compact: true } });
    for (const { point, d, first } of rows) {
      table.push([first ? label(point) : '', d.metric, metricValue(d.metric, d.baseline), metricValue(d.metric, d.candidate), paint(d.relative, changePercent(d.relative)), paint(d.absolute, absoluteText(d))]);
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

/** A Markdown summary for a pull-request comment or `$GITHUB_STEP_SUMMARY`. */
export function renderDiffMarkdown(i: DiffInput): string {
  const c = i.comparison;
  const label = (p: PointDiff): string => pointLabel(p.baseline, c.onModel);
  const rows = diffRows(c);
  const changed = c.points.filter((p) => p.changed.length > 0).length;
  const out = [
    `### ${c.passed ? '✅' : '❌'} llm-roofline compare: ${summary(c)}; ${String(c.points.length)} point${c.points.length === 1 ? '' : 's'}, ${String(changed)} changed`,
    '',
    `Baseline \`${cell(i.baseline.file)}\`, candidate \`${cell(i.candidate.file)}\`: ${cell(matchLine(i))} (${String(rows.length)} metric change${rows.length === 1 ? '' : 's'}).`,
    '',
  ];
  if (rows.length > 0) {
    out.push('| point | metric | baseline | candidate | change | absolute |', '|---|---|--:|--:|--:|--:|');
    for (const { point, d, first } of rows.slice(0, MARKDOWN_ROWS)) {
      out.push(`| ${first ? cell(label(point)) : ''} | \`${d.metric}\` | ${metricValue(d.metric, d.baseline)} | ${metricValue(d.metric, d.candidate)} | ${changePercent(d.relative)} | ${absoluteText(d)} |`);
    }
    if (rows.length > MARKDOWN_ROWS) out.push('', `… and ${String(rows.length - MARKDOWN_ROWS)} more changed metrics (run \`llm-roofline compare\` for all of them).`);
    out.push('');
  } else {
    out.push('No metric changed.', '');
  }
  if (c.rules.length > 0) {
    out.push('| rule | result | detail |', '|---|---|---|');
    for (const v of c.rules) {
      out.push(`| \`${cell(v.rule.text)}\` | ${v.broken.length === 0 ? '✅ pass' : '❌ fail'} | ${cell(verdictText(v, c.points.length, label))} |`);
    }
    out.push('');
  }
  return out.join('\n');
}
