/**
 * The mixture-of-experts MLP: a router scores E experts per token and keeps the top k; each token runs its k routed
 * experts (gated MLPs of I_e) and every shared expert. Compute counts k experts per token; weight traffic counts the
 * experts a pass touches: with N = B·T tokens routed uniformly, E·(1 − (1 − k/E)^N) distinct experts. A real router
 * is imbalanced; the knob g_i ≥ 1 routes as if uniformly over E/g_i experts, (E/g_i)·(1 − (1 − k·g_i/E)^N).
 */
import { product, sum } from '../formula.js';
import type { MoeMlp } from '../model-config.js';
import { elementwise, linear, op, TOKENS, type OpDef } from '../op.js';
import { gatedMlp } from './dense.js';
import { GATED_ACT_FLOPS, type MlpModel } from './types.js';
import type { Problem } from '../variants/variant.js';

/** Expected distinct experts a pass of B·T tokens touches. */
const TOUCHED_EXPERTS = 'E / g_i * (1 - (1 - k_r * g_i / E) ^ (B * T))';

/** Expert rows: every token once per routed expert. */
const ROWS = product(TOKENS, 'k_r');

/** One projection of the routed experts `inDim → outDim`: FLOPs for k experts per token, weights of those touched. */
function expertProjection(name: string, inDim: string, outDim: string): OpDef {
  return op('gemm', name, {
    flops: product('2', ROWS, inDim, outDim),
    macs: product(ROWS, inDim, outDim),
    weight: product(TOUCHED_EXPERTS, sum(inDim, 'b_e'), outDim, 'w'),
    actRead: product(ROWS, inDim, 'a'),
    actWrite: product(ROWS, outDim, 'a'),
    cols: outDim,
  });
}

function ops(m: MoeMlp): OpDef[] {
  const list: OpDef[] = [
    linear('router', 'H', 'E', { bias: 'b_r' }),
    // Scores (softmax or sigmoid, 5 FLOPs and one exp per logit) and the top-k pick, which keeps k weights per token.
    op('elementwise', 'router_topk', {
      flops: product('5', TOKENS, 'E'),
      exps: product(TOKENS, 'E'),
      actRead: product(TOKENS, 'E', 'a'),
      actWrite: product(TOKENS, 'k_r', 'a'),
    }),
    expertProjection('expert_gate_proj', 'H', 'I_e'),
    expertProjection('expert_up_proj', 'H', 'I_e'),
    op('elementwise', 'expert_act', {
      flops: product(GATED_ACT_FLOPS[m.activation], ROWS, 'I_e'),
      actRead: product('2', ROWS, 'I_e', 'a'),
      actWrite: product(ROWS, 'I_e', 'a'),
    }),
    expertProjection('expert_down_proj', 'I_e', 'H'),
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

/** Parameters of one MoE layer with `experts` routed experts counted (E for the total, k_r for one token's share). */
function params(m: MoeMlp, experts: 'E' | 'k_r'): string {
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
  },
  ops,
  params: (m) => params(m, 'E'),
  activeParams: (m) => params(m, 'k_r'),
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
