/**
 * Plausible ranges at the boundary: every shipped input still loads, a value just outside a range is refused with
 * the field, the range and its unit, and the reported non-finite failures now end as one-line errors (exit 2).
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_LIMITS, WORKLOAD_LIMITS } from '../../src/core/limits.js';
import { BYTE_RATE, CACHE_BYTES, CURVE_BYTES, EFFICIENCY, FLOP_RATE, MEMORY_BYTES, OVERHEAD_SECONDS, type Range } from '../../src/io/hardware-schema.js';
import { hardwareIds, loadHardware, parseProfile } from '../../src/io/load-hardware.js';
import { loadModel, modelIds, parseModelFile } from '../../src/io/load-model.js';
import { HARDWARE_DIR } from '../../src/io/resolve.js';
import { cli, ROOT } from '../helpers/cli.js';
import { thrownUserError as userError } from '../helpers/errors.js';

const H100 = JSON.parse(readFileSync(join(HARDWARE_DIR, 'h100-sxm.json'), 'utf8')) as Record<string, unknown>;

/** The H100 profile with the number at `path` set to `value` (objects on the way created). */
function withValue(path: string, value: number): unknown {
  const json = structuredClone(H100);
  const keys = path.split('.');
  let at: Record<string, unknown> = json;
  for (const k of keys.slice(0, -1)) {
    at[k] ??= /^\d+$/.test(keys[keys.indexOf(k) + 1] ?? '') ? [] : {};
    at = at[k] as Record<string, unknown>;
  }
  at[keys.at(-1)!] = value;
  return json;
}

