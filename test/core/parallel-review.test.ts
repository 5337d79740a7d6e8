/**
 * Findings of a hostile review of the parallelism work, each against a hand derivation written beside it: a pipeline
 * under --overlap, expert parallelism under routing imbalance.
 */
import { describe, expect, it } from 'vitest';
import { Plan, type OpResult, type Point } from '../../src/core/engine.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { SINGLE, type Parallelism } from '../../src/core/parallelism.js';
import { loadModel } from '../../src/io/load-model.js';
import { LINKED_HW as HW, opNamed } from '../helpers/engine.js';
import { expectRel } from '../helpers/rel.js';

const BITS16 = { weight: 16, activation: 16, kv: 16 } as const;
const decode = (batch: number, contextLen: number): Point => ({ batch, seqLen: 1, contextLen, bits: BITS16 });
const plan = (m: ModelConfig, p: Partial<Parallelism>, extra: { overlap?: boolean; moeImbalance?: number } = {}): Plan =>
  new Plan(m, HW, { phase: 'decode', flash: true, pairs: 'causal', mla: 'absorbed', scope: 'model', parallel: { ...SINGLE, ...p }, ...extra });
const seconds = (ops: readonly OpResult[], names: readonly string[]): number => names.reduce((s, n) => s + opNamed(ops, n).count * opNamed(ops, n).timeSeconds, 0);

describe('a pipeline under --overlap', () => {
  it('each stage overlaps only its own collectives, and the stages add up to the pass', () => {
    // Llama-2-70B (80 layers) over tp 2 × pp 4: 20 layers a stage, each with two all-reduces; the embedding's
    // all-reduce and a send on stage 0, a send on stages 1 and 2, the logits' all-gather on stage 3. A stage's time
    // overlapped is max(its compute, its collectives), its compute being its time without overlap less its collectives.
    const m = loadModel('llama-2-70b');
    const p = decode(8, 2048);
    const plain = plan(m, { tp: 2, pp: 4 });
    const ops = plain.operators(p);
    const layerComm = (20 / 80) * seconds(ops, ['attn_all_reduce', 'mlp_all_reduce']);
    const send = opNamed(ops, 'send').timeSeconds;
    const comm = [layerComm + seconds(ops, ['embedding_all_reduce']) + send, layerComm + send, layerComm + send, layerComm + seconds(ops, ['logits_all_gather'])];
    const apart = plain.stageSeconds(p);
    const expected = apart.map((s, k) => Math.max(s - comm[k]!, comm[k]!));
    const over = plan(m, { tp: 2, pp: 4 }, { overlap: true });
    const stages = over.stageSeconds(p);
    stages.forEach((s, k) => {
      expectRel(s, expected[k]!, 1e-9);
    });
    expectRel(over.totalsAt(p).timeSeconds, expected.reduce((a, b) => a + b, 0), 1e-9);
    // The collectives' own sum is reported unchanged.
    expectRel(over.totalsAt(p).communicationSeconds ?? 0, plain.totalsAt(p).communicationSeconds ?? 0, 1e-12);
    expect(stages.some((s, k) => s < apart[k]!)).toBe(true);
  });
});

describe('expert parallelism under routing imbalance', () => {
  const mixtral = loadModel('hf/mixtral-8x7b');
  const network = (g: number, batch: number, name: string): number => opNamed(plan(mixtral, { ep: 8 }, { moeImbalance: g }).operators(decode(batch, 1024)), name).bytes.network ?? 0;

  it('the busiest rank receives the rows it computes, and sends their outputs back', () => {
    // Mixtral (H 4096, k 2, 8 experts) over 8 expert ranks, batch 16 in decode: 32 routed rows in all. With g = 4 the
    // busiest rank computes s_e = 4/8 of them, 16 rows, of which 7/8 come from other ranks: 16 × 4096 × 2 bytes × 7/8.
    expect(network(4, 16, 'dispatch')).toBe(16 * 4096 * 2 * (7 / 8));
    expect(network(4, 16, 'combine')).toBe(16 * 4096 * 2 * (7 / 8));
    // g = 2: s_e = 2/8, 8 rows.
    expect(network(2, 16, 'dispatch')).toBe(8 * 4096 * 2 * (7 / 8));
  });

  it('under uniform routing a rank sends its own sequences\' rows, as before', () => {
    // ⌈16 / 8⌉ = 2 sequences × 2 experts each: 4 rows; batch 3: ⌈3 / 8⌉ = 1 sequence, 2 rows (more than 3 × 2 / 8).
    expect(network(1, 16, 'dispatch')).toBe(4 * 4096 * 2 * (7 / 8));
    expect(network(1, 3, 'combine')).toBe(2 * 4096 * 2 * (7 / 8));
  });
});
