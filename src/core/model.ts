/**
 * Whole-model composition: the model's layers grouped into segments (the embedding, one segment per distinct kind of
 * layer with its repeat count, the head), each with its own symbol values, and the parameter counts.
 */
import { product, sum, type Formula } from './formula.js';
import { compile } from './compile.js';
import type { LayerSpec, ModelConfig } from './model-config.js';
import { mlpOf } from './mlp/index.js';
import { allGather, allReduce, send } from './collective.js';
import { elementwise, linear, op, rmsNorm, type OpDef, TOKENS } from './op.js';
import { boundariesAcrossNodes, layerStages } from './parallel.js';
import { isSplit, SINGLE, type Parallelism } from './parallelism.js';
import { variantOf, type OpsContext } from './variants/index.js';

/** How much of the model a report covers: one layer's attention, one whole layer, or the whole model. */
export const SCOPES = ['attention', 'layer', 'model'] as const;
export type Scope = (typeof SCOPES)[number];

/**
 * Operators evaluated with one set of symbol values, run `count` times per pass: the embedding, the layers of one
 * spec, or the head. Layers that differ (dense and MoE, windowed and full) are separate segments.
 */
export interface Segment {
  /** What sets these layers apart ('moe', 'sliding', …); '' when the model has one kind of layer. */
  readonly label: string;
  readonly count: number;
  /** The operators belong to transformer layers (not embedding, final norm or lm_head). */
  readonly perLayer: boolean;
  /** Sliding window of these layers in tokens; 0 = full attention (and for the embedding and head). */
  readonly window: number;
  /** Values of the constant symbols the operators' formulas use. */
  readonly symbols: Readonly<Record<string, number>>;
  readonly ops: readonly OpDef[];
  /** Under pipeline parallelism, how many of the `count` occurrences run on each stage (absent: one stage). */
  readonly stages?: readonly number[] | undefined;
}

/** Model-level symbols: H, V, layers n_L, tied t_e, plus the attention variant's symbols. */
export function modelSymbols(m: ModelConfig): Record<string, number> {
  return {
    H: m.hiddenSize,
    V: m.vocabSize,
    n_L: m.layers,
    t_e: Number(m.tiedEmbeddings),
    ...variantOf(m.attention).symbols(m.attention),
  };
}

/**
 * Symbols of one layer spec: the model's, its MLP's, and its window W; split over devices, one device's share (heads
 * and intermediate columns per device) with the group sizes t and e_p.
 */
export function layerSymbols(m: ModelConfig, layer: LayerSpec, imbalance = 1, par: Parallelism = SINGLE): Record<string, number> {
  const base = { ...modelSymbols(m), ...mlpOf(layer.mlp).symbols(layer.mlp, imbalance), W: layer.window };
  if (!isSplit(par)) return base;
  return { ...base, ...variantOf(m.attention).shard(m.attention, par.tp).symbols, ...mlpOf(layer.mlp).shard(layer.mlp, par, imbalance).symbols, t: par.tp, e_p: par.ep };
}

/** Symbols of the embedding and head: the vocabulary split over tensor-parallel devices (padded up, as servers pad it). */
function outerSymbols(m: ModelConfig, par: Parallelism): Record<string, number> {
  return isSplit(par) ? { ...modelSymbols(m), V: Math.ceil(m.vocabSize / par.tp), t: par.tp } : modelSymbols(m);
}

export const MODEL_SYMBOL_DOCS: Readonly<Record<string, string>> = {
  H: 'hidden size',
  V: 'vocabulary size',
  n_L: 'layers',
  t_e: '1 if the lm_head shares the embedding matrix, else 0',
  W: 'sliding window of a windowed layer, tokens',
  B: 'batch (sequences)',
  T: 'query tokens per sequence in this pass (prefill: S; decode: 1, or a chunk\'s or a verification\'s new tokens)',
  K: 'keys attended per sequence, the new ones included (prefill: S; decode: context L; in a windowed decode layer at most W + T - 1)',
  R: 'positions per sequence whose logits a decode pass computes (1; a speculative verification: k + 1)',
  P: '(query, key) pairs per sequence (a windowed layer counts min(i, W) keys for query i)',
  w: 'bytes per weight',
  a: 'bytes per activation',
  kv: 'bytes per KV-cache element',
  M: 'on-chip memory per compute unit, bytes (sizes FlashAttention tiles)',
  t: 'tensor-parallel devices (heads, MLP columns and vocabulary split over them)',
  d_t: 'widest head dimension a fused tile holds',
  Br: 'query rows per FlashAttention tile',
  n_t: 'query tiles per sequence',
};

