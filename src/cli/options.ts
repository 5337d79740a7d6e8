/** Parsing and checking of command-line values; every problem is a UserError naming the flag. */
import { BITS_EXPECTED, isBitWidth, parseBits, type Bits } from '../core/dtype.js';
import { WORKLOAD_LIMITS, type Limit } from '../core/limits.js';
import type { ModelConfig } from '../core/model-config.js';
import { UserError } from '../io/errors.js';

/** A positive integer flag value, at most `limit.max` when a limit is given. */
export function positiveInt(flag: string, text: string, limit?: Limit): number {
  const n = Number(text);
  if (!/^\s*\d+\s*$/.test(text) || !Number.isSafeInteger(n) || n <= 0) {
    throw new UserError(flag, '', `expected a positive integer (got "${text}")`);
  }
  if (limit !== undefined && n > limit.max) throw new UserError(flag, '', `expected at most ${String(limit.max)} ${limit.unit} (got ${text.trim()})`);
  return n;
}

/** The workload sizes analyze and sweep read (--batch, --seq, --context), each within WORKLOAD_LIMITS. */
export function workloadInt(flag: '--batch' | '--seq' | '--context', text: string): number {
  return positiveInt(flag, text, WORKLOAD_LIMITS[flag === '--batch' ? 'batch' : flag === '--seq' ? 'seqLen' : 'contextLen']);
}

/** Comma-separated values, trimmed, none empty. */
export function list(flag: string, text: string): string[] {
  const items = text.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UserError(flag, '', `expected a comma-separated list without empty items (got "${text}")`);
  return items;
}

/** One of a fixed set of values. */
export function oneOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(text)) return text as T;
  throw new UserError(flag, '', `expected one of ${allowed.join(', ')} (got "${text}")`);
}

/**
 * The MoE routing imbalance g of `--moe-imbalance`: a number from 1 (uniform routing) to MOE_IMBALANCE_MAX; tokens
 * then route as if uniformly over E/g experts.
 */
export function moeImbalance(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const g = Number(text);
  if (!/^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(text) || !Number.isFinite(g) || g < 1 || g > MOE_IMBALANCE_MAX) {
    throw new UserError('--moe-imbalance', '', `expected a number from 1 (uniform routing) to ${String(MOE_IMBALANCE_MAX)} (got "${text}")`);
  }
  return g;
}

/** Help of --efficiency (analyze, sweep, compare); kept here so that main.ts loads no schema at start-up. */
export const EFFICIENCY_HELP = 'peak (datasheet roofline), typical (the device family\'s sourced achieved fractions and overheads, efficiency-profiles/), typical:<family>, or a JSON file';

/** Help of --moe-imbalance (analyze, sweep, compare). */
export const MOE_HELP = 'mixture of experts: route as if uniformly over E/g experts (1 = uniform, the default); fewer distinct experts read per step';

/** Largest accepted imbalance: beyond E/k it changes nothing anyway (the engine caps g at E/k per layer). */
export const MOE_IMBALANCE_MAX = 1e6;

/** A bit-width spec like w4a16kv8. */
export function bitsSpec(flag: string, text: string): Bits {
  const bits = parseBits(text);
  if (bits === undefined) throw new UserError(flag, '', `expected ${BITS_EXPECTED} (got "${text}")`);
  return bits;
}

/** A single width flag (--weight-bits etc.). */
export function bitWidth(flag: string, text: string): Bits['weight'] {
  const n = Number(text);
  if (!isBitWidth(n) || !/^\d+$/.test(text)) throw new UserError(flag, '', `expected 4, 8, 16 or 32 (got "${text}")`);
  return n;
}

/**
 * Bits from `--bits` with `--weight-bits`, `--act-bits`, `--kv-bits` overriding single widths; a named format keeps
 * its compute dtype (`--bits fp8 --kv-bits 16` is w8a8kv16 at the fp8 peak, labelled `w8a8kv16@fp8`).
 */
export function resolveBits(base: Bits, o: { weightBits?: string | undefined; actBits?: string | undefined; kvBits?: string | undefined }): Bits {
  const widths = {
    weight: o.weightBits === undefined ? base.weight : bitWidth('--weight-bits', o.weightBits),
    activation: o.actBits === undefined ? base.activation : bitWidth('--act-bits', o.actBits),
    kv: o.kvBits === undefined ? base.kv : bitWidth('--kv-bits', o.kvBits),
  };
  return base.dtype === undefined ? widths : { ...widths, dtype: base.dtype };
}

/** The widths when `--bits` is not given (the weight width yields to a model's checkpoint width). */
export const DEFAULT_BITS = 'w16a16kv16';

type BitsOptionValues = { bits?: string | undefined; weightBits?: string | undefined; actBits?: string | undefined; kvBits?: string | undefined };

/**
 * The widths the options ask for, one per `--bits` item (`listed` for sweep and compare). Without `--bits`, the
 * default's weight width is the one the models' checkpoints ship in (`weightBits`); models that ship different
 * widths need `--bits` or `--weight-bits`, since one grid cannot hold a width per model.
 */
export function bitsFrom(o: BitsOptionValues, models: readonly ModelConfig[], listed = false): Bits[] {
  if (o.bits !== undefined) return (listed ? list('--bits', o.bits) : [o.bits]).map((b) => resolveBits(bitsSpec('--bits', b), o));
  const base = bitsSpec('--bits', DEFAULT_BITS);
  if (o.weightBits !== undefined) return [resolveBits(base, o)];
  const widthOf = (m: ModelConfig): number => m.weightBits ?? base.weight;
  const widths = [...new Set(models.map(widthOf))];
  if (widths.length > 1) {
    const each = models.map((m) => `${m.id} ${String(widthOf(m))}${m.weightBits === undefined ? ' (default)' : ''}`).join(', ');
    throw new UserError('--bits', '', `the models' checkpoints ship different weight widths (${each}); give --bits or --weight-bits`);
  }
  const weight = widths[0];
  return [resolveBits(weight !== undefined && isBitWidth(weight) ? { ...base, weight } : base, o)];
}

/** Raw values of the options analyze and sweep share (sweep reads each as a comma-separated list). */
export type WorkloadOptionValues = {
  model: string;
  hardware: string;
  phase: string;
  batch: string;
  seq: string;
  context: string;
  bits?: string | undefined;
  attention?: string | undefined;
  weightBits?: string | undefined;
  actBits?: string | undefined;
  kvBits?: string | undefined;
  pairs: string;
  mla?: string | undefined;
  moeImbalance?: string | undefined;
  costModel: string;
  /** `--efficiency`: peak, typical, typical:<family> or a file (absent: the command's default). */
  efficiency?: string | undefined;
  out?: string | undefined;
} & ParallelOptionValues;

/** Raw values of the parallelism options (sweep reads each degree as a comma-separated list). */
export type ParallelOptionValues = {
  tp?: string | undefined;
  pp?: string | undefined;
  ep?: string | undefined;
  dp?: string | undefined;
  overlap?: boolean | undefined;
  microBatches?: string | undefined;
};
