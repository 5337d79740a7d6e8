/** Timings measured elsewhere (a user's GPU), for `validate --measurements`: JSON or CSV, checked at the boundary. */
import { z } from 'zod';
import { fromZod, UserError } from './errors.js';
import { readInputText, readJson } from './read-json.js';

const Measurement = z
  .object({
    model: z.string().min(1).describe('model id or config path'),
    hardware: z.string().min(1).describe('hardware id or profile path'),
    phase: z.enum(['prefill', 'decode']),
    batch: z.number().int().positive(),
    seqLen: z.number().int().positive().describe('prompt length (prefill)'),
    contextLen: z.number().int().positive().describe('keys attended (decode)'),
    measuredSeconds: z.number().positive().describe('measured time of the scope, seconds'),
    bits: z.string().default('w16a16kv16').describe('widths, e.g. w16a16kv16'),
    flash: z.boolean().default(true).describe('fused attention kernel'),
    scope: z.enum(['attention', 'layer', 'model']).default('model'),
  })
  .strict();

export const MeasurementsSchema = z.object({ measurements: z.array(Measurement).min(1) }).strict();
export type Measurement = z.infer<typeof Measurement>;

const CSV_FIELDS = ['model', 'hardware', 'phase', 'batch', 'seqLen', 'contextLen', 'measuredSeconds', 'bits', 'flash', 'scope'] as const;

/** Parses a CSV with a header naming (some of) CSV_FIELDS into the JSON shape. */
function fromCsv(text: string, file: string): unknown {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = (lines[0] ?? '').split(',').map((h) => h.trim());
  const unknown = header.find((h) => !(CSV_FIELDS as readonly string[]).includes(h));
  if (unknown !== undefined) throw new UserError(file, unknown, `unknown column (expected some of: ${CSV_FIELDS.join(', ')})`);
  const numeric = new Set(['batch', 'seqLen', 'contextLen', 'measuredSeconds']);
  return {
    measurements: lines.slice(1).map((line) => {
      const cells = line.split(',').map((c) => c.trim());
      return Object.fromEntries(header.map((h, i) => {
        const v = cells[i] ?? '';
        return [h, numeric.has(h) ? Number(v) : h === 'flash' ? v === 'true' : v];
      }));
    }),
  };
}

/** Reads a measurements file (.json or .csv). */
export function loadMeasurements(file: string): Measurement[] {
  let json: unknown;
  if (file.endsWith('.csv')) json = fromCsv(readInputText(file), file);
  else json = readJson(file);
  const parsed = MeasurementsSchema.safeParse(json);
  if (!parsed.success) throw fromZod(file, parsed.error, json);
  return parsed.data.measurements;
}
