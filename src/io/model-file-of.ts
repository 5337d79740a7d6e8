/** A ModelConfig written back in the project's model-file format (what `models show --format json` prints). */
import type { ModelConfig } from '../core/model-config.js';
import type { ModelFile } from './model-schema.js';

/** The model-file form of a model: the plain form when every layer is the same dense full-attention layer. */
export function modelFileOf(m: ModelConfig): ModelFile {
  const [first, ...rest] = m.blocks;
  const plain = first !== undefined && rest.length === 0 && first.layer.mlp.kind === 'dense' && first.layer.window === 0 && first.layer.norms === 2 && first.layer.mlp.activation === 'silu' && !m.logitSoftcap && !m.attentionSinks && m.mtp === undefined;
  if (!plain || first.layer.mlp.kind !== 'dense') throw new Error('internal: only uniform dense models can be written as model files yet');
  return { name: m.name, source: m.source, layers: m.layers, hiddenSize: m.hiddenSize, intermediateSize: first.layer.mlp.intermediateSize, vocabSize: m.vocabSize, tiedEmbeddings: m.tiedEmbeddings, mlpBias: first.layer.mlp.bias, attention: m.attention };
}
