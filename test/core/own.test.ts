/** Own-key look-ups: a name Object.prototype has is not a key of a record, wherever a user's string selects one. */
import { describe, expect, it } from 'vitest';
import { compareSides, type CompareSide } from '../../src/core/compare.js';
import { parseRule } from '../../src/core/compare-rules.js';
import { hasOwnKey, isOwnKey, ownValue } from '../../src/core/own.js';
import { VARIANTS } from '../../src/core/variants/index.js';

const NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];

describe('hasOwnKey, isOwnKey, ownValue', () => {
  it.each(NAMES)('%s is not an own key of a plain record, though `in` finds it', (name) => {
    const record: Record<string, number> = { a: 1 };
    expect(name in record).toBe(true);
    expect(hasOwnKey(record, name)).toBe(false);
    expect(isOwnKey(VARIANTS, name)).toBe(false);
    expect(ownValue(record, name)).toBeUndefined();
  });
  it('finds own keys, including one named like a prototype property', () => {
    const record: Record<string, number> = JSON.parse('{"a":1,"toString":2,"__proto__":3}') as Record<string, number>;
    expect(ownValue(record, 'a')).toBe(1);
    expect(ownValue(record, 'toString')).toBe(2);
    expect(ownValue(record, '__proto__')).toBe(3);
    expect(ownValue(record, 'b')).toBeUndefined();
    expect(['mha', 'gqa', 'mla', 'gta'].every((k) => isOwnKey(VARIANTS, k))).toBe(true);
  });
});

describe('compare --fail-if metrics', () => {
  const side = (file: string): CompareSide => ({
    file,
    points: [{ model: 'm', hardware: 'h', field: '', metrics: { 'totals.timeSeconds': 1, 'memory.kvCacheBytes': 2 }, flags: { 'memory.fitsDevice': true }, workload: { phase: 'decode', batch: 1, seqLen: 1, contextLen: 1, bitsLabel: 'w16a16kv16', flash: false, pairs: 'causal', scope: 'model', costModel: 'exact' } }],
  });
  it.each(NAMES.flatMap((n) => [n, `totals.${n}`]))('%s is an unknown metric', (metric) => {
    const rule = parseRule(`${metric} > 5%`);
    expect(() => compareSides(side('b.json'), side('c.json'), [rule], 'auto')).toThrow(
      `--fail-if: "${metric} > 5%": unknown metric ${metric} (numeric fields: totals.timeSeconds, memory.kvCacheBytes)`,
    );
  });
  it('a known metric still judges', () => {
    expect(compareSides(side('b.json'), side('c.json'), [parseRule('totals.timeSeconds > 5%')], 'auto').passed).toBe(true);
  });
});
