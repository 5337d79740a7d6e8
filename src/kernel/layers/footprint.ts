/**
 * How many elements an executed attention layer allocates on its backend, and how many weight values it generates
 * first (as float64 arrays in the JavaScript heap), from the config and the layer size alone: so a command can check
 * that a shape fits before it allocates anything. Each variant's count follows its builder's allocations one for one;
 * test/kernel/footprint.test.ts checks every count against what a builder really allocates.
 */
import type { Attention, AttentionKind, ModelConfig } from '../../core/model-config.js';
import type { MlaMode } from '../../core/workload.js';
import { ENGINE_WORK_BYTES, type MemoryNeed } from '../memory.js';
import { stepRows, type LayerSize } from './layer.js';

/** Elements a layer allocates on its backend (`buffers`, weights included) and weight values it generates first. */
export interface LayerElements {
  /** Every backend allocation: weights, work buffers, KV cache, RoPE table. */
  readonly buffers: number;
  /** Weight and bias values generated in float64 before they are uploaded. */
  readonly weights: number;
}

type Count<A extends Attention> = (a: A, hidden: number, size: LayerSize, mla: MlaMode) => LayerElements;

/** cos and sin tables of `positions` × ⌊dim / 2⌋ (ropeTable). */
const rope = (positions: number, dim: number): number => 2 * positions * Math.floor(dim / 2);

function grouped(H: number, heads: number, kvHeads: number, dh: number, qkvBias: boolean, outBias: boolean, size: LayerSize): LayerElements {
  const qw = heads * dh;
  const kw = kvHeads * dh;
  const weights = H * qw + 2 * H * kw + qw * H + (qkvBias ? qw + 2 * kw : 0) + (outBias ? H : 0);
  const rows = stepRows(size);
  // x, q, k, v, attention output, y; then the K and V caches.
  const work = rows * (H + qw + 2 * kw + qw + H);
  const caches = 2 * size.batch * size.maxTokens * kw;
  return { buffers: weights + work + caches + rope(size.maxTokens, dh), weights };
}

const COUNTS: { readonly [K in AttentionKind]: Count<Extract<Attention, { kind: K }>> } = {
  mha: (a, H, size) => grouped(H, a.heads, a.heads, a.headDim, a.qkvBias, a.outBias, size),
  gqa: (a, H, size) => grouped(H, a.heads, a.kvHeads, a.headDim, a.qkvBias, a.outBias, size),
  gta: (a, H, size) => {
    const { headDim: dh, queryHeads: nq, keyHeads: nk, valueHeads: nc, valueDim: dl } = a;
    const weights = H * nq * dh + H * nk * dh + H * nc * dl + H * H + (a.decoder ? H * dl : 0) + (a.gate ? H * H : 0)
      + (a.bias ? nq * dh + nk * dh + nc * dl + (a.gate ? H : 0) : 0);
    const rows = stepRows(size);
    // x, q, k, c, attended latent a, u, gate g (when gated), y; then the key and latent caches.
    const work = rows * (H + nq * dh + nk * dh + nc * dl + nq * dl + H + (a.gate ? H : 0) + H);
    const caches = size.batch * size.maxTokens * (nk * dh + nc * dl);
    return { buffers: weights + work + caches + rope(size.maxTokens, dh), weights };
  },
  mla: (a, H, size, mode) => {
    const { heads: nh, qLoraRank: rq, kvLoraRank: dc, qkNopeHeadDim: dn, qkRopeHeadDim: dr, vHeadDim: dv } = a;
    const qd = dn + dr;
    const lw = dc + dr;
    const kvbw = nh * (dn + dv);
    const weights = (rq > 0 ? H * rq + rq + rq * nh * qd : H * nh * qd) + H * lw + dc + dc * kvbw + nh * dv * H;
    const rows = stepRows(size);
    const absorbed = mode === 'absorbed';
    const tokens = size.batch * size.maxTokens;
    // W_UKᵀ, W_UV (absorbed); x, qa (with a query rank), q, kv, qt and lat (absorbed), o, y; the latent cache, and in
    // naive form the decompressed keys and values of every cached token.
    const derived = nh * dn * dc + (absorbed ? nh * dc * dv : 0);
    const work = rows * (H + rq + nh * qd + lw + (absorbed ? nh * lw + nh * dc : 0) + nh * dv + H);
    const caches = tokens * lw + (absorbed ? 0 : tokens * (kvbw + nh * qd));
    return { buffers: weights + derived + work + caches + rope(size.maxTokens, dr), weights };
  },
};

/** Elements one attention layer of this config allocates at this size (MLA in the given form). */
export function layerElements(attention: Attention, hidden: number, size: LayerSize, mla: MlaMode): LayerElements {
  const count = COUNTS[attention.kind] as Count<Attention>;
  return count(attention, hidden, size, mla);
}

/**
 * Bytes running one layer step at this size needs: in the engine (its buffers at `bytesPerElement`, plus room for
 * the fast engine's work buffers) and in all (the float64 weights generated before upload and the step's float64
 * input, `inputValues` of them, besides). On the reference backend (`engine: false`) the buffers live in the
 * JavaScript heap and the engine figure is 0.
 */
export function layerNeed(attention: Attention, hidden: number, size: LayerSize, mla: MlaMode, o: { engine: boolean; bytesPerElement: number; inputValues: number }): MemoryNeed {
  const e = layerElements(attention, hidden, size, mla);
  const buffers = e.buffers * o.bytesPerElement + (o.engine ? ENGINE_WORK_BYTES : 0);
  return { engineBytes: o.engine ? buffers : 0, totalBytes: buffers + 8 * (e.weights + o.inputValues) };
}

/** One timed step as run and validate execute it: a prefill of seqLen tokens, or a decode step at contextLen. */
export interface StepShape {
  readonly phase: 'prefill' | 'decode';
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
  readonly mla: MlaMode;
}

/**
 * Bytes timing one step needs on the fast engine (`fast`, FP32 in its memory) or the float64 reference: the layer
 * sized as run and validate build it, and the step's input.
 */
export function stepNeed(model: ModelConfig, s: StepShape, fast: boolean): MemoryNeed {
  const tokens = s.phase === 'prefill' ? s.seqLen : s.contextLen;
  const step = s.phase === 'prefill' ? s.seqLen : 1;
  return layerNeed(model.attention, model.hiddenSize, { batch: s.batch, maxTokens: tokens, maxStep: step }, s.mla, { engine: fast, bytesPerElement: fast ? 4 : 8, inputValues: s.batch * step * model.hiddenSize });
}
