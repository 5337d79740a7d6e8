/** Sweeps: every combination of models, devices, phases, batches, lengths, widths and kernel styles, streamed. */
import { COST_MODEL_DEFS } from './cost-models/index.js';
import { bitsLabel, type Bits, type DType } from './dtype.js';
import { PEAK_EFFICIENCY, type EfficiencyProfile } from './efficiency.js';
import { Plan, type DeviceMemory, type MemoryFootprint, type Totals } from './engine.js';
import type { Hardware } from './hardware.js';
import type { Scope } from './model.js';
import type { ModelConfig } from './model-config.js';
import { isSplit, type Parallelism } from './parallelism.js';
import type { PairMode } from './attention-core.js';
import { reportedLengths } from './report.js';
import { mlaMode, type CostModel, type MlaMode, type Phase } from './workload.js';

export const SWEEP_SCHEMA = 'llm-roofline.sweep/v1';

export interface SweepGrid {
  readonly models: readonly ModelConfig[];
  readonly hardware: readonly Hardware[];
  readonly phases: readonly Phase[];
  readonly batches: readonly number[];
  /** Prompt lengths, used by prefill points. */
  readonly seqLens: readonly number[];
  /** Context lengths, used by decode points. */
  readonly contextLens: readonly number[];
  readonly bits: readonly Bits[];
  readonly flash: readonly boolean[];
  readonly pairs: PairMode;
  readonly mla?: MlaMode | undefined;
  readonly scope: Scope;
  readonly costModel: CostModel;
  /** MoE routing imbalance (1 = uniform, the default). */
  readonly moeImbalance?: number | undefined;
  /** Cost the models' multi-token-prediction modules too. */
  readonly mtp?: boolean | undefined;
  /** How the models are split, each a block dimension after the device (absent, or an undefined entry: one device). */
  readonly parallelisms?: readonly (Parallelism | undefined)[] | undefined;
  /** Collectives overlap compute (points with a parallelism). */
  readonly overlap?: boolean | undefined;
  /** Micro-batches a pipeline keeps in flight (points with pp > 1; default one per stage). */
  readonly microBatches?: number | undefined;
  /** The efficiency each device runs under, by its index in `hardware` (absent or short: `peak`). */
  readonly efficiency?: readonly EfficiencyProfile[] | undefined;
  /** Every point keeps its KV cache in host memory and streams it over the host link (offload.ts). */
  readonly kvOffload?: boolean | undefined;
}

/** Whether the grid's points offload their KV cache: its CSV and Arrow rows then carry the host-transfer columns. */
export function hasOffload(g: SweepGrid): boolean {
  return g.kvOffload === true;
}

/** Whether any device of the grid runs under an efficiency other than `peak`: its CSV and Arrow rows then say which. */
export function hasEfficiency(g: SweepGrid): boolean {
  return g.hardware.some((_, i) => efficiencyAt(g, i).label !== 'peak');
}

/** The efficiency the grid gives its `index`-th device (`peak` when it gives none). */
export function efficiencyAt(g: SweepGrid, index: number): EfficiencyProfile {
  return g.efficiency?.[index] ?? PEAK_EFFICIENCY;
}

export interface SweepWorkload {
  readonly phase: Phase;
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
  readonly bits: Bits;
  readonly bitsLabel: string;
  readonly computeDtype: DType;
  readonly flash: boolean;
  readonly pairs: PairMode;
  readonly mla?: MlaMode | undefined;
  readonly scope: Scope;
  readonly costModel: CostModel;
  /** The MoE routing imbalance, when one was given. */
  readonly moeImbalance?: number | undefined;
  /** How the model is split (absent: one device), and the settings that go with it, as analyze reports them. */
  readonly parallelism?: Parallelism;
  readonly overlap?: boolean;
  readonly microBatches?: number;
  /** The KV cache lives in host memory (present only when it does, as analyze reports it). */
  readonly kvOffload?: boolean;
  /** The efficiency profile's label: `peak`, `typical:<family>` or its file. */
  readonly efficiency: string;
}

