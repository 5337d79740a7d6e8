/** Human formatting of counts, bytes and times with explicit SI prefixes (k = 1e3, G = 1e9; bytes too). */

const PREFIXES: [number, string][] = [
  [1e18, 'E'],
  [1e15, 'P'],
  [1e12, 'T'],
  [1e9, 'G'],
  [1e6, 'M'],
  [1e3, 'k'],
];

/** `value` with an SI prefix and 3 significant digits, e.g. 1.23 G. */
export function si(value: number, unit: string): string {
  if (value === 0) return `0 ${unit}`;
  for (const [scale, prefix] of PREFIXES) {
    if (Math.abs(value) >= scale) return `${(value / scale).toPrecision(3)} ${prefix}${unit}`;
  }
  return `${Number.isInteger(value) ? String(value) : value.toPrecision(3)} ${unit}`;
}

/** Seconds in the unit that keeps 3 significant digits readable: s, ms, µs or ns. */
export function seconds(value: number): string {
  const abs = Math.abs(value);
  if (abs === 0) return '0 s';
  if (abs >= 1) return `${value.toPrecision(3)} s`;
  if (abs >= 1e-3) return `${(value * 1e3).toPrecision(3)} ms`;
  if (abs >= 1e-6) return `${(value * 1e6).toPrecision(3)} µs`;
  return `${(value * 1e9).toPrecision(3)} ns`;
}

/** A fraction as a percentage with one decimal. */
export function percent(fraction: number): string {
  return `${(fraction * 100).toFixed(1)}%`;
}

/** A model's parameter count in words, with the active count when a mixture of experts uses fewer per token. */
export function parametersText(r: { readonly model: { readonly parameters: number; readonly activeParameters: number } }): string {
  const all = `${si(r.model.parameters, '').trim()} parameters`;
  return r.model.activeParameters < r.model.parameters ? `${all}, ${si(r.model.activeParameters, '').trim()} active` : all;
}
