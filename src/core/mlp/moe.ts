/**
 * The mixture-of-experts MLP: a router scores E experts per token and keeps the top k; each token runs its k routed
 * experts (gated MLPs of I_e) and every shared expert. Compute counts k experts per token; weight traffic counts the
 * experts a pass touches: with N = B·T tokens routed uniformly, E·(1 − (1 − k/E)^N) distinct experts. A real router
 * is imbalanced; the knob g_i ≥ 1 routes as if uniformly over E/g_i experts, (E/g_i)·(1 − (1 − k·g_i/E)^N).
 */
import { product, sum } from '../formula.js';
import type { MoeMlp } from '../model-config.js';
import { allToAll } from '../collective.js';
import { elementwise, linear, op, TOKENS, type OpDef } from '../op.js';
import { gatedMlp } from './dense.js';
import { GATED_ACT_FLOPS, type MlpModel } from './types.js';
import type { Problem } from '../variants/variant.js';

/** Expected distinct experts a pass of B·T tokens touches. */
const TOUCHED_EXPERTS = 'E / g_i * (1 - (1 - k_r * g_i / E) ^ (B * T))';

/** Expert rows: every token once per routed expert. */
const ROWS = product(TOKENS, 'k_r');

/**
 * Under expert parallelism, the rows the busiest rank computes: its share s_e of every rank's rows (1/e_p under
 * uniform routing, g_i/e_p under the imbalance knob, at most all of them).
 */
const RANK_ROWS = product(TOKENS, 'k_r', 's_e');

/**
 * Rows an all-to-all of the busiest rank moves, over the whole batch B: the larger of what it sends, its own ⌈B / e_p⌉
 * sequences' rows, and what it receives, the rows its experts compute (s_e of all; more than its own under imbalance).
 * The combine returns the outputs of the same rows.
 */
const EXCHANGED_ROWS = product('max(ceil(B / e_p), s_e * B)', 'T', 'k_r');

/**
 * One projection of the routed experts `inDim → outDim`: FLOPs for k experts per token, weights of those touched.
 * Split over expert ranks, the busiest rank computes its share of the group's rows and reads its share of the touched
 * experts.
 */
function expertProjection(name: string, inDim: string, outDim: string, split: boolean): OpDef {
  const rows = split ? RANK_ROWS : ROWS;
  return {
    ...op('gemm', name, {
      flops: product('2', rows, inDim, outDim),
      macs: product(rows, inDim, outDim),
      weight: product(TOUCHED_EXPERTS, split ? 's_e' : '1', sum(inDim, 'b_e'), outDim, 'w'),
      actRead: product(rows, inDim, 'a'),
      actWrite: product(rows, outDim, 'a'),
      cols: outDim,
    }),
    ...(split ? { batch: 'all' as const } : {}),
  };
}

function ops(m: MoeMlp, split = false): OpDef[] {
  const rows = split ? RANK_ROWS : ROWS;
  const expertAct: OpDef = op('elementwise', 'expert_act', {
    flops: product(GATED_ACT_FLOPS[m.activation], rows, 'I_e'),
    actRead: product('2', rows, 'I_e', 'a'),
    actWrite: product(rows, 'I_e', 'a'),
  });
  const list: OpDef[] = [
    linear('router', 'H', 'E', { bias: 'b_r' }),
    // Scores (softmax or sigmoid, 5 FLOPs and one exp per logit) and the top-k pick, which keeps k weights per token.
    op('elementwise', 'router_topk', {
      flops: product('5', TOKENS, 'E'),
      exps: product(TOKENS, 'E'),
      actRead: product(TOKENS, 'E', 'a'),
      actWrite: product(TOKENS, 'k_r', 'a'),
    }),
    // Expert ranks: each sends its tokens' hidden states to the ranks of their k experts, and gets the outputs back;
    // the busiest rank's exchange is the larger of its tokens' rows and the rows its experts compute.
    ...(split ? [{ ...allToAll('dispatch', product(EXCHANGED_ROWS, 'H')), batch: 'all' as const }] : []),
    expertProjection('expert_gate_proj', 'H', 'I_e', split),
    expertProjection('expert_up_proj', 'H', 'I_e', split),
    split ? { ...expertAct, batch: 'all' as const } : expertAct,
    expertProjection('expert_down_proj', 'I_e', 'H', split),
    ...(split ? [{ ...allToAll('combine', product(EXCHANGED_ROWS, 'H')), batch: 'all' as const }] : []),
    // Each token's k expert outputs scaled by their router weights and summed: a multiply and an add per element.
    op('elementwise', 'expert_combine', {
      flops: product('2', ROWS, 'H'),
      actRead: product(ROWS, 'H', 'a'),
      actWrite: product(TOKENS, 'H', 'a'),
    }),
  ];
  if (m.sharedExperts > 0) {
    list.push(...gatedMlp('shared_', product('n_s', 'I_s'), m.activation, '0'));
    if (m.sharedGate) list.push(linear('shared_expert_gate', 'H', '1'), elementwise('shared_scale', 'H', '1', '1', '1'));
  }
  return list;
}