/** A point's memory: the whole model's footprint and, split over devices, what the device that holds the most needs. */
export type SweepMemory = MemoryFootprint & { readonly perDevice?: DeviceMemory };

export interface SweepPoint {
  readonly model: string;
  readonly hardware: string;
  readonly workload: SweepWorkload;
  readonly totals: Totals;
  readonly memory: SweepMemory;
}

/** The grid's parallelisms (one device when it lists none). */
function parallelismsOf(g: SweepGrid): readonly (Parallelism | undefined)[] {
  return g.parallelisms === undefined || g.parallelisms.length === 0 ? [undefined] : g.parallelisms;
}

/** Whether any point of the grid has a parallelism: its CSV and Arrow rows then carry the parallel columns. */
export function hasParallelism(g: SweepGrid): boolean {
  return parallelismsOf(g).some((p) => p !== undefined);
}

/** The workload fields of a parallelism, as analyze reports them: none for one device, micro-batches for a pipeline. */
function parallelFields(p: Parallelism | undefined, g: SweepGrid): Pick<SweepWorkload, 'parallelism' | 'overlap' | 'microBatches'> {
  if (p === undefined) return {};
  return { parallelism: p, overlap: g.overlap === true, ...(p.pp > 1 ? { microBatches: g.microBatches ?? p.pp } : {}) };
}

/** Number of points a grid produces (prefill varies seqLens, decode varies contextLens). */
export function sweepSize(g: SweepGrid): number {
  const lengths = g.phases.reduce((n, p) => n + (p === 'prefill' ? g.seqLens.length : g.contextLens.length), 0);
  return g.models.length * g.hardware.length * parallelismsOf(g).length * lengths * g.batches.length * g.bits.length * g.flash.length;
}

/** The (dtype, device) pairs a grid needs a peak for, so a missing one is reported before any output. */
export function requiredPeaks(g: SweepGrid): { hardware: Hardware; dtype: DType; bits: Bits }[] {
  const cost = COST_MODEL_DEFS[g.costModel];
  return g.hardware.flatMap((hardware) => g.bits.map((bits) => ({ hardware, dtype: cost.computeDtype(bits), bits })));
}

/**
 * The points sharing a model, device, phase, flash mode and width: everything but batch and length is constant, so
 * writers format it once per block. `summary` is the one call into the core per point.
 */
export interface SweepBlock {
  readonly model: string;
  readonly hardware: string;
  /** The workload without its batch and lengths, in the key order of SweepWorkload. */
  readonly fixed: Omit<SweepWorkload, 'batch' | 'seqLen' | 'contextLen'>;
  readonly batches: readonly number[];
  /** The lengths swept (prompt lengths in prefill, context lengths in decode). */
  readonly lengths: readonly number[];
  /** The reported (seqLen, contextLen) of each entry of `lengths`. */
  readonly reported: readonly { readonly seqLen: number; readonly contextLen: number }[];
  summary(batch: number, length: number): { totals: Totals; memory: SweepMemory };
}

/**
 * The grid's blocks in sweep order (model, device, parallelism, phase, flash, bits); each varies batch, then length.
 * A split block also finds what one device holds, from the footprint its summary just computed.
 */
