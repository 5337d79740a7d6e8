/** Where shipped configs and profiles live, and how ids and paths map to files. */
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root (holds configs/ and hardware-profiles/), from src/io or dist/io alike. */
export const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CONFIGS_DIR = join(PACKAGE_ROOT, 'configs');
export const HARDWARE_DIR = join(PACKAGE_ROOT, 'hardware-profiles');

/** True when a reference names a file rather than a shipped id. */
export function isPath(ref: string): boolean {
  return ref.endsWith('.json') || ref.startsWith('.') || ref.startsWith('/');
}

/** Ids (paths without `.json`, with `/` separators) of every JSON file under a folder. */
export function listIds(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.json')) out.push(relative(dir, full).slice(0, -'.json'.length).split(sep).join('/'));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

/** The file of a shipped id, or undefined when no such id exists. */
export function idFile(dir: string, id: string): string | undefined {
  if (id.includes('..')) return undefined;
  const file = join(dir, `${id}.json`);
  return existsSync(file) ? file : undefined;
}

/** A file path as shown in messages: relative to the working directory when inside it, else absolute. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), resolve(file));
  return rel.startsWith('..') || rel === '' ? resolve(file) : rel;
}
