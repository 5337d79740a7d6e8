/** `llm-roofline formulas`: the operator formulas of a variant or model, from the same strings the numbers use. */
import { scopeOps, MODEL_SYMBOL_DOCS, modelSymbols } from '../core/model.js';
import type { ModelConfig } from '../core/model-config.js';
import { VARIANTS, variantOf } from '../core/variants/index.js';
import { mlaMode, pairsFormula, type Phase } from '../core/workload.js';
import type { Scope } from '../core/model.js';
import type { PairMode } from '../core/attention-core.js';
import { isOwnKey } from '../core/own.js';
import { UserError } from '../io/errors.js';
import { loadModel, modelIds } from '../io/load-model.js';
import { isPath } from '../io/resolve.js';
import { renderFormulasLatex, renderFormulasText, type FormulaSheet } from '../render/formulas.js';
import { emit } from './common.js';

export interface FormulasOptions {
  format: 'text' | 'latex';
  phase: 'prefill' | 'decode';
  flash: boolean;
  pairs: 'causal' | 'dense';
  mla?: 'naive' | 'absorbed';
  scope: 'attention' | 'layer' | 'model';
}

/** A model standing for a bare variant: its first structure inside a small shell (symbols shown, not values). */
function variantShell(kind: keyof typeof VARIANTS): ModelConfig {
  const attention = VARIANTS[kind].structures[0];
  if (attention === undefined) throw new Error(`internal: variant ${kind} has no structure`);
  return { id: kind, name: VARIANTS[kind].title, layers: 1, hiddenSize: 0, intermediateSize: 0, vocabSize: 0, tiedEmbeddings: true, mlpBias: false, attention };
}

/** The model a target that is not a variant names; an unknown id names the variants too, not only --model's ids. */
function loadTarget(target: string): ModelConfig {
  const ids = modelIds();
  if (!isPath(target) && !ids.includes(target)) {
    throw new UserError('formulas', '', `unknown model or variant "${target}" (expected a variant: ${Object.keys(VARIANTS).join(', ')}; a path to a .json file; or a model id: ${ids.join(', ')})`);
  }
  return loadModel(target);
}

/** Builds the formula sheet for a target at the given settings. */
export function sheetFor(target: string, o: FormulasOptions): FormulaSheet {
  const isVariant = isOwnKey(VARIANTS, target);
  const model = isVariant ? variantShell(target) : loadTarget(target);
  const variant = variantOf(model.attention);
  const phase: Phase = o.phase;
  const pairs: PairMode = o.pairs;
  const scope: Scope = o.scope;
  const ctx = { phase, flash: o.flash, pairs, mla: mlaMode({ phase, mla: o.mla }) };
  const values = modelSymbols(model);
  const docs: Record<string, string> = { ...MODEL_SYMBOL_DOCS, ...variant.symbolDocs };
  const ops = scopeOps(model, ctx, scope).map((p) => p.def);
  const used = new Set(ops.flatMap((op) => [op.flops, op.weight, op.actRead, op.actWrite, op.kvRead, op.kvWrite].join(' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []));
  const symbols = Object.entries(docs)
    .filter(([name]) => used.has(name) || name in variant.symbolDocs)
    .map(([name, meaning]) => ({ name, meaning, value: isVariant ? undefined : values[name] }));
  const params = variant.params(model.attention);
  const cache = variant.cacheElems(model.attention);
  return {
    title: isVariant ? variant.title : `${model.name} (${model.id}): ${variant.title}`,
    settings: `${phase}, ${o.flash ? 'flash (fused)' : 'unfused'} attention, ${phase === 'prefill' ? `${pairs} pairs, ` : ''}${model.attention.kind === 'mla' ? `MLA ${ctx.mla}, ` : ''}scope ${scope}`,
    symbols,
    cache,
    params,
    pairs: pairsFormula(phase, pairs),
    ops,
  };
}

/** Runs the command. */
export async function runFormulas(target: string, o: FormulasOptions): Promise<void> {
  const sheet = sheetFor(target, o);
  emit(undefined, o.format === 'latex' ? await renderFormulasLatex(sheet) : await renderFormulasText(sheet));
}
