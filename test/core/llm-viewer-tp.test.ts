/**
 * The llm-viewer cost models under --tp, as newer LLM-Viewer splits a model (hahnyuan/LLM-Viewer df2cba9:
 * `get_linear_layers(model_params, tp_size)` in configs/Llama.py, nothing else takes the size).
 *
 * Hand derivation, Llama-2-7B (H = 4096, n_h = n_kv = 32, d = 128, I = 11008, L = 32), 16-bit (2 bytes each),
 * B sequences, T query tokens, K keys, t devices. A linear layer (ic, oc) costs OPs 2·ic·oc·B·T, load_weight
 * ic·oc·2, load_act ic·B·T·2, store_act oc·B·T·2. Upstream gives q_proj (H, H/t) and down_proj (I/t, H), so:
 *   q_proj:    OPs, weight and store_act are 1/t of tp=1's; load_act (H·B·T·2) is whole;
 *   down_proj: OPs, weight and load_act are 1/t of tp=1's; store_act (H·B·T·2) is whole;
 *   attention (qk_matmul, sv_matmul, softmax, fused_attention) keeps all n_h heads: equal to tp=1's.
 * Memory (its memory_consumption): weights L·(4·H² + 3·H·I)·2 and KV cache 2·L·B·K·n_kv·d·2, each 1/t per device.
 */
import { describe, expect, it } from 'vitest';
import { Plan, type OpResult, type Point } from '../../src/core/engine.js';
import { checkParallelism, ParallelismError } from '../../src/core/parallel.js';
import type { Parallelism } from '../../src/core/parallelism.js';
import { buildReport } from '../../src/core/report.js';
import type { CostModel, Phase } from '../../src/core/workload.js';
import { loadHardware } from '../../src/io/load-hardware.js';
import { loadModel } from '../../src/io/load-model.js';
import { cli } from '../helpers/cli.js';
import { DEFAULT_WORKLOAD, opNamed } from '../helpers/engine.js';
import { expectRel } from '../helpers/rel.js';

const model = loadModel('llama-2-7b');
const hw = loadHardware('llm-viewer/nvidia_A100').hardware;
const [H, I, L, NKV, D] = [4096, 11008, 32, 32, 128];
const BITS = { weight: 16, activation: 16, kv: 16 } as const;

function tensor(tp: number): Parallelism | undefined {
  return tp === 1 ? undefined : { tp, pp: 1, ep: 1, dp: 1 };
}

function planFor(phase: Phase, tp: number, flash = false, costModel: CostModel = 'llm-viewer'): Plan {
  return new Plan(model, hw, { phase, flash, pairs: 'dense', mla: 'absorbed', scope: 'model', costModel, parallel: tensor(tp) });
}

const CASES = [
  { phase: 'decode', point: { batch: 8, seqLen: 1, contextLen: 1024, bits: BITS }, T: 1, K: 1024 },
  { phase: 'prefill', point: { batch: 2, seqLen: 512, contextLen: 512, bits: BITS }, T: 512, K: 512 },
] as const satisfies readonly { phase: Phase; point: Point; T: number; K: number }[];

