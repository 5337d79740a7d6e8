/**
 * The attention core shared by all variants: scores, softmax and the value product, either unfused (the score matrix
 * is written and read back in the activation dtype) or fused FlashAttention-style (no score traffic; K and V are
 * re-read once per query tile of `Br` rows).
 */
import { compile } from './compile.js';
import { product, sum, type Formula } from './formula.js';
import { op, type OpDef } from './op.js';

/** The shape of an attention core, as formulas per token of the variant's symbols. */
export interface CoreShape {
  /** Number of distinct attention maps (softmaxes) per query token. */
  readonly maps: Formula;
  /** Dimension of each query/key dot product. */
  readonly qkDim: Formula;
  /** Dimension of each value vector the probabilities multiply. */
  readonly valueDim: Formula;
  /** Elements per key token read from the KV cache by the score product. */
  readonly keyCache: Formula;
  /** Elements per key token read from activations by the score product (decompressed keys). */
  readonly keyAct: Formula;
  /** Elements per key token read from the KV cache by the value product. */
  readonly valueCache: Formula;
  /** Elements per key token read from activations by the value product (decompressed values). */
  readonly valueAct: Formula;
  /** Elements per key token a fused kernel reads from the cache (keys and values may overlap, as in MLA). */
  readonly fusedCache: Formula;
}

/** The numbers a kernel's speed depends on, evaluated from a core shape. */
export interface AttentionShape {
  /** Maps per cached key element: maps × qkDim ÷ key elements read per token (1 for MHA, n_h/n_kv for GQA). */
  readonly reuse: number;
  /** Mean of the score and value dimensions. */
  readonly dim: number;
}

/** The formulas attentionShape evaluates (listed so the formula catalog compiles them). */
export function shapeFormulas(shape: CoreShape): Formula[] {
  return [shape.maps, shape.qkDim, shape.valueDim, shape.keyCache, shape.keyAct];
}

/** A core shape's reuse and dimension with the model's symbols bound. */
export function attentionShape(shape: CoreShape, sym: Record<string, number>): AttentionShape {
  const [maps, qk, value, keyCache, keyAct] = shapeFormulas(shape).map((f) => compile(f)(sym)) as [number, number, number, number, number];
  const keys = keyCache + keyAct;
  return { reuse: keys > 0 ? (maps * qk) / keys : maps, dim: (qk + value) / 2 };
}

/** Pair-count conventions of prefill: causal counts S(S+1)/2 (query, key) pairs, dense counts S². */
export const PAIR_MODES = ['causal', 'dense'] as const;
export type PairMode = (typeof PAIR_MODES)[number];

/** Keys each query tile re-reads from memory in a fused kernel, summed over tiles (per sequence and cached head). */
export function fusedKeyReads(pairs: PairMode, window: boolean, decode = false): Formula {
  // Causal: tile i (of n_t, each Br rows) sees min((i+1)·Br, K) keys; the sum has this closed form. A decode pass's
  // T new queries follow K − T cached keys, which every tile reads first: (K − T) more per tile; at T = 1 (n_t = 1)
  // that is (K − 1) + 0 + 1 = K.
  // Dense: every tile sees all K keys. In decode T = 1, so n_t = 1 and both give K.
  const causal = decode ? 'n_t * (K - T) + Br * n_t * (n_t - 1) / 2 + T' : 'Br * n_t * (n_t - 1) / 2 + K';
  const full = pairs === 'causal' ? causal : 'n_t * K';
  // A window of W keys: a tile of Br rows reads at most the W + Br keys its rows can see (decode: K, already ≤ W).
  return window ? `min(${full}, n_t * (W + Br))` : full;
}

/** Largest per-head dimension a fused kernel holds in on-chip memory for one tile row. */
export function tileDim(shape: CoreShape): Formula {
  return shape.qkDim === shape.valueDim ? shape.qkDim : `max(${shape.qkDim}, ${shape.valueDim})`;
}

/** Settings of one layer's attention core: kernel style, pair convention, sliding window, logit soft-capping. */
export interface CoreOptions {
  readonly flash: boolean;
  readonly pairs: PairMode;
  /** The layer attends within a sliding window W (K and P are then the windowed counts). */
  readonly window: boolean;
  /** Scores are soft-capped, c·tanh(s/c): 3 FLOPs per score (a divide, a tanh, a multiply). */
  readonly softcap: boolean;
  /** The pass's new queries follow cached keys (decode), rather than being all the keys (prefill; the default). */
  readonly phase?: 'prefill' | 'decode' | undefined;
}

/** The attention-core operators for a shape: unfused (qk_matmul, softmax, sv_matmul) or fused (attention). */
export function attentionCore(shape: CoreShape, opts: CoreOptions): OpDef[] {
  const { maps, qkDim, valueDim } = shape;
  const capFlops = opts.softcap ? product('3', 'B', 'P', maps) : '0';
  const scoreFlops = product('2', 'B', 'P', maps, qkDim);
  const valueFlops = product('2', 'B', 'P', maps, valueDim);
  const softmaxFlops = product('5', 'B', 'P', maps);
  const scoreMacs = product('B', 'P', maps, qkDim);
  const valueMacs = product('B', 'P', maps, valueDim);
  const exps = product('B', 'P', maps);
  const qRead = product('B', 'T', maps, qkDim, 'a');
  const out = product('B', 'T', maps, valueDim, 'a');
  if (opts.flash) {
    const reads = fusedKeyReads(opts.pairs, opts.window, opts.phase === 'decode');
    return [
      op('attention', 'attention', {
        flops: sum(scoreFlops, capFlops, softmaxFlops, valueFlops),
        macs: sum(scoreMacs, valueMacs),
        exps,
        actRead: sum(qRead, product('B', reads, sum(shape.keyAct, shape.valueAct), 'a')),
        kvRead: product('B', reads, shape.fusedCache, 'kv'),
        actWrite: out,
      }),
    ];
  }
  const scores = product('B', 'P', maps, 'a');
  return [
    op('attention', 'qk_matmul', {
      flops: scoreFlops,
      macs: scoreMacs,
      actRead: sum(qRead, product('B', 'K', shape.keyAct, 'a')),
      kvRead: product('B', 'K', shape.keyCache, 'kv'),
      actWrite: scores,
    }),
    ...(opts.softcap ? [op('attention', 'softcap', { flops: capFlops, actRead: scores, actWrite: scores })] : []),
    op('attention', 'softmax', { flops: softmaxFlops, exps, actRead: scores, actWrite: scores }),
    op('attention', 'sv_matmul', {
      flops: valueFlops,
      macs: valueMacs,
      actRead: sum(scores, product('B', 'K', shape.valueAct, 'a')),
      kvRead: product('B', 'K', shape.valueCache, 'kv'),
      actWrite: out,
    }),
  ];
}
