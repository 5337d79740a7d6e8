/** The exact model's prediction for one attention layer as the kernels run it: FP32 widths, causal pairs. */
import { Plan } from '../core/engine.js';
import type { Hardware } from '../core/hardware.js';
import type { ModelConfig } from '../core/model-config.js';

/** The kernels compute and cache in FP32. */
export const KERNEL_BITS = { weight: 32, activation: 32, kv: 32 } as const;

export interface Point {
  readonly phase: 'prefill' | 'decode';
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
}

/** The exact model's prediction for one attention layer at a point; the fast kernel is fused, the reference is not. */
export function predict(model: ModelConfig, hw: Hardware, p: Point, fused: boolean, mla: 'naive' | 'absorbed') {
  const plan = new Plan(model, hw, { phase: p.phase, flash: fused, pairs: 'causal', mla, scope: 'attention' });
  const point = { batch: p.batch, seqLen: p.seqLen, contextLen: p.contextLen, bits: KERNEL_BITS };
  return { ...plan.summary(point), counts: plan.workCounts(point), operators: () => plan.operators(point) };
}
