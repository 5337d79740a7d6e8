/** The dense gated MLP (SwiGLU or GeGLU): gate and up projections, the activation and product, the down projection. */
import { product, sum } from '../formula.js';
import type { DenseMlp } from '../model-config.js';
import { elementwise, linear, type OpDef } from '../op.js';
import { GATED_ACT_FLOPS, type MlpModel } from './types.js';

/** Gate and up H → I, activation ⊙ up over I, down I → H, each projection biased when `bias` is the symbol given. */
export function gatedMlp(prefix: string, inter: string, act: DenseMlp['activation'], bias: string): OpDef[] {
  return [
    linear(`${prefix}gate_proj`, 'H', inter, { bias }),
    linear(`${prefix}up_proj`, 'H', inter, { bias }),
    // act(gate) ⊙ up reads both projections and writes one vector of the intermediate size.
    elementwise(`${prefix}mlp_act`, inter, GATED_ACT_FLOPS[act], '2', '1'),
    linear(`${prefix}down_proj`, inter, 'H', { bias }),
  ];
}

export const dense: MlpModel<DenseMlp> = {
  title: 'dense gated MLP',
  symbols: (m) => ({ I: m.intermediateSize, b_mlp: Number(m.bias) }),
  symbolDocs: { I: 'MLP intermediate size', b_mlp: '1 if MLP projections have biases, else 0' },
  ops: (m) => gatedMlp('', 'I', m.activation, 'b_mlp'),
  params: () => sum(product('3', 'H', 'I'), product('b_mlp', sum(product('2', 'I'), 'H'))),
  activeParams: () => sum(product('3', 'H', 'I'), product('b_mlp', sum(product('2', 'I'), 'H'))),
  deviceParams: () => sum(product('3', 'H', 'I'), product('b_mlp', sum(product('2', 'I'), 'H'))),
  // Megatron: gate and up split by columns, down by rows; expert ranks each hold the whole MLP.
  shard: (m, p) =>
    m.intermediateSize % p.tp === 0
      ? { symbols: { I: m.intermediateSize / p.tp }, problems: [] }
      : { symbols: {}, problems: [{ path: 'intermediateSize', message: `must be divisible by --tp (got intermediateSize ${String(m.intermediateSize)}, --tp ${String(p.tp)})` }] },
  check: () => [],
  structures: (['silu', 'gelu'] as const).map((activation) => ({ kind: 'dense', intermediateSize: 64, bias: false, activation })),
};
