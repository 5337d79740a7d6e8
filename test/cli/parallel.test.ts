/** `analyze` and `formulas` split over devices, as a user runs them: JSON fields, the table, LaTeX, and refusals. */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { ReportSchema } from '../../src/io/report-schema.js';
import { cli } from '../helpers/cli.js';
import { expectRel } from '../helpers/rel.js';

/** `analyze … --format json`, checked against the published schema and typed by it. */
const json = (args: readonly string[]): z.output<typeof ReportSchema> => {
  const r = cli(['analyze', ...args, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return ReportSchema.parse(JSON.parse(r.stdout));
};

describe('analyze split over devices', () => {
  it('reports the parallelism, one device\'s memory, the collectives and the communication time', () => {
    const r = json(['--model', 'llama-2-70b', '--hardware', 'h100-sxm', '--tp', '8', '--phase', 'decode', '--batch', '8', '--context', '4096']);
    expect(r.workload.parallelism).toEqual({ tp: 8, pp: 1, ep: 1, dp: 1 });
    expect(r.memory.fitsDevice).toBe(false);
    expect(r.memory.perDevice?.fits).toBe(true);
    const collectives = r.ops.filter((o) => o.kind === 'collective');
    expect(collectives.map((o) => o.name)).toEqual(['embedding_all_reduce', 'attn_all_reduce', 'mlp_all_reduce', 'logits_all_gather']);
    // B·T·H·a = 8 × 8192 × 2 bytes; a ring all-reduce of 8 sends 2 × 7/8 of it.
    expect(collectives[1]?.bytes.network).toBe(2 * (7 / 8) * 8 * 8192 * 2);
    const comm = collectives.reduce((s, o) => s + o.count * o.timeSeconds, 0);
    expectRel(r.totals.communicationSeconds ?? 0, comm, 1e-12);
    expect(r.deployment?.communication.links[0]).toMatchObject({ group: 'tp', tier: 'scale-up', bytesPerSecond: 450e9 });
  });

  it('--overlap makes the pass the longer of compute and communication', () => {
    const base = ['--model', 'llama-2-7b', '--hardware', 'h100-sxm', '--tp', '4', '--phase', 'prefill', '--seq', '2048'];
    const plain = json(base);
    const over = json([...base, '--overlap']);
    const comm = plain.totals.communicationSeconds ?? 0;
    expectRel(over.totals.timeSeconds, Math.max(plain.totals.timeSeconds - comm, comm), 1e-12);
    expect(over.deployment?.communication.overlap).toBe(true);
  });

  it('a pipeline states its stages, micro-batches and bubble', () => {
    const r = json(['--model', 'llama-2-70b', '--hardware', 'h100-sxm', '--tp', '4', '--pp', '4', '--micro-batches', '8', '--phase', 'decode']);
    const p = r.deployment?.pipeline;
    expect(p?.layersPerStage).toEqual([20, 20, 20, 20]);
    expect(p?.bubbleFraction).toBeCloseTo(3 / 11, 12);
    expectRel(p?.batchSeconds ?? 0, 11 * Math.max(...(p?.stageSeconds ?? [])), 1e-12);
    expectRel(p?.latencySeconds ?? 0, r.totals.timeSeconds, 1e-12);
    // 16 devices on 8-device nodes: one of the three boundaries crosses nodes.
    expect(r.ops.find((o) => o.name === 'send_across_nodes')?.count).toBe(1);
  });

  it('the table says what one device holds and what the links cost', () => {
    const r = cli(['analyze', '--model', 'hf/deepseek-v3', '--hardware', 'h200-sxm', '--ep', '8', '--phase', 'decode', '--batch', '64']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/8 devices: tp 1 × pp 1 × ep 8/);
    expect(r.stdout).toMatch(/per device: weights .* fits/);
    expect(r.stdout).toMatch(/moe\.dispatch/);
  });
});

describe('refusals name the flag and the field', () => {
  it.each([
    [['--model', 'llama-2-7b', '--tp', '3'], /^--tp: llama-2-7b: attention\.heads: must be divisible by --tp \(got heads 32, --tp 3\)/],
    [['--model', 'llama-2-7b', '--ep', '2'], /^--ep: .*mixture-of-experts/],
    [['--model', 'hf/deepseek-v3', '--ep', '8', '--tp', '2'], /^--ep: .*--tp 1/],
    [['--model', 'llama-2-7b', '--hardware', 'apple-m2', '--tp', '2'], /^hardware-profiles\/apple-m2\.json: interconnect: .*no link between devices/],
    [['--model', 'llama-2-7b', '--tp', '0'], /^--tp: expected a positive integer/],
    [['--model', 'llama-2-7b', '--micro-batches', '4'], /^--micro-batches: needs the model split/],
    [['--model', 'llama-2-7b', '--pp', '64'], /^--pp: llama-2-7b: layers: cannot exceed/],
  ])('%j', (args, message) => {
    const r = cli(['analyze', ...args, '--hardware', args.includes('--hardware') ? args[args.indexOf('--hardware') + 1]! : 'h100-sxm']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });
});

describe('formulas --tp', () => {
  it('prints one device\'s formulas with the all-reduce, as text and LaTeX', () => {
    const text = cli(['formulas', 'llama-2-7b', '--tp', '2', '--scope', 'layer']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/attn_all_reduce\n\s+bytes sent per device\s+2 \* \(t - 1\) \/ t \* B \* T \* H \* a\n\s+link latencies paid\s+2 \* \(t - 1\)/);
    const tex = cli(['formulas', 'llama-2-7b', '--tp', '2', '--scope', 'layer', '--format', 'latex']);
    expect(tex.status).toBe(0);
    expect(tex.stdout).toMatch(/attn\\_all\\_reduce/);
    const doc = JSON.parse(cli(['formulas', 'llama-2-7b', '--tp', '2', '--scope', 'layer', '--format', 'json']).stdout) as { ops: { name: string; fields: { field: string; value?: number }[] }[] };
    const ar = doc.ops.find((o) => o.name === 'attn_all_reduce');
    // The JSON's values are the analysis's own at its default workload: 2 hops for t = 2.
    expect(ar?.fields.find((f) => f.field === 'hops')?.value).toBe(2);
  });
});
