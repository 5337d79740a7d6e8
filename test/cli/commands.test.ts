/** The commands as a user runs them: outputs parse, follow the schemas, and agree with each other. */
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { evaluate as mathjsEvaluate } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { modelSymbols } from '../../src/core/model.js';
import { loadModel } from '../../src/io/load-model.js';
import { FormulasSchema } from '../../src/io/formulas-schema.js';
import { HardwareListSchema, HardwareShowSchema, ModelShowSchema, ModelsListSchema } from '../../src/io/catalog-schema.js';
import { ReportSchema, SweepSchema } from '../../src/io/report-schema.js';
import { cli } from '../helpers/cli.js';
import { expectRel } from '../helpers/rel.js';

const ANSI = '\u001b[';

describe('analyze', () => {
  it('with no arguments analyses GTA-1B on an H100 SXM, decode, batch 1, context 2048', () => {
    const r = cli(['analyze']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^GTA-1B \(paper\/gta-1b, GTA\) on NVIDIA H100 SXM5 80 GB\ndecode, batch 1, context 2048, w16a16kv16/);
    for (const name of ['embedding', 'q_proj', 'qk_matmul', 'softmax', 'sv_matmul', 'decoder', 'g_proj', 'gate', 'o_proj', 'gate_proj', 'lm_head']) expect(r.stdout).toContain(name);
    expect(r.stdout).toMatch(/KV cache: 20\.7 kB per token \(all layers\)/);
    expect(r.stdout).toMatch(/memory: .* fits/);
    expect(r.stdout).not.toContain(ANSI);
  });

  it('--format json follows the report schema and the contract', () => {
    const r = cli(['analyze', '--model', 'paper/gqa-1b', '--phase', 'prefill', '--seq', '512', '--batch', '4', '--format', 'json']);
    expect(r.status).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.workload).toMatchObject({ phase: 'prefill', batch: 4, seqLen: 512, contextLen: 512, flash: false, costModel: 'exact' });
    // 54 × (4,096,000 attention + 13,762,560 MLP + 2,560 norms) + 1,280 final norm + 164,167,680 tied embedding.
    expect(report.model.parameters).toBe(1_128_669_440);
    const sum = report.ops.reduce((s, o) => s + o.count * o.flops, 0);
    expectRel(report.totals.flops, sum);
    expect(report.memory.kvCacheBytesPerToken).toBe(640 * 2 * 54);
    expect(report.memory.kvCacheBytes).toBe(4 * 512 * 640 * 2 * 54);
  });

  it('--flash says so in the report and removes score traffic', () => {
    const r = JSON.parse(cli(['analyze', '--phase', 'prefill', '--flash', '--format', 'json', '--scope', 'attention']).stdout) as { ops: { name: string }[]; notes: string[]; workload: { flash: boolean } };
    expect(r.workload.flash).toBe(true);
    expect(r.ops.map((o) => o.name)).toContain('attention');
    expect(r.ops.map((o) => o.name)).not.toContain('softmax');
    expect(r.notes.join(' ')).toMatch(/flash: fused attention kernel/);
  });

  it('--format csv and md carry every operator', () => {
    const csv = cli(['analyze', '--format', 'csv']).stdout.trim().split('\n');
    expect(csv[0]).toBe('operator,count,flops,weightBytes,actReadBytes,actWriteBytes,kvReadBytes,kvWriteBytes,totalBytes,intensityFlopPerByte,bound,timeSeconds');
    expect(csv.at(-1)).toMatch(/^total,1,/);
    const md = cli(['analyze', '--format', 'md']).stdout;
    expect(md).toMatch(/\| lm_head \| 1 \|/);
  });

  it('--out writes the file and nothing to stdout', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmr-'));
    const out = join(dir, 'r.json');
    const r = cli(['analyze', '--format', 'json', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('');
    ReportSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(readdirSync(dir)).toEqual(['r.json']); // no temporary left behind
  });

  it('--bits and the single-width flags set widths; int8 peak when weights and activations are 8 bit', () => {
    const r = JSON.parse(cli(['analyze', '--bits', 'w16a16kv16', '--weight-bits', '8', '--act-bits', '8', '--format', 'json']).stdout) as { workload: { bits: object; computeDtype: string } };
    expect(r.workload.bits).toEqual({ weight: 8, activation: 8, kv: 16 });
    expect(r.workload.computeDtype).toBe('int8');
  });

  it('accepts a Hugging Face config.json path', () => {
    const r = cli(['analyze', '--model', 'test/fixtures/hf/gta/config.json', '--format', 'json']);
    expect(r.status).toBe(0);
    const own = JSON.parse(cli(['analyze', '--format', 'json']).stdout) as { totals: unknown };
    expect((JSON.parse(r.stdout) as { totals: unknown }).totals).toEqual(own.totals);
  });
});

