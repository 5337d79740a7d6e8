/** Every attention variant's model, one per kind: a kind without a model fails to compile. */
import type { Attention, AttentionKind } from '../model-config.js';
import { gqa } from './gqa.js';
import { gta } from './gta.js';
import { mha } from './mha.js';
import { mla } from './mla.js';
import type { VariantModel } from './variant.js';

type VariantMap = { readonly [K in AttentionKind]: VariantModel<Extract<Attention, { kind: K }>> };

export const VARIANTS = { mha, gqa, mla, gta } as const satisfies VariantMap;

/** The variant model for an attention config, typed to accept that config. */
export function variantOf<A extends Attention>(a: A): VariantModel<A> {
  return VARIANTS[a.kind] as unknown as VariantModel<A>;
}

export type { LayerContext, OpsContext, Problem, VariantModel } from './variant.js';
