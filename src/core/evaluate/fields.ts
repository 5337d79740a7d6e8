/**
 * The compiled half of the evaluator: one straight-line function, generated from the operators' formula
 * definitions, that writes every operator's fields at a point into a Float64Array. Each segment is a block whose
 * constants (its symbols) shadow nothing and whose K and P are its own: a windowed decode layer attends at most W keys.
 */
import { compileBody, jsSource } from '../compile.js';
import type { Segment } from '../model.js';
import type { PairMode } from '../attention-core.js';
import { pairsFormula, TILE_COUNT, TILE_ROWS, type Phase } from '../workload.js';

/** Fields per operator, in this order: FLOPs, the five byte streams, multiply-adds, exponentials. */
export const FIELDS = ['flops', 'weight', 'actRead', 'actWrite', 'kvRead', 'kvWrite', 'macs', 'exps'] as const;
export const FIELD_COUNT = FIELDS.length;
/** Offsets of the fields within an operator's FIELD_COUNT values. */
export const AT_FLOPS = 0, AT_WEIGHT = 1, AT_ACT_READ = 2, AT_ACT_WRITE = 3, AT_KV_READ = 4, AT_KV_WRITE = 5, AT_MACS = 6, AT_EXPS = 7;

/** Symbols a point sets, first in the value array; the segments' constants follow. */
export const VARYING = ['B', 'T', 'K', 'w', 'a', 'kv'] as const;

/** Writes the fields of every operator at the point in `$v` into `$F`. */
export type FieldsFn = ($v: Float64Array, $F: Float64Array) => void;

/**
 * The fields function of segments and the value array it reads (the point's symbols left 0, to be set per point).
 * Bodies are assembled only from generated formula sources, never from user input, and identical bodies share one
 * function (compileBody), so plans of models with the same structure share V8's optimised code.
 */
export function fieldsFunction(segments: readonly Segment[], phase: Phase, pairs: PairMode): { fn: FieldsFn; values: Float64Array } {
  // The point's K is $K; each segment binds its own K from it. Locals of the function start with $.
  const lines = ['const B = $v[0], T = $v[1], $K = $v[2], w = $v[3], a = $v[4], kv = $v[5];'];
  const values: number[] = VARYING.map(() => 0);
  let row = 0;
  for (const s of segments) {
    lines.push('{');
    const names = Object.keys(s.symbols).filter((n) => n !== 'K' && n !== 'P' && n !== 'Br' && n !== 'n_t');
    if (names.length > 0) lines.push(`const ${names.map((n) => `${n} = $v[${String(values.push(s.symbols[n] ?? 0) - 1)}]`).join(', ')};`);
    const window = s.window > 0;
    lines.push(
      `const K = ${window && phase === 'decode' ? 'Math.min($K, W)' : '$K'};`,
      `const P = ${jsSource(pairsFormula(phase, pairs, window))};`,
      `const Br = ${jsSource(TILE_ROWS)};`,
      `const n_t = ${jsSource(TILE_COUNT)};`,
    );
    for (const def of s.ops) {
      FIELDS.forEach((field, j) => lines.push(`$F[${String(row * FIELD_COUNT + j)}] = ${jsSource(def[field])};`));
      row++;
    }
    lines.push('}');
  }
  return { fn: compileBody<FieldsFn>(['$v', '$F'], lines.join('\n')), values: Float64Array.from(values) };
}
