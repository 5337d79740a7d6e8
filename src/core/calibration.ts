/** What host calibration measures: plain data shared by the kernel engine (which measures) and io (which writes). */

/**
 * Most rows (tokens × sequences) for which the kernel engine runs a GEMM without packing the weights (decode
 * projections); such products have their own measured compute rate (Calibration.fewRowGemmFlopPerSecond).
 */
export const FEW_ROWS = 8;

/** Inner dimension of the calibrated GEMM grid's products. */
export const GEMM_GRID_DEPTH = 512;

/** 1.5 GiB, 96 MiB, 512 KiB: a byte count in the largest binary unit that keeps it at least 1, to one decimal (none when it rounds to .0). */
export function bytesLabel(bytes: number): string {
  const units: [number, string][] = [[2 ** 40, 'TiB'], [2 ** 30, 'GiB'], [2 ** 20, 'MiB'], [2 ** 10, 'KiB']];
  for (const [size, unit] of units) {
    if (bytes >= size) {
      const x = bytes / size;
      return `${x.toFixed(1).replace(/\.0$/, '')} ${unit}`;
    }
  }
  return `${String(Math.round(bytes))} B`;
}

/** A measured rate: median of runs, with min and max. */
export interface Measured {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** A rate measured at one shape of a two-parameter grid. */
export interface MeasuredAt {
  readonly x: number;
  readonly y: number;
  readonly rate: Measured;
}

/** A rate measured at one size in bytes. */
export interface SizedRate {
  readonly bytes: number;
  readonly rate: Measured;
}

/** What bounded a calibration probe's memory: the kernel engine's, the machine's free memory, or a limit the user set. */
export type CapReason = 'engine' | 'machine' | 'limit';

/** One probe measured over less memory than it wanted (usedBytes 0: not run at all), and why. */
export interface ProbeCap {
  readonly probe: string;
  readonly wantedBytes: number;
  readonly usedBytes: number;
  readonly limitedBy: CapReason;
}

/** The kernel engine's own primitives, measured on this machine. */
export interface Calibration {
  readonly gemmFlopPerSecond: Measured;
  /** GEMM rate by rows (x) and output columns (y), inner dimension GEMM_GRID_DEPTH. */
  readonly gemmGrid: readonly MeasuredAt[];
  /** GEMM with 4 rows (decode at batch 4), weights read from memory: the unpacked kernel's rate. */
  readonly fewRowGemmFlopPerSecond: Measured;
  /** The same 4-row GEMM with its weights (4 MiB) read again and again, so from cache. */
  readonly fewRowGemmCachedFlopPerSecond: Measured;
  readonly readBytesPerSecond: Measured;
  /** Bytes per second at which the attention kernel streams a KV cache from memory (decode, one map per head). */
  readonly kvStreamBytesPerSecond: Measured;
  readonly expPerSecond: Measured;
  readonly operatorOverheadSeconds: Measured;
  readonly attentionPrefillFlopPerSecond: Measured;
  readonly attentionDecodeFlopPerSecond: Measured;
  /** The attention kernel's prefill rate by sequence length (x) and head dimension (y). */
  readonly attentionPrefillGrid: readonly MeasuredAt[];
  /** Its decode rate by maps per cached key head (x) and head dimension (y). */
  readonly attentionDecodeGrid: readonly MeasuredAt[];
  /**
   * The last-level cache (absent when the OS does not report its size): its size, and the rate of a one-row GEMM
   * cycling over working sets from an eighth of it to twice it.
   */
  readonly cache?: { readonly bytes: number; readonly workingSet: readonly SizedRate[] } | undefined;
  /**
   * The rate of one-row GEMMs whose weights come from memory (matrices in rotation through at least twice the
   * last-level cache, or 64 MiB when its size is unknown, unless a cap applied: see caps), by the size of one
   * matrix: short streams run slower.
   */
  readonly coldStream: readonly SizedRate[];
  /** Bytes of the pool the cold-stream and KV-streaming probes read (and the working sets are cut from). */
  readonly poolBytes: number;
  /** Probes that ran over less memory than they wanted (none on a machine with room for them all). */
  readonly caps: readonly ProbeCap[];
  readonly threads: number;
}
