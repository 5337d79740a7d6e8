/** GQA (and MQA with one KV head): query heads share contiguous key/value heads. */
import { attentionCore, type CoreShape } from '../attention-core.js';
import { product, sum, type Formula } from '../formula.js';
import { linear, rmsNorm, rope, type OpDef } from '../op.js';
import type { GqaAttention } from '../model-config.js';
import { splitHeads, type LayerContext, type Problem, type Shard, type VariantModel } from './variant.js';

/** Symbol used for the number of KV heads: `n_kv` for GQA, `n_h` for MHA. */
type KvSym = 'n_kv' | 'n_h';

/** The core shape of grouped-query attention with `kv` key/value heads. */
export function groupedCore(kv: KvSym): CoreShape {
  const headCache = product(kv, 'd_h');
  return {
    maps: 'n_h',
    qkDim: 'd_h',
    valueDim: 'd_h',
    keyCache: headCache,
    keyAct: '0',
    valueCache: headCache,
    valueAct: '0',
    fusedCache: product('2', kv, 'd_h'),
  };
}

/**
 * One layer's attention operators of MHA/GQA. Keys pass through RoPE into the cache; values go there directly. With
 * q/k norms (Qwen3, Gemma-3) each query and key head is RMS-normalised over d_h by one shared scale vector before RoPE.
 */
export function groupedOps(kv: KvSym, qkNorm: boolean, ctx: LayerContext): OpDef[] {
  const q = product('n_h', 'd_h');
  const k = product(kv, 'd_h');
  return [
    linear('q_proj', 'H', q, { bias: 'b_qkv' }),
    linear('k_proj', 'H', k, { bias: 'b_qkv' }),
    linear('v_proj', 'H', k, { bias: 'b_qkv', sink: 'kv' }),
    ...(qkNorm ? [rmsNorm('q_norm', q, { scale: 'd_h' }), rmsNorm('k_norm', k, { scale: 'd_h' })] : []),
    rope('n_h', kv, 'd_h'),
    ...attentionCore(groupedCore(kv), ctx),
    linear('o_proj', q, 'H', { bias: 'b_o' }),
  ];
}

/** Attention parameters of MHA/GQA per layer (q/k norms: two scale vectors of d_h). */
export function groupedParams(kv: KvSym, qkNorm: boolean): Formula {
  const qkv = product(sum('n_h', product('2', kv)), 'd_h');
  return sum(product('H', qkv), product('b_qkv', qkv), product('n_h', 'd_h', 'H'), product('b_o', 'H'), qkNorm ? product('2', 'd_h') : '0');
}

/** GQA's rule: key/value heads divide query heads, so groups are whole. */
function checkGroups(a: GqaAttention): Problem[] {
  if (a.heads % a.kvHeads === 0) return [];
  return [{ path: 'kvHeads', message: `must divide heads (got kvHeads ${String(a.kvHeads)}, heads ${String(a.heads)})` }];
}

/**
 * MHA/GQA under tensor parallelism (Megatron): query heads split over devices, key/value heads split or, with more
 * devices than KV heads, replicated so that each device holds one.
 */
export function groupedShard(heads: number, kvHeads: number | undefined, tp: number): Shard {
  const q = splitHeads(heads, tp, 'heads', 'heads', false);
  if (kvHeads === undefined) return { symbols: { n_h: q.value }, problems: q.problem === undefined ? [] : [q.problem] };
  const kv = splitHeads(kvHeads, tp, 'kvHeads', 'kvHeads', true);
  return { symbols: { n_h: q.value, n_kv: kv.value }, problems: [q.problem, kv.problem].filter((p) => p !== undefined) };
}

export const GROUPED_DOCS = {
  n_h: 'attention (query) heads',
  d_h: 'head dimension',
  b_qkv: '1 if q/k/v projections have biases, else 0',
  b_o: '1 if the output projection has a bias, else 0',
} as const;

export const gqa: VariantModel<GqaAttention> = {
  title: 'Grouped-query attention (GQA; MQA when n_kv = 1)',
  symbols: (a) => ({ n_h: a.heads, n_kv: a.kvHeads, d_h: a.headDim, b_qkv: Number(a.qkvBias), b_o: Number(a.outBias) }),
  symbolDocs: { ...GROUPED_DOCS, n_kv: 'key/value heads' },
  ops: (a, ctx) => groupedOps('n_kv', a.qkNorm === true, ctx),
  core: () => groupedCore('n_kv'),
  cacheElems: () => product('2', 'n_kv', 'd_h'),
  params: (a) => groupedParams('n_kv', a.qkNorm === true),
  check: checkGroups,
  shard: (a, tp) => groupedShard(a.heads, a.kvHeads, tp),
  structures: [false, true].map((qkNorm) => ({ kind: 'gqa', heads: 4, kvHeads: 2, headDim: 8, qkvBias: false, outBias: false, qkNorm })),
};
