/** Writes schema/*.schema.json from the zod schemas. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { jsonSchemas } from '../src/io/json-schemas.js';

const dir = new URL('../schema/', import.meta.url);
mkdirSync(dir, { recursive: true });
for (const [name, text] of Object.entries(jsonSchemas())) writeFileSync(new URL(name, dir), text);
