/** Typed access to the keys of a Hugging Face config.json, with one-line UserErrors and a record of what was read. */
import { z } from 'zod';
import { describeValue, UserError } from '../errors.js';

export type Json = Record<string, unknown>;

/** True when a key is present with a value (HF treats null as "use the default"). */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;

const POSITIVE = z.number().int().positive();
const NON_NEGATIVE = z.number().int().nonnegative();

/** Reads keys, remembering each one consulted, so that the rest can be reported as ignored. */
export class Reader {
  private readonly seen = new Set<string>();

  constructor(
    readonly j: Json,
    readonly file: string,
  ) {}

  /** The raw value of a key, marked as read. */
  raw(key: string): unknown {
    this.seen.add(key);
    return this.j[key];
  }

  /** Keys present in the file that nothing read, sorted: accepted because they change no cost. */
  unread(): string[] {
    return Object.keys(this.j)
      .filter((k) => !this.seen.has(k))
      .sort();
  }

  /** A UserError about `key`. */
  fail(key: string, detail: string): UserError {
    return new UserError(this.file, key, detail);
  }

  /** The value, or undefined when absent or null. */
  private opt<T>(key: string, schema: z.ZodType<T>, expected: string): T | undefined {
    const v = this.raw(key);
    if (!isSet(v)) return undefined;
    const r = schema.safeParse(v);
    if (!r.success) throw this.fail(key, `expected ${expected} (got ${describeValue(v)})`);
    return r.data;
  }

  private req<T>(key: string, schema: z.ZodType<T>, expected: string): T {
    const v = this.opt(key, schema, expected);
    if (v === undefined) throw this.fail(key, `required (got ${describeValue(this.j[key])}, expected ${expected})`);
    return v;
  }

  int(key: string): number {
    return this.req(key, POSITIVE, 'a positive integer');
  }
  optInt(key: string): number | undefined {
    return this.opt(key, POSITIVE, 'a positive integer');
  }
  natural(key: string): number {
    return this.req(key, NON_NEGATIVE, 'a non-negative integer');
  }
  optNatural(key: string): number | undefined {
    return this.opt(key, NON_NEGATIVE, 'a non-negative integer');
  }
  bool(key: string, absent: boolean): boolean {
    return this.opt(key, z.boolean(), 'true or false') ?? absent;
  }
  optString(key: string): string | undefined {
    return this.opt(key, z.string(), 'a string');
  }
  optNumber(key: string): number | undefined {
    return this.opt(key, z.number(), 'a number');
  }
  /** A list of non-negative integers (layer indices); absent or null is empty. */
  indices(key: string): number[] {
    return this.opt(key, z.array(NON_NEGATIVE), 'a list of layer indices') ?? [];
  }
  /** A list of strings, or undefined when absent. */
  optStrings(key: string): string[] | undefined {
    return this.opt(key, z.array(z.string()), 'a list of strings');
  }
  /** A JSON object, or undefined when absent. */
  optObject(key: string): Json | undefined {
    return this.opt(key, z.record(z.string(), z.unknown()), 'an object');
  }
  /** An integer that must be present but may be null, meaning `ifNull`. */
  nullableNatural(key: string, ifNull: number): number {
    if (this.raw(key) === null) return ifNull;
    return this.natural(key);
  }

  /** head_dim when given, else hidden / heads, which then has to divide. */
  headDim(hidden: number, heads: number): number {
    const explicit = this.optInt('head_dim');
    if (explicit !== undefined) return explicit;
    if (hidden % heads !== 0) {
      throw this.fail('num_attention_heads', `must divide hidden_size when head_dim is absent (got ${String(heads)}, hidden_size ${String(hidden)})`);
    }
    return hidden / heads;
  }
}
