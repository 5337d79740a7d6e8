import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { COST_MODEL_DEFS } from '../../src/core/cost-models/index.js';
import { BIT_WIDTHS, bitsLabel, computeDtype, DTYPES, NAMED_BITS, parseBits, type Bits } from '../../src/core/dtype.js';

describe('--bits format names', () => {
  it.each([
    ['fp32', 32, 'fp32'],
    ['fp16', 16, 'fp16'],
    ['bf16', 16, 'bf16'],
    ['fp8', 8, 'fp8'],
    ['fp4', 4, 'fp4'],
  ] as const)('%s stores weights, activations and KV in %i bits and computes at the %s peak', (name, width, dtype) => {
    const bits = parseBits(name);
    expect(bits).toEqual({ weight: width, activation: width, kv: width, dtype });
    expect(computeDtype(bits as Bits)).toBe(dtype);
    expect(bitsLabel(bits as Bits)).toBe(name);
  });

  it('fp8 is its own tier; w8a8kv8 keeps INT8, as before', () => {
    expect(computeDtype(parseBits('w8a8kv8') as Bits)).toBe('int8');
    expect(computeDtype(parseBits('fp8') as Bits)).toBe('fp8');
    expect(parseBits('w8a8kv8')).toEqual({ weight: 8, activation: 8, kv: 8 });
    expect(computeDtype(parseBits('w16a16kv16') as Bits)).toBe('fp16');
    expect(computeDtype(parseBits('w16a8kv16') as Bits)).toBe('fp8');
  });

  it('a named format with other widths keeps its dtype and labels as widths@dtype', () => {
    const fp8kv16: Bits = { weight: 8, activation: 8, kv: 16, dtype: 'fp8' };
    expect(bitsLabel(fp8kv16)).toBe('w8a8kv16@fp8');
    expect(parseBits('w8a8kv16@fp8')).toEqual(fp8kv16);
    expect(computeDtype(fp8kv16)).toBe('fp8');
  });

  it('refuses unknown names, dtypes and widths', () => {
    for (const text of ['fp64', 'FP8', 'int8', 'fp8x', 'w8a8kv8@fp3', 'w8a8kv8@', 'w3a16kv16', 'w8a8kv8@fp8@fp8', '']) expect(parseBits(text), text).toBeUndefined();
  });

  it('every label reads back as the same bits (property)', () => {
    const width = fc.constantFrom(...BIT_WIDTHS);
    const dtype = fc.option(fc.constantFrom(...DTYPES), { nil: undefined });
    fc.assert(
      fc.property(width, width, width, dtype, (weight, activation, kv, d) => {
        const bits: Bits = d === undefined ? { weight, activation, kv } : { weight, activation, kv, dtype: d };
        expect(parseBits(bitsLabel(bits))).toEqual(bits);
      }),
    );
  });

  it('the llm-viewer cost model keeps its two-peak rule for widths and takes a named format\'s dtype', () => {
    const lv = (b: Bits) => COST_MODEL_DEFS['llm-viewer'].computeDtype(b);
    // LLM-Viewer: INT8 only when all three widths are 8 bit or narrower, FP16 otherwise.
    expect(lv({ weight: 8, activation: 8, kv: 16 })).toBe('fp16');
    expect(lv({ weight: 8, activation: 8, kv: 8 })).toBe('int8');
    for (const [name, bits] of Object.entries(NAMED_BITS)) expect(lv(bits), name).toBe(bits.dtype);
  });
});
