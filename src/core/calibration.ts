/** What host calibration measures: plain data shared by the kernel engine (which measures) and io (which writes). */

/**
 * Most rows (tokens × sequences) for which the kernel engine runs a GEMM without packing the weights (decode
 * projections); such products have their own measured compute rate (Calibration.fewRowGemmFlopPerSecond).
 */
export const FEW_ROWS = 8;

/** A measured rate: median of runs, with min and max. */
export interface Measured {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly runs: number;
}

/** The kernel engine's own primitives, measured on this machine. */
export interface Calibration {
  readonly gemmFlopPerSecond: Measured;
  /** GEMM with 4 rows (decode at batch 4), weights read from memory: the unpacked kernel's rate. */
  readonly fewRowGemmFlopPerSecond: Measured;
  readonly readBytesPerSecond: Measured;
  readonly expPerSecond: Measured;
  readonly operatorOverheadSeconds: Measured;
  readonly attentionPrefillFlopPerSecond: Measured;
  readonly attentionDecodeFlopPerSecond: Measured;
  /**
   * The last-level cache (absent when the OS does not report its size): its size, the rate of streaming weights
   * resident in it, and the largest working set measured to stay resident.
   */
  readonly cache?: { readonly bytes: number; readonly bytesPerSecond: Measured; readonly residentBytes: number } | undefined;
  readonly threads: number;
}
