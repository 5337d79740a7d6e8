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
    super(printable(field === '' ? `${source}: ${detail}` : `${source}: ${field}: ${detail}`));
    this.name = 'UserError';
  }
}

const ESCAPES: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * Text with control characters escaped (`\n`, `\u001b`), so that an error stays one line and a file name or flag
 * value cannot move the cursor or recolour the terminal.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Dotted path of a zod issue path: `attention.heads`, `layers[3]` becomes `layers.3`. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => String(p)).join('.');
}

type Pending = { text: string } | { value: unknown } | { entries: readonly [string | undefined, unknown][]; at: number; close: string };

/**
 * A value as JSON for a message, cut to `limit` characters (`...` marks the cut). Built with an explicit stack and
 * stopped as soon as the limit is passed, so a value nested a million deep or holding a million items is safe and
 * cheap (JSON.stringify would overflow the stack or copy it all).
 */
export function describeValue(v: unknown, limit = 40): string {
  if (v === undefined) return 'nothing';
  let out = '';
  const stack: Pending[] = [{ value: v }];
  while (out.length <= limit) {
    const top = stack.pop();
    if (top === undefined) break;
    if ('text' in top) out += top.text;
    else if ('entries' in top) {
      const entry = top.entries[top.at];
      if (entry === undefined) {
        out += top.close;
        continue;
      }
      if (top.at > 0) out += ',';
      stack.push({ ...top, at: top.at + 1 });
      const [key, value] = entry;
      if (key !== undefined) out += `${JSON.stringify(key.slice(0, limit))}:`;
      stack.push({ value });
    } else out += scalar(top.value, stack, limit);
  }
  return out.length > limit ? `${out.slice(0, limit - 3)}...` : out;
}

/** JSON of a scalar, or the opening bracket of an array or object whose items go on the stack. */
function scalar(v: unknown, stack: Pending[], limit: number): string {
  if (typeof v === 'string') return JSON.stringify(v.length > limit ? v.slice(0, limit) : v);
  // Infinity and NaN are shown as themselves: JSON would print null, hiding what was wrong.
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || typeof v !== 'object') return 'null';
  if (Array.isArray(v)) {
    // Only the first items can show; entries past the limit are never looked at.
    stack.push({ entries: (v as unknown[]).slice(0, limit).map((x) => [undefined, x] as const), at: 0, close: ']' });
    return '[';
  }
  const keys = Object.keys(v).slice(0, limit);
  stack.push({ entries: keys.map((k) => [k, (v as Record<string, unknown>)[k]] as const), at: 0, close: '}' });
  return '{';
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
    const got = issue.path.reduce<unknown>((v, k) => (v !== null && typeof v === 'object' && Object.hasOwn(v, k) ? (v as Record<PropertyKey, unknown>)[k] : undefined), input);
    detail = got === undefined ? 'required field is missing' : `${issue.message} (got ${describeValue(got)})`;
  }
  return new UserError(source, field, detail);
}
