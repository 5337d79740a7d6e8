/** User-facing input errors: one line naming the file, the field and what was expected; exit code 2. */
import type { z } from 'zod';

/** An error in something the user supplied (file, id, flag). */
export class UserError extends Error {
  constructor(
    /** The file or input the error is in ("--batch" for a flag). */
    readonly source: string,
    /** Dotted path of the field, or "" for the whole input. */
    readonly field: string,
    /** What is wrong, with what was got and what was expected. */
    readonly detail: string,
  ) {
    super(field === '' ? `${source}: ${detail}` : `${source}: ${field}: ${detail}`);
    this.name = 'UserError';
  }
}

/** Dotted path of a zod issue path: `attention.heads`, `layers[3]` becomes `layers.3`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  // JSON.stringify writes Infinity (a JSON 1e999) and NaN as null.
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  const json = JSON.stringify(v);
  return json.length > 40 ? `${json.slice(0, 37)}...` : json;
}

/** The first zod issue as a UserError, with the offending value shown when it can be found. */
export function fromZod(source: string, error: z.ZodError, input: unknown): UserError {
  // A misspelled field shows up both as an unknown key and as a missing one; naming the unknown key helps more.
  const issue = error.issues.find((i) => i.code === 'unrecognized_keys') ?? error.issues[0];
  if (issue === undefined) return new UserError(source, '', 'invalid input');
  let field = issuePath(issue.path);
  let detail: string;
  if (issue.code === 'unrecognized_keys') {
    const key = issue.keys[0] ?? '';
    field = field === '' ? key : `${field}.${key}`;
    detail = 'unknown field (check the spelling; see the schema for allowed fields)';
  } else {
    const got = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
    detail = got === undefined ? 'required field is missing' : `${issue.message} (got ${describeValue(got)})`;
  }
  return new UserError(source, field, detail);
}
