/** Evaluation of formulas through the ahead-of-time generated JavaScript sources. */
import type { Formula, Symbols } from './formula.js';
import { JS_SOURCE } from './generated/formulas.js';

/** A formula compiled to a function of its symbols. */
export type CompiledFormula = (s: Symbols) => number;

/** The JavaScript expression (over bare symbol names) of a formula; throws when the generated table is stale. */
export function jsSource(formula: Formula): string {
  const js = JS_SOURCE[formula];
  if (js === undefined) {
    throw new Error(`internal: formula "${formula}" is not compiled; run \`npm run gen\` and rebuild`);
  }
  return js;
}

/** Symbol names a generated expression reads (identifiers other than `Math` and its members). */
export function symbolsIn(js: string): string[] {
  const names = js.replace(/Math\.[a-z]+/g, '').match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? [];
  return [...new Set(names)];
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- holds functions of any signature
const bodies = new Map<string, Function>();

/**
 * A function whose body is assembled only from generated formula sources (never from user input): V8 then
 * optimises one straight-line function instead of many small indirect calls. Identical bodies share one function,
 * which keeps V8's optimised code across plans of the same shape.
 */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller states the generated function's signature
export function compileBody<F>(params: readonly string[], body: string): F {
  const key = `${params.join(',')}\n${body}`;
  let fn = bodies.get(key);
  if (fn === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval -- the body is assembled from the generated table
    fn = new Function(...params, body);
    bodies.set(key, fn);
  }
  return fn as F;
}

const cache = new Map<Formula, CompiledFormula>();

/** The compiled function of a formula, reading its symbols from a record. */
export function compile(formula: Formula): CompiledFormula {
  let fn = cache.get(formula);
  if (fn === undefined) {
    const js = jsSource(formula);
    const names = symbolsIn(js);
    const prelude = names.length === 0 ? '' : `const { ${names.join(', ')} } = s;`;
    fn = compileBody<CompiledFormula>(['s'], `${prelude} return ${js};`);
    cache.set(formula, fn);
  }
  return fn;
}

/** Evaluates a formula once. */
export function evaluate(formula: Formula, symbols: Symbols): number {
  return compile(formula)(symbols);
}
