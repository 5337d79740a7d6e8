/** Number formats the roofline knows, and how a workload's bit widths pick the compute peak. */

/** Dtypes a hardware profile may list a dense peak for. */
export const DTYPES = ['fp64', 'fp32', 'tf32', 'fp16', 'bf16', 'fp8', 'fp4', 'int8', 'int4'] as const;
export type DType = (typeof DTYPES)[number];

/** Bit widths a tensor may be stored in. */
export const BIT_WIDTHS = [4, 8, 16, 32] as const;
export type BitWidth = (typeof BIT_WIDTHS)[number];

/** Storage widths of weights, activations and the KV cache, in bits. */
export interface Bits {
  readonly weight: BitWidth;
  readonly activation: BitWidth;
  readonly kv: BitWidth;
  /** The compute format the user named (`--bits fp8`); absent, the widths pick it (see computeDtype). */
  readonly dtype?: DType;
}

/**
 * Formats a user may name instead of widths: everything stored in that format and computed at its peak. FP8 is its
 * own tier here, not INT8's (which `w8a8kv8` keeps).
 */
export const NAMED_BITS = {
  fp32: { weight: 32, activation: 32, kv: 32, dtype: 'fp32' },
  fp16: { weight: 16, activation: 16, kv: 16, dtype: 'fp16' },
  bf16: { weight: 16, activation: 16, kv: 16, dtype: 'bf16' },
  fp8: { weight: 8, activation: 8, kv: 8, dtype: 'fp8' },
  fp4: { weight: 4, activation: 4, kv: 4, dtype: 'fp4' },
} as const satisfies Record<string, Bits & { dtype: DType }>;
export type BitsName = keyof typeof NAMED_BITS;

/** What `--bits` and a measurements file's `bits` accept, for error messages. */
export const BITS_EXPECTED = 'w<bits>a<bits>kv<bits> with widths 4, 8, 16 or 32 (e.g. w16a16kv16, w4a16kv8), a format (fp32, fp16, bf16, fp8, fp4), or widths@dtype (e.g. w8a8kv16@fp8)';

/** Type guard for a dtype name. */
function isDType(text: string): text is DType {
  return (DTYPES as readonly string[]).includes(text);
}

/** Type guard for a format name of NAMED_BITS. */
function isBitsName(text: string): text is BitsName {
  return Object.hasOwn(NAMED_BITS, text);
}

/** Type guard for a supported bit width. */
export function isBitWidth(n: number): n is BitWidth {
  return (BIT_WIDTHS as readonly number[]).includes(n);
}

/**
 * The dtype whose peak bounds compute: the one the user named, else int8 when both weights and activations are 8 bit or narrower
 * (integer GEMMs), otherwise the activation dtype (fp32, fp16, or fp8 for 8-bit activations with wide weights).
 */
export function computeDtype(bits: Bits): DType {
  if (bits.dtype !== undefined) return bits.dtype;
  if (bits.weight <= 8 && bits.activation <= 8) return 'int8';
  switch (bits.activation) {
    case 32:
      return 'fp32';
    case 16:
      return 'fp16';
    case 8:
      return 'fp8';
    case 4:
      // 4-bit activations with wider weights have no matching tensor-core path; fp8 is the narrowest float.
      return 'fp8';
  }
}

/**
 * Bits as the compact label used on the command line: `w4a16kv8`, a format's name (`fp8`) when the widths are that
 * format's, or `w8a8kv16@fp8` for a named format with other widths; parseBits reads every label back.
 */
export function bitsLabel(bits: Bits): string {
  const widths = `w${String(bits.weight)}a${String(bits.activation)}kv${String(bits.kv)}`;
  if (bits.dtype === undefined) return widths;
  const named: Bits | undefined = isBitsName(bits.dtype) ? NAMED_BITS[bits.dtype] : undefined;
  const same = named !== undefined && named.weight === bits.weight && named.activation === bits.activation && named.kv === bits.kv;
  return same ? bits.dtype : `${widths}@${bits.dtype}`;
}

/**
 * Parses `w16a16kv16`, a format name (`fp8`, `bf16`, ...) or `w8a8kv16@fp8` (those widths computed at that
 * dtype's peak); undefined when the text is none of these or a width or dtype is unsupported.
 */
export function parseBits(text: string): Bits | undefined {
  const t = text.trim();
  if (isBitsName(t)) return { ...NAMED_BITS[t] };
  const m = /^w(\d+)a(\d+)kv(\d+)(?:@(\w+))?$/.exec(t);
  if (!m) return undefined;
  const [w, a, kv] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isBitWidth(w) || !isBitWidth(a) || !isBitWidth(kv)) return undefined;
  const dtype = m[4];
  if (dtype === undefined) return { weight: w, activation: a, kv };
  return isDType(dtype) ? { weight: w, activation: a, kv, dtype } : undefined;
}
