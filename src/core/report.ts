/** The `llm-roofline.report/v1` document: one model on one device at one workload. */
import { COST_MODEL_DEFS } from './cost-models/index.js';
import { bitsLabel, type DType } from './dtype.js';
import { Plan, type DeviceMemory, type MemoryFootprint, type OpResult, type Point, type Totals } from './engine.js';
import { deploymentOf, parallelNotes, type Deployment } from './deployment.js';
import { efficiencyNote, PEAK_EFFICIENCY } from './efficiency.js';
import type { Hardware } from './hardware.js';
import { distinctLayers, type Scope } from './model.js';
import type { Attention, ModelConfig } from './model-config.js';
import { mlaMode, tokenCounts, type Workload } from './workload.js';
import { offloadNote } from './offload.js';

export const REPORT_SCHEMA = 'llm-roofline.report/v1';

export interface Report {
  readonly schema: typeof REPORT_SCHEMA;
  readonly tool: { readonly name: string; readonly version: string };
  readonly model: {
    readonly id: string;
    readonly name: string;
    readonly attention: Attention;
    readonly layers: number;
    readonly hiddenSize: number;
    readonly parameters: number;
    /** Parameters one token uses: a mixture of experts counts k of its E routed experts. */
    readonly activeParameters: number;
    /** The multi-token-prediction module's parameters, apart from `parameters` (only when the model has one). */
    readonly mtpParameters?: number;
  };
  readonly hardware: {
    readonly id: string;
    readonly name: string;
    readonly memoryBandwidthBytesPerSecond: number;
    readonly peakFlopPerSecond: Readonly<Partial<Record<DType, number>>>;
    readonly memoryBytes: number;
  };
  /** The workload; `efficiency` is the profile's label (`peak`, `typical:<family>` or its file). */
  readonly workload: Omit<Workload, 'efficiency'> & { readonly scope: Scope; readonly computeDtype: DType; readonly bitsLabel: string; readonly efficiency: string };
  readonly ops: readonly OpResult[];
  readonly totals: Totals;
  /** The whole model's footprint; split over devices, `perDevice` is what the device that holds the most needs. */
  readonly memory: MemoryFootprint & { readonly perDevice?: DeviceMemory };
  /** Split over devices (or replicated): devices, links, the pipeline and the throughput of them all. */
  readonly deployment?: Deployment;
  /** Modelling choices a reader should know about (kernel style, pair convention, MLA form). */
  readonly notes: readonly string[];
}

/** The lengths reported for a phase: decode runs 1 token against contextLen keys; prefill S tokens against S. */
export function reportedLengths(w: Pick<Workload, 'phase' | 'seqLen' | 'contextLen'>): { seqLen: number; contextLen: number } {
  const { T, K } = tokenCounts(w);
  return { seqLen: T, contextLen: K };
}

/** Point of a workload. */
export function pointOf(w: Workload): Point {
  return { batch: w.batch, seqLen: w.seqLen, contextLen: w.contextLen, bits: w.bits };
}

function notesFor(model: ModelConfig, w: Workload): string[] {
  const cost = COST_MODEL_DEFS[w.costModel];
  const notes = [...cost.notes, ...cost.modelNotes(model), ...(w.parallelism === undefined ? [] : cost.splitNotes(w.parallelism))];
  if (w.flash) {
    notes.push('flash: fused attention kernel; no score-matrix traffic; K/V re-read once per query tile of Br rows, Br sized from on-chip memory (FlashAttention B_r = min(ceil(M / 4d), d)).');
  } else {
    notes.push('unfused attention: the score matrix is written by qk_matmul, read and written by softmax, read by sv_matmul, in the activation dtype.');
  }
  if (w.phase === 'prefill') {
    notes.push(w.pairs === 'causal' ? 'prefill pairs: causal, S(S+1)/2 (query, key) pairs per sequence.' : 'prefill pairs: dense, S² (query, key) pairs per sequence.');
  }
  if (model.attention.kind === 'mla') {
    notes.push(`MLA computed ${mlaMode(w)}; the cache holds the latent (kv_lora_rank + qk_rope_head_dim per token).`);
  }
  return [...notes, ...modelNotes(model, w)];
}

