/** JSON Schemas (draft 2020-12) generated from the zod schemas, as committed under schema/. */
import { z } from 'zod';
import { HardwareListSchema, HardwareShowSchema, ModelShowSchema, ModelsListSchema } from './catalog-schema.js';
import { CompareBaselineSchema } from './compare-schema.js';
import { EfficiencyProfileSchema } from './efficiency-schema.js';
import { FitSchema } from './fit-schema.js';
import { FormulasSchema } from './formulas-schema.js';
import { GenerateSchema } from './generate-schema.js';
import { HardwareProfileSchema } from './hardware-schema.js';
import { ModelFileSchema } from './model-schema.js';
import { CompareSchema, ReportSchema, SweepSchema } from './report-schema.js';

/** File name → JSON text of each published schema. */
export function jsonSchemas(): Record<string, string> {
  const files: Record<string, z.ZodType> = {
    'report.schema.json': ReportSchema,
    'sweep.schema.json': SweepSchema,
    'generate.schema.json': GenerateSchema,
    'model-config.schema.json': ModelFileSchema,
    'hardware-profile.schema.json': HardwareProfileSchema,
    'efficiency-profile.schema.json': EfficiencyProfileSchema,
    'compare.schema.json': CompareSchema,
    'compare-baseline.schema.json': CompareBaselineSchema,
    'models.schema.json': ModelsListSchema,
    'model.schema.json': ModelShowSchema,
    'hardware-list.schema.json': HardwareListSchema,
    'hardware.schema.json': HardwareShowSchema,
    'formulas.schema.json': FormulasSchema,
    'fit.schema.json': FitSchema,
  };
  return Object.fromEntries(
    Object.entries(files).map(([name, schema]) => [name, JSON.stringify(z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }), null, 2) + '\n']),
  );
}