/** A kind of layer and how many of the model's layers are of it. */
export interface DistinctLayer {
  readonly layer: LayerSpec;
  readonly count: number;
  readonly label: string;
}

/** Labels that tell a model's kinds of layer apart by what differs between them. */
function labels(layers: readonly LayerSpec[]): string[] {
  if (layers.length === 1) return [''];
  const kinds = new Set(layers.map((l) => l.mlp.kind)).size > 1;
  const windows = new Set(layers.map((l) => l.window > 0)).size > 1;
  const raw = layers.map((l) => [kinds ? l.mlp.kind : '', windows ? (l.window > 0 ? 'sliding' : 'full') : ''].filter((p) => p !== '').join('-'));
  // Layers that differ otherwise (two dense sizes) are numbered.
  return raw.map((r, i) => (r === '' || raw.indexOf(r) !== raw.lastIndexOf(r) ? `${r === '' ? 'layer' : r}${String(i)}` : r));
}

/** The model's distinct kinds of layer in order of first appearance, with their counts. */
export function distinctLayers(m: ModelConfig): DistinctLayer[] {
  const byKey = new Map<string, { layer: LayerSpec; count: number }>();
  for (const run of m.blocks) {
    const key = JSON.stringify(run.layer);
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { layer: run.layer, count: run.count });
    else seen.count += run.count;
  }
  const kinds = [...byKey.values()];
  const names = labels(kinds.map((k) => k.layer));
  return kinds.map((k, i) => ({ ...k, label: names[i] ?? '' }));
}

/** A layer's attention operators. */
function attentionOps(m: ModelConfig, layer: LayerSpec, ctx: OpsContext): OpDef[] {
  return variantOf(m.attention).ops(m.attention, { ...ctx, window: layer.window > 0, softcap: m.logitSoftcap });
}

/** Under tensor parallelism, the all-reduce that sums the row-parallel partial outputs of a block (B × T × H). */
function blockReduce(name: string, par: Parallelism): OpDef[] {
  return par.tp > 1 ? [allReduce(name, product(TOKENS, 'H'))] : [];
}

/**
 * A whole layer: norm, attention, residual, norm, MLP, residual (Gemma's four norms add one after each block). Split
 * over tensor-parallel devices each block ends with an all-reduce; over expert ranks the MoE sends tokens to the
 * experts' ranks and back.
 */
export function layerOps(m: ModelConfig, layer: LayerSpec, ctx: OpsContext, par: Parallelism = SINGLE): OpDef[] {
  const residual = (name: string): OpDef => elementwise(name, 'H', '1', '2', '1');
  const post = (name: string): OpDef[] => (layer.norms === 4 ? [rmsNorm(name, 'H')] : []);
  return [
    rmsNorm('attn_norm', 'H'),
    ...attentionOps(m, layer, ctx),
    ...blockReduce('attn_all_reduce', par),
    ...post('post_attn_norm'),
    residual('attn_add'),
    rmsNorm('mlp_norm', 'H'),
    ...mlpOf(layer.mlp).ops(layer.mlp, par.ep > 1),
    ...blockReduce('mlp_all_reduce', par),
    ...post('post_mlp_norm'),
    residual('mlp_add'),
  ];
}

/** Embedding lookup: gathers one row per token (only those rows are read), writes the hidden states. */
const EMBEDDING = op('gather', 'embedding', { weight: product(TOKENS, 'H', 'w'), actWrite: product(TOKENS, 'H', 'a') });

/**
 * The vocabulary-parallel embedding (Megatron): each of t devices holds V/t rows and reads the rows of the tokens in
 * its range (1/t of them under a uniform spread), writes zeros for the rest, and an all-reduce sums the t partial
 * hidden states.
 */
const SPLIT_EMBEDDING: OpDef[] = [
  op('gather', 'embedding', { weight: `${product(TOKENS, 'H', 'w')} / t`, actWrite: product(TOKENS, 'H', 'a') }),
  allReduce('embedding_all_reduce', product(TOKENS, 'H')),
];

/** The column-parallel lm_head's logits (V/t per device) gathered on every device: B × V in all. */
const LOGITS_GATHER = allGather('logits_all_gather', product('B', 'V', 't'));

const FINAL_NORM = rmsNorm('final_norm', 'H');

