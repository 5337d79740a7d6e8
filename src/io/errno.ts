/** System error codes and text as a user should see them. */

/** The code of a system error (`ENOENT`), or its message when it has none. */
export function errnoCode(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ?? err.message;
}

/** `CODE: what` of a system error, without Node's paths (they may name a temporary file, not the user's). */
export function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const what = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message)?.[1];
  return err.code === undefined ? err.message : what === undefined ? err.code : `${err.code}: ${what}`;
}
