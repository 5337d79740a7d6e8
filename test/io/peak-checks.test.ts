import { readFileSync } from 'node:fs';
import { describe, it, expect } from 'vitest';
import { hardwareIds, loadHardware, parseProfile } from '../../src/io/load-hardware.js';
import { HARDWARE_DIR } from '../../src/io/resolve.js';
import { userErrorMessage } from '../helpers/errors.js';

/** A fresh copy of a shipped profile's raw JSON. */
function raw(id: string): { peakFlopPerSecond: Record<string, Record<string, unknown>>; sparsePeakFlopPerSecond?: Record<string, Record<string, unknown>> } {
  return JSON.parse(readFileSync(`${HARDWARE_DIR}/${id}.json`, 'utf8')) as ReturnType<typeof raw>;
}

/** A quantity citing the toy source. */
const q = (value: number, extra: Record<string, unknown> = {}) => ({ value, source: 's', ...extra });

/** The smallest profile that parses, with the given dense (and sparse) peaks. */
function toy(peaks: Record<string, unknown>, sparse?: Record<string, unknown>): Record<string, unknown> {
  return { name: 'toy', kind: 'gpu', peakFlopPerSecond: peaks, ...(sparse === undefined ? {} : { sparsePeakFlopPerSecond: sparse }), memoryBytes: q(1e10), memoryBandwidthBytesPerSecond: q(1e12), onChipMemoryBytes: q(1e5), sources: { s: { title: 'toy' } } };
}

const message = (json: unknown): string => userErrorMessage(() => parseProfile(json, 'toy.json', 'toy'));

describe('sparse figures stored as dense', () => {
  it('every shipped profile, LLM-Viewer\'s constants included, passes the checks', () => {
    for (const id of hardwareIds().filter((i) => i !== 'host')) expect(() => loadHardware(id), id).not.toThrow();
  });

  it('refuses an L40S-like profile whose fp8 figure (1,466 TFLOPS, the sparse one) is 4x its fp16 (362)', () => {
    // The L40S datasheet's FP8 1,466 TFLOPS is with sparsity; its dense FP16 is 362: 1466 / 362 = 4.05.
    const d = (value: number) => ({ value, source: 'datasheet' });
    const p = raw('h100-sxm');
    p.peakFlopPerSecond.fp16 = d(3.62e14);
    p.peakFlopPerSecond.bf16 = d(3.62e14);
    p.peakFlopPerSecond.fp8 = d(1.466e15);
    p.peakFlopPerSecond.int8 = d(7.33e14);
    p.sparsePeakFlopPerSecond = { fp8: d(2.932e15) };
    expect(userErrorMessage(() => parseProfile(p, 'l40s-like.json', 'x'))).toBe(
      'l40s-like.json: peakFlopPerSecond.fp8: 1.466e15 is 4.05x peakFlopPerSecond.fp16 (3.62e14): it looks like a 2:4 sparse figure stored as dense (expected at most 2.05x the next wider tier; a GeForce peak at FP32 accumulate gives its FP16-accumulate figure in fp16AccumulateValue)',
    );
    // The dense figure, 733 = 2.02x, is accepted.
    p.peakFlopPerSecond.fp8 = d(7.33e14);
    expect(parseProfile(p, 'l40s-like.json', 'x').hardware.peakFlopPerSecond.fp8).toBe(7.33e14);
  });

  it('checks fp4 against fp8, int8 against fp16 and int4 against int8, and accepts exactly 2x', () => {
    expect(message(toy({ fp8: q(1e15), fp4: q(4e15) }))).toMatch(/^toy\.json: peakFlopPerSecond\.fp4: 4e15 is 4\.00x peakFlopPerSecond\.fp8 \(1e15\)/);
    expect(message(toy({ fp16: q(1e14), int8: q(4e14) }))).toMatch(/^toy\.json: peakFlopPerSecond\.int8: 4e14 is 4\.00x peakFlopPerSecond\.fp16/);
    expect(message(toy({ int8: q(1e14), int4: q(2.1e14) }))).toMatch(/^toy\.json: peakFlopPerSecond\.int4: 2\.1e14 is 2\.10x peakFlopPerSecond\.int8/);
    // A device with BF16 only is checked against it.
    expect(message(toy({ bf16: q(1e14), fp8: q(3e14) }))).toMatch(/^toy\.json: peakFlopPerSecond\.fp8: 3e14 is 3\.00x peakFlopPerSecond\.bf16/);
    expect(() => parseProfile(toy({ fp16: q(1e14), fp8: q(2e14), fp4: q(4e14), int8: q(2e14), int4: q(4e14) }), 'toy.json', 'toy')).not.toThrow();
  });

  it('refuses a dense peak at or above the same dtype\'s sparse figure', () => {
    expect(message(toy({ fp16: q(2e14) }, { fp16: q(2e14) }))).toBe(
      'toy.json: peakFlopPerSecond.fp16: dense 2e14 is not below sparsePeakFlopPerSecond.fp16 (2e14): it looks like the 2:4 sparse figure stored as dense (expected dense < sparse, usually half)',
    );
  });

  it('compares a GeForce FP32-accumulate fp16 peak at its FP16-accumulate figure', () => {
    // RTX 3060: int8 101.9 TOPS is 2x the FP16-accumulate 50.9 but 4x the FP32-accumulate 25.5 stored as fp16.
    const p = raw('rtx-3060');
    expect(p.peakFlopPerSecond.fp16?.accumulate).toBe('fp32');
    expect(loadHardware('rtx-3060').hardware.peakFlopPerSecond.fp16).toBe(2.55e13);
    delete p.peakFlopPerSecond.fp16?.fp16AccumulateValue;
    expect(userErrorMessage(() => parseProfile(p, 'rtx.json', 'x'))).toMatch(/^rtx\.json: peakFlopPerSecond\.int8: 1\.019e14 is 4\.00x peakFlopPerSecond\.fp16 \(2\.55e13\)/);
  });

  it('takes fp16AccumulateValue only beside "accumulate": "fp32"', () => {
    expect(message(toy({ fp16: q(1e14, { fp16AccumulateValue: 2e14 }) }))).toBe(
      'toy.json: peakFlopPerSecond.fp16.fp16AccumulateValue: only with "accumulate": "fp32" (got accumulate absent; value is then the FP16-accumulate figure itself)',
    );
    expect(message(toy({ fp16: q(1e14, { accumulate: 'fp16', fp16AccumulateValue: 2e14 }) }))).toMatch(/got accumulate "fp16"/);
    expect(message(toy({ fp16: q(1e14, { accumulate: 'fp64' }) }))).toMatch(/^toy\.json: peakFlopPerSecond\.fp16\.accumulate: /);
  });
});
