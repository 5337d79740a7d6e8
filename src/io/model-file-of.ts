/** A ModelConfig written back in the project's model-file format (what `models show --format json` prints). */
import type { ModelConfig } from '../core/model-config.js';
import type { ModelFile } from './model-schema.js';

/** The model-file form of a model: the plain form when every layer is the same dense full-attention layer. */
export function modelFileOf(m: ModelConfig): ModelFile {
  const [first, ...rest] = m.blocks;
  const mlp = first?.layer.mlp;
  const plain = first !== undefined && rest.length === 0 && first.layer.window === 0 && first.layer.norms === 2 && !m.logitSoftcap && !m.attentionSinks && m.mtp === undefined;
  if (!plain || mlp?.kind !== 'dense' || mlp.activation !== 'silu') throw new Error('internal: only uniform dense models can be written as model files yet');
  return { name: m.name, source: m.source, layers: m.layers, hiddenSize: m.hiddenSize, intermediateSize: mlp.intermediateSize, vocabSize: m.vocabSize, tiedEmbeddings: m.tiedEmbeddings, mlpBias: mlp.bias, attention: m.attention };
}
