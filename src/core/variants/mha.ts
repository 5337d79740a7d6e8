/** MHA: GQA where every query head has its own key/value head (n_kv = n_h). */
import { product } from '../formula.js';
import type { MhaAttention } from '../model-config.js';
import { GROUPED_DOCS, groupedCore, groupedOps, groupedParams, groupedShard } from './gqa.js';
import type { VariantModel } from './variant.js';

export const mha: VariantModel<MhaAttention> = {
  title: 'Multi-head attention (MHA)',
  symbols: (a) => ({ n_h: a.heads, d_h: a.headDim, b_qkv: Number(a.qkvBias), b_o: Number(a.outBias) }),
  symbolDocs: GROUPED_DOCS,
  ops: (a, ctx) => groupedOps('n_h', a.qkNorm === true, ctx),
  core: () => groupedCore('n_h'),
  cacheElems: () => product('2', 'n_h', 'd_h'),
  params: (a) => groupedParams('n_h', a.qkNorm === true),
  check: () => [],
  shard: (a, tp) => groupedShard(a.heads, undefined, tp),
  structures: [false, true].map((qkNorm) => ({ kind: 'mha', heads: 4, headDim: 8, qkvBias: false, outBias: false, qkNorm })),
};
