/** A device as the roofline sees it: plain numbers in SI units, dense peaks. */
import type { DType } from './dtype.js';
import type { RooflineExtras } from './roofline.js';

export interface Hardware {
  readonly id: string;
  readonly name: string;
  /** Dense peak per dtype, FLOP/s (a multiply-add is 2 FLOPs). */
  readonly peakFlopPerSecond: Readonly<Partial<Record<DType, number>>>;
  readonly memoryBandwidthBytesPerSecond: number;
  readonly memoryBytes: number;
  /** On-chip memory one compute unit (SM, GPU core, CPU core) can tile into, bytes. */
  readonly onChipMemoryBytes: number;
  /** Fractions of peak compute and bandwidth that are reachable (1 = the datasheet roofline). */
  readonly efficiency: { readonly compute: number; readonly memory: number };
  /** Measured exp throughput and per-operator overhead (calibrated host profiles only; absent = not modelled). */
  readonly extras?: RooflineExtras | undefined;
}
