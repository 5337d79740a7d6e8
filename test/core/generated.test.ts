/** Generated files are current: they fail here, not silently, when a formula or schema changes without `npm run gen`. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { generate } from '../../scripts/formula-codegen.js';
import { jsonSchemas } from '../../src/io/json-schemas.js';

const read = (rel: string): string => readFileSync(new URL(`../../${rel}`, import.meta.url), 'utf8');

describe('generated files', () => {
  it('src/core/generated/formulas.ts matches the formula catalog', () => {
    expect(read('src/core/generated/formulas.ts')).toBe(generate());
  });
  it.each(Object.entries(jsonSchemas()))('schema/%s matches the zod schema', (name, text) => {
    expect(read(`schema/${name}`)).toBe(text);
  });
});