/** lm_head: logits for the last token of each sequence (prefill) or the new token (decode). */
const LM_HEAD = linear('lm_head', 'H', 'V', { tokens: 'B' });

/**
 * A decode pass's lm_head: logits for R positions per sequence (1 for a decode step or a prefill chunk, whose last
 * position is sampled; k + 1 for a speculative verification, which checks every drafted token).
 */
const DECODE_LM_HEAD = linear('lm_head', 'H', 'V', { tokens: 'B * R' });
const DECODE_LOGITS_GATHER = allGather('logits_all_gather', product('B', 'R', 'V', 't'));

/** The lm_head (and, split, its gather) a phase runs. */
function head(ctx: OpsContext, split: boolean): OpDef[] {
  const decode = ctx.phase === 'decode';
  const lm = decode ? DECODE_LM_HEAD : LM_HEAD;
  return split ? [lm, decode ? DECODE_LOGITS_GATHER : LOGITS_GATHER] : [lm];
}

/** Prefixes operator names with a segment's label, so reports tell apart the same operator in different layers. */
function named(label: string, ops: readonly OpDef[]): OpDef[] {
  return label === '' ? [...ops] : ops.map((d) => ({ ...d, name: `${label}.${d.name}` }));
}

/** What a scope's segments depend on besides the model and the kernel settings. */
export interface SegmentOptions {
  /** MoE routing imbalance (1 = uniform). */
  readonly imbalance?: number | undefined;
  /** Include the multi-token-prediction module (model scope only; a model without one is unchanged). */
  readonly mtp?: boolean | undefined;
  /** How the model is split over devices (absent: one device). */
  readonly parallel?: Parallelism | undefined;
  /** Devices the scale-up link joins, which decides where pipeline sends cross nodes (1 when absent). */
  readonly devicesPerNode?: number | undefined;
}

/**
 * DeepSeek-V3's MTP module, run once per pass after the model: the next token's embedding and the model's last
 * hidden state each normalised (enorm, hnorm), concatenated and projected 2H → H (eh_proj), one transformer layer,
 * then its own final norm and the shared lm_head.
 */
function mtpOps(m: ModelConfig, layer: LayerSpec, ctx: OpsContext, par: Parallelism): OpDef[] {
  const split = par.tp > 1;
  return named('mtp', [...(split ? SPLIT_EMBEDDING : [EMBEDDING]), rmsNorm('enorm', 'H'), rmsNorm('hnorm', 'H'), linear('eh_proj', product('2', 'H'), 'H'), ...layerOps(m, layer, ctx, par), FINAL_NORM, ...head(ctx, split)]);
}

/** How many of each distinct layer kind's layers run on each pipeline stage, by the kinds' order in distinctLayers. */
function layersPerStage(m: ModelConfig, kinds: readonly DistinctLayer[], stages: number): number[][] {
  const keys = kinds.map((d) => JSON.stringify(d.layer));
  const out = kinds.map(() => Array.from({ length: stages }, () => 0));
  const stageOf = layerStages(m.layers, stages);
  let i = 0;
  for (const run of m.blocks) {
    const row = out[keys.indexOf(JSON.stringify(run.layer))]!;
    for (let r = 0; r < run.count; r++) row[stageOf[i++]!]! += 1;
  }
  return out;
}

/** Stage counts of an operator that runs once on one stage. */
function onStage(stage: number, stages: number): number[] {
  return Array.from({ length: stages }, (_, k) => (k === stage ? 1 : 0));
}

/** The pipeline's sends: one per stage boundary, on the sending stage, within a node or across nodes. */
function sendSegments(m: ModelConfig, par: Parallelism, perNode: number): Segment[] {
  const across = boundariesAcrossNodes(par, perNode);
  const symbols = outerSymbols(m, par);
  const segment = (name: string, group: 'pp' | 'pp-network', crossing: boolean): Segment[] => {
    const stages = [...across.map((c) => (c === crossing ? 1 : 0)), 0];
    const count = stages.reduce((a, b) => a + b, 0);
    return count === 0 ? [] : [{ label: '', count, perLayer: false, window: 0, symbols, ops: [send(name, product(TOKENS, 'H'), group)], stages }];
  };
  return [...segment('send', 'pp', false), ...segment('send_across_nodes', 'pp-network', true)];
}

