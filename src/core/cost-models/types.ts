/** What a cost model decides: the operators, the compute dtype, the pair convention, the memory footprint. */
import type { PairMode } from '../attention-core.js';
import type { Bits, DType } from '../dtype.js';
import type { Scope, Segment, SegmentOptions } from '../model.js';
import type { ModelConfig } from '../model-config.js';
import type { ParallelismError } from '../parallel.js';
import type { Parallelism } from '../parallelism.js';
import type { OpsContext } from '../variants/index.js';

export interface CostModelDef {
  readonly title: string;
  /** Why this cost model cannot evaluate a model, or undefined when it can. */
  unsupported(m: ModelConfig): string | undefined;
  /**
   * Why this cost model cannot split this model as asked, naming the flag and the config field, or undefined when it
   * can (checked before the model's own sharding rules).
   */
  splitProblem(m: ModelConfig, p: Parallelism): ParallelismError | undefined;
  /** What a reader should know about how this cost model splits the model (empty when it is not split). */
  splitNotes(p: Parallelism): string[];
  /** The segments of operators a scope runs, with their counts and symbols. */
  scopeSegments(m: ModelConfig, ctx: OpsContext, scope: Scope, opts: SegmentOptions): Segment[];
  /** The cost model can cost a multi-token-prediction module (`--mtp`). */
  readonly mtp: boolean;
  /** What a reader should know about how this cost model treats this model (e.g. windows it cannot express). */
  modelNotes(m: ModelConfig): string[];
  /** The dtype whose peak bounds compute. */
  computeDtype(bits: Bits): DType;
  /** The prefill pair convention in effect for a requested one. */
  pairMode(requested: PairMode): PairMode;
  /**
   * How the footprint is defined. weights: all parameters at the weight width, or Σ of per-layer weight loads;
   * activation: the largest operator's input plus output, or Σ of one layer's activation stores.
   */
  readonly footprint: { readonly weights: 'parameters' | 'layer-loads'; readonly activation: 'largest-op-io' | 'layer-stores' };
  /** Split over devices, collectives are costed on the device's links (false: split with no communication). */
  readonly communication: boolean;
  /** Windowed layers attend and cache at most their window (false: costed as full attention). */
  readonly windows: boolean;
  /** What a reader should know about this cost model's conventions. */
  readonly notes: readonly string[];
}
