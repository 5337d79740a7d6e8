/** Writes src/core/generated/formulas.ts. */
import { writeFileSync } from 'node:fs';
import { generate } from './formula-codegen.js';

writeFileSync(new URL('../src/core/generated/formulas.ts', import.meta.url), generate());
