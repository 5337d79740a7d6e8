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

/**
 * One device's share of a layer under tensor parallelism: the symbol values that change (heads per device) and the
 * problems that keep the degree from dividing the config.
 */
export interface Shard {
  readonly symbols: Readonly<Record<string, number>>;
  readonly problems: readonly Problem[];
}

/**
 * Heads of one kind split over t devices: n / t each when t divides n; when t is a multiple of n (more devices than
 * key/value heads) each head is replicated t / n times, so each device holds one. Anything else does not shard.
 */
export function splitHeads(n: number, t: number, path: string, field: string, replicable: boolean): { value: number; problem?: Problem } {
  if (n % t === 0) return { value: n / t };
  if (replicable && t % n === 0) return { value: 1 };
  const what = replicable ? `must be divisible by --tp or divide it (replicated heads)` : 'must be divisible by --tp';
  return { value: 1, problem: { path, message: `${what} (got ${field} ${String(n)}, --tp ${String(t)})` } };
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
  /** One device's symbols under tensor parallelism of degree `tp`, and why the degree does not fit if it does not. */
  shard(a: A, tp: number): Shard;
  /** Configs covering every operator structure, so the formula generator sees every formula. */
  readonly structures: readonly A[];
}
