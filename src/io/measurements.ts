/** Timings measured elsewhere (a user's GPU), for `validate --measurements`: JSON or CSV, checked at the boundary. */
import { z } from 'zod';
import { BITS_EXPECTED, parseBits } from '../core/dtype.js';
import { boundText, WORKLOAD_LIMITS, type Limit } from '../core/limits.js';
import { fromZod, UserError } from './errors.js';
import { readCsvRows } from './csv-read.js';
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
    bits: z
      .string()
      .refine((b) => parseBits(b) !== undefined, { error: `expected ${BITS_EXPECTED}` })
      .default('w16a16kv16')
      .describe('widths, e.g. w16a16kv16, or a format: fp16, bf16, fp8, ...'),
    flash: z.boolean().default(true).describe('fused attention kernel'),
    scope: z.enum(['attention', 'layer', 'model']).default('model'),
  })
  .strict();

export const MeasurementsSchema = z.object({ measurements: z.array(Measurement).min(1) }).strict();
export type Measurement = z.infer<typeof Measurement>;

const CSV_FIELDS = ['model', 'hardware', 'phase', 'batch', 'seqLen', 'contextLen', 'measuredSeconds', 'bits', 'flash', 'scope'] as const;

/** A decimal number as a person writes it in a table: 12, 0.5, 1e-3 (not 0x10, Infinity or an empty cell). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/**
 * Parses a CSV with a header naming (some of) CSV_FIELDS, each once, into the JSON shape, and the line each row
 * starts on. An empty cell is left out (the field's default, or "required field is missing"); a cell that is not a
 * decimal number or a boolean stays text, so the error shows it; a row with more cells than the header is refused.
 */
function fromCsv(text: string, file: string): { json: unknown; lines: number[] } {
  const [head, ...rows] = readCsvRows(text, file);
  const header = head?.cells ?? [];
  if (head === undefined) throw new UserError(file, '', `empty (expected a header line naming some of: ${CSV_FIELDS.join(', ')})`);
  const unnamed = header.indexOf('');
  if (unnamed >= 0) throw new UserError(file, `column ${String(unnamed + 1)}`, `no name in the header (expected one of: ${CSV_FIELDS.join(', ')})`);
  const unknown = header.find((h) => !(CSV_FIELDS as readonly string[]).includes(h));
  if (unknown !== undefined) throw new UserError(file, unknown, `unknown column (expected some of: ${CSV_FIELDS.join(', ')})`);
  const twice = header.find((h, i) => header.indexOf(h) !== i);
  if (twice !== undefined) throw new UserError(file, twice, 'column named twice in the header (expected each column once)');
  const numeric = new Set(['batch', 'seqLen', 'contextLen', 'measuredSeconds']);
  const cell = (h: string, v: string): unknown => {
    if (numeric.has(h)) return DECIMAL.test(v) ? Number(v) : v;
    if (h === 'flash') return v === 'true' ? true : v === 'false' ? false : v;
    return v;
  };
  const measurements = rows.map(({ line, cells }) => {
    if (cells.length > header.length) {
      throw new UserError(file, `line ${String(line)}`, `${String(cells.length)} cells, more than the header's ${String(header.length)} columns (a comma inside a cell needs quotes)`);
    }
    return Object.fromEntries(header.flatMap((h, i) => ((cells[i] ?? '') === '' ? [] : [[h, cell(h, cells[i] ?? '')]])));
  });
  return { json: { measurements }, lines: rows.map((r) => r.line) };
}

/** Reads a measurements file (.json or .csv); errors name the row and column (a CSV's by line number). */
export function loadMeasurements(file: string): Measurement[] {
  const csv = file.endsWith('.csv') ? fromCsv(readInputText(file), file) : undefined;
  const json = csv === undefined ? readJson(file) : csv.json;
  const parsed = MeasurementsSchema.safeParse(json);
  if (!parsed.success) {
    const e = fromZod(file, parsed.error, json);
    // A CSV row is named by its line, as a person finds it in an editor.
    const row = csv === undefined ? null : /^measurements\.(\d+)\.(\w+)$/.exec(e.field);
    const line = row === null ? undefined : csv?.lines[Number(row[1])];
    throw line === undefined ? e : new UserError(file, `line ${String(line)}, column ${row?.[2] ?? ''}`, e.detail);
  }
  return parsed.data.measurements;
}
