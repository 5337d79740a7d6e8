/**
 * MLA (DeepSeek-V2/V3): keys and values are cached as one latent c_kv (d_c) plus a shared RoPE key (d_r) per token.
 * Naive: decompress per-head keys/values from the latent for every key token attended.
 * Absorbed: fold the key up-projection into the query and the value up-projection after attention, so all heads
 * attend the latent directly (one shared "head" of width d_c + d_r).
 */
import { attentionCore, type CoreShape } from '../attention-core.js';
import { product, sum } from '../formula.js';
import { linear, op, rmsNorm, rope, type OpDef, TOKENS } from '../op.js';
import type { MlaAttention } from '../model-config.js';
import { splitHeads, type LayerContext, type OpsContext, type Problem, type VariantModel } from './variant.js';

const QK = sum('d_n', 'd_r');

function core(ctx: OpsContext): CoreShape {
  if (ctx.mla === 'absorbed') {
    return {
      maps: 'n_h',
      qkDim: sum('d_c', 'd_r'),
      valueDim: 'd_c',
      keyCache: sum('d_c', 'd_r'),
      keyAct: '0',
      valueCache: 'd_c',
      valueAct: '0',
      fusedCache: sum('d_c', 'd_r'),
    };
  }
  return {
    maps: 'n_h',
    qkDim: QK,
    valueDim: 'd_v',
    keyCache: 'd_r',
    keyAct: product('n_h', 'd_n'),
    valueCache: '0',
    valueAct: product('n_h', 'd_v'),
    fusedCache: 'd_r',
  };
}

/** A per-head matrix (n_h of them, `inDim → outDim`) applied to each head of every token: W_UK or W_UV. */
function perHead(name: string, inDim: string, outDim: string): OpDef {
  return op('gemm', name, {
    flops: product('2', TOKENS, 'n_h', inDim, outDim),
    macs: product(TOKENS, 'n_h', inDim, outDim),
    weight: product('n_h', inDim, outDim, 'w'),
    actRead: product(TOKENS, 'n_h', inDim, 'a'),
    actWrite: product(TOKENS, 'n_h', outDim, 'a'),
    cols: product('n_h', outDim),
  });
}

function queryPath(a: MlaAttention): OpDef[] {
  const out = product('n_h', QK);
  if (a.qLoraRank === 0) return [linear('q_proj', 'H', out)];
  return [linear('q_a_proj', 'H', 'r_q'), rmsNorm('q_norm', 'r_q'), linear('q_b_proj', 'r_q', out)];
}

function ops(a: MlaAttention, ctx: LayerContext): OpDef[] {
  const shape = core(ctx);
  const front: OpDef[] = [
    ...queryPath(a),
    linear('kv_a_proj', 'H', sum('d_c', 'd_r')),
    rmsNorm('kv_norm', 'd_c', { sink: 'kv' }),
    rope('n_h', '1', 'd_r'),
  ];
  if (ctx.mla === 'absorbed') {
    return [
      ...front,
      perHead('q_absorb', 'd_n', 'd_c'),
      ...attentionCore(shape, ctx),
      perHead('v_up', 'd_c', 'd_v'),
      linear('o_proj', product('n_h', 'd_v'), 'H'),
    ];
  }
  return [
    ...front,
    // Decompresses every attended key token from the latent cache (in decode: all K cached tokens, every step).
    op('gemm', 'kv_b_proj', {
      flops: product('2', 'B', 'K', 'd_c', 'n_h', sum('d_n', 'd_v')),
      macs: product('B', 'K', 'd_c', 'n_h', sum('d_n', 'd_v')),
      weight: product('d_c', 'n_h', sum('d_n', 'd_v'), 'w'),
      kvRead: product('B', 'K', 'd_c', 'kv'),
      actWrite: product('B', 'K', 'n_h', sum('d_n', 'd_v'), 'a'),
      cols: product('n_h', sum('d_n', 'd_v')),
    }),
    ...attentionCore(shape, ctx),
    linear('o_proj', product('n_h', 'd_v'), 'H'),
  ];
}

function check(a: MlaAttention): Problem[] {
  return a.qkNopeHeadDim + a.qkRopeHeadDim > 0
    ? []
    : [{ path: 'qkNopeHeadDim', message: 'qkNopeHeadDim + qkRopeHeadDim must be positive (got 0)' }];
}

export const mla: VariantModel<MlaAttention> = {
  title: 'Multi-head latent attention (MLA)',
  symbols: (a) => ({
    n_h: a.heads,
    r_q: a.qLoraRank,
    d_c: a.kvLoraRank,
    d_n: a.qkNopeHeadDim,
    d_r: a.qkRopeHeadDim,
    d_v: a.vHeadDim,
  }),
  symbolDocs: {
    n_h: 'attention heads',
    r_q: 'query low-rank dimension (q_lora_rank; 0 = direct query projection)',
    d_c: 'latent key/value dimension (kv_lora_rank)',
    d_n: 'per-head query/key dimension without RoPE (qk_nope_head_dim)',
    d_r: 'shared RoPE key dimension (qk_rope_head_dim)',
    d_v: 'per-head value dimension (v_head_dim)',
  },
  ops,
  core: (_a, ctx) => core(ctx),
  cacheElems: () => sum('d_c', 'd_r'),
  params: (a) =>
    sum(
      a.qLoraRank === 0 ? product('H', 'n_h', QK) : sum(product('H', 'r_q'), 'r_q', product('r_q', 'n_h', QK)),
      product('H', sum('d_c', 'd_r')),
      'd_c',
      product('d_c', 'n_h', sum('d_n', 'd_v')),
      product('n_h', 'd_v', 'H'),
    ),
  check,
  // Heads split over devices; the latent cache (d_c + d_r per token) and the down-projections that write it are whole
  // on every device, as vLLM and SGLang run them: the cache per device does not shrink with t.
  shard: (a, tp) => {
    const h = splitHeads(a.heads, tp, 'heads', 'heads', false);
    return { symbols: { n_h: h.value }, problems: h.problem === undefined ? [] : [h.problem] };
  },
  structures: [
    { kind: 'mla', heads: 4, qLoraRank: 0, kvLoraRank: 16, qkNopeHeadDim: 8, qkRopeHeadDim: 4, vHeadDim: 8 },
    { kind: 'mla', heads: 4, qLoraRank: 12, kvLoraRank: 16, qkNopeHeadDim: 8, qkRopeHeadDim: 4, vHeadDim: 8 },
  ],
};
