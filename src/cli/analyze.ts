/** `llm-roofline analyze`: one model on one device at one workload, per operator. */
import { PAIR_MODES } from '../core/attention-core.js';
import type { Scope } from '../core/model.js';
import type { ModelConfig } from '../core/model-config.js';
import { isSplit } from '../core/parallelism.js';
import { buildReport, firstNonFinite } from '../core/report.js';
import { COST_MODELS, PHASES, type Workload } from '../core/workload.js';
import { UserError } from '../io/errors.js';
import { loadHardware } from '../io/load-hardware.js';
import { toolInfo } from '../io/version.js';
import { renderCsv } from '../render/csv.js';
import { renderHtmlReport } from '../render/html-report.js';
import { renderMarkdown } from '../render/markdown.js';
import { rooflineSvg } from '../render/roofline-svg.js';
import { renderTable } from '../render/table.js';
import { checkOut, efficiencyFrom, emit, loadModelWith, requirePeak, requireSupported, wantColor } from './common.js';
import { bitsFrom, bitsSpec, DEFAULT_BITS, moeImbalance, oneOf, workloadInt, type WorkloadOptionValues } from './options.js';
import { microBatchesFrom, parallelismFrom, requireSplit } from './parallel-options.js';
import { requireOffload } from './offload-options.js';

export const ANALYZE_FORMATS = ['table', 'json', 'csv', 'md', 'svg', 'html'] as const;

/** Values of analyze's options. */
export type AnalyzeOptions = WorkloadOptionValues & { flash: boolean; mtp?: boolean | undefined; kvOffload?: boolean | undefined; scope: string; format: string };

/** The workload the options describe for `model` (whose checkpoint may set the default weight width). */
export function workloadFrom(o: AnalyzeOptions, model: ModelConfig): Workload {
  return {
    phase: oneOf('--phase', o.phase, PHASES),
    batch: workloadInt('--batch', o.batch),
    seqLen: workloadInt('--seq', o.seq),
    contextLen: workloadInt('--context', o.context),
    bits: bitsFrom(o, [model])[0] ?? bitsSpec('--bits', DEFAULT_BITS),
    flash: o.flash,
    pairs: oneOf('--pairs', o.pairs, PAIR_MODES),
    mla: o.mla === undefined ? undefined : oneOf('--mla', o.mla, ['naive', 'absorbed'] as const),
    costModel: oneOf('--cost-model', o.costModel, COST_MODELS),
    moeImbalance: moeImbalance(o.moeImbalance),
    ...(o.mtp === true ? { mtp: mtpOf(model) } : {}),
    ...parallelFields(o),
    ...(o.kvOffload === true ? { kvOffload: true } : {}),
  };
}

/** The workload's parallelism fields, present only when the model is split or replicated. */
function parallelFields(o: AnalyzeOptions): Pick<Workload, 'parallelism' | 'overlap' | 'microBatches'> {
  const parallelism = parallelismFrom(o);
  const microBatches = microBatchesFrom(o.microBatches);
  if (parallelism === undefined) {
    if (o.overlap === true || microBatches !== undefined) throw new UserError(o.overlap === true ? '--overlap' : '--micro-batches', '', 'needs the model split over devices (--tp, --pp or --ep)');
    return {};
  }
  // Replicas alone send nothing: there is no communication to overlap.
  if (o.overlap === true && !isSplit(parallelism)) throw new UserError('--overlap', '', 'needs the model split over devices (--tp, --pp or --ep)');
  if (microBatches !== undefined && parallelism.pp === 1) throw new UserError('--micro-batches', '', `needs a pipeline (--pp 2 or more; got --pp ${String(parallelism.pp)})`);
  return { parallelism, overlap: o.overlap === true, ...(parallelism.pp > 1 ? { microBatches: microBatches ?? parallelism.pp } : {}) };
}

/** `--mtp` needs a model with a multi-token-prediction module to cost. */
function mtpOf(model: ModelConfig): true {
  if (model.mtp === undefined) throw new UserError('--mtp', '', `${model.id} has no multi-token-prediction module (only a model whose file gives mtp, such as DeepSeek-V3, has one)`);
  return true;
}

/** Runs the command: validates everything, then renders and writes once. */
export function runAnalyze(o: AnalyzeOptions): void {
  checkOut(o.out);
  const scope: Scope = oneOf('--scope', o.scope, ['attention', 'layer', 'model'] as const);
  const format = oneOf('--format', o.format, ANALYZE_FORMATS);
  const model = loadModelWith(o.model, o.attention);
  const profile = loadHardware(o.hardware);
  const workload = { ...workloadFrom(o, model), efficiency: efficiencyFrom(o.efficiency, profile) };
  requireSupported(model, workload.costModel);
  requirePeak(profile, workload.bits, workload.costModel);
  requireOffload(model, profile, workload, scope);
  requireSplit(model, profile, workload.parallelism, workload.costModel);
  const report = buildReport(model, profile.hardware, workload, scope, toolInfo());
  const bad = firstNonFinite(report);
  if (bad !== undefined) throw new Error(`internal: ${bad} is not a finite number`);
  const text =
    format === 'json' ? JSON.stringify(report, null, 2) + '\n'
    : format === 'csv' ? renderCsv(report)
    : format === 'md' ? renderMarkdown(report)
    : format === 'svg' ? rooflineSvg(report)
    : format === 'html' ? renderHtmlReport(report)
    : renderTable(report, wantColor(o.out));
  emit(o.out, text);
}
