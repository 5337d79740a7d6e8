/** Loads a model by id or path: the project's own config format or a Hugging Face config.json. */
import type { ModelConfig } from '../core/model-config.js';
import { checkModel } from './check-model.js';
import { fromZod, UserError } from './errors.js';
import { inputKind } from './file-kind.js';
import { importHfConfig, looksLikeHfConfig } from './hf-config.js';
import { configOfFile } from './model-file.js';
import { ModelFileSchema } from './model-schema.js';
import { readJson } from './read-json.js';
import { CONFIGS_DIR, displayPath, idFile, isPath, listIds } from './resolve.js';

/** Validates a parsed model file of the project's format and applies the semantic rules. */
export function parseModelFile(json: unknown, file: string, id: string): ModelConfig {
  const parsed = ModelFileSchema.safeParse(json);
  if (!parsed.success) {
    const kind = inputKind(json);
    if (kind !== undefined && !kind.startsWith('a model config')) throw new UserError(file, '', `this is ${kind}, expected a model config or a Hugging Face config.json`);
    throw fromZod(file, parsed.error, json);
  }
  const { model, fieldName } = configOfFile(parsed.data, file, id);
  checkModel(model, file, fieldName);
  return model;
}

/** The model a `--model` value names: a shipped id (e.g. `paper/gta-1b`) or a path to a JSON file. */
export function loadModel(ref: string): ModelConfig {
  const found = isPath(ref) ? ref : idFile(CONFIGS_DIR, ref);
  const file = found === undefined ? undefined : displayPath(found);
  if (file === undefined) {
    throw new UserError('--model', '', `unknown model "${ref}" (expected a path to a .json file or one of: ${listIds(CONFIGS_DIR).join(', ')})`);
  }
  const json = readJson(file);
  return looksLikeHfConfig(json) ? importHfConfig(json, file, ref) : parseModelFile(json, file, ref);
}

/** Every shipped model id. */
export function modelIds(): string[] {
  return listIds(CONFIGS_DIR);
}
