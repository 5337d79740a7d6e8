/** Operator definitions: each operator's FLOPs and its five byte streams as formulas. */
import { product, sum, type Formula } from './formula.js';

/**
 * What an operator is, which decides how its time is costed: a product by weights (gemm), the attention core
 * (scores, softmax, values), an element-wise step, a gather of rows (embedding lookup), or a collective that moves
 * activations between devices (all-reduce, all-gather, all-to-all, a pipeline send). Each kind has one cost function
 * (evaluate/cost.ts).
 */
export const OP_KINDS = ['gemm', 'attention', 'elementwise', 'gather', 'collective'] as const;
export type OpKind = (typeof OP_KINDS)[number];

/** One operator as formulas, per occurrence (one layer). FLOPs count a multiply-add as 2. */
export interface OpDef {
  readonly kind: OpKind;
  readonly name: string;
  readonly flops: Formula;
  readonly weight: Formula;
  readonly actRead: Formula;
  readonly actWrite: Formula;
  readonly kvRead: Formula;
  readonly kvWrite: Formula;
  /** Multiply-accumulates of the operator's matrix products (what a kernel's inner loops count). */
  readonly macs: Formula;
  /** Exponentials evaluated (one per softmax score). */
  readonly exps: Formula;
  /** A GEMM's output columns per row (what a measured GEMM grid is read at); 0 for other kinds. */
  readonly cols: Formula;
  /** Bytes each device sends over links (collectives only). */
  readonly network: Formula;
  /** Link latencies a collective pays one after another (a ring's steps, one for a send). */
  readonly hops: Formula;
  /** The devices a collective runs among: the tensor-parallel group, the expert-parallel group, or two pipeline stages. */
  readonly group?: DeviceGroup | undefined;
  /**
   * `all`: the operator runs on every sequence of the expert-parallel group (the routed experts, which receive tokens
   * from every rank); otherwise it runs on its rank's share of the batch. The same without expert parallelism.
   */
  readonly batch?: 'all' | undefined;
}

/** Groups of devices a collective runs among; `host` is a device and its host's memory (KV offload's transfers). */
export type DeviceGroup = 'tp' | 'ep' | 'pp' | 'pp-network' | 'host';

/** Byte-stream and FLOP fields of an operator, then a collective's link fields, in the order reports list them. */
export const OP_FIELDS = ['flops', 'weight', 'actRead', 'actWrite', 'kvRead', 'kvWrite', 'network', 'hops'] as const;
export type OpField = (typeof OP_FIELDS)[number];
/** Work counts a kernel reports, beside the cost fields. */
export const COUNT_FIELDS = ['macs', 'exps'] as const;

const ZERO = { flops: '0', weight: '0', actRead: '0', actWrite: '0', kvRead: '0', kvWrite: '0', macs: '0', exps: '0', cols: '0', network: '0', hops: '0' } as const;

/** Tokens processed per pass: batch × query tokens per sequence. */
export const TOKENS: Formula = 'B * T';

/** An operator of a kind from the fields that are non-zero. */
export function op(kind: OpKind, name: string, fields: Partial<Omit<OpDef, 'name' | 'kind'>>): OpDef {
  return { kind, name, ...ZERO, ...fields };
}

/** Where a linear layer's output goes: the activation stream or the KV cache. */
export type Sink = 'act' | 'kv';

/**
 * A dense linear layer `inDim → outDim` applied to every token of the pass. Weights (plus an optional bias whose
 * presence is the 0/1 symbol `bias`) are read once per pass regardless of batch.
 */
export function linear(name: string, inDim: Formula, outDim: Formula, opts: { bias?: Formula; sink?: Sink; tokens?: Formula } = {}): OpDef {
  const tokens = opts.tokens ?? TOKENS;
  const weightElems = opts.bias === undefined ? product(inDim, outDim) : product(sum(inDim, opts.bias), outDim);
  const out = opts.sink === 'kv' ? { kvWrite: product(tokens, outDim, 'kv') } : { actWrite: product(tokens, outDim, 'a') };
  return op('gemm', name, {
    flops: product('2', tokens, inDim, outDim),
    macs: product(tokens, inDim, outDim),
    weight: product(weightElems, 'w'),
    actRead: product(tokens, inDim, 'a'),
    cols: outDim,
    ...out,
  });
}

/**
 * RMSNorm over `dim` elements per token: 7 FLOPs per element (LLM-Viewer's constant), its scale vector (`scale`
 * elements, `dim` unless one vector is shared by several heads) read as weights.
 */
export function rmsNorm(name: string, dim: Formula, opts: { sink?: Sink; tokens?: Formula; scale?: Formula } = {}): OpDef {
  const tokens = opts.tokens ?? TOKENS;
  const out = opts.sink === 'kv' ? { kvWrite: product(tokens, dim, 'kv') } : { actWrite: product(tokens, dim, 'a') };
  return op('elementwise', name, {
    flops: product('7', tokens, dim),
    weight: product(opts.scale ?? dim, 'w'),
    actRead: product(tokens, dim, 'a'),
    ...out,
  });
}

/** An element-wise operator over `dim` per token with the given FLOPs, inputs read and outputs written per element. */
export function elementwise(name: string, dim: Formula, flopsPerElem: Formula, inputs: Formula, outputs: Formula): OpDef {
  return op('elementwise', name, {
    flops: product(flopsPerElem, TOKENS, dim),
    actRead: product(inputs, TOKENS, dim, 'a'),
    actWrite: product(outputs, TOKENS, dim, 'a'),
  });
}

/**
 * RoPE over `qHeads` query and `kHeads` key heads of `dim` rotated elements: 3 FLOPs per element (two multiplies, one
 * add). It reads q and k, writes the rotated q as an activation and the rotated k straight into the KV cache.
 */
export function rope(qHeads: Formula, kHeads: Formula, dim: Formula): OpDef {
  return op('elementwise', 'rope', {
    flops: product('3', TOKENS, sum(qHeads, kHeads), dim),
    actRead: product(TOKENS, sum(qHeads, kHeads), dim, 'a'),
    actWrite: product(TOKENS, qHeads, dim, 'a'),
    kvWrite: product(TOKENS, kHeads, dim, 'kv'),
  });
}
