/** `--fail-if` rules of `compare`: parsing `<metric> <op> <threshold>` and judging a change against one. */

/** A regression gate such as `totals.timeSeconds > +5%` or `memory.kvCacheBytes > +1e6`. */
export interface Rule {
  /** The rule as the user wrote it, for messages. */
  readonly text: string;
  /** Dotted path of a numeric field of a point. */
  readonly metric: string;
  readonly op: '>' | '<';
  /** A fraction (0.05 for 5%) when `relative`, else in the metric's own unit. */
  readonly threshold: number;
  readonly relative: boolean;
}

/** Bad compare input (a rule, a metric, a file's points); the CLI turns it into a one-line user error. */
export class CompareInputError extends Error {
  constructor(
    /** The flag or file the problem is in. */
    readonly source: string,
    /** Dotted field inside the file, or "" for none. */
    readonly field: string,
    readonly detail: string,
  ) {
    super(field === '' ? `${source}: ${detail}` : `${source}: ${field}: ${detail}`);
    this.name = 'CompareInputError';
  }
}

const EXPECTED = 'expected "<metric> > <threshold>" or "<metric> < <threshold>", threshold like +5%, -2.5% or 1e6';
// One operator character only, so that typos like `>>` or `>=` are rejected rather than half-read.
const RULE = /^\s*([A-Za-z_][\w]*(?:\.[A-Za-z_]\w*)*)\s*([<>])\s*([+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?)\s*(%?)\s*$/;

/** Parses one `--fail-if` rule; throws a CompareInputError naming the rule and the expected form. */
export function parseRule(text: string): Rule {
  const m = RULE.exec(text);
  const threshold = m === null ? NaN : Number(m[3]);
  if (m === null || !Number.isFinite(threshold)) throw new CompareInputError('--fail-if', '', `"${text}": ${EXPECTED}`);
  const relative = m[4] === '%';
  // Dividing a decimal by 100 gives the nearest double to the written fraction (5 / 100 === 0.05), so `+5%` compares
  // exactly like the literal 0.05.
  return { text, metric: m[1] ?? '', op: m[2] === '<' ? '<' : '>', threshold: relative ? threshold / 100 : threshold, relative };
}

/** Candidate relative to baseline: (c − b) / b; from a zero baseline 0 when both are 0, else ±Infinity by sign. */
export function relativeChange(baseline: number, candidate: number): number {
  if (baseline === 0) return candidate === 0 ? 0 : candidate > 0 ? Infinity : -Infinity;
  return (candidate - baseline) / Math.abs(baseline);
}

/** The change a rule measures between two values: relative (a fraction) or absolute (candidate − baseline). */
export function ruleChange(rule: Rule, baseline: number, candidate: number): number {
  return rule.relative ? relativeChange(baseline, candidate) : candidate - baseline;
}

/** Whether a change breaks a rule; a change exactly at the threshold passes. */
export function breaks(rule: Rule, change: number): boolean {
  return rule.op === '>' ? change > rule.threshold : change < rule.threshold;
}

/** A rule's metric must be a numeric field every compared point has; throws naming the rule and the choices. */
export function requireMetric(rule: Rule, metrics: readonly string[]): void {
  if (metrics.includes(rule.metric)) return;
  throw new CompareInputError('--fail-if', '', `"${rule.text}": unknown metric ${rule.metric} (numeric fields: ${metrics.join(', ')})`);
}
