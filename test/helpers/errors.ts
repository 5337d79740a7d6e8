/** Catching the UserError a call throws, for tests that pin error text. */
import { expect } from 'vitest';
import { UserError } from '../../src/io/errors.js';

/** The UserError that `f` throws (fails the test when it throws anything else, or nothing). */
export function thrownUserError(f: () => unknown): UserError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  return expect.fail('expected a UserError');
}

/** The one-line message of the UserError that `f` throws. */
export function userErrorMessage(f: () => unknown): string {
  return thrownUserError(f).message;
}
