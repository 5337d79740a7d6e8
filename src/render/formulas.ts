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
}

const FIELD_LABELS: readonly [OpField, string][] = [
  ['flops', 'FLOPs'],
  ['weight', 'weight bytes'],
  ['actRead', 'activation bytes read'],
  ['actWrite', 'activation bytes written'],
  ['kvRead', 'KV bytes read'],
  ['kvWrite', 'KV bytes written'],
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
