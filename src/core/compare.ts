/** Baseline mode of `compare`: matching the points of two saved files, their differences, and the rules' verdicts. */
import { breaks, CompareInputError, flagBreaks, relativeChange, requireMetric, ruleChange, type FlagRule, type Rule, type ThresholdRule } from './compare-rules.js';
import { hasOwnKey, ownValue } from './own.js';
import type { Parallelism } from './parallelism.js';
import { splitLabel } from './sweep.js';

/** The workload fields points are matched on (a report's or a sweep point's, whichever the file holds). */
export interface MatchWorkload {
  readonly phase: string;
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
  readonly bitsLabel: string;
  readonly flash: boolean;
  readonly pairs: string;
  readonly scope: string;
  readonly costModel: string;
  readonly mla?: string | undefined;
  /** MoE routing imbalance; absent = uniform (1). */
  readonly moeImbalance?: number | undefined;
  /** The multi-token-prediction module was costed. */
  readonly mtp?: boolean | undefined;
  /** How the model was split; absent = one device. */
  readonly parallelism?: Parallelism | undefined;
  /** Collectives overlapped compute (split points only). */
  readonly overlap?: boolean | undefined;
  /** Micro-batches a pipeline kept in flight (pipelined points only). */
  readonly microBatches?: number | undefined;
}

/** One point of a saved file, reduced to what a comparison needs. */
export interface ComparePoint {
  readonly model: string;
  readonly hardware: string;
  readonly workload: MatchWorkload;
  /** Every numeric field by dotted path: `totals.timeSeconds`, `memory.kvCacheBytes`, for reports `model.parameters`. */
  readonly metrics: Readonly<Record<string, number>>;
  /** Every true/false field by dotted path: `memory.fitsDevice`. */
  readonly flags: Readonly<Record<string, boolean>>;
  /** Where the point sits in its file (`points.3`), "" for a report, which is a single point. */
  readonly field: string;
}

/** A saved file's points and the name to use for it in messages. */
export interface CompareSide {
  readonly file: string;
  readonly points: readonly ComparePoint[];
}

/** `model` matches on model ids too; `workload` ignores them; `auto` ignores them only when each file has one model. */
export type MatchBy = 'auto' | 'model' | 'workload';
export const MATCH_BY = ['auto', 'model', 'workload'] as const;

/** One metric of a matched pair: values, absolute change and relative change (±Infinity from a zero baseline). */
export interface MetricDiff {
  readonly metric: string;
  readonly baseline: number;
  readonly candidate: number;
  readonly absolute: number;
  readonly relative: number;
}

/** One true/false field of a matched pair. */
export interface FlagDiff {
  readonly metric: string;
  readonly baseline: boolean;
  readonly candidate: boolean;
}

/** A baseline point with its candidate: every common field, and those that changed between them. */
export interface PointDiff {
  readonly baseline: ComparePoint;
  readonly candidate: ComparePoint;
  readonly metrics: readonly MetricDiff[];
  readonly changed: readonly MetricDiff[];
  readonly flags: readonly FlagDiff[];
  readonly changedFlags: readonly FlagDiff[];
}

/** A point where a threshold rule's change was measured. */
export interface RuleChangeAt {
  readonly point: PointDiff;
  readonly change: number;
}

/** A threshold rule's verdict: the points that break it and where the change went furthest in the rule's direction. */
export interface ThresholdVerdict {
  readonly kind: 'threshold';
  readonly rule: ThresholdRule;
  readonly broken: readonly RuleChangeAt[];
  readonly worst?: RuleChangeAt;
}

/** A true/false rule's verdict: the points that break it. */
export interface FlagVerdict {
  readonly kind: 'flag';
  readonly rule: FlagRule;
  readonly broken: readonly { point: PointDiff }[];
}

/** A rule's verdict; it passes when `broken` is empty. */
export type RuleVerdict = ThresholdVerdict | FlagVerdict;

/** Everything baseline mode prints. */
export interface Comparison {
  /** Whether model ids took part in matching. */
  readonly onModel: boolean;
  readonly metrics: readonly string[];
  /** True/false fields every point has. */
  readonly flags: readonly string[];
  readonly points: readonly PointDiff[];
  readonly rules: readonly RuleVerdict[];
  readonly passed: boolean;
}

