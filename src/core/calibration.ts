/** What host calibration measures: plain data shared by the kernel engine (which measures) and io (which writes). */

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
  readonly readBytesPerSecond: Measured;
  readonly expPerSecond: Measured;
  readonly operatorOverheadSeconds: Measured;
  readonly attentionPrefillFlopPerSecond: Measured;
  readonly attentionDecodeFlopPerSecond: Measured;
  /** Weight streaming from the last-level cache (absent when its size is unknown). */
  readonly cache?: { readonly bytes: number; readonly bytesPerSecond: Measured } | undefined;
  readonly threads: number;
}
