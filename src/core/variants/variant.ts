/** The interface every attention variant answers for itself. */
import type { CoreShape, PairMode } from '../attention-core.js';
import type { Formula } from '../formula.js';
import type { OpDef } from '../op.js';
import type { Attention } from '../model-config.js';
import type { MlaMode, Phase } from '../workload.js';

/** Settings that choose which operators a plan runs. */
export interface OpsContext {
  readonly phase: Phase;
  readonly flash: boolean;
  readonly pairs: PairMode;
  readonly mla: MlaMode;
}

/** A plan's settings plus what one layer adds: its sliding window and the model's logit soft-capping. */
export interface LayerContext extends OpsContext {
  readonly window: boolean;
  readonly softcap: boolean;
}

/** A semantic problem with a config, located by a dotted path under `attention`. */
export interface Problem {
  readonly path: string;
  readonly message: string;
}

/** What the engine needs from a variant. Formulas use the symbols that `symbols` returns. */
export interface VariantModel<A extends Attention> {
  /** Human-readable name. */
  readonly title: string;
  /** Symbol values of this config (hidden size is `H`, provided by the model). */
  symbols(a: A): Record<string, number>;
  /** Meaning of each symbol, for the `formulas` command. */
  readonly symbolDocs: Readonly<Record<string, string>>;
  /** The attention operators of one layer, in execution order. */
  ops(a: A, ctx: LayerContext): OpDef[];
  /** The attention core's shape (maps, dims, what is read from the cache). */
  core(a: A, ctx: OpsContext): CoreShape;
  /** KV-cache elements per token per layer. */
  cacheElems(a: A): Formula;
  /** Attention parameters per layer, biases and norm scales included. */
  params(a: A): Formula;
  /** Semantic rules the schema cannot express (divisibility, derived integers). */
  check(a: A, hiddenSize: number): Problem[];
  /** Configs covering every operator structure, so the formula generator sees every formula. */
  readonly structures: readonly A[];
}
