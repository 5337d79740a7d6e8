/**
 * What a Plan takes and gives: the point it evaluates, its settings, and its per-operator, total and per-device
 * results. Apart from engine.ts so that the evaluator reads as the evaluation alone.
 */
import type { Bits, DType } from './dtype.js';
import type { EfficiencyProfile } from './efficiency.js';
import type { Scope } from './model.js';
import type { OpKind } from './op.js';
import type { Parallelism } from './parallelism.js';
import type { Bound } from './roofline.js';
import type { OpsContext } from './variants/index.js';
import type { CostModel } from './workload.js';

/** The varying part of a workload. */
export interface Point {
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
  readonly bits: Bits;
  /** Decode: new query tokens per sequence, among the contextLen keys (a prefill chunk, a verification; absent: 1). */
  readonly queries?: number | undefined;
  /** Decode: positions per sequence whose logits the pass computes (absent: 1). */
  readonly logits?: number | undefined;
}

/** Bytes an operator moves, by stream. */
export interface OpBytes {
  readonly weight: number;
  readonly actRead: number;
  readonly actWrite: number;
  readonly kvRead: number;
  readonly kvWrite: number;
  /** Memory traffic: the five streams added. */
  readonly total: number;
  /** A collective's bytes each device sends over links (collectives only; not in `total`). */
  readonly network?: number;
}

/** One operator's cost per occurrence. */
export interface OpResult {
  readonly name: string;
  readonly kind: OpKind;
  readonly count: number;
  readonly flops: number;
  readonly bytes: OpBytes;
  readonly intensityFlopPerByte: number;
  readonly bound: Bound;
  readonly timeSeconds: number;
}

export interface Totals {
  readonly flops: number;
  readonly bytes: number;
  readonly timeSeconds: number;
  /** Seconds the collectives take (present when the model is split over devices), included in timeSeconds. */
  readonly communicationSeconds?: number;
  /**
   * KV offload: Σ count × seconds of the host transfers, the time the host link is busy in a pass (present under
   * offload); timeSeconds holds only the part compute does not hide (see offload.ts).
   */
  readonly hostTransferSeconds?: number;
  /**
   * Fixed overheads of the efficiency profile (per layer and per pass; present when there are any), included in
   * timeSeconds: timeSeconds = Σ count × op seconds (or, overlapped, the longer of compute and communication) + this.
   */
  readonly overheadSeconds?: number;
}

/** What one device holds at a point: the device of the pipeline stage that holds the most. */
export interface DeviceMemory {
  readonly weightBytes: number;
  readonly kvCacheBytes: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
  readonly fits: boolean;
  /** The pipeline stage of that device (0 without a pipeline). */
  readonly stage: number;
}

/** A device lacks the peak a workload's widths need. */
export class MissingPeakError extends Error {
  constructor(readonly dtype: DType, readonly bits: Bits) {
    super(`has no ${dtype} peak`);
  }
}

/** Work a kernel counts for the scope's operators: what `src/kernel` compares its own loop counts with. */
export interface WorkCounts {
  readonly multiplyAdds: number;
  readonly expEvaluations: number;
  readonly kvBytesRead: number;
  readonly kvBytesWritten: number;
}

/** Settings fixed for a plan. */
export interface PlanSpec extends OpsContext {
  readonly scope: Scope;
  /** Defaults to `exact`. */
  readonly costModel?: CostModel | undefined;
  /** MoE routing imbalance (1 = uniform, the default). */
  readonly moeImbalance?: number | undefined;
  /** Cost the model's multi-token-prediction module too (its weights and cache count in the footprint). */
  readonly mtp?: boolean | undefined;
  /** How the model is split over devices (absent: one device). */
  readonly parallel?: Parallelism | undefined;
  /** Collectives overlap compute: a step takes the longer of the two instead of their sum. */
  readonly overlap?: boolean | undefined;
  /** Achieved fractions per operator kind and fixed overheads (absent: `peak`, the datasheet roofline). */
  readonly efficiency?: EfficiencyProfile | undefined;
  /** The KV cache lives in host memory and streams over the host link, layer by layer (offload.ts). */
  readonly kvOffload?: boolean | undefined;
}

/** A cost model cannot evaluate this model (e.g. LLM-Viewer has no MLA). */
export class UnsupportedModelError extends Error {}
