/**
 * The compiled half of the evaluator: one straight-line function, generated from the operators' formula
 * definitions, that writes every operator's fields at a point into a Float64Array. Each segment is a block whose
 * constants (its symbols) shadow nothing and whose K and P are its own: a windowed decode layer attends at most W keys
 * per query.
 */
import { compileBody, jsSource } from '../compile.js';
import type { Segment } from '../model.js';
import type { PairMode } from '../attention-core.js';
import { pairsFormula, TILE_COUNT, TILE_ROWS, type Phase } from '../workload.js';

/**
 * Fields per operator, in this order: FLOPs, the five byte streams, multiply-adds, exponentials, and a collective's
 * bytes sent over links and link latencies.
 */
export const FIELDS = ['flops', 'weight', 'actRead', 'actWrite', 'kvRead', 'kvWrite', 'macs', 'exps', 'network', 'hops'] as const;
export const FIELD_COUNT = FIELDS.length;
/** Offsets of the fields within an operator's FIELD_COUNT values. */
export const AT_FLOPS = 0, AT_WEIGHT = 1, AT_ACT_READ = 2, AT_ACT_WRITE = 3, AT_KV_READ = 4, AT_KV_WRITE = 5, AT_MACS = 6, AT_EXPS = 7, AT_NETWORK = 8, AT_HOPS = 9;

/** Symbols a point sets, first in the value array; the segments' constants follow. */
export const VARYING = ['B', 'T', 'K', 'w', 'a', 'kv', 'R'] as const;

/** Writes the fields of every operator at the point in `$v` into `$F`. */
export type FieldsFn = ($v: Float64Array, $F: Float64Array) => void;

/**
 * The fields function of segments and the value array it reads (the point's symbols left 0, to be set per point).
 * Bodies are assembled only from generated formula sources, never from user input, and identical bodies share one
 * function (compileBody), so plans of models with the same structure share V8's optimised code. With `ranks` expert
 * ranks, operators see their rank's share of the batch, ⌈B / ranks⌉ sequences (the busiest rank's), except those that
 * run on every rank's tokens (the routed experts). A field that is 0 for every point is not written: the array
 * starts zeroed and no other field is ever written there.
 */
export function fieldsFunction(segments: readonly Segment[], phase: Phase, pairs: PairMode, ranks = 1): { fn: FieldsFn; values: Float64Array } {
  // The point's K is $K; each segment binds its own K from it. Locals of the function start with $.
  const lines = [ranks > 1 ? `const $B = $v[0], B = Math.ceil($B / ${String(ranks)}), T = $v[1], $K = $v[2], w = $v[3], a = $v[4], kv = $v[5], R = $v[6];` : 'const B = $v[0], T = $v[1], $K = $v[2], w = $v[3], a = $v[4], kv = $v[5], R = $v[6];'];
  const values: number[] = VARYING.map(() => 0);
  let row = 0;
  for (const s of segments) {
    lines.push('{');
    const names = Object.keys(s.symbols).filter((n) => n !== 'K' && n !== 'P' && n !== 'Br' && n !== 'n_t');
    if (names.length > 0) lines.push(`const ${names.map((n) => `${n} = $v[${String(values.push(s.symbols[n] ?? 0) - 1)}]`).join(', ')};`);
    const window = s.window > 0;
    lines.push(
      // A windowed decode pass reads the keys some query of its T sees: the last W + T − 1 (W at T = 1).
      `const K = ${window && phase === 'decode' ? 'Math.min($K, W + T - 1)' : '$K'};`,
      `const P = ${jsSource(pairsFormula(phase, pairs, window))};`,
      `const Br = ${jsSource(TILE_ROWS)};`,
      `const n_t = ${jsSource(TILE_COUNT)};`,
    );
    for (const def of s.ops) {
      const all = ranks > 1 && def.batch === 'all';
      if (all) lines.push('{ const B = $B;');
      FIELDS.forEach((field, j) => {
        if (def[field] !== '0') lines.push(`$F[${String(row * FIELD_COUNT + j)}] = ${jsSource(def[field])};`);
      });
      if (all) lines.push('}');
      row++;
    }
    lines.push('}');
  }
  return { fn: compileBody<FieldsFn>(['$v', '$F'], lines.join('\n')), values: Float64Array.from(values) };
}
