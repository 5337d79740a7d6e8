/** Shortcuts for tests: evaluate a model at a workload. */
import { Plan, type OpResult } from '../../src/core/engine.js';
import type { Hardware } from '../../src/core/hardware.js';
import type { Scope } from '../../src/core/model.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { mlaMode, type Workload } from '../../src/core/workload.js';

/** A device with round numbers, so hand derivations stay readable: 1e15 FLOP/s at every dtype, 1e12 B/s. */
export const TOY_HW: Hardware = {
  id: 'toy',
  name: 'toy',
  peakFlopPerSecond: { fp32: 1e15, fp16: 1e15, bf16: 1e15, fp8: 1e15, int8: 1e15 },
  memoryBandwidthBytesPerSecond: 1e12,
  memoryBytes: 80e9,
  onChipMemoryBytes: 228 * 1024,
  efficiency: { compute: 1, memory: 1 },
};

/** The toy device with round links: 8 per node, 100 GB/s per direction at 1 µs a hop, 10 GB/s across at 5 µs. */
export const LINKED_HW: Hardware = {
  ...TOY_HW,
  interconnect: {
    devicesPerNode: 8,
    scaleUp: { name: 'up', bytesPerSecond: 100e9, latencySeconds: 1e-6, efficiency: 1 },
    scaleOut: { name: 'out', bytesPerSecond: 10e9, latencySeconds: 5e-6, efficiency: 1 },
  },
};

export const DEFAULT_WORKLOAD: Workload = {
  phase: 'decode',
  batch: 1,
  seqLen: 1,
  contextLen: 2048,
  bits: { weight: 16, activation: 16, kv: 16 },
  flash: false,
  pairs: 'causal',
  costModel: 'exact',
};

/** Operators of a model at a workload and scope. */
export function opsAt(model: ModelConfig, w: Partial<Workload> = {}, scope: Scope = 'attention', hw: Hardware = TOY_HW): OpResult[] {
  const wl = { ...DEFAULT_WORKLOAD, ...w };
  const plan = new Plan(model, hw, { phase: wl.phase, flash: wl.flash, pairs: wl.pairs, mla: mlaMode(wl), scope });
  return plan.operators({ batch: wl.batch, seqLen: wl.seqLen, contextLen: wl.contextLen, bits: wl.bits });
}

/** One operator by name; throws when absent. */
export function opNamed(ops: readonly OpResult[], name: string): OpResult {
  const o = ops.find((x) => x.name === name);
  if (o === undefined) throw new Error(`no operator ${name} in ${ops.map((x) => x.name).join(', ')}`);
  return o;
}

/** Σ count × flops over operators, optionally only those named. */
export function flopsOf(ops: readonly OpResult[], names?: readonly string[]): number {
  return ops.filter((o) => names === undefined || names.includes(o.name)).reduce((s, o) => s + o.count * o.flops, 0);
}
