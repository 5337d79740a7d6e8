/** The terminal table of `fit`: each term (base → fitted, or why it is not determined), then each residual. */
import Table from 'cli-table3';
import type { EfficiencyTerm } from '../core/efficiency.js';
import type { FitTerm } from '../core/fit/fit.js';
import { displayLines } from './sanitize.js';
import { percent, seconds } from './units.js';

/** What the table shows: the fit's terms and the engine's re-evaluation of each measurement. */
export interface FitTableData {
  readonly measurements: string;
  readonly hardware: string;
  readonly base: string;
  readonly terms: readonly FitTerm[];
  readonly residuals: readonly {
    readonly model: string;
    readonly phase: 'prefill' | 'decode';
    readonly batch: number;
    readonly seqLen: number;
    readonly contextLen: number;
    readonly measuredSeconds: number;
    readonly baseSeconds: number;
    readonly fittedSeconds: number;
    readonly fittedError: number;
  }[];
  readonly medianAbsError: { readonly base: number; readonly fitted: number };
  readonly iterations: number;
  readonly settled: boolean;
}

const STYLE = { head: [], border: [], compact: true };

/** A term's value as a person reads it: a fraction with 4 significant digits, an overhead in microseconds. */
function value(t: EfficiencyTerm, v: number): string {
  if (t === 'layerOverheadSeconds' || t === 'stepOverheadSeconds') return v === 0 ? '0 µs' : `${(v * 1e6).toPrecision(4)} µs`;
  return v === 1 ? '1' : v.toPrecision(4);
}

/** A signed relative error in percent. */
function signed(x: number): string {
  return `${x >= 0 ? '+' : ''}${percent(x)}`;
}

/** The whole table: a heading line, the terms, the residuals, and the median errors before and after. */
export function fitTable(d: FitTableData): string {
  const n = d.residuals.length;
  const head = `fit of ${d.hardware} to ${d.measurements}: ${String(n)} measurement${n === 1 ? '' : 's'}, base ${d.base}, ${String(d.iterations)} iteration${d.iterations === 1 ? '' : 's'}${d.settled ? '' : ' (bounds still changing at the cap: the best iterate is shown)'}`;
  const terms = new Table({ head: ['term', 'base', 'fitted'], style: STYLE });
  for (const t of d.terms) {
    const fitted = t.determined ? `${value(t.term, t.fitted)}${t.atLimit === true ? ' (at the limit)' : ''}` : `not determined: ${t.why ?? ''}`;
    terms.push([t.term, value(t.term, t.base), fitted]);
  }
  const rows = new Table({ head: ['model', 'phase', 'B', 'S/K', 'measured', 'base', 'fitted', 'error'], style: STYLE });
  for (const r of d.residuals) {
    rows.push([r.model, r.phase, String(r.batch), String(r.phase === 'prefill' ? r.seqLen : r.contextLen), seconds(r.measuredSeconds), seconds(r.baseSeconds), seconds(r.fittedSeconds), signed(r.fittedError)]);
  }
  const summary = `median |error|: ${percent(d.medianAbsError.base)} at base, ${percent(d.medianAbsError.fitted)} fitted`;
  return displayLines(`${head}\n${terms.toString()}\n${rows.toString()}\n${summary}`) + '\n';
}
