/** The `exact` cost model: causal prefill, fused-attention IO when asked, honest lm_head, MLA and GTA as computed. */
import { computeDtype } from '../dtype.js';
import { scopeSegments } from '../model.js';
import type { CostModelDef } from './types.js';

export const exact: CostModelDef = {
  title: 'exact',
  unsupported: () => undefined,
  // The model's own sharding rules (checkParallelism) say what does not divide.
  splitProblem: () => undefined,
  splitNotes: () => [],
  scopeSegments,
  mtp: true,
  modelNotes: () => [],
  computeDtype,
  pairMode: (requested) => requested,
  windows: true,
  communication: true,
  footprint: { weights: 'parameters', activation: 'largest-op-io' },
  notes: ['cost model exact: FLOPs count a multiply-add as 2; times are max(FLOPs / peak, bytes / bandwidth) per operator, summed.'],
};