describe.each(CASES)('llama-2-7b $phase', ({ phase, point, T, K }) => {
  const B = point.batch;
  const whole = planFor(phase, 1).operators(point);
  describe.each([2, 4])('--tp %i', (t) => {
    const ops = planFor(phase, t).operators(point);

    it('q_proj: columns split (hand-derived), load_act whole', () => {
      const q = opNamed(ops, 'q_proj');
      expectRel(q.flops, (2 * H * (H / t) * B * T));
      expectRel(q.bytes.weight, H * (H / t) * 2);
      expectRel(q.bytes.actRead, H * B * T * 2);
      expectRel(q.bytes.actWrite, (H / t) * B * T * 2);
      const q1 = opNamed(whole, 'q_proj');
      expectRel(q.flops, q1.flops / t);
      expectRel(q.bytes.weight, q1.bytes.weight / t);
      expectRel(q.bytes.actRead, q1.bytes.actRead);
      expectRel(q.bytes.actWrite, q1.bytes.actWrite / t);
    });

    it('down_proj: rows split (hand-derived), store_act whole', () => {
      const dn = opNamed(ops, 'down_proj');
      expectRel(dn.flops, 2 * (I / t) * H * B * T);
      expectRel(dn.bytes.weight, (I / t) * H * 2);
      expectRel(dn.bytes.actRead, (I / t) * B * T * 2);
      expectRel(dn.bytes.actWrite, H * B * T * 2);
      const d1 = opNamed(whole, 'down_proj');
      expectRel(dn.flops, d1.flops / t);
      expectRel(dn.bytes.actRead, d1.bytes.actRead / t);
      expectRel(dn.bytes.actWrite, d1.bytes.actWrite);
    });

    it('attention keeps every head: qk_matmul, sv_matmul, softmax equal tp=1', () => {
      for (const name of ['qk_matmul', 'sv_matmul', 'softmax']) {
        const [a, a1] = [opNamed(ops, name), opNamed(whole, name)];
        expect({ flops: a.flops, bytes: a.bytes }).toEqual({ flops: a1.flops, bytes: a1.bytes });
      }
      expectRel(opNamed(ops, 'qk_matmul').flops, 2 * T * K * D * 32 * B);
      expectRel(opNamed(ops, 'qk_matmul').bytes.kvRead, K * D * B * NKV * 2);
    });

    it('fused attention is not split either', () => {
      const [f, f1] = [opNamed(planFor(phase, t, true).operators(point), 'fused_attention'), opNamed(planFor(phase, 1, true).operators(point), 'fused_attention')];
      expect(f).toEqual(f1);
    });

    it('only the seven linear layers change, and the lm_head stays whole', () => {
      const linear = new Set(['q_proj', 'k_proj', 'v_proj', 'out_proj', 'gate_proj', 'up_proj', 'down_proj']);
      const changed = ops.filter((o, i) => JSON.stringify(o) !== JSON.stringify(whole[i])).map((o) => o.name);
      expect(new Set(changed)).toEqual(linear);
      expect(ops.map((o) => o.name)).toEqual(whole.map((o) => o.name));
    });

    it('totals: the linear layers\' OPs 1/t, no communication', () => {
      const plan = planFor(phase, t);
      const totals = plan.totalsAt(point);
      const linear = (o: OpResult): boolean => o.name.endsWith('_proj');
      const linearOps = whole.filter(linear).reduce((s, o) => s + o.count * o.flops, 0);
      expectRel(totals.flops, planFor(phase, 1).totalsAt(point).flops - linearOps * (1 - 1 / t));
      expect(totals.communicationSeconds).toBe(0);
    });

    it('memory: the whole model as at tp=1, per device LLM-Viewer\'s memory_consumption (weights and KV 1/t)', () => {
      const plan = planFor(phase, t);
      const m = plan.memory(point);
      const m1 = planFor(phase, 1).memory(point);
      expectRel(m.weightBytes, m1.weightBytes);
      expectRel(m.kvCacheBytes, m1.kvCacheBytes);
      const dev = plan.deviceMemory(point);
      if (dev === undefined) throw new Error('no per-device memory');
      expectRel(dev.weightBytes, (L * (4 * H * H + 3 * H * I) * 2) / t);
      expectRel(dev.kvCacheBytes, (2 * L * B * K * NKV * D * 2) / t);
      expectRel(dev.activationBytes, m.activationBytes);
      expectRel(dev.totalBytes, dev.weightBytes + dev.kvCacheBytes + dev.activationBytes);
      expect(dev.fits).toBe(dev.totalBytes <= hw.memoryBytes);
    });
  });

  it('tp=1 is unchanged: data parallel alone evaluates the same operators', () => {
    const replicated = new Plan(model, hw, { phase, flash: false, pairs: 'dense', mla: 'absorbed', scope: 'model', costModel: 'llm-viewer', parallel: { tp: 1, pp: 1, ep: 1, dp: 2 } });
    expect(replicated.operators(point)).toEqual(whole);
    expect(replicated.deviceMemory(point)).toBeUndefined();
  });
});