/** Numeric leaves of a value as dotted paths (booleans and strings are skipped). */
export function numericFields(value: unknown, prefix = '', out: Record<string, number> = {}): Record<string, number> {
  if (typeof value === 'number') out[prefix] = value;
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) numericFields(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
  return out;
}

/** Boolean leaves of a value as dotted paths. */
export function booleanFields(value: unknown, prefix = '', out: Record<string, boolean> = {}): Record<string, boolean> {
  if (typeof value === 'boolean') out[prefix] = value;
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) booleanFields(v, prefix === '' ? k : `${prefix}.${k}`, out);
  }
  return out;
}

/** A short, unique description of a point: model (unless left out), device, phase, batch, length, widths, settings. */
export function pointLabel(p: ComparePoint, withModel = true): string {
  const w = p.workload;
  const parts = withModel ? [p.model, p.hardware] : [p.hardware];
  parts.push(w.phase, `B${String(w.batch)}`, w.phase === 'prefill' ? `S${String(w.seqLen)}` : `L${String(w.contextLen)}`, w.bitsLabel);
  if (w.flash) parts.push('flash');
  if (w.phase === 'prefill' && w.pairs !== 'causal') parts.push(`pairs ${w.pairs}`);
  if (w.mla !== undefined) parts.push(`mla ${w.mla}`);
  if (w.scope !== 'model') parts.push(`scope ${w.scope}`);
  if (w.costModel !== 'exact') parts.push(w.costModel);
  if ((w.moeImbalance ?? 1) !== 1) parts.push(`moe imbalance ${String(w.moeImbalance)}`);
  if (w.mtp === true) parts.push('mtp');
  const split = splitLabel(w.parallelism, w.overlap);
  if (split !== '') parts.push(split);
  if (w.microBatches !== undefined) parts.push(`${String(w.microBatches)} micro-batches`);
  return parts.join(' ');
}

function matchKey(p: ComparePoint, onModel: boolean): string {
  const w = p.workload;
  // A point on one device and one split over devices never pair: absent degrees are 1, absent overlap is off.
  const par = w.parallelism;
  const split = [par?.tp ?? 1, par?.pp ?? 1, par?.ep ?? 1, par?.dp ?? 1, par !== undefined && w.overlap === true, w.microBatches ?? 0];
  return JSON.stringify([onModel ? p.model : '', p.hardware, w.phase, w.batch, w.seqLen, w.contextLen, w.bitsLabel, w.flash, w.pairs, w.scope, w.costModel, w.mla ?? '', w.moeImbalance ?? 1, w.mtp === true, ...split]);
}

/** Whether a `matchBy` setting matches on model ids for these two files. */
export function matchesOnModel(baseline: CompareSide, candidate: CompareSide, by: MatchBy): boolean {
  if (by !== 'auto') return by === 'model';
  const models = (s: CompareSide): Set<string> => new Set(s.points.map((p) => p.model));
  const [b, c] = [models(baseline), models(candidate)];
  // Two single-model files are two versions of one model (often saved under different paths), so ids are ignored.
  if (b.size === 1 && c.size === 1) return [...b][0] === [...c][0];
  return true;
}

/** Pairs each baseline point with its candidate; repeated keys pair in file order; throws naming an unmatched point. */
export function matchPoints(baseline: CompareSide, candidate: CompareSide, onModel: boolean): [ComparePoint, ComparePoint][] {
  const waiting = new Map<string, ComparePoint[]>();
  for (const p of candidate.points) {
    const key = matchKey(p, onModel);
    const queue = waiting.get(key);
    if (queue === undefined) waiting.set(key, [p]);
    else queue.push(p);
  }
  const pairs: [ComparePoint, ComparePoint][] = [];
  for (const b of baseline.points) {
    const c = waiting.get(matchKey(b, onModel))?.shift();
    if (c === undefined) throw new CompareInputError(baseline.file, b.field, `${pointLabel(b, onModel)} has no matching point in ${candidate.file}`);
    pairs.push([b, c]);
  }
  for (const queue of waiting.values()) {
    const c = queue[0];
    if (c !== undefined) throw new CompareInputError(candidate.file, c.field, `${pointLabel(c, onModel)} has no matching point in ${baseline.file}`);
  }
  return pairs;
}

