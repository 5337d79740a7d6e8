/** Timings measured elsewhere (a user's GPU), for `validate --measurements`: JSON or CSV, checked at the boundary. */
import { z } from 'zod';
import { boundText, WORKLOAD_LIMITS, type Limit } from '../core/limits.js';
import { fromZod, UserError } from './errors.js';
import { readInputText, readJson } from './read-json.js';

/**
 * Measured times from 1 ns (a few clock cycles: nothing measurable is faster) to 1e6 s (11.6 days): a time outside
 * this is a unit slip or a broken timer, and 0 would make the relative error infinite.
 */
const MEASURED_SECONDS = { min: 1e-9, max: 1e6 } as const;
const secondsMessage = `must be between ${boundText(MEASURED_SECONDS.min)} and ${boundText(MEASURED_SECONDS.max)} s`;

/** A workload size: a positive integer within its limit, the unit in the message. */
function size(limit: Limit, what: string) {
  return z.number().int().positive().max(limit.max, { error: `must be at most ${String(limit.max)} ${limit.unit}` }).describe(what);
}

const Measurement = z
  .object({
    model: z.string().min(1).describe('model id or config path'),
    hardware: z.string().min(1).describe('hardware id or profile path'),
    phase: z.enum(['prefill', 'decode']),
    batch: size(WORKLOAD_LIMITS.batch, 'sequences'),
    seqLen: size(WORKLOAD_LIMITS.seqLen, 'prompt length (prefill)'),
    contextLen: size(WORKLOAD_LIMITS.contextLen, 'keys attended (decode)'),
    measuredSeconds: z
      .number()
      .min(MEASURED_SECONDS.min, { error: secondsMessage })
      .max(MEASURED_SECONDS.max, { error: secondsMessage })
      .describe('measured time of the scope, seconds'),
    bits: z.string().default('w16a16kv16').describe('widths, e.g. w16a16kv16'),
    flash: z.boolean().default(true).describe('fused attention kernel'),
    scope: z.enum(['attention', 'layer', 'model']).default('model'),
  })
  .strict();

export const MeasurementsSchema = z.object({ measurements: z.array(Measurement).min(1) }).strict();
export type Measurement = z.infer<typeof Measurement>;

const CSV_FIELDS = ['model', 'hardware', 'phase', 'batch', 'seqLen', 'contextLen', 'measuredSeconds', 'bits', 'flash', 'scope'] as const;

/**
 * Parses a CSV with a header naming (some of) CSV_FIELDS into the JSON shape. An empty cell is left out (the field's
 * default, or "required field is missing"); a cell that is not a number or a boolean stays text, so the error shows it.
 */
function fromCsv(text: string, file: string): unknown {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const unknown = header.find((h) => !(CSV_FIELDS as readonly string[]).includes(h));
  if (unknown !== undefined) throw new UserError(file, unknown, `unknown column (expected some of: ${CSV_FIELDS.join(', ')})`);
  const numeric = new Set(['batch', 'seqLen', 'contextLen', 'measuredSeconds']);
  const cell = (h: string, v: string): unknown => {
    if (numeric.has(h)) return v === '' || Number.isNaN(Number(v)) ? v : Number(v);
    if (h === 'flash') return v === 'true' ? true : v === 'false' ? false : v;
    return v;
  };
  return {
    measurements: lines.slice(1).map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      return Object.fromEntries(header.flatMap((h, i) => ((cells[i] ?? '') === '' ? [] : [[h, cell(h, cells[i] ?? '')]])));
    }),
  };
}

/** Reads a measurements file (.json or .csv); errors name the row and column (a CSV's by line number). */
export function loadMeasurements(file: string): Measurement[] {
  const csv = file.endsWith('.csv');
  let json: unknown;
  if (csv) json = fromCsv(readInputText(file), file);
  else json = readJson(file);
  const parsed = MeasurementsSchema.safeParse(json);
  if (!parsed.success) {
    const e = fromZod(file, parsed.error, json);
    // A CSV row i is line i + 2 (after the header): name it as a person finds it in an editor.
    const row = csv ? /^measurements\.(\d+)\.(\w+)$/.exec(e.field) : null;
    throw row === null ? e : new UserError(file, `line ${String(Number(row[1]) + 2)}, column ${row[2] ?? ''}`, e.detail);
  }
  return parsed.data.measurements;
}