/** Builds the report of a model on a device at a workload. A plan may be passed in to reuse its compiled formulas. */
export function buildReport(
  model: ModelConfig,
  hardware: Hardware,
  workload: Workload,
  scope: Scope,
  tool: { name: string; version: string },
  plan: Plan = new Plan(model, hardware, { phase: workload.phase, flash: workload.flash, pairs: workload.pairs, mla: mlaMode(workload), scope, costModel: workload.costModel, moeImbalance: workload.moeImbalance, mtp: workload.mtp, parallel: workload.parallelism, overlap: workload.overlap, efficiency: workload.efficiency, kvOffload: workload.kvOffload }),
): Report {
  const cost = COST_MODEL_DEFS[workload.costModel];
  workload = { ...workload, pairs: cost.pairMode(workload.pairs) };
  const point = pointOf(workload);
  const ops = plan.operators(point);
  // One more evaluation for the totals and footprint; the device's share and the deployment reuse them.
  const { totals, memory } = plan.summary(point);
  const perDevice = plan.deviceMemory(point, memory);
  const deployment = deploymentOf(plan, workload, point, scope, totals.timeSeconds);
  const lengths = reportedLengths(workload);
  return {
    schema: REPORT_SCHEMA,
    tool,
    model: {
      id: model.id,
      name: model.name,
      attention: model.attention,
      layers: model.layers,
      hiddenSize: model.hiddenSize,
      parameters: plan.parameters,
      activeParameters: plan.activeParameters,
      ...(model.mtp === undefined ? {} : { mtpParameters: plan.mtpParameters }),
    },
    hardware: {
      id: hardware.id,
      name: hardware.name,
      memoryBandwidthBytesPerSecond: hardware.memoryBandwidthBytesPerSecond,
      peakFlopPerSecond: hardware.peakFlopPerSecond,
      memoryBytes: hardware.memoryBytes,
    },
    workload: { ...workload, ...lengths, mla: model.attention.kind === 'mla' ? mlaMode(workload) : undefined, scope, computeDtype: cost.computeDtype(workload.bits), bitsLabel: bitsLabel(workload.bits), efficiency: plan.efficiency.label },
    ops,
    totals,
    memory: perDevice === undefined ? memory : { ...memory, perDevice },
    ...(deployment === undefined ? {} : { deployment }),
    notes: [...notesFor(model, workload), ...parallelNotes(plan, workload), ...efficiencyNotes(plan), ...(plan.kvOffload ? [offloadNote(workload.phase)] : [])],
  };
}

/** The efficiency's note, unless it is the plain peak, which every other report assumes without saying. */
function efficiencyNotes(plan: Plan): string[] {
  const e = plan.efficiency;
  return e === PEAK_EFFICIENCY ? [] : [efficiencyNote(e, plan.overheadSeconds)];
}

/** Path of the first number in a document that is NaN or infinite, or undefined when all are finite. */
export function firstNonFinite(value: unknown, path = ''): string | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? undefined : path;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const found = firstNonFinite(v, path === '' ? k : `${path}.${k}`);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** What a reader should know about the model's own structure: windows, experts, MTP, the checkpoint's widths, ignored fields. */
function modelNotes(model: ModelConfig, w: Workload): string[] {
  const notes: string[] = [];
  const layers = distinctLayers(model);
  const windows = [...new Set(layers.filter((d) => d.layer.window > 0).map((d) => d.layer.window))];
  if (windows.length > 0 && COST_MODEL_DEFS[w.costModel].windows) {
    const n = layers.filter((d) => d.layer.window > 0).reduce((s, d) => s + d.count, 0);
    notes.push(`sliding windows: ${String(n)} of ${String(model.layers)} layers attend to and cache at most ${windows.join('/')} tokens; prefill pairs count min(i, W) keys for query i.`);
  }
  if (layers.some((d) => d.layer.mlp.kind === 'moe')) {
    const g = w.moeImbalance ?? 1;
    notes.push(`mixture of experts: FLOPs for the k routed experts each token runs (plus shared experts); weight traffic for the experts a pass touches, E·(1 − (1 − k/E)^N) of E for N = batch × tokens under uniform routing${g === 1 ? '' : `, routed as if over E/${String(g)} experts (--moe-imbalance ${String(g)})`}.`);
  }
  if (model.mtp !== undefined) {
    notes.push(
      w.mtp === true
        ? `multi-token prediction: the module (${String(model.mtp.count)} layer(s), operators mtp.*) runs once per pass; its parameters (model.mtpParameters, not in model.parameters) and cache are in the memory footprint.`
        : `multi-token prediction: a module of ${String(model.mtp.count)} layer(s) is reported apart (model.mtpParameters) and not costed (--mtp costs it).`,
    );
  }
  if (model.logitSoftcap) notes.push('attention logits are soft-capped: 3 FLOPs per score.');
  if (model.attentionSinks) notes.push('attention sinks: one learned logit per head, counted in parameters; its cost (one more term per softmax row) is negligible and not modelled.');
  if (model.weightBits !== undefined) notes.push(`the checkpoint's quantization_config stores weights at ${String(model.weightBits)} bits; --bits overrides it.`);
  if (model.ignoredFields !== undefined && model.ignoredFields.length > 0) notes.push(`config fields accepted but not costed: ${model.ignoredFields.join(', ')}.`);
  return notes;
}