describe('shipped inputs stay within the ranges', () => {
  it.each(hardwareIds().filter((id) => id !== 'host'))('hardware %s loads', (id) => {
    expect(loadHardware(id).id).toBe(id);
  });
  it.each(modelIds())('model %s loads', (id) => {
    expect(loadModel(id).id).toBe(id);
  });
  // Every real config.json, at the top and in the family folders; bad/ holds the refused ones.
  const HF = join(ROOT, 'test/fixtures/hf');
  const hf = readdirSync(HF, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json') && !f.startsWith('bad'));
  it.each(hf)('Hugging Face fixture %s loads', (f) => {
    expect(loadModel(join(ROOT, 'test/fixtures/hf', f)).layers).toBeGreaterThan(0);
  });
});

describe('hardware numbers outside their plausible range are refused, with the unit', () => {
  // Each field with a profile around it so that only the range can fail (curves and grids need their rate).
  const fields: [string, Range, string][] = [
    ['peakFlopPerSecond.fp16.value', FLOP_RATE, 'FLOP/s'],
    ['memoryBandwidthBytesPerSecond.value', BYTE_RATE, 'B/s'],
    ['memoryBytes.value', MEMORY_BYTES, 'B'],
    ['onChipMemoryBytes.value', CACHE_BYTES, 'B'],
    ['operatorOverheadSeconds.value', OVERHEAD_SECONDS, 's'],
    ['kvStreamBandwidth.value', BYTE_RATE, 'B/s'],
    ['fewRowGemmFlopPerSecond.value', FLOP_RATE, 'FLOP/s'],
    ['memoryBandwidthBytesPerSecond.measurement.min', BYTE_RATE, 'B/s'],
  ];
  const boundary = (path: string, value: number): unknown => {
    const json = withValue(path, value) as Record<string, unknown>;
    for (const k of ['operatorOverheadSeconds', 'kvStreamBandwidth', 'fewRowGemmFlopPerSecond']) {
      const q = json[k] as Record<string, unknown> | undefined;
      if (q !== undefined) Object.assign(q, { source: 'datasheet' });
    }
    if (path.startsWith('peakFlopPerSecond.')) {
      // The fp16 peak alone, so that the checks between tiers and against sparse figures cannot fail first.
      json.peakFlopPerSecond = { fp16: (json.peakFlopPerSecond as Record<string, unknown>).fp16 };
      delete json.sparsePeakFlopPerSecond;
    }
    const m = (json.memoryBandwidthBytesPerSecond as Record<string, unknown>).measurement as Record<string, unknown> | undefined;
    if (m !== undefined) Object.assign(m, { runs: 3, max: 3e12, min: m.min ?? 1e12 });
    return json;
  };
  const text = (n: number): string => (n >= 1e6 || n < 1e-3 ? n.toExponential().replace('e+', 'e') : String(n));

  it.each(fields)('%s: the ends are accepted, just past them refused', (path, r, unit) => {
    for (const ok of [r.min, r.max]) expect(() => parseProfile(boundary(path, ok), 'p.json', 'p')).not.toThrow();
    for (const bad of [r.min * 0.999, r.max * 1.001]) {
      const e = userError(() => parseProfile(boundary(path, bad), 'p.json', 'p'));
      expect(e.field).toBe(path);
      expect(e.detail).toBe(`must be between ${text(r.min)} and ${text(r.max)} ${unit} (got ${JSON.stringify(bad)})`);
    }
  });

  it('pins the message of the reported tiny peak', () => {
    expect(userError(() => parseProfile(withValue('peakFlopPerSecond.fp16.value', 1e-300), 'tiny.json', 'tiny')).message).toBe(
      'tiny.json: peakFlopPerSecond.fp16.value: must be between 1e6 and 1e19 FLOP/s (got 1e-300)',
    );
  });

  it('refuses efficiencies outside [0.01, 1] and grid or curve axes outside theirs', () => {
    expect(userError(() => parseProfile({ ...H100, efficiency: { compute: 1.5, memory: 1 } }, 'p.json', 'p')).message).toBe('p.json: efficiency.compute: must be between 0.01 and 1 (fraction of peak) (got 1.5)');
    expect(userError(() => parseProfile({ ...H100, efficiency: { compute: 1, memory: 1e-300 } }, 'p.json', 'p')).field).toBe('efficiency.memory');
    expect(EFFICIENCY.min).toBe(0.01);
    const curve = [{ value: 1e12, source: 'datasheet', bytes: CURVE_BYTES.min / 2 }];
    expect(userError(() => parseProfile({ ...H100, workingSetBandwidth: curve }, 'p.json', 'p')).message).toBe('p.json: workingSetBandwidth.0.bytes: must be between 1 and 1e16 B (got 0.5)');
    const grid = [{ value: 1e12, source: 'datasheet', rows: 0, cols: 8 }];
    expect(userError(() => parseProfile({ ...H100, gemmGrid: grid }, 'p.json', 'p')).message).toBe('p.json: gemmGrid.0.rows: must be between 1 and 1e9 (got 0)');
  });

  it('refuses Infinity (a JSON 1e999) by name, showing it as such', () => {
    expect(userError(() => parseProfile(withValue('memoryBytes.value', Number.POSITIVE_INFINITY), 'p.json', 'p')).message).toBe('p.json: memoryBytes.value: Invalid input: expected number, received Infinity (got Infinity)');
  });
});

describe('model dimensions beyond their limits are refused', () => {
  const base = { name: 'm', layers: 2, hiddenSize: 64, intermediateSize: 128, vocabSize: 100, tiedEmbeddings: false, attention: { kind: 'mha', heads: 4, headDim: 16, qkvBias: false, outBias: false } };
  const cases: [string, Record<string, unknown>, string][] = [
    ['layers', { layers: MODEL_LIMITS.layers.max + 1 }, 'must be at most 4096 layers (got 4097)'],
    ['hiddenSize', { hiddenSize: MODEL_LIMITS.hiddenSize.max + 1 }, 'must be at most 131072 elements (got 131073)'],
    ['intermediateSize', { intermediateSize: MODEL_LIMITS.intermediateSize.max + 1 }, 'must be at most 1048576 elements (got 1048577)'],
    ['vocabSize', { vocabSize: MODEL_LIMITS.vocabSize.max + 1 }, 'must be at most 16777216 tokens (got 16777217)'],
    ['attention.heads', { attention: { ...base.attention, heads: MODEL_LIMITS.heads.max + 1 } }, 'must be at most 16384 heads (got 16385)'],
    ['attention.headDim', { attention: { ...base.attention, headDim: MODEL_LIMITS.headDim.max + 1 } }, 'must be at most 16384 elements (got 16385)'],
    ['attention.kvLoraRank', { attention: { kind: 'mla', heads: 4, qLoraRank: 0, kvLoraRank: 16385, qkNopeHeadDim: 16, qkRopeHeadDim: 8, vHeadDim: 16 } }, 'must be at most 16384 elements (got 16385)'],
    ['attention.kvHeads', { attention: { kind: 'gqa', heads: 4, kvHeads: 16385, headDim: 16, qkvBias: false, outBias: false } }, 'must be at most 16384 heads (got 16385)'],
  ];
  it.each(cases)('%s', (field, patch, detail) => {
    const e = userError(() => parseModelFile({ ...base, ...patch }, 'm.json', 'm'));
    expect([e.field, e.detail]).toEqual([field, detail]);
  });
  it('accepts every dimension at its limit', () => {
    const m = parseModelFile({ ...base, layers: 4096, hiddenSize: 131072, intermediateSize: 1048576, vocabSize: 16777216, attention: { ...base.attention, heads: 16384, headDim: 16384 } }, 'm.json', 'm');
    expect(m.layers).toBe(4096);
  });
});

describe('the reported failures end as one-line errors with exit 2', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmr-finite-'));
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  const expectUserError = (args: string[], line: string): void => {
    const r = cli(args);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 2, stdout: '', stderr: `${line}\n` });
  };

  it('tiny and huge hardware numbers: exit 2 naming the field and its unit', () => {
    const tiny = file('tiny.json', JSON.stringify(withValue('peakFlopPerSecond.fp16.value', 1e-300)));
    expectUserError(['analyze', '--model', 'llama-2-7b', '--hardware', tiny], `${tiny}: peakFlopPerSecond.fp16.value: must be between 1e6 and 1e19 FLOP/s (got 1e-300)`);
    const huge = file('huge.json', JSON.stringify(withValue('memoryBandwidthBytesPerSecond.value', 1e300)));
    expectUserError(['sweep', '--model', 'llama-2-7b', '--hardware', huge], `${huge}: memoryBandwidthBytesPerSecond.value: must be between 1e6 and 1e16 B/s (got 1e+300)`);
  });

  it('hidden size below the head count: llm-viewer refuses by name, exact evaluates it', () => {
    const model = file('narrow.json', JSON.stringify({ name: 'narrow', layers: 2, hiddenSize: 4, intermediateSize: 8, vocabSize: 10, tiedEmbeddings: false, attention: { kind: 'mha', heads: 8, headDim: 1, qkvBias: false, outBias: false } }));
    for (const costModel of ['llm-viewer', 'llm-viewer-gta']) {
      expectUserError(['analyze', '--model', model, '--hardware', 'h100-sxm', '--cost-model', costModel, '--flash'], `--cost-model: ${costModel} cannot evaluate ${model}: LLM-Viewer takes the head size as hiddenSize // attention.heads, which is 0 here (hiddenSize 4 < attention.heads 8); use --cost-model exact`);
    }
    const r = cli(['analyze', '--model', model, '--hardware', 'h100-sxm', '--flash', '--format', 'json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { totals: { timeSeconds: number } }).totals.timeSeconds).toBeGreaterThan(0);
  });

  it('validate --measurements: a 0, negative, non-numeric or absurd time is refused by row and column', () => {
    const header = 'model,hardware,phase,batch,seqLen,contextLen,measuredSeconds,flash\n';
    const row = (t: string, flash = 'true') => `paper/gta-1b,h100-sxm,decode,1,1,2048,${t},${flash}\n`;
    const zero = file('zero.csv', header + row('0.001') + row('0'));
    expectUserError(['validate', '--measurements', zero], `${zero}: line 3, column measuredSeconds: must be between 1e-9 and 1e6 s (got 0)`);
    const nan = file('nan.csv', header + row('NaN'));
    expectUserError(['validate', '--measurements', nan], `${nan}: line 2, column measuredSeconds: Invalid input: expected number, received string (got "NaN")`);
    const yes = file('yes.csv', header + row('0.001', 'yes'));
    expectUserError(['validate', '--measurements', yes], `${yes}: line 2, column flash: Invalid input: expected boolean, received string (got "yes")`);
    const json = (t: number) => JSON.stringify({ measurements: [{ model: 'paper/gta-1b', hardware: 'h100-sxm', phase: 'decode', batch: 1, seqLen: 1, contextLen: 2048, measuredSeconds: t }] });
    const negative = file('negative.json', json(-0.5));
    expectUserError(['validate', '--measurements', negative], `${negative}: measurements.0.measuredSeconds: must be between 1e-9 and 1e6 s (got -0.5)`);
    const absurd = file('absurd.json', json(1e300));
    expectUserError(['validate', '--measurements', absurd], `${absurd}: measurements.0.measuredSeconds: must be between 1e-9 and 1e6 s (got 1e+300)`);
  });

  it('validate --measurements: widths whose peak the profile lacks are refused like analyze refuses them', () => {
    const fp32 = file('fp32.csv', 'model,hardware,phase,batch,seqLen,contextLen,measuredSeconds,bits\npaper/gta-1b,llm-viewer/nvidia_A100,decode,1,1,2048,0.001,w32a32kv32\n');
    expectUserError(['validate', '--measurements', fp32], 'hardware-profiles/llm-viewer/nvidia_A100.json: peakFlopPerSecond.fp32: missing: w32a32kv32 computes at the fp32 peak, which llm-viewer/nvidia_A100 does not list (it lists: fp16, int8)');
  });

  it.each([
    [['--quick'], 'validate: --quick: times kernels on this machine, which --measurements does not: leave one of them out'],
    [['--passes', '3'], 'validate: --passes: times kernels on this machine, which --measurements does not: leave one of them out'],
    [['--calibrate'], 'validate: --calibrate: times kernels on this machine, which --measurements does not: leave one of them out'],
    [['--backend', 'reference'], 'validate: --backend: times kernels on this machine, which --measurements does not: leave one of them out'],
    [['--hardware', 'a800-sxm'], 'validate: --hardware: each --measurements row names its hardware: leave out --hardware'],
  ])('validate --measurements with %j, which it would ignore, is refused', (flags, message) => {
    expectUserError(['validate', '--measurements', 'test/fixtures/measurements/h100.csv', ...flags], message);
  });

  it('workload flags beyond their limits: exit 2; at the limit the report is finite', () => {
    expectUserError(['analyze', '--model', 'llama-2-7b', '--hardware', 'h100-sxm', '--batch', String(WORKLOAD_LIMITS.batch.max + 1)], '--batch: expected at most 1048576 sequences (got 1048577)');
    expectUserError(['sweep', '--model', 'llama-2-7b', '--hardware', 'h100-sxm', '--seq', `128,${String(WORKLOAD_LIMITS.seqLen.max + 1)}`], '--seq: expected at most 16777216 tokens (got 16777217)');
    const r = cli(['analyze', '--model', 'llama-2-7b', '--hardware', 'h100-sxm', '--phase', 'prefill', '--batch', String(WORKLOAD_LIMITS.batch.max), '--seq', String(WORKLOAD_LIMITS.seqLen.max), '--format', 'json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { totals: { flops: number } }).totals.flops).toBeGreaterThan(1e24);
  });
});
