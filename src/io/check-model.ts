/** Semantic rules of a model config, applied after its schema, whatever format it came in. */
import { BIT_WIDTHS, isBitWidth } from '../core/dtype.js';
import { MODEL_LIMITS, type Limit } from '../core/limits.js';
import type { LayerSpec, ModelConfig } from '../core/model-config.js';
import { variantOf } from '../core/variants/index.js';
import { UserError } from './errors.js';

/** Turns a field path of the model-file format (`blocks.1.mlp.experts`) into the name the input uses for it. */
export type FieldName = (field: string) => string;

/**
 * Applies the size bounds, the layer rules, then the attention variant's rules; the first problem becomes a
 * UserError. Fields are named as the model-file format names them (`hiddenSize`, `attention.heads`,
 * `blocks.1.mlp.experts`, `mtp.window`); `fieldName` turns such a path into the name another input uses for it.
 */
export function checkModel(model: ModelConfig, file: string, fieldName: FieldName = (f) => f): void {
  const fail = (field: string, detail: string): never => {
    throw new UserError(file, fieldName(field), detail);
  };
  const within = (field: string, value: number, limit: Limit): void => {
    if (value > limit.max) fail(field, `must be at most ${String(limit.max)} ${limit.unit} (got ${String(value)})`);
  };
  within('layers', model.layers, MODEL_LIMITS.layers);
  within('hiddenSize', model.hiddenSize, MODEL_LIMITS.hiddenSize);
  model.blocks.forEach((run, i) => {
    if (!(Number.isSafeInteger(run.count) && run.count > 0)) fail(`blocks.${String(i)}.count`, `must be a positive integer (got ${String(run.count)})`);
    checkLayer(run.layer, `blocks.${String(i)}`, within, fail);
  });
  const total = model.blocks.reduce((sum, run) => sum + run.count, 0);
  if (total !== model.layers) fail('blocks', `layer counts must add up to layers (got ${String(total)}, expected ${String(model.layers)})`);
  within('vocabSize', model.vocabSize, MODEL_LIMITS.vocabSize);
  for (const [key, value] of Object.entries(model.attention)) {
    // Checked by name, whatever the variant: a field ending in "heads" is a head count, any other number a dimension.
    if (typeof value === 'number') within(`attention.${key}`, value, /heads$/i.test(key) ? MODEL_LIMITS.heads : MODEL_LIMITS.headDim);
  }
  if (model.mtp !== undefined) {
    within('mtp.count', model.mtp.count, MODEL_LIMITS.mtpModules);
    checkLayer(model.mtp.layer, 'mtp', within, fail);
  }
  if (model.weightBits !== undefined && !isBitWidth(model.weightBits)) fail('weightBits', `must be one of ${BIT_WIDTHS.join(', ')} (got ${String(model.weightBits)})`);
  const problem = variantOf(model.attention).check(model.attention, model.hiddenSize)[0];
  if (problem !== undefined) fail(`attention.${problem.path}`, problem.message);
}

type Within = (field: string, value: number, limit: Limit) => void;
type Fail = (field: string, detail: string) => never;

/** One layer spec's sizes and MoE rules; `at` is its path (`blocks.2` or `mtp`). */
function checkLayer(layer: LayerSpec, at: string, within: Within, fail: Fail): void {
  const mlp = layer.mlp;
  if (mlp.kind === 'dense') {
    within(`${at}.mlp.intermediateSize`, mlp.intermediateSize, MODEL_LIMITS.intermediateSize);
  } else {
    within(`${at}.mlp.experts`, mlp.experts, MODEL_LIMITS.experts);
    if (mlp.expertsPerToken > mlp.experts) fail(`${at}.mlp.expertsPerToken`, `must be at most experts (got ${String(mlp.expertsPerToken)}, expected at most ${String(mlp.experts)})`);
    within(`${at}.mlp.expertIntermediateSize`, mlp.expertIntermediateSize, MODEL_LIMITS.intermediateSize);
    within(`${at}.mlp.sharedExperts`, mlp.sharedExperts, MODEL_LIMITS.experts);
    within(`${at}.mlp.sharedIntermediateSize`, mlp.sharedIntermediateSize, MODEL_LIMITS.intermediateSize);
    // A shared-expert size without shared experts (or the reverse) is a half-written config, never a real model.
    if (mlp.sharedExperts > 0 && mlp.sharedIntermediateSize === 0) fail(`${at}.mlp.sharedIntermediateSize`, `must be positive when sharedExperts is ${String(mlp.sharedExperts)} (got 0)`);
    if (mlp.sharedExperts === 0 && mlp.sharedIntermediateSize > 0) fail(`${at}.mlp.sharedIntermediateSize`, `must be 0 when sharedExperts is 0 (got ${String(mlp.sharedIntermediateSize)})`);
    if (mlp.sharedExperts === 0 && mlp.sharedGate) fail(`${at}.mlp.sharedGate`, 'gates shared experts, but sharedExperts is 0 (got true, expected false)');
  }
  within(`${at}.window`, layer.window, MODEL_LIMITS.window);
}
