/** Loads the two files of `compare --baseline/--candidate`: an analyze report or a sweep, validated by its schema. */
import { booleanFields, numericFields, type CompareSide, type ComparePoint, type MatchWorkload } from '../core/compare.js';
import { REPORT_SCHEMA } from '../core/report.js';
import { SWEEP_SCHEMA } from '../core/sweep.js';
import { fromZod, UserError } from './errors.js';
import { readJson } from './read-json.js';
import { ReportSchema, SweepSchema } from './report-schema.js';

function matchWorkload(w: MatchWorkload): MatchWorkload {
  const { phase, batch, seqLen, contextLen, bitsLabel, flash, pairs, scope, costModel, mla, moeImbalance, mtp, parallelism, overlap, microBatches } = w;
  return { phase, batch, seqLen, contextLen, bitsLabel, flash, pairs, scope, costModel, mla, moeImbalance, mtp, parallelism, overlap, microBatches };
}

/** The points of a saved `llm-roofline.report/v1` (one point) or `llm-roofline.sweep/v1` file; UserErrors name the file. */
export function loadCompareSide(file: string): CompareSide & { schema: string } {
  const input = readJson(file);
  const schema = input !== null && typeof input === 'object' && 'schema' in input ? input.schema : undefined;
  if (schema === REPORT_SCHEMA) {
    const parsed = ReportSchema.safeParse(input);
    if (!parsed.success) throw fromZod(file, parsed.error, input);
    const r = parsed.data;
    const point: ComparePoint = {
      model: r.model.id,
      hardware: r.hardware.id,
      workload: matchWorkload(r.workload),
      metrics: numericFields({ totals: r.totals, memory: r.memory, model: { parameters: r.model.parameters } }),
      flags: booleanFields({ totals: r.totals, memory: r.memory }),
      field: '',
    };
    return { file, schema, points: [point] };
  }
  if (schema === SWEEP_SCHEMA) {
    const parsed = SweepSchema.safeParse(input);
    if (!parsed.success) throw fromZod(file, parsed.error, input);
    const points = parsed.data.points.map((p, i): ComparePoint => ({
      model: p.model,
      hardware: p.hardware,
      workload: matchWorkload(p.workload),
      metrics: numericFields({ totals: p.totals, memory: p.memory }),
      flags: booleanFields({ totals: p.totals, memory: p.memory }),
      field: `points.${String(i)}`,
    }));
    return { file, schema, points };
  }
  const got = schema === undefined ? 'no schema field' : `got ${JSON.stringify(schema)}`;
  throw new UserError(file, 'schema', `expected "${REPORT_SCHEMA}" (from analyze --format json) or "${SWEEP_SCHEMA}" (from sweep) (${got})`);
}
