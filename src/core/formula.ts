/**
 * Cost formulas are strings in mathjs expression syntax over named symbols (H, n_h, B, T, …). They are the single
 * definition of every number: `scripts/gen-formulas.ts` translates each string with mathjs into a plain JavaScript
 * expression ahead of time (see compile.ts; the hot path never loads mathjs), and the `formulas` command renders
 * the same strings as text and LaTeX. This module only builds formula strings.
 */

/** A formula in mathjs syntax; only + - * / ^, parentheses, numbers, symbols, and min/max/ceil/floor. */
export type Formula = string;

/** Values of the symbols a formula may use. */
export type Symbols = Readonly<Record<string, number>>;

/** Wraps an expression in parentheses when it has a top-level sum, so it can be a factor of a product. */
export function factor(f: Formula): Formula {
  let depth = 0;
  for (let i = 0; i < f.length; i++) {
    const c = f[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && (c === '+' || c === '-') && i > 0) return `(${f})`;
  }
  return f;
}

/** Product of factors as a formula, dropping factors equal to "1". */
export function product(...factors: Formula[]): Formula {
  const kept = factors.filter((f) => f !== '1');
  if (kept.includes('0')) return '0';
  return kept.length === 0 ? '1' : kept.map(factor).join(' * ');
}

/** Sum of terms as a formula, dropping terms equal to "0". */
export function sum(...terms: Formula[]): Formula {
  const kept = terms.filter((t) => t !== '0');
  return kept.length === 0 ? '0' : kept.join(' + ');
}
