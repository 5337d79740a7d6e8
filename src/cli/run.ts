/** `llm-roofline run`: executes one attention layer at a point and sets the measurement beside the prediction. */
import { availableParallelism } from 'node:os';
import Table from 'cli-table3';
import { mlaMode, PHASES } from '../core/workload.js';
import { openBackend, type BackendKind } from '../kernel/engines.js';
import { createLayer, kernelGaps } from '../kernel/layers/index.js';
import { timeLayer } from '../kernel/measure.js';
import { partOf, PARTS, timedBackend, type Part } from '../kernel/timed-backend.js';
import type { OpResult } from '../core/engine.js';
import { UserError } from '../io/errors.js';
import { seconds, si } from '../render/units.js';
import { displayLines } from '../render/sanitize.js';
import { checkOut, emit, loadModelWith } from './common.js';
import { predict } from '../kernel/predict.js';
import { hostHardware, refusingShortfall, THREADS_LIMIT } from './kernel-common.js';
import { freeMemoryBytes } from '../io/host-profile.js';
import { checkFits, ENGINE_BYTES_FOR_WORK, usableMachineBytes } from '../kernel/memory.js';
import { stepNeed } from '../kernel/layers/footprint.js';
import { oneOf, positiveInt } from './options.js';

export interface RunOptions {
  model: string;
  attention?: string | undefined;
  phase: string;
  batch: string;
  seq: string;
  context: string;
  threads?: string | undefined;
  backend: string;
  hardware?: string | undefined;
  mla?: string | undefined;
  format: string;
  out?: string | undefined;
  breakdown?: boolean | undefined;
}

/** One part of a layer step, measured (mean per timed run) beside the model's operators of that part. */
interface PartRow {
  readonly part: Part;
  readonly measuredSeconds: number;
  readonly predictedSeconds: number;
}

/** Default thread count: what the machine offers, at most 2 (the kernels split heads and tiles two ways well). */
export function defaultThreads(): number {
  return Math.max(1, Math.min(2, availableParallelism()));
}

/**
 * The timed runs' mean seconds per part beside the model's operators grouped the same way, and the time spent
 * outside the kernels (the layer's own JavaScript between calls).
 */
function breakdown(partSeconds: Readonly<Record<Part, number>>, repeats: number, meanSeconds: number, ops: readonly OpResult[]): { parts: PartRow[]; outsideSeconds: number; meanSeconds: number } {
  const parts = PARTS.map((part): PartRow => ({
    part,
    measuredSeconds: partSeconds[part] / repeats,
    predictedSeconds: ops.filter((op) => partOf(op) === part).reduce((s, op) => s + op.count * op.timeSeconds, 0),
  }));
  const inside = parts.reduce((s, r) => s + r.measuredSeconds, 0);
  return { parts, outsideSeconds: Math.max(0, meanSeconds - inside), meanSeconds };
}

function breakdownTable(b: { parts: readonly PartRow[]; outsideSeconds: number; meanSeconds: number }): string {
  const t = new Table({ head: ['part of the step', 'measured (mean)', 'predicted', 'error'], style: { head: [], border: [], compact: true } });
  for (const r of b.parts) {
    const err = r.measuredSeconds > 0 ? `${r.predictedSeconds >= r.measuredSeconds ? '+' : ''}${(((r.predictedSeconds - r.measuredSeconds) / r.measuredSeconds) * 100).toFixed(1)}%` : '';
    t.push([r.part, seconds(r.measuredSeconds), seconds(r.predictedSeconds), err]);
  }
  t.push(['outside the kernels', seconds(b.outsideSeconds), '', '']);
  t.push(['whole step', seconds(b.meanSeconds), seconds(b.parts.reduce((s, r) => s + r.predictedSeconds, 0)), '']);
  return t.toString();
}

