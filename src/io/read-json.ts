/** Reads a JSON file, turning unreadable and malformed files into UserErrors. */
import { readFileSync } from 'node:fs';
import { UserError } from './errors.js';

/** Parsed JSON content of a file. */
export function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? 'error';
    throw new UserError(file, '', code === 'ENOENT' ? 'file not found' : `cannot read file (${code})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UserError(file, '', `malformed JSON: ${(e as Error).message}`);
  }
}
