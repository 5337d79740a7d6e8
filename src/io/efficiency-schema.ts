/** Schema of an efficiency profile file (`efficiency-profiles/*.json` or `--efficiency FILE`): every term with its source. */
import { z } from 'zod';
import { EFFICIENCY, quantity, type Range } from './hardware-schema.js';

/** A fixed overhead: 0 (none) to a second, which would be a broken measurement rather than an overhead. */
const OVERHEAD: Range = { min: 0, max: 1, unit: 's' };

const fraction = (what: string) => quantity(EFFICIENCY, what);

export const EfficiencyProfileSchema = z
  .object({
    $schema: z.string().optional(),
    name: z.string().min(1).describe('what the profile describes'),
    family: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'must be lower-case letters, digits and dashes' })
      .optional()
      .describe('device family (shipped profiles): `--efficiency typical:<family>` names it; its file is <family>.json'),
    devices: z
      .array(z.string().min(1))
      .optional()
      .describe('hardware ids (under hardware-profiles/) that `--efficiency typical` maps to this profile; each id in at most one shipped profile'),
    kinds: z
      .object({
        gemm: fraction('of the compute peak products by weights reach'),
        attention: fraction('of the compute peak the attention core (scores, softmax, values) reaches'),
        elementwise: fraction('of the compute peak element-wise operators (norms, activations, adds, RoPE) reach'),
        gather: fraction('of the compute peak the embedding gather reaches'),
        collective: fraction('multiplier on the link\'s own efficiency (which already is the share collectives reach)'),
      })
      .strict()
      .describe('achieved fraction per operator kind'),
    memory: fraction('of the memory bandwidth a streaming operator reaches'),
    layerOverheadSeconds: quantity(OVERHEAD, 'added once per transformer layer of a pass'),
    stepOverheadSeconds: quantity(OVERHEAD, 'added once per pass over the whole model'),
    sources: z
      .record(z.string(), z.object({ title: z.string().min(1), url: z.string().optional() }).strict())
      .describe('the documents the terms cite, by key'),
    notes: z.array(z.string()).optional(),
  })
  .strict();

export type EfficiencyProfileFile = z.infer<typeof EfficiencyProfileSchema>;
