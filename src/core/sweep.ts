/** Sweeps: every combination of models, devices, phases, batches, lengths, widths and kernel styles, streamed. */
import { COST_MODEL_DEFS } from './cost-models/index.js';
import { bitsLabel, type Bits, type DType } from './dtype.js';
import { Plan, type MemoryFootprint, type Totals } from './engine.js';
import type { Hardware } from './hardware.js';
import type { Scope } from './model.js';
import type { ModelConfig } from './model-config.js';
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
}

export interface SweepPoint {
  readonly model: string;
  readonly hardware: string;
  readonly workload: SweepWorkload;
  readonly totals: Totals;
  readonly memory: MemoryFootprint;
}

/** Number of points a grid produces (prefill varies seqLens, decode varies contextLens). */
export function sweepSize(g: SweepGrid): number {
  const lengths = g.phases.reduce((n, p) => n + (p === 'prefill' ? g.seqLens.length : g.contextLens.length), 0);
  return g.models.length * g.hardware.length * lengths * g.batches.length * g.bits.length * g.flash.length;
}

/** The (dtype, device) pairs a grid needs a peak for, so a missing one is reported before any output. */
export function requiredPeaks(g: SweepGrid): { hardware: Hardware; dtype: DType; bits: Bits }[] {
  const cost = COST_MODEL_DEFS[g.costModel];
  return g.hardware.flatMap((hardware) => g.bits.map((bits) => ({ hardware, dtype: cost.computeDtype(bits), bits })));
}

/** Every point of the grid, in a stable nested order (model, device, phase, flash, bits, batch, length). */
export function* sweep(g: SweepGrid): Generator<SweepPoint> {
  const cost = COST_MODEL_DEFS[g.costModel];
  const pairs = cost.pairMode(g.pairs);
  for (const model of g.models) {
    for (const hw of g.hardware) {
      for (const phase of g.phases) {
        const mla = model.attention.kind === 'mla' ? mlaMode({ phase, mla: g.mla }) : undefined;
        for (const flash of g.flash) {
          const plan = new Plan(model, hw, { phase, flash, pairs, mla: mla ?? 'absorbed', scope: g.scope, costModel: g.costModel, moeImbalance: g.moeImbalance, mtp: g.mtp });
          const lengths = phase === 'prefill' ? g.seqLens : g.contextLens;
          for (const bits of g.bits) {
            const label = bitsLabel(bits);
            const dtype = cost.computeDtype(bits);
            for (const batch of g.batches) {
              for (const len of lengths) {
                const lens = reportedLengths({ phase, seqLen: len, contextLen: len });
                const { totals, memory } = plan.summary({ batch, seqLen: len, contextLen: len, bits });
                yield {
                  model: model.id,
                  hardware: hw.id,
                  workload: { phase, batch, ...lens, bits, bitsLabel: label, computeDtype: dtype, flash, pairs, mla, scope: g.scope, costModel: g.costModel },
                  totals,
                  memory,
                };
              }
            }
          }
        }
      }
    }
  }
}
