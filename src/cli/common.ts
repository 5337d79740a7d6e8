/** Pieces shared by the analyze and sweep commands: loading inputs, peak checks, output. */
import { resolve } from 'node:path';
import { COST_MODEL_DEFS } from '../core/cost-models/index.js';
import { bitsLabel, type Bits } from '../core/dtype.js';
import type { ModelConfig } from '../core/model-config.js';
import type { EfficiencyProfile } from '../core/efficiency.js';
import type { CostModel } from '../core/workload.js';
import { readAttentionSwap, swapAttention } from '../io/attention-swap.js';
import { UserError } from '../io/errors.js';
import { resolveEfficiency } from '../io/load-efficiency.js';
import type { LoadedProfile } from '../io/load-hardware.js';
import { loadModel } from '../io/load-model.js';
import { checkOutTarget, fileSink, stdoutSink, writeAll, type OutputSink } from '../io/write.js';

/** Throws a UserError naming the profile file when it lacks the peak the widths compute at. */
export function requirePeak(p: LoadedProfile, bits: Bits, costModel: CostModel): void {
  const dtype = COST_MODEL_DEFS[costModel].computeDtype(bits);
  if (p.hardware.peakFlopPerSecond[dtype] !== undefined) return;
  throw new UserError(p.file, `peakFlopPerSecond.${dtype}`, `missing: ${bitsLabel(bits)} computes at the ${dtype} peak, which ${p.id} does not list (it lists: ${Object.keys(p.hardware.peakFlopPerSecond).join(', ')})`);
}

/**
 * The efficiency `--efficiency` asks for on a device, `fallback` when the flag is absent (analyze, sweep and compare
 * default to `peak`; a serving view may default to `typical`). Errors are UserErrors naming the flag or the file.
 */
export function efficiencyFrom(value: string | undefined, device: LoadedProfile, fallback: 'peak' | 'typical' = 'peak'): EfficiencyProfile {
  return resolveEfficiency(value ?? fallback, device);
}

/** Checks `--out` before any work: an empty name, a folder, a device, FIFO or socket, or a missing folder fail in one line. */
export function checkOut(out: string | undefined, flag = '--out'): string | undefined {
  return out === undefined ? undefined : resolve(checkOutTarget(out, flag));
}

/** Where output goes: `--out FILE` (atomic) or stdout. */
export function sinkFor(out: string | undefined): OutputSink {
  return out === undefined ? stdoutSink() : fileSink(out);
}

/** Writes text through a sink, all or nothing. */
export function emit(out: string | undefined, text: string): void {
  writeAll(sinkFor(out), text);
}

/** Whether terminal colours are wanted on stdout. */
export function wantColor(out: string | undefined): boolean {
  return out === undefined && process.stdout.isTTY && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
}

/** Throws a UserError when the cost model cannot evaluate the model. */
export function requireSupported(model: ModelConfig, costModel: CostModel): void {
  const why = COST_MODEL_DEFS[costModel].unsupported(model);
  if (why !== undefined) throw new UserError('--cost-model', '', `${costModel} cannot evaluate ${model.id}: ${why}`);
}

/**
 * The models `--model` names, with `--attention`'s design swapped into every layer when given: in place of each
 * model, or (`beside`, for compare) right after it, so that each model is compared with its swap.
 */
export function loadModels(refs: readonly string[], attention: string | undefined, beside = false): ModelConfig[] {
  const swap = attention === undefined ? undefined : readAttentionSwap(attention);
  return refs.flatMap((ref) => {
    const model = loadModel(ref);
    if (swap === undefined) return [model];
    const swapped = swapAttention(model, swap);
    return beside ? [model, swapped] : [swapped];
  });
}

/** The one model `--model` names, with `--attention`'s design swapped in when given. */
export function loadModelWith(ref: string, attention: string | undefined): ModelConfig {
  const swap = attention === undefined ? undefined : readAttentionSwap(attention);
  const model = loadModel(ref);
  return swap === undefined ? model : swapAttention(model, swap);
}
