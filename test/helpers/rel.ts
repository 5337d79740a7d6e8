import { expect } from 'vitest';

/** Asserts |actual − expected| ≤ tol · max(|expected|, tiny): relative tolerance for large FLOP and byte counts. */
export function expectRel(actual: number, expected: number, tol = 1e-12): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE);
  const err = Math.abs(actual - expected) / scale;
  if (!(err <= tol)) expect.fail(`expected ${String(actual)} to be within ${String(tol)} (relative) of ${String(expected)}; relative error ${String(err)}`);
}
