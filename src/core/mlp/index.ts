/** Every MLP kind's model, one per kind: a kind without a model fails to compile. */
import type { Mlp, MlpKind } from '../model-config.js';
import { dense } from './dense.js';
import { moe } from './moe.js';
import type { MlpModel } from './types.js';

type MlpMap = { readonly [K in MlpKind]: MlpModel<Extract<Mlp, { kind: K }>> };

export const MLPS = { dense, moe } as const satisfies MlpMap;

/** The model of an MLP config, typed to accept that config. */
export function mlpOf<M extends Mlp>(m: M): MlpModel<M> {
  return MLPS[m.kind] as unknown as MlpModel<M>;
}

export type { MlpModel } from './types.js';
