/** Library entry point: the pure engine plus the loaders for shipped and user-supplied configs and profiles. */
export { Plan, sumOps, type OpResult, type Totals, type MemoryFootprint, type Point } from './core/engine.js';
export { buildReport, REPORT_SCHEMA, type Report } from './core/report.js';
export { sweep, sweepSize, SWEEP_SCHEMA, type SweepGrid, type SweepPoint } from './core/sweep.js';
export { SCOPES, scopeSegments, modelParameters, cacheFormula, modelSymbols, type Scope, type Segment, type ParameterCounts } from './core/model.js';
export { VARIANTS, variantOf } from './core/variants/index.js';
export { computeDtype, parseBits, bitsLabel, type Bits, type DType } from './core/dtype.js';
export { evaluate } from './core/compile.js';
export type { Attention, ModelConfig } from './core/model-config.js';
export type { Hardware } from './core/hardware.js';
export type { Workload, Phase, MlaMode } from './core/workload.js';
export { loadModel, modelIds, parseModelFile } from './io/load-model.js';
export { loadHardware, hardwareIds, parseProfile } from './io/load-hardware.js';
export { importHfConfig } from './io/hf-config.js';
export { UserError } from './io/errors.js';
export { ReportSchema, SweepSchema } from './io/report-schema.js';
export { Generator, GENERATE_SCHEMA, type GenerateDocument, type GenerateRequest, type GenerateRun, type GenerateSettings } from './core/generate.js';
export { GenerateSchema } from './io/generate-schema.js';
