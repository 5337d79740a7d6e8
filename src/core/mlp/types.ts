/** The interface every MLP kind answers for itself, like the attention variants do. */
import type { Formula } from '../formula.js';
import type { Mlp } from '../model-config.js';
import type { OpDef } from '../op.js';
import type { Parallelism } from '../parallelism.js';
import type { Problem, Shard } from '../variants/variant.js';

/** What the engine needs from an MLP kind. Formulas use the symbols `symbols` returns plus the model's (H, B, T, …). */
export interface MlpModel<M extends Mlp> {
  readonly title: string;
  /** Symbol values of this MLP; `imbalance` is the MoE routing knob (1 = uniform), ignored by dense MLPs. */
  symbols(m: M, imbalance: number): Record<string, number>;
  readonly symbolDocs: Readonly<Record<string, string>>;
  /**
   * The operators between the MLP's norm and its residual add, in execution order; `experts` splits routed experts
   * over expert-parallel ranks (with the all-to-alls that send tokens to them and back).
   */
  ops(m: M, experts?: boolean): OpDef[];
  /** Parameters of one layer's MLP. */
  params(m: M): Formula;
  /** Parameters one device holds of one layer's MLP (routed experts split over the expert-parallel ranks e_p). */
  deviceParams(m: M): Formula;
  /** One device's symbols under tensor and expert parallelism, and why a degree does not fit if it does not. */
  shard(m: M, p: Parallelism, imbalance: number): Shard;
  /** Parameters one token uses (a mixture of experts uses k of its E experts). */
  activeParams(m: M): Formula;
  /** Semantic rules the schema cannot express. */
  check(m: M): Problem[];
  /** Configs covering every operator structure, so the formula generator sees every formula. */
  readonly structures: readonly M[];
}

/** FLOPs per intermediate element of the gated activation and product: SiLU 5 (as the GTA fork charges), tanh-GELU 10. */
export const GATED_ACT_FLOPS = { silu: '5', gelu: '10' } as const;