/** The segments a scope runs. */
export function scopeSegments(m: ModelConfig, ctx: OpsContext, scope: Scope, opts: SegmentOptions = {}): Segment[] {
  const imbalance = opts.imbalance ?? 1;
  const par = opts.parallel ?? SINGLE;
  const layers = distinctLayers(m);
  const segment = (d: DistinctLayer, count: number, ops: OpDef[], stages?: number[]): Segment => ({
    label: d.label,
    count,
    perLayer: true,
    window: d.layer.window,
    symbols: layerSymbols(m, d.layer, imbalance, par),
    ops: named(d.label, ops),
    ...(stages === undefined ? {} : { stages }),
  });
  switch (scope) {
    case 'attention': {
      // One layer's attention per distinct window: the MLP does not change the attention.
      const byWindow = layers.filter((d, i) => layers.findIndex((e) => e.layer.window === d.layer.window) === i);
      const windowLabels = byWindow.length === 1 ? [''] : byWindow.map((d) => (d.layer.window > 0 ? 'sliding' : 'full'));
      return byWindow.map((d, i) => segment({ ...d, label: windowLabels[i] ?? '' }, 1, [...attentionOps(m, d.layer, ctx), ...blockReduce('attn_all_reduce', par)]));
    }
    case 'layer':
      return layers.map((d) => segment(d, 1, layerOps(m, d.layer, ctx, par)));
    case 'model': {
      const symbols = outerSymbols(m, par);
      const split = par.tp > 1;
      const s = par.pp;
      const piped = s > 1;
      const perStage = piped ? layersPerStage(m, layers, s) : [];
      const last = (k: number): number[] | undefined => (piped ? onStage(k, s) : undefined);
      return [
        { label: '', count: 1, perLayer: false, window: 0, symbols, ops: split ? SPLIT_EMBEDDING : [EMBEDDING], stages: last(0) },
        ...layers.map((d, i) => segment(d, d.count, layerOps(m, d.layer, ctx, par), piped ? perStage[i] : undefined)),
        { label: '', count: 1, perLayer: false, window: 0, symbols, ops: [FINAL_NORM, ...head(ctx, split)], stages: last(s - 1) },
        ...(opts.mtp === true && m.mtp !== undefined
          ? [{ label: 'mtp', count: m.mtp.count, perLayer: true, window: m.mtp.layer.window, symbols: { ...layerSymbols(m, m.mtp.layer, imbalance, par), ...(split ? { V: symbols.V ?? m.vocabSize } : {}) }, ops: mtpOps(m, m.mtp.layer, ctx, par), stages: piped ? onStage(s - 1, s).map((x) => x * m.mtp!.count) : undefined }]
          : []),
        ...(piped ? sendSegments(m, par, opts.devicesPerNode ?? 1) : []),
      ];
    }
  }
}

/**
 * Parameters of one layer of a spec, biases and norm scales included (`active`: the experts one token uses;
 * `device`: what one expert-parallel rank holds, its E/e_p routed experts).
 */
export function layerParamFormula(m: ModelConfig, layer: LayerSpec, active = false, device = false): Formula {
  const mlp = mlpOf(layer.mlp);
  return sum(
    variantOf(m.attention).params(m.attention),
    m.attentionSinks ? 'n_h' : '0',
    product(String(layer.norms), 'H'),
    active ? mlp.activeParams(layer.mlp) : device ? mlp.deviceParams(layer.mlp) : mlp.params(layer.mlp),
  );
}

/** Parameters outside the layers: the embedding, the final norm, the lm_head unless tied. */
export const OUTER_PARAMS: Formula = sum('H', product('V', 'H'), product('1 - t_e', 'V', 'H'));

/** An MTP module's own parameters besides its layer: three norms of H (enorm, hnorm, its head's norm) and eh_proj 2H → H. */
export const MTP_EXTRA_PARAMS: Formula = sum(product('3', 'H'), product('2', 'H', 'H'));

/** Exact parameter counts: all, those one token uses (MoE: k routed experts), and a multi-token-prediction module's. */
export interface ParameterCounts {
  readonly total: number;
  readonly active: number;
  /** Parameters of the MTP module (shared embedding and lm_head not counted again); 0 without one. */
  readonly mtp: number;
}

