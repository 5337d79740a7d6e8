/** Loading by a user's string: ids and names that Object.prototype has are unknown like any other (one-line UserError). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { bitsSpec, oneOf } from '../../src/cli/options.js';
import { loadHardware, parseProfile } from '../../src/io/load-hardware.js';
import { loadMeasurements } from '../../src/io/measurements.js';
import { loadModel } from '../../src/io/load-model.js';
import { userErrorMessage as userError } from '../helpers/errors.js';

const NAMES = ['toString', 'constructor', '__proto__', 'hasOwnProperty'];
const dir = mkdtempSync(join(tmpdir(), 'llmr-own-'));

describe.each(NAMES)('%s', (name) => {
  it('as a model id, a hardware id, a --bits spec, a --phase', () => {
    expect(userError(() => loadModel(name))).toMatch(new RegExp(`^--model: unknown model "${name}" \\(expected a path to a \\.json file or one of: `));
    expect(userError(() => loadHardware(name))).toMatch(new RegExp(`^--hardware: unknown hardware "${name}" \\(expected a path to a \\.json file or one of: `));
    expect(userError(() => bitsSpec('--bits', name))).toMatch(new RegExp(`\\(got "${name}"\\)$`));
    expect(userError(() => oneOf('--phase', name, ['prefill', 'decode']))).toBe(`--phase: expected one of prefill, decode (got "${name}")`);
  });
  it('as the source a profile cites', () => {
    const h100 = JSON.parse(readFileSync('hardware-profiles/h100-sxm.json', 'utf8')) as { memoryBytes: Record<string, unknown> };
    const json = { ...h100, memoryBytes: { ...h100.memoryBytes, source: name } };
    expect(userError(() => parseProfile(json, 'p.json', 'p'))).toBe(`p.json: memoryBytes.source: "${name}" is not a key of sources (expected one of: datasheet, whitepaper, hpctech, klockwood, dgx-basepod)`);
  });
  it('as a measurements CSV column', () => {
    const file = join(dir, `${name}.csv`);
    writeFileSync(file, `model,${name}\nx,1\n`);
    expect(userError(() => loadMeasurements(file))).toBe(`${file}: ${name}: unknown column (expected some of: model, hardware, phase, batch, seqLen, contextLen, measuredSeconds, bits, flash, scope)`);
  });
});
