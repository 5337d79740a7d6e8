/**
 * LLM-Viewer's own outputs for Llama-2-7B on its nvidia_A100 entry (test/fixtures/llm-viewer, copied from the
 * reference set): every per-operator number and every total, to a relative error of 1e-9.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Plan, type OpResult, type Point } from '../../src/core/engine.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { expectRel } from '../helpers/rel.js';

interface LvOp {
  OPs: number;
  memory_access: number;
  arithmetic_intensity: number;
  bound: string;
  load_weight: number;
  load_act: number;
  store_act: number;
  load_kv_cache: number;
  store_kv_cache: number;
  inference_time: number;
}
interface LvFile {
  params: { seqlen: number; batchsize: number; w_bit: number; a_bit: number; kv_bit: number; use_flashattention: boolean };
  prefill: Record<string, LvOp>;
  decode: Record<string, LvOp>;
  total_results: Record<'prefill' | 'decode', Record<string, number>>;
}

const DIR = new URL('../fixtures/llm-viewer/', import.meta.url);
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();
const model = loadModel('llama-2-7b');
const hw = loadHardware('llm-viewer/nvidia_A100').hardware;
const width = (n: number): 4 | 8 | 16 | 32 => n as 4 | 8 | 16 | 32;

function evaluate(f: LvFile, phase: 'prefill' | 'decode'): { ops: OpResult[]; plan: Plan; point: Point } {
  const p = f.params;
  const plan = new Plan(model, hw, { phase, flash: p.use_flashattention, pairs: 'dense', mla: 'absorbed', scope: 'model', costModel: 'llm-viewer' });
  const point = { batch: p.batchsize, seqLen: p.seqlen, contextLen: p.seqlen, bits: { weight: width(p.w_bit), activation: width(p.a_bit), kv: width(p.kv_bit) } };
  return { ops: plan.operators(point), plan, point };
}

describe.each(FILES)('%s', (file) => {
  const f = JSON.parse(readFileSync(new URL(file, DIR), 'utf8')) as LvFile;
  describe.each(['prefill', 'decode'] as const)('%s', (phase) => {
    const { ops, plan, point } = evaluate(f, phase);
    it('has exactly LLM-Viewer\'s operators', () => {
      expect(ops.map((o) => o.name).sort()).toEqual(Object.keys(f[phase]).sort());
    });
    it.each(Object.keys(f[phase]))('%s: OPs, five byte fields, bound and time', (name) => {
      const ref = f[phase][name]!;
      const o = ops.find((x) => x.name === name)!;
      expectRel(o.flops, ref.OPs, 1e-9);
      expectRel(o.bytes.weight, ref.load_weight, 1e-9);
      expectRel(o.bytes.actRead, ref.load_act, 1e-9);
      expectRel(o.bytes.actWrite, ref.store_act, 1e-9);
      expectRel(o.bytes.kvRead, ref.load_kv_cache, 1e-9);
      expectRel(o.bytes.kvWrite, ref.store_kv_cache, 1e-9);
      expectRel(o.bytes.total, ref.memory_access, 1e-9);
      expectRel(o.intensityFlopPerByte, ref.arithmetic_intensity, 1e-9);
      expect(o.bound).toBe(ref.bound);
      expectRel(o.timeSeconds, ref.inference_time, 1e-9);
    });
    it('totals and memory consumption', () => {
      const t = f.total_results[phase];
      const sum = (g: (o: OpResult) => number): number => ops.reduce((s, o) => s + o.count * g(o), 0);
      const { totals, memory } = plan.summary(point);
      expectRel(totals.flops, t.OPs!, 1e-9);
      expectRel(totals.bytes, t.memory_access!, 1e-9);
      expectRel(totals.timeSeconds, t.inference_time!, 1e-9);
      expectRel(sum((o) => o.bytes.weight), t.load_weight!, 1e-9);
      expectRel(sum((o) => o.bytes.actRead), t.load_act!, 1e-9);
      expectRel(sum((o) => o.bytes.actWrite), t.store_act!, 1e-9);
      expectRel(sum((o) => o.bytes.kvRead), t.load_kv_cache!, 1e-9);
      expectRel(sum((o) => o.bytes.kvWrite), t.store_kv_cache!, 1e-9);
      expectRel(memory.kvCacheBytes, t.memory_consumption_kv_cache!, 1e-9);
      expectRel(memory.weightBytes, t.memory_consumption_weight!, 1e-9);
      expectRel(memory.activationBytes, t.memory_consumption_tmp_act!, 1e-9);
      expectRel(memory.totalBytes, t.memory_consumption!, 1e-9);
    });
  });
});