// Listed first, in this order; any other numeric field follows alphabetically.
const METRIC_ORDER = ['totals.timeSeconds', 'totals.flops', 'totals.bytes', 'memory.kvCacheBytes', 'memory.kvCacheBytesPerToken', 'memory.weightBytes', 'memory.activationBytes', 'memory.totalBytes', 'model.parameters'];

/** Numeric fields every point of both files has, in a stable reading order. */
export function commonMetrics(sides: readonly CompareSide[]): string[] {
  const all = sides.flatMap((s) => s.points);
  const first = all[0];
  if (first === undefined) return [];
  const common = Object.keys(first.metrics).filter((m) => all.every((p) => hasOwnKey(p.metrics, m)));
  const rank = (m: string): number => (METRIC_ORDER.includes(m) ? METRIC_ORDER.indexOf(m) : METRIC_ORDER.length);
  return common.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

function diffOf(metric: string, b: ComparePoint, c: ComparePoint): MetricDiff {
  const baseline = ownValue(b.metrics, metric) ?? 0;
  const candidate = ownValue(c.metrics, metric) ?? 0;
  return { metric, baseline, candidate, absolute: candidate - baseline, relative: relativeChange(baseline, candidate) };
}

/** True/false fields every point of both files has, alphabetically. */
export function commonFlags(sides: readonly CompareSide[]): string[] {
  const all = sides.flatMap((s) => s.points);
  const first = all[0];
  if (first === undefined) return [];
  return Object.keys(first.flags).filter((m) => all.every((p) => hasOwnKey(p.flags, m))).sort();
}

/** Judges one rule over every matched point. */
export function judge(rule: Rule, points: readonly PointDiff[]): RuleVerdict {
  if (rule.kind === 'flag') {
    return { kind: 'flag', rule, broken: points.filter((p) => flagBreaks(rule, p.baseline.flags[rule.metric] ?? false, p.candidate.flags[rule.metric] ?? false)).map((point) => ({ point })) };
  }
  const broken: RuleChangeAt[] = [];
  let worst: RuleChangeAt | undefined;
  for (const point of points) {
    const change = ruleChange(rule, ownValue(point.baseline.metrics, rule.metric) ?? 0, ownValue(point.candidate.metrics, rule.metric) ?? 0);
    if (breaks(rule, change)) broken.push({ point, change });
    if (worst === undefined || (rule.op === '>' ? change > worst.change : change < worst.change)) worst = { point, change };
  }
  return worst === undefined ? { kind: 'threshold', rule, broken } : { kind: 'threshold', rule, broken, worst };
}

/** Compares two saved files under rules; every input problem is thrown before anything is computed for output. */
export function compareSides(baseline: CompareSide, candidate: CompareSide, rules: readonly Rule[], by: MatchBy): Comparison {
  for (const side of [baseline, candidate]) {
    if (side.points.length === 0) throw new CompareInputError(side.file, 'points', 'no points to compare');
  }
  const metrics = commonMetrics([baseline, candidate]);
  const flags = commonFlags([baseline, candidate]);
  for (const rule of rules) {
    const somewhere = [baseline, candidate].some((side) => side.points.some((p) => hasOwnKey(p.metrics, rule.metric) || hasOwnKey(p.flags, rule.metric)));
    if (somewhere && !metrics.includes(rule.metric) && !flags.includes(rule.metric)) {
      throw new CompareInputError('--fail-if', '', `"${rule.text}": ${rule.metric} is not in every point of both files (sweep points carry only totals and memory; numeric fields in every point: ${metrics.join(', ')})`);
    }
    requireMetric(rule, { metrics, flags });
  }
  const onModel = matchesOnModel(baseline, candidate, by);
  const points = matchPoints(baseline, candidate, onModel).map(([b, c]): PointDiff => {
    const all = metrics.map((m) => diffOf(m, b, c));
    const allFlags = flags.map((m): FlagDiff => ({ metric: m, baseline: b.flags[m] ?? false, candidate: c.flags[m] ?? false }));
    return { baseline: b, candidate: c, metrics: all, changed: all.filter((d) => d.baseline !== d.candidate), flags: allFlags, changedFlags: allFlags.filter((d) => d.baseline !== d.candidate) };
  });
  const verdicts = rules.map((r) => judge(r, points));
  return { onModel, metrics, flags, points, rules: verdicts, passed: verdicts.every((v) => v.broken.length === 0) };
}