export function* sweepBlocks(g: SweepGrid): Generator<SweepBlock> {
  const cost = COST_MODEL_DEFS[g.costModel];
  const pairs = cost.pairMode(g.pairs);
  const offload = hasOffload(g) ? { kvOffload: true } : {};
  for (const model of g.models) {
    for (const [index, hw] of g.hardware.entries()) {
      const efficiency = efficiencyAt(g, index);
      for (const parallel of parallelismsOf(g)) {
        const split = parallelFields(parallel, g);
        for (const phase of g.phases) {
          const mla = model.attention.kind === 'mla' ? mlaMode({ phase, mla: g.mla }) : undefined;
          const lengths = phase === 'prefill' ? g.seqLens : g.contextLens;
          const reported = lengths.map((len) => reportedLengths({ phase, seqLen: len, contextLen: len }));
          for (const flash of g.flash) {
            const plan = new Plan(model, hw, { phase, flash, pairs, mla: mla ?? 'absorbed', scope: g.scope, costModel: g.costModel, moeImbalance: g.moeImbalance, mtp: g.mtp, parallel, overlap: g.overlap, efficiency, kvOffload: g.kvOffload });
            for (const bits of g.bits) {
              const fixed = { phase, bits, bitsLabel: bitsLabel(bits), computeDtype: cost.computeDtype(bits), flash, pairs, mla, scope: g.scope, costModel: g.costModel, moeImbalance: g.moeImbalance, ...split, ...offload, efficiency: efficiency.label };
              const summary = isSplit(parallel)
                ? (batch: number, len: number): { totals: Totals; memory: SweepMemory } => {
                    const point = { batch, seqLen: len, contextLen: len, bits };
                    const s = plan.summary(point);
                    const m = s.memory;
                    const perDevice = plan.deviceMemory(point, m);
                    if (perDevice === undefined) return s;
                    // A literal, not a spread: this runs once per point.
                    const memory = { weightBytes: m.weightBytes, kvCacheBytes: m.kvCacheBytes, kvCacheBytesPerToken: m.kvCacheBytesPerToken, activationBytes: m.activationBytes, totalBytes: m.totalBytes, fitsDevice: m.fitsDevice, perDevice };
                    return { totals: s.totals, memory };
                  }
                : (batch: number, len: number): { totals: Totals; memory: SweepMemory } => plan.summary({ batch, seqLen: len, contextLen: len, bits });
              yield { model: model.id, hardware: hw.id, fixed, batches: g.batches, lengths, reported, summary };
            }
          }
        }
      }
    }
  }
}

/** The point of a block at one batch and the length at index `i` of its `lengths`. */
export function blockPoint(b: SweepBlock, batch: number, i: number): SweepPoint {
  const len = b.lengths[i];
  if (len === undefined) throw new Error(`internal: no length at index ${String(i)}`);
  const { totals, memory } = b.summary(batch, len);
  return pointAt(b, batch, i, totals, memory);
}

/** The point of a block at one batch and length index, given what `summary` returned for it. */
export function pointAt(b: SweepBlock, batch: number, i: number, totals: Totals, memory: SweepMemory): SweepPoint {
  const lens = b.reported[i];
  if (lens === undefined) throw new Error(`internal: no length at index ${String(i)}`);
  const f = b.fixed;
  return {
    model: b.model,
    hardware: b.hardware,
    workload: { phase: f.phase, batch, ...lens, bits: f.bits, bitsLabel: f.bitsLabel, computeDtype: f.computeDtype, flash: f.flash, pairs: f.pairs, mla: f.mla, scope: f.scope, costModel: f.costModel, ...(f.moeImbalance === undefined ? {} : { moeImbalance: f.moeImbalance }), ...parallelOf(f), ...(f.kvOffload === true ? { kvOffload: true } : {}), efficiency: f.efficiency },
    totals,
    memory,
  };
}

/** A block's parallelism fields, in the key order of SweepWorkload (none for one device). */
function parallelOf(f: SweepBlock['fixed']): Pick<SweepWorkload, 'parallelism' | 'overlap' | 'microBatches'> {
  if (f.parallelism === undefined) return {};
  return { parallelism: f.parallelism, overlap: f.overlap === true, ...(f.microBatches === undefined ? {} : { microBatches: f.microBatches }) };
}

/** A split as labels show it, e.g. `tp8 pp2` (degrees above 1, then `overlap` when set); "" for one device. */
export function splitLabel(p: Parallelism | undefined, overlap?: boolean): string {
  if (p === undefined) return '';
  const parts = (['tp', 'pp', 'ep', 'dp'] as const).filter((k) => p[k] > 1).map((k) => `${k}${String(p[k])}`);
  if (overlap === true) parts.push('overlap');
  return parts.join(' ');
}

/** Every point of the grid, in a stable nested order (model, device, parallelism, phase, flash, bits, batch, length). */
export function* sweep(g: SweepGrid): Generator<SweepPoint> {
  for (const b of sweepBlocks(g)) {
    for (const batch of b.batches) {
      for (let i = 0; i < b.lengths.length; i++) yield blockPoint(b, batch, i);
    }
  }
}
