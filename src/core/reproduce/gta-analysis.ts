/** Where the paper's headline ratios come from, and how much of its simulated prefill gain is score traffic. */
import { Plan, type OpResult } from '../engine.js';
import type { Hardware } from '../hardware.js';
import type { ModelConfig } from '../model-config.js';

const BITS16 = { weight: 16, activation: 16, kv: 16 } as const;

/** Multiply-adds per (query, key) pair of the score and value products, per layer (the paper's MAC convention). */
export function attentionMacsPerPair(m: ModelConfig, hw: Hardware): number {
  const plan = new Plan(m, hw, { phase: 'prefill', flash: false, pairs: 'dense', mla: 'naive', scope: 'attention' });
  // One sequence of one token has exactly one pair.
  const ops = plan.operators({ batch: 1, seqLen: 1, contextLen: 1, bits: BITS16 });
  return ops.filter((o) => o.name === 'qk_matmul' || o.name === 'sv_matmul').reduce((s, o) => s + o.flops / 2, 0);
}

export interface ScoreTraffic {
  readonly model: string;
  /** Σ over layers of all operator times (lm_head excluded), seconds. */
  readonly layersSeconds: number;
  /** Σ over layers of the time spent moving the score matrix (qk store, softmax load and store, sv load), seconds. */
  readonly scoreSeconds: number;
}

/** Score-matrix traffic in an unfused prefill under a cost model, at batch 1 and length `seqLen`. */
export function scoreTraffic(m: ModelConfig, hw: Hardware, costModel: 'llm-viewer-gta' | 'exact', seqLen: number): ScoreTraffic {
  const plan = new Plan(m, hw, { phase: 'prefill', flash: false, pairs: 'dense', mla: 'naive', scope: 'model', costModel });
  const ops = plan.operators({ batch: 1, seqLen, contextLen: seqLen, bits: BITS16 });
  const layer = ops.filter((o) => o.count === m.layers);
  const named = (n: string): OpResult | undefined => layer.find((o) => o.name === n);
  const scoresRead = named('softmax')?.bytes.actRead ?? 0; // one score matrix, in bytes
  // qk stores it, softmax loads and stores it, sv loads it: four passes over the matrix.
  const scoreBytes = 4 * scoresRead;
  return {
    model: m.id,
    layersSeconds: layer.reduce((s, o) => s + o.count * o.timeSeconds, 0),
    scoreSeconds: (m.layers * scoreBytes) / hw.memoryBandwidthBytesPerSecond,
  };
}
