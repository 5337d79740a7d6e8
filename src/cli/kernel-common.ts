/** Pieces shared by run and validate: the host profile, the kernel's widths, predictions. */
import { existsSync } from 'node:fs';
import { Plan } from '../core/engine.js';
import type { ModelConfig } from '../core/model-config.js';
import type { Hardware } from '../core/hardware.js';
import { UserError } from '../io/errors.js';
import { HOST_PROFILE } from '../io/host-profile.js';
import { loadHardware } from '../io/load-hardware.js';

/** The kernels compute and cache in FP32. */
export const KERNEL_BITS = { weight: 32, activation: 32, kv: 32 } as const;

/** The calibrated host profile; a clear error when `calibrate` has not run. */
export function hostHardware(ref: string | undefined): Hardware {
  if (ref !== undefined) return loadHardware(ref).hardware;
  if (!existsSync(HOST_PROFILE)) throw new UserError(HOST_PROFILE, '', 'missing: run `llm-roofline calibrate` first (or pass --hardware)');
  return loadHardware('host').hardware;
}

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
  return { ...plan.summary(point), counts: plan.workCounts(point) };
}