/** Runs the command. */
export async function runRun(o: RunOptions): Promise<void> {
  checkOut(o.out);
  const phase = oneOf('--phase', o.phase, PHASES);
  const batch = positiveInt('--batch', o.batch);
  const seqLen = positiveInt('--seq', o.seq);
  const contextLen = positiveInt('--context', o.context);
  const threads = o.threads === undefined ? defaultThreads() : positiveInt('--threads', o.threads, THREADS_LIMIT);
  const kind: BackendKind = oneOf('--backend', o.backend, ['fast', 'reference'] as const);
  const format = oneOf('--format', o.format, ['table', 'json'] as const);
  const mla = mlaMode({ phase, mla: o.mla === undefined ? undefined : oneOf('--mla', o.mla, ['naive', 'absorbed'] as const) });
  const model = loadModelWith(o.model, o.attention);
  const gaps = kernelGaps(model);
  if (gaps.length > 0) throw new UserError('--model', '', `the reference kernels do not run ${gaps.join(', ')} yet, so ${model.id} cannot be run (analyze and sweep cost it)`);
  const hw = hostHardware(o.hardware);
  const machineBytes = usableMachineBytes(freeMemoryBytes());
  // Checked before the engine starts: a shape that does not fit is refused with the figures, not an allocation failure.
  const need = stepNeed(model, { phase, batch, seqLen, contextLen, mla }, kind === 'fast');
  refusingShortfall('run', phase === 'prefill' ? '--batch × --seq' : '--batch × --context', () => {
    checkFits(`${model.id} ${phase} at batch ${String(batch)}, ${phase === 'prefill' ? `seq ${String(seqLen)}` : `context ${String(contextLen)}`}`, need, { engineBytes: kind === 'fast' ? ENGINE_BYTES_FOR_WORK : undefined, machineBytes });
  });
  const opened = await openBackend(kind, threads);
  const timing = o.breakdown === true ? timedBackend(opened) : undefined;
  const backend = timing?.backend ?? opened;
  try {
    const tokens = phase === 'prefill' ? seqLen : contextLen;
    const layer = refusingShortfall('run', '', () => createLayer(model, backend, { batch, maxTokens: tokens, maxStep: phase === 'prefill' ? seqLen : 1, seed: 1, mla }));
    // Half a second of warm-up: this process has run no layer before, and its first hundreds of short steps are slow.
    const run = timeLayer(layer, { phase, batch, seqLen, contextLen, warmup: 1, warmupSeconds: 0.5, minRepeats: 5, maxRepeats: 1000, budgetSeconds: 1, onTimed: () => { timing?.times.reset(); } });
    const p = predict(model, hw, { phase, batch, seqLen, contextLen }, kind === 'fast', mla);
    // The model is evaluated at the kernels' FP32 widths; the float64 reference moves 8-byte elements.
    const kvScale = backend.precision === 'fp64' ? 2 : 1;
    const predictedCounts = { ...p.counts, kvBytesRead: p.counts.kvBytesRead * kvScale, kvBytesWritten: p.counts.kvBytesWritten * kvScale };
    const result = {
      schema: 'llm-roofline.run/v1',
      model: model.id,
      hardware: hw.id,
      backend: backend.name,
      threads: kind === 'fast' ? threads : 1,
      workload: { phase, batch, seqLen: phase === 'prefill' ? seqLen : 1, contextLen: phase === 'prefill' ? seqLen : contextLen, mla: model.attention.kind === 'mla' ? mla : undefined, scope: 'attention' },
      measuredSeconds: run.medianSeconds,
      spread: { minSeconds: run.minSeconds, maxSeconds: run.maxSeconds, repeats: run.repeats },
      predictedSeconds: p.totals.timeSeconds,
      errorPercent: ((p.totals.timeSeconds - run.medianSeconds) / run.medianSeconds) * 100,
      achievedFlopPerSecond: p.totals.flops / run.medianSeconds,
      achievedBytesPerSecond: p.totals.bytes / run.medianSeconds,
      counted: run.counted,
      predicted: { flops: p.totals.flops, bytes: p.totals.bytes, ...predictedCounts },
      ...(timing === undefined ? {} : { breakdown: breakdown(timing.times.seconds, run.repeats, run.meanSeconds, p.operators()) }),
    };
    if (format === 'json') {
      emit(o.out, JSON.stringify(result, null, 2) + '\n');
      return;
    }
    const t = new Table({ head: ['', 'counted by the kernel', 'exact model'], style: { head: [], border: [], compact: true } });
    t.push(['multiply-adds', String(run.counted.multiplyAdds), String(predictedCounts.multiplyAdds)]);
    t.push(['exp evaluations', String(run.counted.expEvaluations), String(predictedCounts.expEvaluations)]);
    t.push(['KV bytes read', String(run.counted.kvBytesRead), String(predictedCounts.kvBytesRead)]);
    t.push(['KV bytes written', String(run.counted.kvBytesWritten), String(predictedCounts.kvBytesWritten)]);
    const lines = [
      `${model.name} attention layer, ${phase}, batch ${String(batch)}, ${phase === 'prefill' ? `seq ${String(seqLen)}` : `context ${String(contextLen)}`}, on ${backend.name} (${String(result.threads)} thread${result.threads === 1 ? '' : 's'})`,
      `measured ${seconds(run.medianSeconds)} (median of ${String(run.repeats)}, min ${seconds(run.minSeconds)}, max ${seconds(run.maxSeconds)}); predicted ${seconds(p.totals.timeSeconds)} on ${hw.id} (${result.errorPercent.toFixed(1)}%)`,
      `achieved ${si(result.achievedFlopPerSecond, 'FLOP/s')}, ${si(result.achievedBytesPerSecond, 'B/s')} (the model's FLOPs and bytes over the measured time)`,
      t.toString(),
      ...(result.breakdown === undefined ? [] : [breakdownTable(result.breakdown)]),
    ];
    emit(o.out, displayLines(lines.join('\n')) + '\n');
  } finally {
    backend.dispose();
  }
}
