/** zod schemas of the JSON that `models`, `models show`, `hardware` and `hardware show` print; schema/ is generated. */
import { z } from 'zod';
import { DTYPES } from '../core/dtype.js';
import { HardwareProfileSchema } from './hardware-schema.js';
import { ModelFileSchema } from './model-schema.js';

const Derived = z
  .object({
    // Not .int(): zod's int() stops at 2^53, and a model at the dimension limits has about 5.8e17 parameters.
    parameters: z.number().nonnegative().describe('parameter count (embeddings once when tied); exact below 2^53'),
    kvCacheElementsPerTokenPerLayer: z.number().nonnegative().describe('KV-cache elements one token of one sequence keeps in one layer'),
  })
  .strict();

export const ModelsListSchema = z
  .object({
    schema: z.literal('llm-roofline.models/v1'),
    models: z
      .array(
        z
          .object({
            id: z.string().describe('model id, usable as --model'),
            name: z.string(),
            attention: z.enum(['mha', 'gqa', 'mla', 'gta']).describe('attention variant'),
            layers: z.number().int().positive(),
            hiddenSize: z.number().int().positive(),
            ...Derived.shape,
          })
          .strict(),
      )
      .readonly(),
  })
  .strict();

export const ModelShowSchema = ModelFileSchema.omit({ $schema: true })
  .extend({ schema: z.literal('llm-roofline.model/v1'), id: z.string().describe('model id or the path it was loaded from'), derived: Derived })
  .strict();

export const HardwareListSchema = z
  .object({
    schema: z.literal('llm-roofline.hardware-list/v1'),
    hardware: z
      .array(
        z
          .object({
            id: z.string().describe('hardware id, usable as --hardware'),
            name: z.string(),
            kind: HardwareProfileSchema.shape.kind,
            peakFlopPerSecond: z.partialRecord(z.enum(DTYPES), z.number().positive()).describe('dense peak per dtype, FLOP/s (a multiply-add is 2 FLOPs)'),
            memoryBandwidthBytesPerSecond: z.number().positive().describe('bytes/s (SI)'),
            memoryBytes: z.number().positive().describe('bytes (SI)'),
          })
          .strict(),
      )
      .readonly(),
  })
  .strict();

export const HardwareShowSchema = z
  .object({
    schema: z.literal('llm-roofline.hardware/v1'),
    id: z.string(),
    file: z.string().describe('the profile file it was read from'),
    profile: HardwareProfileSchema.describe('the profile as written, every number with its source and flags'),
  })
  .strict();
