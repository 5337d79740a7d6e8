/** Renderings of `compare`'s side-by-side mode: terminal table, Markdown, CSV, LaTeX (JSON is the document itself). */
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { CompareDocument, CompareRow, ModelEntry, Ratios } from '../core/compare-models.js';
import { splitLabel } from '../core/sweep.js';
import { csvLine } from './csv.js';
import { displayText, latexText, markdownCell } from './sanitize.js';
import { seconds, si } from './units.js';

const HEAD = ['point', 'model', 'time', 'FLOPs', 'bytes', 'KV cache', 'weights', 'bound'];
const RATIO_KEYS: readonly (keyof Ratios)[] = ['timeSeconds', 'flops', 'bytes', 'kvCacheBytes', 'weightBytes'];

type Varying = 'hardware' | 'split' | 'phase' | 'bits' | 'kernel';
const kernel = (flash: boolean): string => (flash ? 'flash' : 'unfused');
const fieldOf: Record<Varying, (r: CompareRow) => string> = {
  hardware: (r) => r.hardware,
  // "" on one device: a heading or point that shares it says nothing (only a split is worth naming).
  split: (r) => splitLabel(r.workload.parallelism, r.workload.overlap),
  phase: (r) => r.workload.phase,
  bits: (r) => r.workload.bitsLabel,
  kernel: (r) => kernel(r.workload.flash),
};

/** Fields that take one value over every row: the heading states them once and the point column leaves them out. */
function sharedFields(doc: CompareDocument): Varying[] {
  return (Object.keys(fieldOf) as Varying[]).filter((f) => doc.rows.every((r) => fieldOf[f](r) === fieldOf[f](doc.rows[0] ?? r)));
}

function pointText(row: CompareRow, shared: readonly Varying[]): string {
  const w = row.workload;
  const part = (f: Varying): string[] => (shared.includes(f) ? [] : [fieldOf[f](row)]);
  const length = w.phase === 'prefill' ? `S${String(w.seqLen)}` : `L${String(w.contextLen)}`;
  const split = shared.includes('split') ? [] : [fieldOf.split(row) || 'one device'];
  return [...part('hardware'), ...split, ...part('phase'), `B${String(w.batch)}`, length, ...part('bits'), ...part('kernel')].join(' ');
}

/** Two lines: the settings every row shares, then how to read the ratio rows and the bound. */
function heading(doc: CompareDocument): [string, string] {
  const [a, b] = rawHeading(doc);
  return [displayText(a), displayText(b)];
}

function rawHeading(doc: CompareDocument): [string, string] {
  const legend = `÷ rows: each model over ${doc.baselineModel}, lower is better; bound: that of the operators taking most of the time`;
  const first = doc.rows[0];
  if (first === undefined) return ['no points', legend];
  const w = first.workload;
  const parts = [...sharedFields(doc).map((f) => fieldOf[f](first)).filter((t) => t !== ''), `pairs ${w.pairs}`, `scope ${w.scope}`, `cost model ${w.costModel}`];
  return [parts.join(', '), legend];
}

/** A ratio as `0.662×`; `n/a` where the first model's value is 0. */
export function ratioText(r: number | null): string {
  return r === null ? 'n/a' : `${r.toPrecision(3)}×`;
}

function values(m: ModelEntry): string[] {
  return [seconds(m.totals.timeSeconds), si(m.totals.flops, 'FLOP'), si(m.totals.bytes, 'B'), si(m.memory.kvCacheBytes, 'B'), si(m.memory.weightBytes, 'B')];
}

/** Rows of cells: each model's values, and after every model but the first its ratios to the first. */
function cells(doc: CompareDocument, paint: (r: number | null, text: string) => string): string[][] {
  const shared = sharedFields(doc);
  return doc.rows.flatMap((row) =>
    row.models.flatMap((m, i) => {
      const line = [i === 0 ? displayText(pointText(row, shared)) : '', displayText(m.model), ...values(m), m.bound];
      if (i === 0) return [line];
      return [line, ['', `  ÷ ${displayText(doc.baselineModel)}`, ...RATIO_KEYS.map((k) => paint(m.ratio[k], ratioText(m.ratio[k]))), '']];
    }),
  );
}

/** The terminal table; ratios below 1 in green and above 1 in red when `color`. */
export function renderCompareTable(doc: CompareDocument, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const paint = (r: number | null, text: string): string => (r === null || r === 1 ? text : r < 1 ? c.green(text) : c.red(text));
  const table = new Table({ head: HEAD, colAligns: ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'left'], style: { head: [], border: [], compact: true } });
  for (const line of cells(doc, paint)) table.push(line);
  return `${heading(doc).join('\n')}\n${table.toString()}\n`;
}

/** A Markdown table, ratios in bold where the model is better than the first. */
export function renderCompareMarkdown(doc: CompareDocument): string {
  const paint = (r: number | null, text: string): string => (r !== null && r < 1 ? `**${text}**` : text);
  const lines = [`${heading(doc).join('. ')}.`, '', `| ${HEAD.join(' | ')} |`, '|---|---|--:|--:|--:|--:|--:|---|'];
  for (const line of cells(doc, paint)) lines.push(`| ${line.map(markdownCell).join(' | ')} |`);
  return lines.join('\n') + '\n';
}

const CSV_HEADER = [
  'hardware', 'phase', 'batch', 'seqLen', 'contextLen', 'bits', 'flash', 'pairs', 'scope', 'costModel', 'model',
  'timeSeconds', 'flops', 'bytes', 'kvCacheBytes', 'weightBytes', 'bound',
  'timeRatio', 'flopsRatio', 'bytesRatio', 'kvCacheRatio', 'weightRatio',
];

/** One CSV line per (point, model), exact numbers; an empty ratio where the first model's value is 0. */
export function renderCompareCsv(doc: CompareDocument): string {
  const lines = doc.rows.flatMap((row) => {
    const w = row.workload;
    return row.models.map((m) =>
      csvLine([
        row.hardware, w.phase, w.batch, w.seqLen, w.contextLen, w.bitsLabel, w.flash, w.pairs, w.scope, w.costModel, m.model,
        m.totals.timeSeconds, m.totals.flops, m.totals.bytes, m.memory.kvCacheBytes, m.memory.weightBytes, m.bound,
        ...RATIO_KEYS.map((k) => m.ratio[k] ?? ''),
      ]),
    );
  });
  return csvLine(CSV_HEADER) + lines.join('');
}

const tex = latexText;

/** A LaTeX `tabular`, one line per model and one per ratio line. */
export function renderCompareLatex(doc: CompareDocument): string {
  const out = [...heading(doc).map((h) => `% ${tex(h)}`), '\\begin{tabular}{llrrrrrl}', '\\hline', `${HEAD.map(tex).join(' & ')} \\\\`, '\\hline'];
  for (const line of cells(doc, (_r, text) => text)) out.push(`${line.map(tex).join(' & ')} \\\\`);
  out.push('\\hline', '\\end{tabular}', '');
  return out.join('\n');
}
