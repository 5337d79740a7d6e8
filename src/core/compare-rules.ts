/** `--fail-if` rules of `compare`: parsing `<metric> <op> <threshold>` or a true/false test, and judging a point. */

/** A regression gate on a number, such as `totals.timeSeconds > +5%` or `memory.kvCacheBytes > +1e6`. */
export interface ThresholdRule {
  readonly kind: 'threshold';
  /** The rule as the user wrote it, for messages. */
  readonly text: string;
  /** Dotted path of a numeric field of a point. */
  readonly metric: string;
  readonly op: '>' | '<';
  /** A fraction (0.05 for 5%) when `relative`, else in the metric's own unit. */
  readonly threshold: number;
  readonly relative: boolean;
}

/** A gate on a true/false field: `memory.fitsDevice == false` (any candidate point) or `becomes false` (a flip). */
export interface FlagRule {
  readonly kind: 'flag';
  readonly text: string;
  /** Dotted path of a boolean field of a point. */
  readonly metric: string;
  /** `==`: broken where the candidate has `value`; `becomes`: broken where the baseline had not and the candidate has. */
  readonly op: '==' | 'becomes';
  readonly value: boolean;
}

/** One `--fail-if` rule. */
export type Rule = ThresholdRule | FlagRule;

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

const EXPECTED = 'expected "<metric> > <threshold>" or "<metric> < <threshold>", threshold like +5%, -2.5% or 1e6, or for a true/false field "<field> == false" or "<field> becomes false"';
const PATH = '([A-Za-z_][\\w]*(?:\\.[A-Za-z_]\\w*)*)';
// One operator character only, so that typos like `>>` or `>=` are rejected rather than half-read.
const RULE = new RegExp(`^\\s*${PATH}\\s*([<>])\\s*([+-]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][+-]?\\d+)?)\\s*(%?)\\s*$`);
// `becomes` needs spaces around it, as a word; `==` may be written tight like the numeric operators.
const FLAG_RULE = new RegExp(`^\\s*${PATH}\\s*(?:(==)|\\s(becomes)\\s)\\s*(true|false)\\s*$`);

/** Parses one `--fail-if` rule; throws a CompareInputError naming the rule and the expected forms. */
export function parseRule(text: string): Rule {
  const f = FLAG_RULE.exec(text);
  if (f !== null) return { kind: 'flag', text, metric: f[1] ?? '', op: f[2] === '==' ? '==' : 'becomes', value: f[4] === 'true' };
  const m = RULE.exec(text);
  const threshold = m === null ? NaN : Number(m[3]);
  if (m === null || !Number.isFinite(threshold)) throw new CompareInputError('--fail-if', '', `"${text}": ${EXPECTED}`);
  const relative = m[4] === '%';
  // Dividing a decimal by 100 gives the nearest double to the written fraction (5 / 100 === 0.05), so `+5%` compares
  // exactly like the literal 0.05.
  return { kind: 'threshold', text, metric: m[1] ?? '', op: m[2] === '<' ? '<' : '>', threshold: relative ? threshold / 100 : threshold, relative };
}

/** Candidate relative to baseline: (c − b) / b; from a zero baseline 0 when both are 0, else ±Infinity by sign. */
export function relativeChange(baseline: number, candidate: number): number {
  if (baseline === 0) return candidate === 0 ? 0 : candidate > 0 ? Infinity : -Infinity;
  return (candidate - baseline) / Math.abs(baseline);
}

/** The change a rule measures between two values: relative (a fraction) or absolute (candidate − baseline). */
export function ruleChange(rule: ThresholdRule, baseline: number, candidate: number): number {
  return rule.relative ? relativeChange(baseline, candidate) : candidate - baseline;
}

/** Whether a change breaks a rule; a change exactly at the threshold passes. */
export function breaks(rule: ThresholdRule, change: number): boolean {
  return rule.op === '>' ? change > rule.threshold : change < rule.threshold;
}

/** Whether a point's baseline and candidate values break a true/false rule. */
export function flagBreaks(rule: FlagRule, baseline: boolean, candidate: boolean): boolean {
  return candidate === rule.value && (rule.op === '==' || baseline !== rule.value);
}

/** The fields a rule may name: numbers for thresholds, booleans for `==`/`becomes`. */
export interface RuleFields {
  readonly metrics: readonly string[];
  readonly flags: readonly string[];
}

/** A rule's field must be of its kind and in every compared point; throws naming the rule and the choices. */
export function requireMetric(rule: Rule, fields: RuleFields): void {
  const own = rule.kind === 'threshold' ? fields.metrics : fields.flags;
  if (own.includes(rule.metric)) return;
  if (rule.kind === 'threshold' && fields.flags.includes(rule.metric)) {
    throw new CompareInputError('--fail-if', '', `"${rule.text}": ${rule.metric} is true or false, not a number: write "${rule.metric} == false" or "${rule.metric} becomes false"`);
  }
  if (rule.kind === 'flag' && fields.metrics.includes(rule.metric)) {
    throw new CompareInputError('--fail-if', '', `"${rule.text}": ${rule.metric} is a number, not true or false: write a threshold, e.g. "${rule.metric} > +5%"`);
  }
  const list = rule.kind === 'threshold' ? `numeric fields: ${fields.metrics.join(', ')}` : `true/false fields: ${fields.flags.length === 0 ? 'none' : fields.flags.join(', ')}`;
  throw new CompareInputError('--fail-if', '', `"${rule.text}": unknown metric ${rule.metric} (${list})`);
}
