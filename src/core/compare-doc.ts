/** `compare --baseline … --format json`: a Comparison as plain JSON-safe data (`llm-roofline.compare-baseline/v1`). */
import { pointLabel, type Comparison, type MatchWorkload, type PointDiff, type RuleVerdict } from './compare.js';

export const COMPARE_BASELINE_SCHEMA = 'llm-roofline.compare-baseline/v1';

/** One input file: its path, its schema id and how many points it holds. */
export interface DiffSide {
  readonly file: string;
  readonly schema: string;
  readonly count: number;
}

/** A numeric field of a matched point; `relative` is null from a zero baseline to a non-zero candidate (±∞). */
export interface DiffMetricDoc {
  readonly metric: string;
  readonly baseline: number;
  readonly candidate: number;
  readonly absolute: number;
  readonly relative: number | null;
}

/** One matched pair of points. */
export interface DiffPointDoc {
  readonly label: string;
  readonly baseline: { readonly model: string; readonly field: string };
  readonly candidate: { readonly model: string; readonly field: string };
  readonly hardware: string;
  readonly workload: MatchWorkload;
  readonly changed: boolean;
  readonly metrics: readonly DiffMetricDoc[];
  readonly flags: readonly { readonly metric: string; readonly baseline: boolean; readonly candidate: boolean }[];
}

/** A rule's outcome; `point` is an index into `points`, `change` null where it is ±∞. */
export type DiffRuleDoc =
  | {
      readonly kind: 'threshold';
      readonly rule: string;
      readonly metric: string;
      readonly op: '>' | '<';
      readonly threshold: number;
      readonly relative: boolean;
      readonly passed: boolean;
      readonly broken: readonly { readonly point: number; readonly change: number | null }[];
      readonly worst: { readonly point: number; readonly change: number | null } | null;
    }
  | {
      readonly kind: 'flag';
      readonly rule: string;
      readonly metric: string;
      readonly op: '==' | 'becomes';
      readonly value: boolean;
      readonly passed: boolean;
      readonly broken: readonly { readonly point: number }[];
    };

/** The whole document. */
export interface DiffDoc {
  readonly schema: typeof COMPARE_BASELINE_SCHEMA;
  readonly baseline: DiffSide;
  readonly candidate: DiffSide;
  readonly matchedOnModel: boolean;
  readonly metrics: readonly string[];
  readonly flags: readonly string[];
  readonly points: readonly DiffPointDoc[];
  readonly rules: readonly DiffRuleDoc[];
  readonly passed: boolean;
}

// JSON has no infinity; a change from a zero baseline is written as null.
const finite = (x: number): number | null => (Number.isFinite(x) ? x : null);

function ruleDoc(v: RuleVerdict, index: (p: PointDiff) => number): DiffRuleDoc {
  const passed = v.broken.length === 0;
  if (v.kind === 'flag') {
    const { text, metric, op, value } = v.rule;
    return { kind: 'flag', rule: text, metric, op, value, passed, broken: v.broken.map((b) => ({ point: index(b.point) })) };
  }
  const { text, metric, op, threshold, relative } = v.rule;
  const at = (b: { point: PointDiff; change: number }): { point: number; change: number | null } => ({ point: index(b.point), change: finite(b.change) });
  return { kind: 'threshold', rule: text, metric, op, threshold, relative, passed, broken: v.broken.map(at), worst: v.worst === undefined ? null : at(v.worst) };
}

/** The comparison as a JSON document: every matched point with every common field, and each rule's outcome. */
export function comparisonDoc(baseline: DiffSide, candidate: DiffSide, c: Comparison): DiffDoc {
  const index = (p: PointDiff): number => c.points.indexOf(p);
  const points = c.points.map((p): DiffPointDoc => ({
    label: pointLabel(p.baseline, c.onModel),
    baseline: { model: p.baseline.model, field: p.baseline.field },
    candidate: { model: p.candidate.model, field: p.candidate.field },
    hardware: p.baseline.hardware,
    workload: p.baseline.workload,
    changed: p.changed.length > 0 || p.changedFlags.length > 0,
    metrics: p.metrics.map((d) => ({ ...d, relative: finite(d.relative) })),
    flags: p.flags,
  }));
  return { schema: COMPARE_BASELINE_SCHEMA, baseline, candidate, matchedOnModel: c.onModel, metrics: c.metrics, flags: c.flags, points, rules: c.rules.map((v) => ruleDoc(v, index)), passed: c.passed };
}
