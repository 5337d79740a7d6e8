/** Text and LaTeX of formula strings via mathjs, loaded only when this renderer runs (it is slow to import). */
import { displayText, latexText } from './sanitize.js';
import type { Formula } from '../core/formula.js';
import type { OpDef, OpField } from '../core/op.js';

/** A formula sheet: what to print, as plain data. */
export interface FormulaSheet {
  readonly title: string;
  readonly settings: string;
  readonly symbols: readonly { name: string; meaning: string; value?: number | undefined }[];
  readonly cache: Formula;
  readonly params: Formula;
  readonly pairs: Formula;
  readonly ops: readonly OpDef[];
  /** How many times the scope runs each operator (layers at model scope), in the order of `ops`. */
  readonly counts: readonly number[];
}

/** The numbers of a sheet for a model at a workload, from the analysis itself (per occurrence of each operator). */
export interface SheetNumbers {
  readonly workload: { readonly hardware: string; readonly batch: number; readonly seqLen: number; readonly contextLen: number; readonly bitsLabel: string };
  /** Values of the workload's symbols (B, T, K, P, widths), beside the model's own in the sheet. */
  readonly symbols: Readonly<Record<string, number>>;
  readonly cache: number;
  readonly params: number;
  readonly pairs: number;
  readonly ops: readonly Readonly<Record<OpField, number>>[];
}

/** One formula in the three forms a reader may want, and its value when a model and workload are given. */
export interface FormulaDoc {
  readonly formula: string;
  readonly text: string;
  readonly latex: string;
  readonly value?: number;
}

/** The JSON form of a sheet (llm-roofline.formulas/v1). */
export interface FormulasDoc {
  readonly schema: 'llm-roofline.formulas/v1';
  readonly title: string;
  readonly settings: string;
  readonly note: string;
  readonly workload: SheetNumbers['workload'] | null;
  readonly symbols: readonly { name: string; meaning: string; value?: number }[];
  readonly kvCacheElementsPerTokenPerLayer: FormulaDoc;
  readonly attentionParametersPerLayer: FormulaDoc;
  readonly pairsPerSequence: FormulaDoc;
  readonly ops: readonly { name: string; count: number; fields: readonly ({ field: OpField; label: string } & FormulaDoc)[] }[];
}

const FIELD_LABELS: readonly [OpField, string][] = [
  ['flops', 'FLOPs'],
  ['weight', 'weight bytes'],
  ['actRead', 'activation bytes read'],
  ['actWrite', 'activation bytes written'],
  ['kvRead', 'KV bytes read'],
  ['kvWrite', 'KV bytes written'],
  ['network', 'bytes sent per device'],
  ['hops', 'link latencies paid'],
];

type MathjsParse = (expr: string) => { toString(opts?: object): string; toTex(opts?: object): string };

async function parser(): Promise<MathjsParse> {
  const mathjs = await import('mathjs');
  return mathjs.parse;
}

/** The sheet as text: every non-zero field of every operator. */
export async function renderFormulasText(sheet: FormulaSheet): Promise<string> {
  const parse = await parser();
  const show = (f: Formula): string => parse(f).toString({ parenthesis: 'keep', implicit: 'show' });
  const lines = [displayText(sheet.title), displayText(sheet.settings), 'FLOPs count a multiply-add as 2; all formulas are per layer unless the operator is model-level.', '', 'symbols:'];
  for (const s of sheet.symbols) lines.push(`  ${s.name.padEnd(6)} ${s.meaning}${s.value === undefined ? '' : ` = ${String(s.value)}`}`);
  lines.push('', `KV-cache elements per token per layer: ${show(sheet.cache)}`, `attention parameters per layer: ${show(sheet.params)}`, `pairs per sequence P = ${show(sheet.pairs)}`, '');
  for (const op of sheet.ops) {
    lines.push(displayText(op.name));
    for (const [field, label] of FIELD_LABELS) if (op[field] !== '0') lines.push(`  ${label.padEnd(26)} ${show(op[field])}`);
  }
  return lines.join('\n') + '\n';
}

const NOTE = 'FLOPs count a multiply-add as 2; formulas and values are per layer (per occurrence) unless the operator is model-level; bytes at the widths w, a, kv in bytes per element.';

/** The sheet as JSON data: every non-zero field of every operator as formula, text and LaTeX, with values if given. */
export async function formulasDoc(sheet: FormulaSheet, numbers?: SheetNumbers): Promise<FormulasDoc> {
  const parse = await parser();
  const form = (f: Formula, value: number | undefined): FormulaDoc => {
    const node = parse(f);
    const doc = { formula: f, text: node.toString({ parenthesis: 'keep', implicit: 'show' }), latex: node.toTex({ parenthesis: 'keep', implicit: 'hide' }) };
    return value === undefined ? doc : { ...doc, value };
  };
  return {
    schema: 'llm-roofline.formulas/v1',
    title: sheet.title,
    settings: sheet.settings,
    note: NOTE,
    workload: numbers?.workload ?? null,
    symbols: sheet.symbols.map((s) => {
      const value = s.value ?? numbers?.symbols[s.name];
      return value === undefined ? { name: s.name, meaning: s.meaning } : { name: s.name, meaning: s.meaning, value };
    }),
    kvCacheElementsPerTokenPerLayer: form(sheet.cache, numbers?.cache),
    attentionParametersPerLayer: form(sheet.params, numbers?.params),
    pairsPerSequence: form(sheet.pairs, numbers?.pairs),
    ops: sheet.ops.map((op, i) => ({
      name: op.name,
      count: sheet.counts[i] ?? 1,
      fields: FIELD_LABELS.filter(([field]) => op[field] !== '0').map(([field, label]) => ({ field, label, ...form(op[field], numbers?.ops[i]?.[field]) })),
    })),
  };
}

function texName(name: string): string {
  return `\\text{${latexText(name)}}`;
}

/** The sheet as a LaTeX `align*` block. */
export async function renderFormulasLatex(sheet: FormulaSheet): Promise<string> {
  const parse = await parser();
  const tex = (f: Formula): string => parse(f).toTex({ parenthesis: 'keep', implicit: 'hide' });
  const lines = [`% ${displayText(sheet.title)}`, `% ${displayText(sheet.settings)}; FLOPs count a multiply-add as 2`, '\\begin{align*}'];
  lines.push(`\\text{KV cache per token per layer} &= ${tex(sheet.cache)} \\\\`);
  lines.push(`\\text{attention parameters per layer} &= ${tex(sheet.params)} \\\\`);
  lines.push(`P &= ${tex(sheet.pairs)} \\\\`);
  for (const op of sheet.ops) {
    for (const [field, label] of FIELD_LABELS) {
      if (op[field] !== '0') lines.push(`${texName(op.name)}\\ \\text{${label}} &= ${tex(op[field])} \\\\`);
    }
  }
  lines.push('\\end{align*}');
  return lines.join('\n') + '\n';
}
