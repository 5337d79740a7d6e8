/**
 * Tensor parallelism as newer LLM-Viewer has it (hahnyuan/LLM-Viewer df2cba9: `analyze(…, tp_size)` passes the size
 * only to the config's `get_linear_layers`): the seven linear layers shrink, every other operator keeps its whole
 * size, and nothing is charged for communication. It has no pipeline or expert parallelism.
 */
import type { ModelConfig } from '../model-config.js';
import { ParallelismError } from '../parallel.js';
import type { Parallelism } from '../parallelism.js';

/** Why an LLM-Viewer cost model cannot split this model as asked, or undefined when it can. */
export function lvSplitProblem(title: string, m: ModelConfig, p: Parallelism): ParallelismError | undefined {
  const exact = 'use --cost-model exact';
  if (p.pp > 1) return new ParallelismError('--pp', '', `${title} has no pipeline parallelism: LLM-Viewer splits a model only by tensor parallelism (got --pp ${String(p.pp)}, expected 1); ${exact}`);
  if (p.ep > 1) return new ParallelismError('--ep', '', `${title} has no expert parallelism: LLM-Viewer splits a model only by tensor parallelism (got --ep ${String(p.ep)}, expected 1); ${exact}`);
  if (p.tp === 1) return undefined;
  const t = String(p.tp);
  const a = m.attention;
  if (a.kind === 'gta') return new ParallelismError('--tp', '', `${title} cannot split GTA: the GTA fork of LLM-Viewer (configs/gla.py) takes a TP size and ignores it (got --tp ${t}); ${exact}`);
  // LLM-Viewer's Llama config asserts these; it splits key/value heads and never replicates them.
  if (m.hiddenSize % p.tp !== 0) return new ParallelismError('--tp', 'hiddenSize', `must be divisible by --tp, as LLM-Viewer requires (got hiddenSize ${String(m.hiddenSize)}, --tp ${t})`);
  if (a.kind === 'gqa' && a.kvHeads % p.tp !== 0) return new ParallelismError('--tp', 'attention.kvHeads', `must be divisible by --tp: LLM-Viewer splits key/value heads and does not replicate them (got kvHeads ${String(a.kvHeads)}, --tp ${t})`);
  return undefined;
}

/** The note a split LLM-Viewer report carries (none when tensor parallelism is off). */
export function lvSplitNotes(title: string, p: Parallelism): string[] {
  if (p.tp === 1) return [];
  const t = String(p.tp);
  return [
    `${title} --tp ${t}: linear layers split ${t} ways as newer LLM-Viewer does (q, k, v, gate, up by output columns; out, down by input rows); attention keeps every head and reads the whole KV cache, norms, adds, mlp_act and lm_head run whole on each device, as there; no communication cost. memory.perDevice is LLM-Viewer's memory_consumption under tp (weights and KV cache divided by ${t}).`,
  ];
}
