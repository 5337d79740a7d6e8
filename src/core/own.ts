/**
 * Look-ups by a string the user typed. `key in record` and `record[key]` also see Object.prototype, so a user
 * asking for `toString`, `constructor` or `__proto__` would get a function instead of "unknown"; these see only
 * the record's own keys.
 */

/** Whether `key` is an own key of `record` (never one inherited from Object.prototype). */
export function hasOwnKey(record: object, key: PropertyKey): boolean {
  return Object.hasOwn(record, key);
}

/** Like hasOwnKey, and narrows `key` to the record's keys; for records with a fixed set of keys (a string-keyed record would narrow the else branch to never). */
export function isOwnKey<R extends object>(record: R, key: PropertyKey): key is keyof R {
  return Object.hasOwn(record, key);
}

/** The record's own value at `key`, or undefined when the key is not its own. */
export function ownValue<V>(record: Readonly<Partial<Record<string, V>>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
