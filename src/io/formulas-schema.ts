/** zod schema of `formulas --format json` (llm-roofline.formulas/v1); schema/formulas.schema.json is generated from it. */
import { z } from 'zod';

const Formula = z
  .object({
    formula: z.string().describe('the expression the engine evaluates, over the symbols listed'),
    text: z.string().describe('the same, as printed by formulas --format text'),
    latex: z.string().describe('the same, as LaTeX'),
    value: z.number().optional().describe('its value for the model at the workload (absent for a bare variant)'),
  })
  .strict();

const FIELDS = ['flops', 'weight', 'actRead', 'actWrite', 'kvRead', 'kvWrite', 'network', 'hops'] as const;

export const FormulasSchema = z
  .object({
    schema: z.literal('llm-roofline.formulas/v1'),
    title: z.string(),
    settings: z.string().describe('phase, attention kernel, pair convention, MLA form and scope the operators are for'),
    note: z.string(),
    workload: z
      .object({ hardware: z.string(), batch: z.number().int().positive(), seqLen: z.number().int().positive(), contextLen: z.number().int().positive(), bitsLabel: z.string() })
      .strict()
      .nullable()
      .describe('what the values are for; null for a bare variant, which has no values'),
    symbols: z.array(z.object({ name: z.string(), meaning: z.string(), value: z.number().optional() }).strict()).readonly(),
    kvCacheElementsPerTokenPerLayer: Formula,
    attentionParametersPerLayer: Formula,
    pairsPerSequence: Formula.describe('(query, key) pairs per sequence, P'),
    ops: z
      .array(
        z
          .object({
            name: z.string(),
            count: z.number().int().positive().describe('occurrences per pass (layers for per-layer operators at model scope)'),
            fields: z.array(Formula.extend({ field: z.enum(FIELDS), label: z.string() }).strict()).readonly().describe('non-zero fields only; values per occurrence: FLOPs, bytes, or (hops) link latencies'),
          })
          .strict(),
      )
      .readonly(),
  })
  .strict();
