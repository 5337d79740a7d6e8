/** `--tp`, `--pp`, `--ep`, `--dp`, `--micro-batches`: parsing, and the checks that a split fits the model and the device. */
import { COST_MODEL_DEFS } from '../core/cost-models/index.js';
import type { ModelConfig } from '../core/model-config.js';
import { checkParallelism, groupLinks, MissingLinkError, ParallelismError } from '../core/parallel.js';
import { isSplit, MAX_DEGREE, type Parallelism } from '../core/parallelism.js';
import type { SweepGrid } from '../core/sweep.js';
import type { CostModel } from '../core/workload.js';
import type { LoadedProfile } from '../io/load-hardware.js';
import { UserError } from '../io/errors.js';
import { list, positiveInt, type ParallelOptionValues } from './options.js';

const LIMIT = { max: MAX_DEGREE, unit: 'devices' };

/** The degree of one flag (1 when absent). */
function degree(flag: string, text: string | undefined): number {
  return text === undefined ? 1 : positiveInt(flag, text, LIMIT);
}

/** The parallelism the options ask for, or undefined for one device. */
export function parallelismFrom(o: ParallelOptionValues): Parallelism | undefined {
  const p = { tp: degree('--tp', o.tp), pp: degree('--pp', o.pp), ep: degree('--ep', o.ep), dp: degree('--dp', o.dp) };
  return p.tp * p.pp * p.ep * p.dp === 1 ? undefined : p;
}

/** Every combination of the listed degrees (sweep), one undefined entry for one device. */
export function parallelismsFrom(o: ParallelOptionValues): (Parallelism | undefined)[] {
  const values = (flag: string, text: string | undefined): number[] => (text === undefined ? [1] : list(flag, text).map((t) => degree(flag, t)));
  const out: (Parallelism | undefined)[] = [];
  for (const tp of values('--tp', o.tp)) {
    for (const pp of values('--pp', o.pp)) {
      for (const ep of values('--ep', o.ep)) {
        for (const dp of values('--dp', o.dp)) out.push(tp * pp * ep * dp === 1 ? undefined : { tp, pp, ep, dp });
      }
    }
  }
  return out;
}

/** `--overlap` and `--micro-batches` without the split they need: the flag and why, or undefined when they fit. */
function unneeded(o: ParallelOptionValues, any: boolean, pipeline: boolean, microBatches: number | undefined): UserError | undefined {
  if (!any && (o.overlap === true || microBatches !== undefined)) return new UserError(o.overlap === true ? '--overlap' : '--micro-batches', '', 'needs the model split over devices (--tp, --pp or --ep)');
  if (microBatches !== undefined && !pipeline) return new UserError('--micro-batches', '', `needs a pipeline (--pp 2 or more; got --pp ${o.pp ?? '1'})`);
  return undefined;
}

/**
 * Sweep's (and compare's) parallel settings: every combination of the listed degrees, `--overlap` and a single
 * `--micro-batches`, which need some listed split (a pipeline for micro-batches); none at all for one device.
 */
export function parallelGridFrom(o: ParallelOptionValues): Pick<SweepGrid, 'parallelisms' | 'overlap' | 'microBatches'> {
  const parallelisms = parallelismsFrom(o);
  const microBatches = microBatchesFrom(o.microBatches);
  const any = parallelisms.some((p) => p !== undefined);
  const problem = unneeded(o, any, parallelisms.some((p) => p !== undefined && p.pp > 1), microBatches);
  if (problem !== undefined) throw problem;
  // Replicas alone send nothing: --overlap needs some listed split within a replica.
  if (o.overlap === true && !parallelisms.some(isSplit)) throw new UserError('--overlap', '', 'needs the model split over devices (--tp, --pp or --ep)');
  if (!any) return {};
  return { parallelisms, overlap: o.overlap === true, ...(microBatches === undefined ? {} : { microBatches }) };
}

/** `--micro-batches` (undefined: one per pipeline stage). */
export function microBatchesFrom(text: string | undefined): number | undefined {
  return text === undefined ? undefined : positiveInt('--micro-batches', text, { max: 1e6, unit: 'micro-batches' });
}

/**
 * Checks that the cost model can split the model so, that the split divides the model's heads, columns and experts
 * and that the device has the links its groups need, naming the flag and the config field or the profile's field.
 */
export function requireSplit(model: ModelConfig, profile: LoadedProfile, p: Parallelism | undefined, costModel: CostModel): void {
  if (p === undefined) return;
  checkSplit(model, p, costModel);
  try {
    if (COST_MODEL_DEFS[costModel].communication) groupLinks(p, profile.hardware.interconnect);
  } catch (e) {
    if (e instanceof MissingLinkError) throw new UserError(profile.file, 'interconnect', `${profile.id} ${e.message}`);
    throw e;
  }
}

/**
 * Checks that the cost model can split the model so (LLM-Viewer: tensor parallelism only) and that the split divides
 * the model's heads, columns and experts, naming the flag and the config field.
 */
export function checkSplit(model: ModelConfig, p: Parallelism, costModel: CostModel = 'exact'): void {
  try {
    const refused = COST_MODEL_DEFS[costModel].splitProblem(model, p);
    if (refused !== undefined) throw refused;
    checkParallelism(model, p);
  } catch (e) {
    if (e instanceof ParallelismError) throw new UserError(e.flag, e.field === '' ? '' : `${model.id}: ${e.field}`, e.message);
    throw e;
  }
}