/**
 * Parameters of one MoE layer with `experts` routed experts counted (E for the total, k_r for one token's share, E/e_p
 * for what one expert-parallel rank holds).
 */
function params(m: MoeMlp, experts: 'E' | 'k_r' | 'E / e_p'): string {
  const expert = sum(product('3', 'H', 'I_e'), product('b_e', sum(product('2', 'I_e'), 'H')));
  return sum(
    product('H', 'E'),
    product('b_r', 'E'),
    product(experts, expert),
    m.sharedExperts > 0 ? product('3', 'n_s', 'H', 'I_s') : '0',
    m.sharedExperts > 0 && m.sharedGate ? 'H' : '0',
  );
}

function check(m: MoeMlp): Problem[] {
  const p: Problem[] = [];
  if (m.expertsPerToken > m.experts) p.push({ path: 'expertsPerToken', message: `must be at most experts (got ${String(m.expertsPerToken)}, experts ${String(m.experts)})` });
  if ((m.sharedExperts > 0) !== (m.sharedIntermediateSize > 0)) {
    p.push({ path: 'sharedIntermediateSize', message: `must be positive exactly when sharedExperts is (got sharedExperts ${String(m.sharedExperts)}, sharedIntermediateSize ${String(m.sharedIntermediateSize)})` });
  }
  return p;
}

export const moe: MlpModel<MoeMlp> = {
  title: 'mixture-of-experts MLP',
  symbols: (m, imbalance) => ({
    E: m.experts,
    k_r: m.expertsPerToken,
    I_e: m.expertIntermediateSize,
    n_s: m.sharedExperts,
    I_s: m.sharedIntermediateSize,
    b_r: Number(m.routerBias),
    b_e: Number(m.expertBias),
    // Routing as if uniform over E/g_i experts; never fewer experts than a token uses.
    g_i: Math.min(imbalance, m.experts / m.expertsPerToken),
    e_p: 1,
    s_e: 1,
  }),
  symbolDocs: {
    E: 'routed experts',
    k_r: 'routed experts per token',
    I_e: 'intermediate size of a routed expert',
    n_s: 'shared experts (every token runs them)',
    I_s: 'intermediate size of a shared expert',
    b_r: '1 if the router has a bias per expert, else 0',
    b_e: '1 if expert projections have biases, else 0',
    g_i: 'routing imbalance: tokens route as if uniformly over E / g_i experts (1 = uniform)',
    e_p: 'expert-parallel ranks the routed experts are split over (1 = none)',
    s_e: 'share of the routed rows the busiest expert rank computes: min(g_i, e_p) / e_p',
  },
  ops,
  params: (m) => params(m, 'E'),
  activeParams: (m) => params(m, 'k_r'),
  deviceParams: (m) => params(m, 'E / e_p'),
  shard: (m, p, imbalance) => {
    const problems: Problem[] = [];
    const split = (n: number, by: number, path: string, flag: string): number => {
      if (n % by === 0) return n / by;
      problems.push({ path, message: `must be divisible by ${flag} (got ${path} ${String(n)}, ${flag} ${String(by)})` });
      return 1;
    };
    // Tensor parallel splits every expert's intermediate columns; expert parallel splits the routed experts.
    const symbols: Record<string, number> = { I_e: split(m.expertIntermediateSize, p.tp, 'expertIntermediateSize', '--tp'), e_p: p.ep };
    if (m.sharedExperts > 0) symbols.I_s = split(m.sharedIntermediateSize, p.tp, 'sharedIntermediateSize', '--tp');
    if (p.ep > 1) split(m.experts, p.ep, 'experts', '--ep');
    const g = Math.min(imbalance, m.experts / m.expertsPerToken);
    symbols.s_e = Math.min(g, p.ep) / p.ep;
    return { symbols, problems };
  },
  check,
  structures: (['silu', 'gelu'] as const).flatMap((activation) =>
    [
      [0, 0, false],
      [2, 32, false],
      [1, 32, true],
    ].map(([sharedExperts, sharedIntermediateSize, sharedGate]) => ({
      kind: 'moe' as const,
      experts: 8,
      expertsPerToken: 2,
      expertIntermediateSize: 16,
      sharedExperts: sharedExperts as number,
      sharedIntermediateSize: sharedIntermediateSize as number,
      sharedGate: sharedGate as boolean,
      routerBias: false,
      expertBias: false,
      activation,
    })),
  ),
};
