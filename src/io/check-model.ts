/** Semantic rules of a model config, applied after its schema, whatever format it came in. */
import type { ModelConfig } from '../core/model-config.js';
import { variantOf } from '../core/variants/index.js';
import { UserError } from './errors.js';

/** Applies the attention variant's semantic rules; the first problem becomes a UserError. */
export function checkModel(model: ModelConfig, file: string): void {
  const problem = variantOf(model.attention).check(model.attention, model.hiddenSize)[0];
  if (problem !== undefined) throw new UserError(file, `attention.${problem.path}`, problem.message);
}
