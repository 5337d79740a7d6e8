/**
 * GTA (Grouped-head latenT Attention, arXiv 2506.17286): n_q shared attention maps over n_k cached key heads and n_c
 * cached latent value heads of width d_l; after attention a per-token decoder tiles each map's latent e times and
 * adds a learnable projection (W_b), and a sigmoid gate from the current token scales the result before o_proj.
 */
import { attentionCore, type CoreShape } from '../attention-core.js';
import { product, sum } from '../formula.js';
import { elementwise, linear, op, rope, type OpDef, TOKENS } from '../op.js';
import type { GtaAttention } from '../model-config.js';
import { splitHeads, type LayerContext, type Problem, type VariantModel } from './variant.js';

const CORE: CoreShape = {
  maps: 'n_q',
  qkDim: 'd_h',
  valueDim: 'd_l',
  keyCache: product('n_k', 'd_h'),
  keyAct: '0',
  valueCache: product('n_c', 'd_l'),
  valueAct: '0',
  fusedCache: sum(product('n_k', 'd_h'), product('n_c', 'd_l')),
};

/**
 * The decoded width n_h · d_h (= H): written as heads so that tensor parallelism, which splits the maps and so the
 * decoded columns, shrinks it per device while the model's hidden size stays whole.
 */
const DECODED = product('n_h', 'd_h');

function ops(a: GtaAttention, ctx: LayerContext): OpDef[] {
  const list: OpDef[] = [
    linear('q_proj', 'H', product('n_q', 'd_h'), { bias: 'b' }),
    linear('k_proj', 'H', product('n_k', 'd_h'), { bias: 'b' }),
    linear('v_proj', 'H', product('n_c', 'd_l'), { bias: 'b', sink: 'kv' }),
    rope('n_q', 'n_k', 'd_h'),
    ...attentionCore(CORE, ctx),
  ];
  if (a.decoder) {
    // Per map: tile the attended latent e times and add latent · W_b[map] (d_l → e·d_l); the add is n_h·d_h per token.
    list.push(
      op('gemm', 'decoder', {
        flops: sum(product('2', TOKENS, 'n_q', 'd_l', 'e', 'd_l'), product(TOKENS, DECODED)),
        macs: product(TOKENS, 'n_q', 'd_l', 'e', 'd_l'),
        weight: product('n_q', 'd_l', 'e', 'd_l', 'w'),
        actRead: product(TOKENS, 'n_q', 'd_l', 'a'),
        actWrite: product(TOKENS, DECODED, 'a'),
        cols: DECODED,
      }),
    );
  }
  if (a.gate) {
    list.push(
      linear('g_proj', 'H', DECODED, { bias: 'b' }),
      // sigmoid(g) ⊙ U: 5 FLOPs per element (LLM-Viewer's gate_act constant), reads g and U, writes the product.
      elementwise('gate', DECODED, '5', '2', '1'),
    );
  }
  list.push(linear('o_proj', DECODED, 'H'));
  return list;
}

function check(a: GtaAttention, hidden: number): Problem[] {
  const p: Problem[] = [];
  const n = (x: number): string => String(x);
  if (a.heads * a.headDim !== hidden) {
    p.push({ path: 'heads', message: `heads × headDim must equal hiddenSize (got ${n(a.heads)} × ${n(a.headDim)} = ${n(a.heads * a.headDim)}, hiddenSize ${n(hidden)})` });
  }
  if (a.heads % a.queryHeads !== 0) {
    p.push({ path: 'queryHeads', message: `must divide heads (got queryHeads ${n(a.queryHeads)}, heads ${n(a.heads)})` });
  }
  if (a.queryHeads % a.keyHeads !== 0) {
    p.push({ path: 'keyHeads', message: `must divide queryHeads (got keyHeads ${n(a.keyHeads)}, queryHeads ${n(a.queryHeads)})` });
  }
  if (a.queryHeads % a.valueHeads !== 0) {
    p.push({ path: 'valueHeads', message: `must divide queryHeads (got valueHeads ${n(a.valueHeads)}, queryHeads ${n(a.queryHeads)})` });
  }
  const e = Math.floor(hidden / (a.queryHeads * a.valueDim));
  if (e < 1 || a.queryHeads * e * a.valueDim !== hidden) {
    p.push({
      path: 'valueDim',
      message: `queryHeads × e × valueDim must equal hiddenSize for a whole expansion rate e (got ${n(a.queryHeads)} × ${n(a.valueDim)} = ${n(a.queryHeads * a.valueDim)}, hiddenSize ${n(hidden)})`,
    });
  }
  return p;
}

export const gta: VariantModel<GtaAttention> = {
  title: 'Grouped-head latent attention (GTA)',
  symbols: (a) => ({
    n_h: a.heads,
    d_h: a.headDim,
    n_q: a.queryHeads,
    n_k: a.keyHeads,
    n_c: a.valueHeads,
    d_l: a.valueDim,
    e: Math.floor((a.heads * a.headDim) / (a.queryHeads * a.valueDim)),
    b: Number(a.bias),
  }),
  symbolDocs: {
    n_h: 'output heads (n_h · d_h = H)',
    d_h: 'head, query and key dimension',
    n_q: 'query heads = shared attention maps',
    n_k: 'cached key heads',
    n_c: 'cached latent value heads',
    d_l: 'latent value dimension',
    e: 'decoder expansion rate H / (n_q · d_l)',
    b: '1 if q/k/v/g projections have biases, else 0',
  },
  ops,
  core: () => CORE,
  cacheElems: () => sum(product('n_k', 'd_h'), product('n_c', 'd_l')),
  params: (a) =>
    sum(
      product('H', sum(product('n_q', 'd_h'), product('n_k', 'd_h'), product('n_c', 'd_l'))),
      product(a.gate ? '2' : '1', 'H', DECODED),
      a.decoder ? product('n_q', 'd_l', 'e', 'd_l') : '0',
      product('b', sum(product('n_q', 'd_h'), product('n_k', 'd_h'), product('n_c', 'd_l'), a.gate ? DECODED : '0')),
    ),
  check,
  // Maps (query heads) and the decoded output heads split over devices, so each device decodes n_h·d_h / t columns for
  // a row-parallel o_proj; cached key and latent value heads split, or are replicated when t is a multiple of them.
  shard: (a, tp) => {
    const parts = [
      ['n_q', splitHeads(a.queryHeads, tp, 'queryHeads', 'queryHeads', false)],
      ['n_h', splitHeads(a.heads, tp, 'heads', 'heads', false)],
      ['n_k', splitHeads(a.keyHeads, tp, 'keyHeads', 'keyHeads', true)],
      ['n_c', splitHeads(a.valueHeads, tp, 'valueHeads', 'valueHeads', true)],
    ] as const;
    return { symbols: Object.fromEntries(parts.map(([k, v]) => [k, v.value])), problems: parts.flatMap(([, v]) => (v.problem === undefined ? [] : [v.problem])) };
  },
  structures: [true, false].flatMap((decoder) =>
    [true, false].map((gate) => ({
      kind: 'gta' as const,
      heads: 4,
      headDim: 8,
      queryHeads: 2,
      keyHeads: 1,
      valueHeads: 1,
      valueDim: 8,
      bias: true,
      decoder,
      gate,
    })),
  ),
};
