/** The model-file format and ModelConfig, both ways: the flat and layered forms in, the shortest faithful form out. */
import { isBitWidth } from '../core/dtype.js';
import type { LayerSpec, ModelConfig } from '../core/model-config.js';
import type { FieldName } from './check-model.js';
import { UserError } from './errors.js';
import type { ParsedModelFile } from './model-schema.js';

type FileLayer = NonNullable<ParsedModelFile['blocks']>[number];
type FileMtp = NonNullable<ParsedModelFile['mtp']>;

/** The model-file form of a model, without `$schema`; what `models show` prints and what a file may hold. */
export type ModelFileOut = Omit<ParsedModelFile, '$schema'>;

const layerOf = ({ mlp, window, norms }: FileLayer | FileMtp): LayerSpec => ({ mlp, window, norms });

/**
 * The ModelConfig a schema-valid file describes, and how to name its fields in errors. Exactly one of
 * `intermediateSize` (flat) and `blocks` (layered) must be present; the sum of the blocks is checkModel's rule.
 */
export function configOfFile(data: ParsedModelFile, file: string, id: string): { model: ModelConfig; fieldName: FieldName } {
  const { name, source, layers, hiddenSize, intermediateSize, mlpBias, blocks, vocabSize, tiedEmbeddings, attention, logitSoftcap, attentionSinks, mtp, weightBits } = data;
  if (intermediateSize !== undefined && blocks !== undefined) {
    throw new UserError(file, 'blocks', 'give either intermediateSize (every layer dense) or blocks (runs of layers), not both (got both)');
  }
  if (intermediateSize === undefined && blocks === undefined) {
    throw new UserError(file, 'intermediateSize', 'required field is missing (expected intermediateSize for a model whose layers are all dense, or blocks for runs of layers)');
  }
  if (blocks !== undefined && mlpBias !== undefined) {
    throw new UserError(file, 'mlpBias', `only with intermediateSize; with blocks, set blocks.N.mlp.bias (got ${String(mlpBias)})`);
  }
  const runs =
    blocks === undefined
      ? [{ count: layers, layer: { mlp: { kind: 'dense' as const, intermediateSize: intermediateSize ?? 0, bias: mlpBias ?? false, activation: 'silu' as const }, window: 0, norms: 2 as const } }]
      : blocks.map((b) => ({ count: b.count, layer: layerOf(b) }));
  const model: ModelConfig = {
    id,
    name,
    source,
    layers,
    hiddenSize,
    vocabSize,
    tiedEmbeddings,
    attention,
    blocks: runs,
    logitSoftcap,
    attentionSinks,
    mtp: mtp === undefined ? undefined : { count: mtp.count, layer: layerOf(mtp) },
    weightBits,
  };
  // The flat form has one implied run: its only checkable field is the intermediate size the file gave at the top.
  const flat: FieldName = (f) => (f === 'blocks.0.mlp.intermediateSize' ? 'intermediateSize' : f);
  return { model, fieldName: blocks === undefined ? flat : (f) => f };
}

/** A run that the flat form can say: dense SiLU MLP, full attention, two norms. */
function isFlat(layer: LayerSpec): boolean {
  return layer.mlp.kind === 'dense' && layer.mlp.activation === 'silu' && layer.window === 0 && layer.norms === 2;
}

const fileLayer = (layer: LayerSpec): Omit<FileLayer, 'count'> => ({ mlp: layer.mlp, window: layer.window, norms: layer.norms });

/**
 * The model as a model file says it: the flat form when every layer is the same dense SwiGLU with full attention
 * (so shipped configs print as they are written), the layered form otherwise; an absent MTP module or weight width
 * stays absent.
 */
export function fileOfConfig(m: ModelConfig): ModelFileOut {
  const only = m.blocks.length === 1 ? m.blocks[0] : undefined;
  const flatMlp = only !== undefined && isFlat(only.layer) && only.layer.mlp.kind === 'dense' ? only.layer.mlp : undefined;
  return {
    name: m.name,
    ...(m.source === undefined ? {} : { source: m.source }),
    layers: m.layers,
    hiddenSize: m.hiddenSize,
    ...(flatMlp === undefined
      ? { blocks: m.blocks.map((run) => ({ count: run.count, ...fileLayer(run.layer) })) }
      : { intermediateSize: flatMlp.intermediateSize, mlpBias: flatMlp.bias }),
    vocabSize: m.vocabSize,
    tiedEmbeddings: m.tiedEmbeddings,
    // q/k norms are optional in the engine (absent = none) and always written in files.
    attention: m.attention.kind === 'mha' || m.attention.kind === 'gqa' ? { ...m.attention, qkNorm: m.attention.qkNorm === true } : m.attention,
    logitSoftcap: m.logitSoftcap,
    attentionSinks: m.attentionSinks,
    ...(m.mtp === undefined ? {} : { mtp: { count: m.mtp.count, ...fileLayer(m.mtp.layer) } }),
    ...(m.weightBits !== undefined && isBitWidth(m.weightBits) ? { weightBits: m.weightBits } : {}),
  };
}
