/** `llm-roofline formulas`: the operator formulas of a variant or model, from the same strings the numbers use. */
import { MODEL_SYMBOL_DOCS, modelSymbols, scopeSegments } from '../core/model.js';
import { denseLayer } from '../core/model-config.js';
import { MLPS } from '../core/mlp/index.js';
import type { ModelConfig } from '../core/model-config.js';
import { VARIANTS, variantOf } from '../core/variants/index.js';
import { mlaMode, pairsFormula, tokenCounts, type Phase } from '../core/workload.js';
import type { Scope } from '../core/model.js';
import type { PairMode } from '../core/attention-core.js';
import type { z } from 'zod';
import { evaluate } from '../core/compile.js';
import { bitsLabel } from '../core/dtype.js';
import { isOwnKey } from '../core/own.js';
import { buildReport } from '../core/report.js';
import { UserError } from '../io/errors.js';
import type { FormulasSchema } from '../io/formulas-schema.js';
import { loadHardware } from '../io/load-hardware.js';
import { loadModel, modelIds } from '../io/load-model.js';
import { isPath } from '../io/resolve.js';
import { toolInfo } from '../io/version.js';
import { formulasDoc, renderFormulasLatex, renderFormulasText, type FormulaSheet, type SheetNumbers } from '../render/formulas.js';
import { emit, requirePeak } from './common.js';
import { bitsSpec, positiveInt, resolveBits } from './options.js';
import { checkSplit, parallelismFrom, requireSplit } from './parallel-options.js';
import type { Parallelism } from '../core/parallelism.js';

/** Values of the formulas command's options. */
export interface FormulasOptions {
  format: 'text' | 'latex' | 'json';
  phase: 'prefill' | 'decode';
  flash: boolean;
  pairs: 'causal' | 'dense';
  mla?: 'naive' | 'absorbed';
  scope: 'attention' | 'layer' | 'model';
  /** The workload the JSON's numbers are for (a model only): the same flags and defaults as analyze. */
  batch: string;
  seq: string;
  context: string;
  bits: string;
  hardware: string;
  tp?: string | undefined;
  pp?: string | undefined;
  ep?: string | undefined;
}

/** A model standing for a bare variant: its first structure inside a small shell (symbols shown, not values). */
function variantShell(kind: keyof typeof VARIANTS): ModelConfig {
  const attention = VARIANTS[kind].structures[0];
  if (attention === undefined) throw new Error(`internal: variant ${kind} has no structure`);
  return { id: kind, name: VARIANTS[kind].title, layers: 1, hiddenSize: 0, vocabSize: 0, tiedEmbeddings: true, attention, blocks: [{ count: 1, layer: denseLayer(0) }], logitSoftcap: false, attentionSinks: false };
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
  const parallel = parallelismFrom(o);
  // Where pipeline sends cross nodes depends on the device; a bare variant has none, so its sends stay in a node.
  const devicesPerNode = parallel === undefined || isVariant ? undefined : loadHardware(o.hardware).hardware.interconnect?.devicesPerNode;
  if (parallel !== undefined && !isVariant) checkSplit(model, parallel);
  const segments = scopeSegments(model, ctx, scope, { parallel, devicesPerNode: devicesPerNode ?? 1e9 });
  // A symbol whose value differs between kinds of layer (two MLP sizes) has no single value to show.
  const values: Record<string, number | undefined> = {};
  for (const s of segments) for (const [k, v] of Object.entries(s.symbols)) values[k] = k in values && values[k] !== v ? undefined : v;
  const mlpDocs = Object.assign({}, ...Object.values(MLPS).map((m) => m.symbolDocs)) as Record<string, string>;
  const docs: Record<string, string> = { ...MODEL_SYMBOL_DOCS, ...mlpDocs, ...variant.symbolDocs };
  const placed = segments.flatMap((s) => s.ops.map((def) => ({ def, count: s.count })));
  const ops = placed.map((p) => p.def);
  const used = new Set(ops.flatMap((op) => [op.flops, op.weight, op.actRead, op.actWrite, op.kvRead, op.kvWrite, op.network, op.hops].join(' ').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []));
  const symbols = Object.entries(docs)
    .filter(([name]) => used.has(name) || name in variant.symbolDocs)
    .map(([name, meaning]) => ({ name, meaning, value: isVariant ? undefined : values[name] }));
  const params = variant.params(model.attention);
  const cache = variant.cacheElems(model.attention);
  return {
    title: isVariant ? variant.title : `${model.name} (${model.id}): ${variant.title}`,
    settings: `${phase}, ${o.flash ? 'flash (fused)' : 'unfused'} attention, ${phase === 'prefill' ? `${pairs} pairs, ` : ''}${model.attention.kind === 'mla' ? `MLA ${ctx.mla}, ` : ''}scope ${scope}${splitText(parallel)}`,
    symbols,
    cache,
    params,
    pairs: pairsFormula(phase, pairs),
    ops,
    counts: placed.map((p) => p.count),
  };
}

