/**
 * Speculative decoding: a draft proposes k tokens one pass at a time, then the target verifies the k + 1 positions
 * (the last accepted token and the k drafts) in one decode pass of T = k + 1 queries. With each draft token accepted
 * with probability a (independently, stopping at the first rejection), a step emits E = (1 − a^(k+1)) / (1 − a)
 * tokens in expectation (k + 1 at a = 1; 1 at a = 0: only the target's own token). The draft is a small model, or the
 * target's multi-token-prediction module (DeepSeek-V3's MTP), run alone once per drafted token.
 */
import type { Bits } from './dtype.js';
import { PEAK_EFFICIENCY } from './efficiency.js';
import { Plan, type Point } from './engine.js';
import type { Hardware } from './hardware.js';
import type { ModelConfig } from './model-config.js';
import { mlaMode, type Phase, type Workload } from './workload.js';

/** The largest draft length accepted: beyond it a verification is a short prefill, not a decode step. */
export const MAX_DRAFT_TOKENS = 16;

/** Where the drafts come from: another (smaller) model, or the target's MTP module. */
export type Draft = { readonly kind: 'model'; readonly model: ModelConfig } | { readonly kind: 'mtp' };

/** Speculative decoding as generate takes it. */
export interface Speculative {
  readonly draft: Draft;
  /** Tokens drafted per step, k (1 … MAX_DRAFT_TOKENS). */
  readonly draftTokens: number;
  /** Probability that the target accepts a drafted token, a in [0, 1]. */
  readonly acceptance: number;
}

/** E = (1 − a^(k+1)) / (1 − a) = 1 + a + … + a^k: expected tokens a step emits (k + 1 at a = 1). */
export function tokensPerStep(k: number, a: number): number {
  return a === 1 ? k + 1 : (1 - a ** (k + 1)) / (1 - a);
}

/**
 * Steps to emit `tokens` tokens at E per step: ⌈tokens / E⌉, the quotient first rounded to 12 significant digits so a
 * whole number computed as 2.0000000000000004 takes 2 steps, not 3.
 */
export function stepsFor(tokens: number, e: number): number {
  return Math.ceil(Number((tokens / e).toPrecision(12)));
}

/** The plans a speculative decode runs: the target's decode, and the draft's decode (for MTP: the target's with its module). */
export interface SpeculativePlans {
  readonly target: Plan;
  readonly draft: Plan;
  /** Costs only the draft plan's `mtp.*` operators, plus these fixed seconds per pass; absent for a draft model. */
  readonly mtpOverheadSeconds?: number | undefined;
}

/** A speculative decode phase: its seconds, the target's and the draft's part, and the steps taken. */
export interface SpeculativeDecode {
  readonly seconds: number;
  readonly draftSeconds: number;
  readonly steps: number;
  readonly tokensPerStep: number;
  /** Fixed overheads of the target's verifications and of the draft passes. */
  readonly targetOverheadSeconds: number;
  readonly draftOverheadSeconds: number;
}

/** Seconds of one draft decode pass at a point, its kinds added to `into`. */
export function draftPass(plans: SpeculativePlans, point: Point, into: Float64Array): number {
  if (plans.mtpOverheadSeconds === undefined) return plans.draft.addKindSeconds(point, into);
  return plans.draft.addLabelKindSeconds(point, 'mtp', into) + plans.mtpOverheadSeconds;
}

/**
 * The decode phase of a batch after a prompt of `input` tokens, emitting output − 1 tokens in ⌈(output − 1) / E⌉
 * steps. Step s starts with c = input + ⌊s·E⌋ tokens cached (the expected context, whole tokens): draft pass i
 * (0 … k − 1) attends c + 1 + i keys, one query each; the verification attends c + k + 1 keys with k + 1 queries and
 * computes k + 1 positions' logits. The last step may emit more than are needed; it is counted whole.
 */
