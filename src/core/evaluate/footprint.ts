/** The memory a point needs: weights, the batch's KV cache (windows and an MTP module counted), the largest activation. */
import type { Bits } from '../dtype.js';
import { cachedElements, type CacheRun } from '../model.js';
import { AT_ACT_READ, AT_ACT_WRITE, AT_WEIGHT, FIELD_COUNT } from './fields.js';

export interface MemoryFootprint {
  readonly weightBytes: number;
  readonly kvCacheBytes: number;
  readonly kvCacheBytesPerToken: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
  readonly fitsDevice: boolean;
  /** Under KV offload, the whole cache, held in host memory (kvCacheBytes is then the device's two resident layers). */
  readonly hostKvCacheBytes?: number;
}

/** What a plan fixes about its footprint. */
export interface FootprintPlan {
  /** Weights: all parameters at the weight width, or Σ of the per-layer weight loads (LLM-Viewer). */
  readonly weights: 'parameters' | 'layer-loads';
  /** Activation: the largest operator's input plus output, or Σ of one layer's stores (LLM-Viewer). */
  readonly activation: 'largest-op-io' | 'layer-stores';
  /** Parameters whose weights are held (an MTP module's included when it is costed). */
  readonly weightParameters: number;
  /**
   * Devices the per-layer weight loads are split over (LLM-Viewer under --tp: t; else 1): the whole model's weights
   * are that many times the loads.
   */
  readonly layerLoadDevices: number;
  /** KV-cache elements per token of one sequence across all layers. */
  readonly cacheElems: number;
  /** The cache by window when layers hold different numbers of tokens; undefined when every layer holds them all. */
  readonly cacheRuns: readonly CacheRun[] | undefined;
  readonly memoryBytes: number;
  /** The model's operators, from `start` in the evaluated fields: whether each is in a layer, and its count. */
  readonly start: number;
  readonly perLayer: Uint8Array;
  readonly counts: Float64Array;
  /**
   * KV offload: the device holds `layers` layers' cache of `layerElems` elements per token, each as long as the
   * longest layer's (every token, or the widest window `window` when every layer is windowed; 0: some layer is full).
   */
  readonly resident?: { readonly layers: number; readonly layerElems: number; readonly window: number } | undefined;
}

/** The footprint with `tokens` cached per sequence, from the model's operators' fields `f` at the point. */
export function footprintAt(plan: FootprintPlan, f: Float64Array, batch: number, tokens: number, bits: Bits): MemoryFootprint {
  let activationBytes = 0;
  let layerWeightBytes = 0;
  const largest = plan.activation === 'largest-op-io';
  for (let k = 0; k < plan.counts.length; k++) {
    const at = (plan.start + k) * FIELD_COUNT;
    const inLayer = plan.perLayer[k] === 1;
    if (largest) {
      const io = f[at + AT_ACT_READ]! + f[at + AT_ACT_WRITE]!;
      if (io > activationBytes) activationBytes = io;
    } else if (inLayer) activationBytes += f[at + AT_ACT_WRITE]!;
    if (inLayer) layerWeightBytes += plan.counts[k]! * f[at + AT_WEIGHT]!;
  }
  const weightBytes = plan.weights === 'parameters' ? (plan.weightParameters * bits.weight) / 8 : layerWeightBytes * plan.layerLoadDevices;
  const kvCacheBytesPerToken = (plan.cacheElems * bits.kv) / 8;
  const kvCacheBytes = plan.cacheRuns === undefined ? batch * tokens * kvCacheBytesPerToken : (batch * cachedElements(plan.cacheRuns, tokens) * bits.kv) / 8;
  const r = plan.resident;
  if (r !== undefined) {
    const longest = r.window > 0 ? Math.min(tokens, r.window) : tokens;
    const device = Math.min(kvCacheBytes, (r.layers * batch * longest * r.layerElems * bits.kv) / 8);
    const total = weightBytes + device + activationBytes;
    return { weightBytes, kvCacheBytes: device, kvCacheBytesPerToken, activationBytes, totalBytes: total, fitsDevice: total <= plan.memoryBytes, hostKvCacheBytes: kvCacheBytes };
  }
  const totalBytes = weightBytes + kvCacheBytes + activationBytes;
  return { weightBytes, kvCacheBytes, kvCacheBytesPerToken, activationBytes, totalBytes, fitsDevice: totalBytes <= plan.memoryBytes };
}