/** What a split sheet's symbols mean: one device's share. */
function splitText(p: Parallelism | undefined): string {
  if (p === undefined) return '';
  return `; one of ${String(p.tp * p.pp * p.ep)} devices (tp ${String(p.tp)}, pp ${String(p.pp)}, ep ${String(p.ep)}): heads, columns, experts and vocabulary are that device's share`;
}

/** The sheet's numbers for a model: the analysis's own per-operator values at the workload the options give. */
function numbersFor(target: string, sheet: FormulaSheet, o: FormulasOptions): SheetNumbers {
  const model = loadModel(target);
  const profile = loadHardware(o.hardware);
  const bits = resolveBits(bitsSpec('--bits', o.bits), {});
  const parallelism = parallelismFrom(o);
  const workload = { phase: o.phase, batch: positiveInt('--batch', o.batch), seqLen: positiveInt('--seq', o.seq), contextLen: positiveInt('--context', o.context), bits, flash: o.flash, pairs: o.pairs, mla: o.mla, costModel: 'exact' as const, parallelism };
  requirePeak(profile, bits, 'exact');
  requireSplit(model, profile, parallelism, 'exact');
  const report = buildReport(model, profile.hardware, workload, o.scope, toolInfo());
  const names = report.ops.map((op) => op.name).join(',');
  if (names !== sheet.ops.map((op) => op.name).join(',')) throw new Error(`internal: the report's operators (${names}) are not the formula sheet's`);
  const tokens = tokenCounts(workload);
  const symbols = { ...modelSymbols(model), ...tokens };
  const pairs = evaluate(sheet.pairs, symbols);
  return {
    workload: { hardware: profile.id, batch: workload.batch, seqLen: report.workload.seqLen, contextLen: report.workload.contextLen, bitsLabel: bitsLabel(bits) },
    cache: evaluate(sheet.cache, symbols),
    params: evaluate(sheet.params, symbols),
    pairs,
    // Widths are bytes per element in the formulas.
    symbols: { B: workload.batch, ...tokens, P: pairs, w: bits.weight / 8, a: bits.activation / 8, kv: bits.kv / 8 },
    ops: report.ops.map((op, i) => ({
      flops: op.flops,
      weight: op.bytes.weight,
      actRead: op.bytes.actRead,
      actWrite: op.bytes.actWrite,
      kvRead: op.bytes.kvRead,
      kvWrite: op.bytes.kvWrite,
      network: op.bytes.network ?? 0,
      // Hops depend only on the group's size.
      hops: evaluate(sheet.ops[i]?.hops ?? '0', { t: parallelism?.tp ?? 1, e_p: parallelism?.ep ?? 1 }),
    })),
  };
}

/** Runs the command. */
export async function runFormulas(target: string, o: FormulasOptions): Promise<void> {
  const sheet = sheetFor(target, o);
  if (o.format === 'json') {
    const doc: z.input<typeof FormulasSchema> = await formulasDoc(sheet, target in VARIANTS ? undefined : numbersFor(target, sheet, o));
    emit(undefined, JSON.stringify(doc, null, 2) + '\n');
    return;
  }
  emit(undefined, o.format === 'latex' ? await renderFormulasLatex(sheet) : await renderFormulasText(sheet));
}
