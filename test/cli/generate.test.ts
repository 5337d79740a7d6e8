/** `generate` as a user runs it: the JSON against its schema and analyze's steps, the table, CSV, and refusals. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { GenerateSchema } from '../../src/io/generate-schema.js';
import { ReportSchema } from '../../src/io/report-schema.js';
import { cli } from '../helpers/cli.js';
import { expectRel } from '../helpers/rel.js';

/** `generate … --format json`, checked against the published schema and typed by it. */
function generate(args: readonly string[]): z.output<typeof GenerateSchema> {
  const r = cli(['generate', ...args, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return GenerateSchema.parse(JSON.parse(r.stdout));
}

/** `analyze … --format json`'s total seconds. */
function analyzeSeconds(args: readonly string[]): number {
  const r = cli(['analyze', ...args, '--format', 'json']);
  expect(r.status).toBe(0);
  return ReportSchema.parse(JSON.parse(r.stdout)).totals.timeSeconds;
}

describe('generate --format json', () => {
  it('one run per combination of the lists, input outermost, batch innermost', () => {
    const d = generate(['--model', 'llama-2-7b', '--input', '128,256', '--output', '2', '--batch', '1,4,8']);
    expect(d.schema).toBe('llm-roofline.generate/v1');
    expect(d.runs.map((r) => [r.workload.input, r.workload.output, r.workload.batch])).toEqual([
      [128, 2, 1], [128, 2, 4], [128, 2, 8], [256, 2, 1], [256, 2, 4], [256, 2, 8],
    ]);
    // generate defaults to the device family's typical efficiency (an H100: Hopper's).
    expect(d.runs[0]?.efficiency.label).toBe('typical:nvidia-hopper');
    expect(d.runs[0]?.efficiency.hardware).toEqual({ compute: 1, memory: 1 });
  });

  it('split over two devices (--tp 2), a run is the split analyze steps at the same efficiency: prefill of N, decode at N + 1 … N + M − 1', () => {
    const common = ['--model', 'llama-2-7b', '--hardware', 'h100-sxm', '--tp', '2', '--batch', '4', '--efficiency', 'typical'];
    const run = generate([...common, '--input', '300', '--output', '3', '--price-per-device-hour', '3']).runs[0];
    const ttft = analyzeSeconds([...common, '--phase', 'prefill', '--seq', '300']);
    const steps = [301, 302].map((k) => analyzeSeconds([...common, '--phase', 'decode', '--context', String(k)]));
    expectRel(run?.ttftSeconds ?? NaN, ttft);
    expectRel(run?.e2eSeconds ?? NaN, ttft + (steps[0] ?? NaN) + (steps[1] ?? NaN));
    expectRel(run?.tpotSeconds ?? NaN, ((steps[0] ?? NaN) + (steps[1] ?? NaN)) / 2);
    expect(run?.devices).toBe(2);
    expect(run?.workload.parallelism).toEqual({ tp: 2, pp: 1, ep: 1, dp: 1 });
    // Two H100s at 700 W for E2E over 4 × 3 tokens; $3 per device-hour.
    const e2e = run?.e2eSeconds ?? NaN;
    expectRel(run?.joulesPerOutputToken ?? NaN, (2 * 700 * e2e) / 12);
    expectRel(run?.costPerMillionOutputTokens ?? NaN, ((3 * 2 * e2e) / 3600 / 12) * 1e6);
  });

  it('--dp multiplies tokens/s; --memory-reserve changes what fits', () => {
    const base = ['--model', 'llama-2-7b', '--input', '2048', '--output', '2048', '--batch', '8'];
    const one = generate(base).runs[0];
    const two = generate([...base, '--dp', '2', '--memory-reserve', '0.5']).runs[0];
    expectRel(two?.outputTokensPerSecond ?? NaN, 2 * (one?.outputTokensPerSecond ?? NaN));
    expect(one?.memory.maxBatch).toBe(27);
    expect(two?.memory.maxBatch).toBe(12);
    expect(two?.memory.reserve).toBe(0.5);
  });

  it('a profile without power has no energy figure', () => {
    const run = generate(['--model', 'paper/gta-1b', '--hardware', 'apple-m2', '--input', '64', '--output', '1']).runs[0];
    expect(run?.joulesPerOutputToken).toBeUndefined();
    expect(run?.tpotSeconds).toBeUndefined();
    expect(run?.notes).toContain('energy: the profile gives no powerWatts, so joulesPerOutputToken is absent.');
  });
});

describe('generate lists', () => {
  it('a value listed twice is one run', () => {
    const d = generate(['--model', 'paper/gta-1b', '--input', '64,64,128', '--output', '2,2', '--batch', '1,1']);
    expect(d.runs.map((r) => r.workload.input)).toEqual([64, 128]);
  });
});

describe('generate --disaggregate', () => {
  it('the decode on a second pool: the move in the JSON, the table and the CSV', () => {
    const args = ['--model', 'llama-2-7b', '--hardware', 'h100-sxm', '--input', '2048', '--output', '64', '--batch', '8', '--disaggregate', 'scale-out'];
    const run = generate(args).runs[0];
    // 8 × 2048 tokens × 524,288 B (32 layers × K and V × 4096 × 2 B) over 50 GB/s × 0.8, plus 4 us.
    expectRel(run?.disaggregation?.seconds ?? NaN, 4e-6 + (8 * 2048 * 524_288) / 40e9, 1e-12);
    expect(run?.devices).toBe(2);
    const table = cli(['generate', ...args]);
    expect(table.status).toBe(0);
    expect(table.stdout).toMatch(/TTFT │ KV move │ +TPOT/);
    expect(table.stdout).toContain('disaggregated: decode on a second pool of 1 h100-sxm, KV cache moved over scale-out (InfiniBand NDR, one 400 Gb/s ConnectX-7 per GPU)');
    const csv = cli(['generate', ...args, '--format', 'csv']).stdout.split('\n');
    expect(csv[0]).toContain('ttftSeconds,kvTransferSeconds,tpotSeconds');
  });

  it('an unknown decode device is named by its flag', () => {
    const r = cli(['generate', '--disaggregate', 'scale-out', '--decode-hardware', 'nope']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^--decode-hardware: unknown hardware "nope" \(expected a path to a \.json file or one of: a800-pcie, .*h100-sxm, .*\)\n$/);
  });
});

describe('generate table and CSV', () => {
  it('the table has one row per run with the serving columns', () => {
    const r = cli(['generate', '--model', 'llama-2-7b', '--input', '512', '--output', '16', '--batch', '1,2']);
    expect(r.status).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('w16a16kv16 (compute at fp16 peak), unfused attention, cost model exact, efficiency typical:nvidia-hopper (GEMM ×0.77, attention ×0.59, memory ×0.8, +32 us/layer, +126 us/pass)');
    expect(lines[2]).toMatch(/model .* hardware .* B .* N .* M .* TTFT .* TPOT .* E2E .* tokens\/s .* J\/token .* max batch/);
    expect(lines.filter((l) => l.includes('llama-2-7b │ h100-sxm'))).toHaveLength(2);
  });

  it('CSV: the same columns in plain units, a cost column when priced, empty cells for what is absent', () => {
    const csv = cli(['generate', '--model', 'llama-2-7b', '--input', '64', '--output', '1,3', '--price-per-device-hour', '2', '--format', 'csv']);
    expect(csv.status).toBe(0);
    const [header, ...rows] = csv.stdout.trimEnd().split('\n');
    expect(header).toBe('model,hardware,batch,input,output,ttftSeconds,tpotSeconds,e2eSeconds,outputTokensPerSecond,joulesPerOutputToken,costPerMillionOutputTokens,maxBatch');
    const json = generate(['--model', 'llama-2-7b', '--input', '64', '--output', '1,3', '--price-per-device-hour', '2']);
    expect(rows).toEqual(
      json.runs.map((r) => ['llama-2-7b', 'h100-sxm', 1, 64, r.workload.output, r.ttftSeconds, r.tpotSeconds ?? '', r.e2eSeconds, r.outputTokensPerSecond, r.joulesPerOutputToken, r.costPerMillionOutputTokens, r.memory.maxBatch].join(',')),
    );
    expect(rows[0]?.split(',')[6]).toBe('');
  });
});

describe('generate refuses bad input in one line, exit 2, no file', () => {
  it.each([
    [['--output', '0'], '--output: expected a positive integer (got "0")'],
    [['--input', '12x'], '--input: expected a positive integer (got "12x")'],
    [['--batch', '1,,2'], '--batch: expected a comma-separated list without empty items (got "1,,2")'],
    [['--input', '16777216', '--output', '1'], '--output: input + output is longer than the longest context (got 16777216 + 1 = 16777217, expected at most 16777216 tokens)'],
    [['--memory-reserve', '1'], '--memory-reserve: expected a share of memory from 0 to below 1, e.g. 0.1 for vLLM\'s gpu_memory_utilization 0.9 (got "1")'],
    [['--price-per-device-hour', '-2'], '--price-per-device-hour: expected USD per device-hour, a number above 0 and at most 1000000 (got "-2")'],
    [['--pp', '2', '--micro-batches', '4'], '--micro-batches: generate takes each step through a pipeline\'s stages as one batch; micro-batches in flight are not modelled (got 4)'],
    [['--model', 'llama-2-7b', '--tp', '3'], '--tp: llama-2-7b: attention.heads: must be divisible by --tp (got heads 32, --tp 3)'],
    [['--decode-hardware', 'l40s'], '--decode-hardware: needs --disaggregate scale-up|scale-out: the decode runs on other devices only when it is disaggregated'],
    [['--disaggregate', 'scale-up', '--decode-hardware', 'l40s'], '--disaggregate: scale-up joins devices of one kind, but the prefill runs on h100-sxm and the decode on l40s (expected scale-out)'],
    [['--hardware', 'rtx-3060', '--disaggregate', 'scale-out'], 'hardware-profiles/rtx-3060.json: interconnect.scaleOut: missing: --disaggregate scale-out moves the KV cache over it (rtx-3060 has no scale-out link (interconnect.scaleOut))'],
    [['--hardware', 'apple-m2', '--disaggregate', 'scale-up'], 'hardware-profiles/apple-m2.json: interconnect.scaleUp: missing: --disaggregate scale-up moves the KV cache over it (apple-m2 has no scale-up link (interconnect.scaleUp or interconnect.host))'],
  ])('%j', (args, line) => {
    const out = join(mkdtempSync(join(tmpdir(), 'llmr-')), 'generate.json');
    const r = cli(['generate', ...args, '--out', out]);
    expect(r.stderr).toBe(`${line}\n`);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(existsSync(out)).toBe(false);
  });

  it('analyze\'s per-phase flags are not generate\'s', () => {
    const r = cli(['generate', '--phase', 'decode']);
    expect(r.status).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe("llm-roofline generate: unknown option '--phase'");
  });
});