describe('sweep', () => {
  it('evaluates every combination as llm-roofline.sweep/v1', () => {
    const r = cli(['sweep', '--model', 'paper/gqa-1b,paper/gta-1b', '--phase', 'prefill,decode', '--batch', '1,32', '--seq', '128,2048', '--context', '512,1024,4096', '--flash', 'both']);
    expect(r.status).toBe(0);
    const doc = SweepSchema.parse(JSON.parse(r.stdout));
    expect(doc.points).toHaveLength(2 * 2 * (2 + 3) * 2);
    const one = doc.points.find((p) => p.model === 'paper/gta-1b' && p.workload.phase === 'decode' && p.workload.batch === 1 && p.workload.contextLen === 4096 && !p.workload.flash);
    const single = JSON.parse(cli(['analyze', '--context', '4096', '--format', 'json']).stdout) as { totals: unknown; memory: unknown };
    expect(one?.totals).toEqual(single.totals);
    expect(one?.memory).toEqual(single.memory);
  });

  it('--format csv has a header and one row per point', () => {
    const r = cli(['sweep', '--batch', '1,2,3', '--format', 'csv']);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^model,hardware,phase,batch,/);
    expect(lines).toHaveLength(4);
  });
});

describe('models, hardware, formulas', () => {
  it('models lists every shipped model with parameters and cache', () => {
    const r = cli(['models']);
    for (const id of ['paper/160m-mha', 'paper/gta-1b', 'llama-2-7b', 'llama-2-70b', 'llama-3.1-8b']) expect(r.stdout).toContain(id);
  });
  it('models show prints the config with its source and derived numbers', () => {
    const m = JSON.parse(cli(['models', 'show', 'paper/gta-1b']).stdout) as { source: string; derived: { parameters: number; kvCacheElementsPerTokenPerLayer: number } };
    expect(m.source).toMatch(/Table 5/);
    expect(m.derived).toEqual({ parameters: 1_128_766_208, kvCacheElementsPerTokenPerLayer: 192 });
  });
  it('hardware lists every shipped device; show prints sources', () => {
    const r = cli(['hardware']);
    for (const id of ['h100-sxm', 'h100-pcie', 'a800-sxm', 'a800-pcie', 'rtx-3060', 'apple-m2', 'apple-m2-cpu', 'bcm2712']) expect(r.stdout).toContain(id);
    for (const id of ['h200-sxm', 'b200', 'mi300x', 'l40s', 'rtx-4090', 'jetson-agx-orin-64gb', 'apple-m3', 'apple-m3-pro', 'apple-m3-max', 'apple-m4', 'apple-m4-pro', 'apple-m4-max']) expect(r.stdout).toContain(id);
    const show = cli(['hardware', 'show', 'h100-sxm']).stdout;
    expect(show).toMatch(/peak fp16 dense, FLOP\/s\s+989400000000000/);
    expect(show).toMatch(/sources:/);
  });
  it('models --format json is llm-roofline.models/v1 with every shipped model and its derived numbers', () => {
    const r = cli(['models', '--format', 'json']);
    expect(r.status).toBe(0);
    const doc = ModelsListSchema.parse(JSON.parse(r.stdout));
    expect(doc.models.map((m) => m.id)).toEqual(expect.arrayContaining(['paper/160m-mha', 'paper/gta-1b', 'llama-2-7b', 'llama-3.1-8b']));
    // GTA-1B: 54 layers; its cache per token per layer is n_k·d_h + n_c·d_l = 1·64 + 1·128 = 192 elements.
    expect(doc.models.find((m) => m.id === 'paper/gta-1b')).toEqual({ id: 'paper/gta-1b', name: 'GTA-1B', attention: 'gta', layers: 54, hiddenSize: 1280, parameters: 1_128_766_208, kvCacheElementsPerTokenPerLayer: 192 });
    // Llama-2-7B, MHA: 2 × 32 heads × 128 = 8192 elements.
    expect(doc.models.find((m) => m.id === 'llama-2-7b')?.kvCacheElementsPerTokenPerLayer).toBe(8192);
  });
  it('models show carries its schema id; --format text says the same in lines', () => {
    const doc = ModelShowSchema.parse(JSON.parse(cli(['models', 'show', 'paper/gta-1b']).stdout));
    expect(doc.schema).toBe('llm-roofline.model/v1');
    expect(doc.attention).toMatchObject({ kind: 'gta', heads: 20, headDim: 64, valueDim: 128 });
    const text = cli(['models', 'show', 'paper/gta-1b', '--format', 'text']);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^GTA-1B \(paper\/gta-1b\)\nsource: GTA paper/);
    expect(text.stdout).toMatch(/^attention: kind gta, heads 20, headDim 64, queryHeads 5, /m);
    expect(text.stdout).toMatch(/^parameters: 1128766208 \(1\.13 G\)$/m);
    expect(text.stdout).toMatch(/^KV-cache elements per token per layer: 192$/m);
  });
  it('models show --format json follows its schema for a model at every dimension limit (parameters past 2^53)', () => {
    const r = cli(['models', 'show', 'test/fixtures/models/largest.json']);
    expect(r.status).toBe(0);
    const doc = ModelShowSchema.parse(JSON.parse(r.stdout));
    // Per layer: Q, K, V, O are 4 · 2^17 · 2^28 = 4 · 2^45 weights, the MLP 3 · 2^17 · 2^20 = 3 · 2^37; 4096 layers;
    // embedding and lm_head 2 · 2^24 · 2^17 = 2^42. Biases and norms add under 1e-5 of the sum.
    expectRel(doc.derived.parameters, 4096 * (4 * 2 ** 45 + 3 * 2 ** 37) + 2 ** 42, 1e-5);
    expect(doc.derived.parameters).toBeGreaterThan(Number.MAX_SAFE_INTEGER);
  });
  it('hardware --format json lists h100-sxm with the fp16 dense peak, bandwidth and memory of its profile', () => {
    const doc = HardwareListSchema.parse(JSON.parse(cli(['hardware', '--format', 'json']).stdout));
    const profile = JSON.parse(readFileSync('hardware-profiles/h100-sxm.json', 'utf8')) as { peakFlopPerSecond: { fp16: { value: number } }; memoryBandwidthBytesPerSecond: { value: number }; memoryBytes: { value: number } };
    const h100 = doc.hardware.find((h) => h.id === 'h100-sxm');
    expect(h100?.peakFlopPerSecond.fp16).toBe(989.4e12);
    expect(h100?.peakFlopPerSecond.fp16).toBe(profile.peakFlopPerSecond.fp16.value);
    expect(h100).toMatchObject({ name: 'NVIDIA H100 SXM5 80 GB', kind: 'gpu', memoryBandwidthBytesPerSecond: profile.memoryBandwidthBytesPerSecond.value, memoryBytes: profile.memoryBytes.value });
    expect(doc.hardware.map((h) => h.id)).toEqual(expect.arrayContaining(['h100-pcie', 'a800-sxm', 'rtx-3060', 'apple-m2', 'bcm2712']));
  });
  it('hardware show --format json is the profile with its sources, under llm-roofline.hardware/v1', () => {
    const doc = HardwareShowSchema.parse(JSON.parse(cli(['hardware', 'show', 'h100-sxm', '--format', 'json']).stdout));
    expect(doc).toMatchObject({ schema: 'llm-roofline.hardware/v1', id: 'h100-sxm', file: 'hardware-profiles/h100-sxm.json' });
    expect(doc.profile.peakFlopPerSecond.fp16).toMatchObject({ value: 989.4e12, source: 'datasheet', flags: ['derived'] });
    expect(Object.keys(doc.profile.sources)).toContain('datasheet');
  });
  it('formulas prints the formulas the numbers come from: evaluating the printed text gives the reported value', () => {
    const text = cli(['formulas', 'paper/gta-1b']).stdout;
    const line = /^qk_matmul\n {2}FLOPs\s+(.+)$/m.exec(text);
    expect(line).not.toBeNull();
    const report = JSON.parse(cli(['analyze', '--scope', 'attention', '--format', 'json']).stdout) as { ops: { name: string; flops: number }[] };
    const symbols = { ...modelSymbols(loadModel('paper/gta-1b')), B: 1, T: 1, K: 2048, P: 2048 };
    expect(mathjsEvaluate(line![1]!, symbols)).toBe(report.ops.find((o) => o.name === 'qk_matmul')!.flops);
    expect(text).toMatch(/KV-cache elements per token per layer: n_k \* d_h \+ n_c \* d_l/);
  });
  it('formulas --format json gives each formula as text and LaTeX with its value, the value the analysis reports', () => {
    const r = cli(['formulas', 'paper/gta-1b', '--format', 'json']);
    expect(r.status).toBe(0);
    const doc = FormulasSchema.parse(JSON.parse(r.stdout));
    expect(doc.workload).toEqual({ hardware: 'h100-sxm', batch: 1, seqLen: 1, contextLen: 2048, bitsLabel: 'w16a16kv16' });
    expect(doc.kvCacheElementsPerTokenPerLayer).toMatchObject({ text: 'n_k * d_h + n_c * d_l', value: 192 });
    const q = doc.ops.find((o) => o.name === 'q_proj');
    // 2 · B · T · H · n_q · d_h = 2 · 1 · 1 · 1280 · 5 · 64 FLOPs; weights (H + b) · n_q · d_h · w = 1281 · 320 · 2 bytes.
    expect(q?.fields.find((f) => f.field === 'flops')).toMatchObject({ text: '2 * B * T * H * n_q * d_h', value: 819_200 });
    expect(q?.fields.find((f) => f.field === 'weight')?.value).toBe(819_840);
    expect(q?.fields.find((f) => f.field === 'flops')?.latex).toMatch(/n\\_q/);
    const report = JSON.parse(cli(['analyze', '--scope', 'attention', '--format', 'json']).stdout) as { ops: { name: string; flops: number }[] };
    expect(doc.ops.map((o) => o.name)).toEqual(report.ops.map((o) => o.name));
    for (const [i, op] of doc.ops.entries()) expect(op.fields.find((f) => f.field === 'flops')?.value ?? 0).toBe(report.ops[i]!.flops);
    expect(doc.symbols.find((s) => s.name === 'K')?.value).toBe(2048);
  });
  it('formulas --format json: prefill pairs at the given length; a bare variant has formulas and no values', () => {
    const pre = FormulasSchema.parse(JSON.parse(cli(['formulas', 'paper/gqa-1b', '--format', 'json', '--phase', 'prefill', '--seq', '512', '--batch', '4', '--scope', 'model']).stdout));
    expect(pre.pairsPerSequence).toMatchObject({ text: 'T * (T + 1) / 2', value: (512 * 513) / 2 });
    expect(pre.ops.find((o) => o.name === 'q_proj')?.count).toBe(54);
    const bare = FormulasSchema.parse(JSON.parse(cli(['formulas', 'mla', '--format', 'json']).stdout));
    expect(bare.workload).toBeNull();
    expect(bare.ops.flatMap((o) => o.fields).every((f) => f.value === undefined)).toBe(true);
    expect(bare.symbols.every((s) => s.value === undefined)).toBe(true);
  });
  it('formulas --format latex for a bare variant', () => {
    const tex = cli(['formulas', 'mla', '--format', 'latex', '--phase', 'prefill']).stdout;
    expect(tex).toMatch(/\\begin\{align\*\}/);
    expect(tex).toMatch(/\\text\{kv\\_b\\_proj\}/);
  });
});
