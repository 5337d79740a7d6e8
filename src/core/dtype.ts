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
}

/** Type guard for a supported bit width. */
export function isBitWidth(n: number): n is BitWidth {
  return (BIT_WIDTHS as readonly number[]).includes(n);
}

/**
 * The dtype whose peak bounds compute: int8 when both weights and activations are 8 bit or narrower
 * (integer GEMMs), otherwise the activation dtype (fp32, fp16, or fp8 for 8-bit activations with wide weights).
 */
export function computeDtype(bits: Bits): DType {
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

/** Bits as the compact label used on the command line, e.g. `w4a16kv8`. */
export function bitsLabel(bits: Bits): string {
  return `w${String(bits.weight)}a${String(bits.activation)}kv${String(bits.kv)}`;
}

/** Parses `w16a16kv16`; returns undefined when the text is not of that form or a width is unsupported. */
export function parseBits(text: string): Bits | undefined {
  const m = /^w(\d+)a(\d+)kv(\d+)$/.exec(text.trim());
  if (!m) return undefined;
  const [w, a, kv] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!isBitWidth(w) || !isBitWidth(a) || !isBitWidth(kv)) return undefined;
  return { weight: w, activation: a, kv };
}
