/** zod schema of the `llm-roofline.fit/v1` document `fit --format json` prints; its JSON Schema is generated from it. */
import { z } from 'zod';
import { EFFICIENCY_TERMS } from '../core/efficiency.js';
import { EfficiencyProfileSchema } from './efficiency-schema.js';

const seconds = (what: string) => z.number().nonnegative().describe(`${what}, seconds`);
const relative = (what: string) => z.number().describe(`(predicted − measured) / measured ${what}`);

const Term = z
  .object({
    term: z.enum(EFFICIENCY_TERMS),
    base: z.number().nonnegative().describe('the base profile\'s value (a fraction, or seconds for the overheads)'),
    fitted: z.number().nonnegative().describe('the fitted value (the base value when not determined)'),
    determined: z.boolean().describe('the measurements determine the term; false: it keeps the base value'),
    why: z.string().optional().describe('why the measurements do not determine it'),
    atLimit: z.boolean().optional().describe('the fit stopped at a limit of the profile format (a fraction of 1 or 0.01, an overhead of 1 s)'),
  })
  .strict();

const Residual = z
  .object({
    model: z.string(),
    phase: z.enum(['prefill', 'decode']),
    batch: z.number().int().positive(),
    seqLen: z.number().int().positive().describe('new tokens per sequence (1 in decode)'),
    contextLen: z.number().int().positive().describe('keys attended (the prompt in prefill)'),
    scope: z.enum(['attention', 'layer', 'model']),
    measuredSeconds: seconds('measured time'),
    baseSeconds: seconds('predicted at the base profile'),
    fittedSeconds: seconds('predicted at the fitted profile'),
    baseError: relative('at the base profile'),
    fittedError: relative('at the fitted profile'),
  })
  .strict();

export const FitSchema = z
  .object({
    schema: z.literal('llm-roofline.fit/v1'),
    measurements: z.string().describe('the measurements file'),
    hardware: z.string().describe('the hardware profile every measurement names'),
    base: z.string().describe('the base efficiency: where the fit starts and what undetermined terms keep'),
    profile: EfficiencyProfileSchema.describe('the fitted profile, as `--out` writes it and `--efficiency FILE` loads it'),
    terms: z.array(Term),
    residuals: z.array(Residual).describe('each measurement re-evaluated by the engine at the base and at the fitted profile'),
    medianAbsError: z.object({ base: z.number().nonnegative(), fitted: z.number().nonnegative() }).strict().describe('median |relative error| over the measurements'),
    iterations: z.number().int().positive().describe('rounds of classify-bounds-then-solve'),
    settled: z.boolean().describe('the operators\' bounds stopped changing within the iteration cap'),
    undetermined: z.array(z.enum(EFFICIENCY_TERMS)).describe('terms the measurements do not determine'),
  })
  .strict();

export type FitDocument = z.infer<typeof FitSchema>;