/** The model's exact parameter counts (embeddings counted once when tied; the MTP module apart). */
export function modelParameters(m: ModelConfig): ParameterCounts {
  const outer = compile(OUTER_PARAMS)(modelSymbols(m));
  let total = outer;
  let active = outer;
  for (const d of distinctLayers(m)) {
    const s = layerSymbols(m, d.layer);
    total += d.count * compile(layerParamFormula(m, d.layer))(s);
    active += d.count * compile(layerParamFormula(m, d.layer, true))(s);
  }
  const mtp = m.mtp === undefined ? 0 : m.mtp.count * (compile(layerParamFormula(m, m.mtp.layer))(layerSymbols(m, m.mtp.layer)) + compile(MTP_EXTRA_PARAMS)(modelSymbols(m)));
  return { total, active, mtp };
}

/** KV-cache elements per token across all layers (a windowed layer holds at most W tokens; see cachedElements). */
export function cacheFormula(m: ModelConfig): Formula {
  return product('n_L', variantOf(m.attention).cacheElems(m.attention));
}

/** Layers that cache the same number of tokens: their cache elements per token together, and their window (0: all). */
export interface CacheRun {
  readonly elems: number;
  readonly window: number;
}

/** The model's cache by window: each kind of layer's elements per token (× its count); `mtp` adds the MTP module's. */
export function cacheRuns(m: ModelConfig, mtp = false): CacheRun[] {
  const perLayer = compile(variantOf(m.attention).cacheElems(m.attention))(modelSymbols(m));
  const runs = distinctLayers(m).map((d) => ({ elems: d.count * perLayer, window: d.layer.window }));
  return mtp && m.mtp !== undefined ? [...runs, { elems: m.mtp.count * perLayer, window: m.mtp.layer.window }] : runs;
}

/** KV-cache elements one sequence holds after `tokens` tokens: a windowed layer keeps at most its window. */
export function cachedElements(runs: readonly CacheRun[], tokens: number): number {
  let elems = 0;
  for (const r of runs) elems += r.elems * (r.window > 0 ? Math.min(tokens, r.window) : tokens);
  return elems;
}

/** What one device of a pipeline stage holds: its parameters and its cache by window (elements per token, one sequence). */
export interface StageHolding {
  readonly parameters: number;
  readonly cacheRuns: readonly CacheRun[];
}

/**
 * What one device of each pipeline stage holds, split as `par` splits the model: each of its layers' per-device
 * parameters (heads, columns and experts divided, norms, routers and MLA's latent projections whole) and cache (KV
 * heads divided or replicated, MLA's latent whole), the vocabulary-parallel embedding on the first stage, the final
 * norm and lm_head (and a costed MTP module) on the last.
 */
export function stageHoldings(m: ModelConfig, par: Parallelism, imbalance = 1, mtp = false): StageHolding[] {
  const stageOf = layerStages(m.layers, par.pp);
  const stages = Array.from({ length: par.pp }, () => ({ parameters: 0, runs: new Map<number, number>() }));
  const perLayer = new Map<string, { params: number; cache: number }>();
  const holdingOf = (layer: LayerSpec, extra = 0): { params: number; cache: number } => {
    const key = JSON.stringify(layer);
    let h = perLayer.get(key);
    if (h === undefined) {
      const s = layerSymbols(m, layer, imbalance, par);
      h = { params: compile(layerParamFormula(m, layer, false, true))(s), cache: compile(variantOf(m.attention).cacheElems(m.attention))(s) };
      perLayer.set(key, h);
    }
    return { params: h.params + extra, cache: h.cache };
  };
  const add = (stage: number, layer: LayerSpec, extra = 0): void => {
    const st = stages[stage]!;
    const h = holdingOf(layer, extra);
    st.parameters += h.params;
    st.runs.set(layer.window, (st.runs.get(layer.window) ?? 0) + h.cache);
  };
  let i = 0;
  for (const run of m.blocks) for (let r = 0; r < run.count; r++) add(stageOf[i++]!, run.layer);
  const o = outerSymbols(m, par);
  const table = o.V! * o.H!;
  const first = stages[0]!;
  const last = stages[par.pp - 1]!;
  first.parameters += table;
  // A tied lm_head reads the embedding's table: only a separate last stage needs its own copy.
  last.parameters += o.H! + (m.tiedEmbeddings && par.pp === 1 ? 0 : table);
  if (mtp && m.mtp !== undefined) for (let r = 0; r < m.mtp.count; r++) add(par.pp - 1, m.mtp.layer, compile(MTP_EXTRA_PARAMS)(o));
  return stages.map((st) => ({ parameters: st.parameters, cacheRuns: [...st.runs].map(([window, elems]) => ({ window, elems })) }));
}