export function speculativeDecode(plans: SpeculativePlans, s: Speculative, batch: number, input: number, output: number, bits: Bits, targetKinds: Float64Array, draftKinds: Float64Array): SpeculativeDecode {
  const k = s.draftTokens;
  const e = tokensPerStep(k, s.acceptance);
  const steps = output > 1 ? stepsFor(output - 1, e) : 0;
  const draftPoint = { batch, seqLen: 1, contextLen: 1, bits };
  const verify = { batch, seqLen: 1, contextLen: 1, bits, queries: k + 1, logits: k + 1 };
  let target = 0;
  let draft = 0;
  for (let step = 0; step < steps; step++) {
    const cached = input + Math.floor(step * e);
    for (let i = 0; i < k; i++) {
      draftPoint.contextLen = cached + 1 + i;
      draft += draftPass(plans, draftPoint, draftKinds);
    }
    verify.contextLen = cached + k + 1;
    target += plans.target.addKindSeconds(verify, targetKinds);
  }
  const perDraftPass = plans.mtpOverheadSeconds ?? plans.draft.overheadSeconds;
  return { seconds: target + draft, draftSeconds: draft, steps, tokensPerStep: e, targetOverheadSeconds: steps * plans.target.overheadSeconds, draftOverheadSeconds: steps * k * perDraftPass };
}

/** The target's settings a draft runs under. */
export type DraftSettings = Pick<Workload, 'flash' | 'pairs' | 'mla' | 'costModel' | 'moeImbalance' | 'parallelism' | 'overlap' | 'efficiency'>;

/** The draft's plans: its decode passes (with the target's) and its prefill of the prompt. */
export interface DraftPlans extends SpeculativePlans {
  readonly prefill: Plan;
}

/**
 * Plans for a speculative decode of `model` with settings `spec` (a model-scope plan spec less its phase): a draft
 * model runs on one device, unsplit, under the target's widths, kernel and efficiency; the MTP module runs where
 * the target runs, costed from the target's plans with the module included (its `mtp.*` operators only).
 */
export function draftPlans(model: ModelConfig, hardware: Hardware, w: DraftSettings, s: Speculative, target: Plan): DraftPlans {
  const spec = { scope: 'model' as const, flash: w.flash, pairs: w.pairs, costModel: w.costModel, moeImbalance: w.moeImbalance, parallel: w.parallelism, overlap: w.overlap, efficiency: w.efficiency };
  const mla = (phase: Phase) => mlaMode({ phase, mla: w.mla });
  if (s.draft.kind === 'mtp') {
    const mtp = model.mtp;
    if (mtp === undefined) throw new RangeError(`${model.id} has no multi-token-prediction module (its config has no mtp field)`);
    const at = (phase: Phase) => new Plan(model, hardware, { ...spec, phase, mla: mla(phase), mtp: true });
    const eff = spec.efficiency ?? PEAK_EFFICIENCY;
    return { target, draft: at('decode'), prefill: at('prefill'), mtpOverheadSeconds: mtp.count * eff.layerOverheadSeconds + eff.stepOverheadSeconds };
  }
  const draft = s.draft.model;
  const at = (phase: Phase) => new Plan(draft, hardware, { ...spec, phase, mla: mla(phase), mtp: undefined, parallel: undefined, overlap: undefined });
  return { target, draft: at('decode'), prefill: at('prefill') };
}

/** The draft's prefill of the prompt (a draft model's whole prefill, or the MTP module's share), kinds into `into`. */
export function draftPrefill(plans: DraftPlans, point: Point, into: Float64Array): { seconds: number; overheadSeconds: number } {
  if (plans.mtpOverheadSeconds === undefined) return { seconds: plans.prefill.addKindSeconds(point, into), overheadSeconds: plans.prefill.overheadSeconds };
  return { seconds: plans.prefill.addLabelKindSeconds(point, 'mtp', into) + plans.mtpOverheadSeconds, overheadSeconds: plans.mtpOverheadSeconds };
}

/** A draft's part of a run: its prefill, and the speculative decode (the target's verifications and the draft's passes). */
export interface DraftRun {
  readonly prefill: { readonly seconds: number; readonly overheadSeconds: number; readonly kinds: Float64Array };
  readonly decode: SpeculativeDecode & { readonly draftKinds: Float64Array };
}

/** Runs a batch's speculative decode after its prompt, the target's verification kinds added to `targetKinds`. */
export function draftRun(plans: DraftPlans, s: Speculative, batch: number, input: number, output: number, bits: Bits, targetKinds: Float64Array): DraftRun {
  const prefillKinds = new Float64Array(targetKinds.length);
  const draftKinds = new Float64Array(targetKinds.length);
  const prefill = draftPrefill(plans, { batch, seqLen: input, contextLen: input, bits }, prefillKinds);
  const decode = speculativeDecode(plans, s, batch, input, output, bits, targetKinds, draftKinds);
  return { prefill: { ...prefill, kinds: prefillKinds }, decode: { ...decode, draftKinds } };
}
