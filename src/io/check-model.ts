/** Semantic rules of a model config, applied after its schema, whatever format it came in. */
import { MODEL_LIMITS, type Limit } from '../core/limits.js';
import type { ModelConfig } from '../core/model-config.js';
import { variantOf } from '../core/variants/index.js';
import { UserError } from './errors.js';

/**
 * Applies the size bounds, then the attention variant's semantic rules; the first problem becomes a UserError.
 * `fieldName` turns a field of ModelConfig (`hiddenSize`, `attention.heads`) into the name the file uses for it.
 */
export function checkModel(model: ModelConfig, file: string, fieldName: (field: string) => string = (f) => f): void {
  checkSizes(model, file, fieldName);
  const problem = variantOf(model.attention).check(model.attention, model.hiddenSize)[0];
  if (problem !== undefined) throw new UserError(file, fieldName(`attention.${problem.path}`), problem.message);
}

/**
 * Every dimension within MODEL_LIMITS, so that the costs built from them stay finite. Attention fields are checked
 * by name, whatever the variant: a field ending in "heads" is a head count, any other number a dimension.
 */
function checkSizes(model: ModelConfig, file: string, fieldName: (field: string) => string): void {
  const within = (field: string, value: number, limit: Limit): void => {
    if (value > limit.max) throw new UserError(file, fieldName(field), `must be at most ${String(limit.max)} ${limit.unit} (got ${String(value)})`);
  };
  within('layers', model.layers, MODEL_LIMITS.layers);
  within('hiddenSize', model.hiddenSize, MODEL_LIMITS.hiddenSize);
  model.blocks.forEach((run, i) => {
    const mlp = run.layer.mlp;
    within(`blocks.${String(i)}.mlp.${mlp.kind === 'dense' ? 'intermediateSize' : 'expertIntermediateSize'}`, mlp.kind === 'dense' ? mlp.intermediateSize : mlp.expertIntermediateSize, MODEL_LIMITS.intermediateSize);
  });
  within('vocabSize', model.vocabSize, MODEL_LIMITS.vocabSize);
  for (const [key, value] of Object.entries(model.attention)) {
    if (typeof value === 'number') within(`attention.${key}`, value, /heads$/i.test(key) ? MODEL_LIMITS.heads : MODEL_LIMITS.headDim);
  }
}
