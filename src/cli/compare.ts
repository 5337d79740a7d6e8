/** `llm-roofline compare`: models side by side on a grid, or a candidate file gated against a baseline file. */
import { comparisonDoc } from '../core/compare-doc.js';
import { compareModels } from '../core/compare-models.js';
import { CompareInputError, parseRule } from '../core/compare-rules.js';
import { compareSides, MATCH_BY } from '../core/compare.js';
import { firstNonFinite } from '../core/report.js';
import { UserError } from '../io/errors.js';
import { loadCompareSide } from '../io/load-compare.js';
import { renderDiffMarkdown, renderDiffTable } from '../render/compare-diff.js';
import { renderCompareCsv, renderCompareLatex, renderCompareMarkdown, renderCompareTable } from '../render/compare-models.js';
import { compareRecords, compareSvg } from '../render/sweep-svg.js';
import { checkOut, emit, wantColor } from './common.js';
import { oneOf, type WorkloadOptionValues } from './options.js';
import { checkChartLines, gridFrom } from './sweep.js';

/** Values of compare's options. */
export type CompareOptions = Omit<WorkloadOptionValues, 'model'> & {
  model?: string | undefined;
  flash?: string | boolean | undefined;
  scope: string;
  format?: string | undefined;
  baseline?: string | undefined;
  candidate?: string | undefined;
  failIf: string[];
  github: boolean;
  matchBy?: string | undefined;
};

/** Runs `f`, turning the pure layer's input errors into the CLI's one-line user errors. */
function asUserError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof CompareInputError) throw new UserError(e.source, e.field, e.detail);
    throw e;
  }
}

/** Runs the mode the options ask for; exit code 1 when a `--fail-if` rule is broken. */
export function runCompare(o: CompareOptions): void {
  checkOut(o.out);
  if (o.baseline !== undefined || o.candidate !== undefined) runBaseline(o);
  else runSideBySide(o);
}

function runSideBySide(o: CompareOptions): void {
  const baselineOnly = o.failIf.length > 0 ? '--fail-if' : o.github ? '--github' : o.matchBy !== undefined ? '--match-by' : undefined;
  if (baselineOnly !== undefined) throw new UserError(baselineOnly, '', 'only with --baseline FILE --candidate FILE');
  if (o.model === undefined) throw new UserError('--model', '', 'expected the models to compare side by side (e.g. --model paper/gqa-1b,paper/gta-1b), or --baseline FILE --candidate FILE');
  const format = oneOf('--format', o.format ?? 'table', ['table', 'json', 'md', 'csv', 'latex', 'svg'] as const);
  const { grid } = gridFrom({ ...o, model: o.model, format: 'json' }, true);
  const doc = compareModels(grid);
  const bad = firstNonFinite(doc);
  if (bad !== undefined) throw new Error(`internal: ${bad} is not a finite number`);
  if (format === 'svg') checkChartLines(compareRecords(doc));
  const text =
    format === 'json' ? JSON.stringify(doc, null, 2) + '\n'
    : format === 'md' ? renderCompareMarkdown(doc)
    : format === 'csv' ? renderCompareCsv(doc)
    : format === 'latex' ? renderCompareLatex(doc)
    : format === 'svg' ? compareSvg(doc)
    : renderCompareTable(doc, wantColor(o.out));
  emit(o.out, text);
}

function runBaseline(o: CompareOptions): void {
  if (o.baseline === undefined) throw new UserError('--baseline', '', 'required with --candidate (the file to compare against)');
  if (o.candidate === undefined) throw new UserError('--candidate', '', 'required with --baseline (the file to check)');
  if (o.model !== undefined) throw new UserError('--model', '', 'only in side-by-side mode, not with --baseline/--candidate (the files name their models)');
  if (o.attention !== undefined) throw new UserError('--attention', '', 'only in side-by-side mode, not with --baseline/--candidate (the files name their models)');
  const split = (['tp', 'pp', 'ep', 'dp', 'overlap'] as const).find((k) => o[k] !== undefined);
  if (split !== undefined) throw new UserError(`--${split}`, '', 'only in side-by-side mode, not with --baseline/--candidate (the files say how each point is split, and points match only with the same split)');
  if (o.efficiency !== undefined) throw new UserError('--efficiency', '', 'only in side-by-side mode, not with --baseline/--candidate (each file says which efficiency it was computed with: workload.efficiency)');
  if (o.github && o.format !== undefined && o.format !== 'md') throw new UserError('--format', '', `--github prints Markdown (got --format ${o.format})`);
  const format = o.github ? 'md' : oneOf('--format', o.format ?? 'table', ['table', 'md', 'json'] as const);
  const matchBy = oneOf('--match-by', o.matchBy ?? 'auto', MATCH_BY);
  // Rules first: a typo in a rule is cheaper to report than a file problem, and both come before any output.
  const rules = asUserError(() => o.failIf.map(parseRule));
  const baseline = loadCompareSide(o.baseline);
  const candidate = loadCompareSide(o.candidate);
  const comparison = asUserError(() => compareSides(baseline, candidate, rules, matchBy));
  const info = (s: typeof baseline): { file: string; schema: string; count: number } => ({ file: s.file, schema: s.schema, count: s.points.length });
  const input = { baseline: info(baseline), candidate: info(candidate), comparison };
  const text =
    format === 'json' ? JSON.stringify(comparisonDoc(input.baseline, input.candidate, comparison), null, 2) + '\n'
    : format === 'md' ? renderDiffMarkdown(input)
    : renderDiffTable(input, wantColor(o.out));
  emit(o.out, text);
  if (!comparison.passed) process.exitCode = 1;
}
