/** Model configs built in tests, so core tests need no files. */
import { denseLayer, type Attention, type ModelConfig } from '../../src/core/model-config.js';

/** Sizes of a uniform dense model: every layer the same SwiGLU MLP of `intermediateSize`. */
type DenseExtras = Partial<Omit<ModelConfig, 'blocks'>> & { intermediateSize?: number; mlpBias?: boolean };

/** A model around an attention config with the given hidden size (other sizes small and fixed), every layer dense. */
export function modelWith(attention: Attention, hiddenSize: number, extra: DenseExtras = {}): ModelConfig {
  const { intermediateSize = 3 * hiddenSize, mlpBias = false, ...rest } = extra;
  const layers = rest.layers ?? 4;
  return {
    id: `test-${attention.kind}`,
    name: `test ${attention.kind}`,
    layers,
    hiddenSize,
    vocabSize: 1000,
    tiedEmbeddings: true,
    attention,
    logitSoftcap: false,
    attentionSinks: false,
    ...rest,
    blocks: [{ count: layers, layer: denseLayer(intermediateSize, mlpBias) }],
  };
}

/** GTA-1B (paper Table 5), inline. */
export const GTA_1B = modelWith({ kind: 'gta', heads: 20, headDim: 64, queryHeads: 5, keyHeads: 1, valueHeads: 1, valueDim: 128, bias: true, decoder: true, gate: true }, 1280, { layers: 54, intermediateSize: 3584, vocabSize: 128256 });
/** GQA-1B (paper Table 5), inline. */
export const GQA_1B = modelWith({ kind: 'gqa', heads: 20, kvHeads: 5, headDim: 64, qkvBias: false, outBias: false }, 1280, { layers: 54, intermediateSize: 3584, vocabSize: 128256 });
/** 160M MLA (paper Table 5 with the derived dims), inline. */
export const MLA_160M = modelWith({ kind: 'mla', heads: 12, qLoraRank: 0, kvLoraRank: 256, qkNopeHeadDim: 64, qkRopeHeadDim: 32, vHeadDim: 64 }, 768, { layers: 24, intermediateSize: 1920, vocabSize: 32000 });
/** Llama-2-7B, inline. */
export const LLAMA_2_7B = modelWith({ kind: 'mha', heads: 32, headDim: 128, qkvBias: false, outBias: false }, 4096, { layers: 32, intermediateSize: 11008, vocabSize: 32000, tiedEmbeddings: false });
