/** generate's multi-token options: `--chunk` (chunked prefill) and speculative decoding (`--draft-tokens`, `--acceptance`, `--draft-model` or `--draft mtp`). */
import { COST_MODEL_DEFS } from '../core/cost-models/index.js';
import { WORKLOAD_LIMITS } from '../core/limits.js';
import type { ModelConfig } from '../core/model-config.js';
import { MAX_DRAFT_TOKENS, type Speculative } from '../core/speculative.js';
import type { CostModel } from '../core/workload.js';
import { UserError } from '../io/errors.js';
import { loadModel } from '../io/load-model.js';
import { requireSupported } from './common.js';
import { positiveInt } from './options.js';

/** The raw values of the multi-token flags. */
export interface MultiTokenValues {
  chunk?: string | undefined;
  draftTokens?: string | undefined;
  acceptance?: string | undefined;
  draftModel?: string | undefined;
  draft?: string | undefined;
  mtp?: boolean | undefined;
}

/** `--acceptance`: a probability from 0 to 1, as a plain decimal. */
export function acceptanceFrom(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(text) || !Number.isFinite(n) || n > 1) {
    throw new UserError('--acceptance', '', `expected the probability that the target accepts a drafted token, from 0 to 1 (got "${text}")`);
  }
  return n;
}

/** `--draft-tokens`: an integer from 1 to MAX_DRAFT_TOKENS. */
export function draftTokensFrom(text: string): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || n < 1 || n > MAX_DRAFT_TOKENS) {
    throw new UserError('--draft-tokens', '', `expected an integer from 1 to ${String(MAX_DRAFT_TOKENS)} (got "${text}")`);
  }
  return n;
}

/** The speculative decoding the flags ask for (undefined without any of them), checked against the target model. */
export function speculativeFrom(o: MultiTokenValues, model: ModelConfig, costModel: CostModel): Speculative | undefined {
  const given = [o.draftTokens, o.acceptance, o.draftModel, o.draft].some((v) => v !== undefined);
  if (!given) return undefined;
  if (o.draftModel !== undefined && o.draft !== undefined) {
    throw new UserError('--draft', '', `--draft-model and --draft name the draft twice; give one (got --draft-model ${o.draftModel}, --draft ${o.draft})`);
  }
  if (o.draftModel === undefined && o.draft === undefined) throw new UserError('--draft-model', '', 'speculative decoding needs a draft: --draft-model ID|FILE or --draft mtp (got neither)');
  if (o.draftTokens === undefined) throw new UserError('--draft-tokens', '', 'speculative decoding needs the tokens drafted per step, k (got none)');
  if (o.acceptance === undefined) throw new UserError('--acceptance', '', 'speculative decoding needs the acceptance rate of a drafted token, a (got none)');
  const draftTokens = draftTokensFrom(o.draftTokens);
  const acceptance = acceptanceFrom(o.acceptance);
  if (o.draft !== undefined) {
    if (o.draft !== 'mtp') throw new UserError('--draft', '', `expected mtp, the target's multi-token-prediction module (got "${o.draft}"; a separate draft model is --draft-model)`);
    if (model.mtp === undefined) throw new UserError('--draft', '', `${model.id} has no multi-token-prediction module (its config has no mtp field; expected a model with one, e.g. hf/deepseek-v3)`);
    if (o.mtp === true) throw new UserError('--mtp', '', '--draft mtp costs the MTP module as the draft, once per drafted token; leave out --mtp, which runs it in every pass');
    if (!COST_MODEL_DEFS[costModel].mtp) throw new UserError('--cost-model', '', `${costModel} has no accounting for multi-token prediction, so --draft mtp cannot be costed (expected --cost-model exact)`);
    return { draft: { kind: 'mtp' }, draftTokens, acceptance };
  }
  const draft = loadModel(o.draftModel!);
  requireSupported(draft, costModel);
  // The target verifies the draft's token ids: another vocabulary drafts tokens the target cannot score.
  if (draft.vocabSize !== model.vocabSize) {
    throw new UserError('--draft-model', '', `${draft.id} has a vocabulary of ${String(draft.vocabSize)} tokens and ${model.id} one of ${String(model.vocabSize)}; a draft proposes the target's tokens (expected a draft with the same vocabulary size)`);
  }
  return { draft: { kind: 'model', model: draft }, draftTokens, acceptance };
}

/** `--chunk`: prompt tokens per prefill pass, a positive integer (absent: no chunking). */
export function chunkFrom(text: string | undefined): number | undefined {
  return text === undefined ? undefined : positiveInt('--chunk', text, WORKLOAD_LIMITS.seqLen);
}

/**
 * Refuses `--chunk` and `--draft-model` under a cost model without a multi-query decode pass: LLM-Viewer's decode
 * counts dense T·K pairs and one row of logits whatever T, so chunks would undercut its own prefill.
 */
export function requireMultiQuery(costModel: CostModel, chunk: number | undefined, speculative: Speculative | undefined): void {
  if (costModel === 'exact') return;
  const flag = chunk !== undefined ? '--chunk' : speculative?.draft.kind === 'model' ? '--draft-model' : undefined;
  if (flag === undefined) return;
  throw new UserError('--cost-model', '', `${costModel} costs one query per decode pass, with dense pairs and one row of logits, so ${flag} cannot be costed (expected --cost-model exact)`);
}
