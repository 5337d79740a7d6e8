/** generate documents built in-process, as the command builds them, for render tests. */
import { DEFAULT_MEMORY_RESERVE } from '../../src/core/capacity.js';
import { GENERATE_SCHEMA, Generator, type GenerateDocument, type GenerateRequest } from '../../src/core/generate.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { LLAMA_2_7B } from './models.js';

const h100 = loadHardware('h100-sxm').hardware;

/** Every combination of the lists (input outermost, batch innermost) of a model on an H100 at 16 bits, 700 W, vLLM's reserve. */
export function generateDoc(inputs: readonly number[], outputs: readonly number[], batches: readonly number[], model: ModelConfig = LLAMA_2_7B): GenerateDocument {
  const generator = new Generator(model, h100, { bits: { weight: 16, activation: 16, kv: 16 }, flash: false, pairs: 'causal', costModel: 'exact' }, { powerWatts: 700, memoryReserve: DEFAULT_MEMORY_RESERVE });
  const requests: GenerateRequest[] = inputs.flatMap((input) => outputs.flatMap((output) => batches.map((batch) => ({ input, output, batch }))));
  return { schema: GENERATE_SCHEMA, tool: { name: 'llm-roofline', version: 'test' }, runs: requests.map((r) => generator.run(r)) };
}