describe('llm-viewer-gta splits Llama models the same way (the fork\'s configs/Llama.py)', () => {
  it('q_proj and down_proj as upstream', () => {
    const point = CASES[0].point;
    const [ops, whole] = [planFor('decode', 2, false, 'llm-viewer-gta').operators(point), planFor('decode', 1, false, 'llm-viewer-gta').operators(point)];
    expectRel(opNamed(ops, 'q_proj').flops, opNamed(whole, 'q_proj').flops / 2);
    expectRel(opNamed(ops, 'down_proj').bytes.actRead, opNamed(whole, 'down_proj').bytes.actRead / 2);
    expect(opNamed(ops, 'mlp_act')).toEqual(opNamed(whole, 'mlp_act'));
  });
});

describe('refusals', () => {
  const refused = (f: () => unknown): ParallelismError => {
    try {
      f();
    } catch (e) {
      if (e instanceof ParallelismError) return e;
      throw e;
    }
    throw new Error('not refused');
  };

  it('the plan refuses pipeline and expert parallelism, and GTA under --tp', () => {
    const spec = { phase: 'decode', flash: false, pairs: 'dense', mla: 'absorbed', scope: 'model', costModel: 'llm-viewer' } as const;
    expect(refused(() => new Plan(model, hw, { ...spec, parallel: { tp: 1, pp: 2, ep: 1, dp: 1 } })).flag).toBe('--pp');
    const gta = loadModel('paper/gta-1b');
    expect(refused(() => new Plan(gta, hw, { ...spec, costModel: 'llm-viewer-gta', parallel: { tp: 2, pp: 1, ep: 1, dp: 1 } })).message).toMatch(/ignores it/);
  });

  it('--pp 2 with llm-viewer exits 2 with a one-line message', () => {
    const r = cli(['analyze', '--model', 'llama-2-7b', '--hardware', 'llm-viewer/nvidia_A100', '--cost-model', 'llm-viewer', '--pp', '2']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('--pp: llm-viewer has no pipeline parallelism: LLM-Viewer splits a model only by tensor parallelism (got --pp 2, expected 1); use --cost-model exact');
  });

  it('key/value heads must divide: LLM-Viewer does not replicate them (exact does)', () => {
    const args = ['analyze', '--model', 'llama-3.1-8b', '--hardware', 'llm-viewer/nvidia_H100', '--tp', '16', '--format', 'json'];
    const r = cli([...args, '--cost-model', 'llm-viewer']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('--tp: llama-3.1-8b: attention.kvHeads: must be divisible by --tp: LLM-Viewer splits key/value heads and does not replicate them (got kvHeads 8, --tp 16)');
    expect(() => {
      checkParallelism(loadModel('llama-3.1-8b'), { tp: 16, pp: 1, ep: 1, dp: 1 });
    }).not.toThrow();
  });
});

describe('the report says how it is split', () => {
  it('a note from the cost model, no collectives, no links', () => {
    const w = { ...DEFAULT_WORKLOAD, costModel: 'llm-viewer' as const, pairs: 'dense' as const, contextLen: 1024, parallelism: { tp: 8, pp: 1, ep: 1, dp: 1 }, overlap: false };
    const r = buildReport(model, hw, w, 'model', { name: 'llm-roofline', version: 'test' });
    expect(r.notes.some((n) => n.startsWith('llm-viewer --tp 8: linear layers split 8 ways as newer LLM-Viewer does') && n.includes('no communication cost'))).toBe(true);
    expect(r.ops.some((o) => o.kind === 'collective')).toBe(false);
    expect(r.totals.communicationSeconds).toBe(0);
    expect(r.deployment?.communication.links).toEqual([]);
    expect(r.memory.perDevice?.weightBytes).toBe(r.memory.weightBytes / 8);
  });
});
