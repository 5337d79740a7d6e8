/** A device as the roofline sees it: plain numbers in SI units, dense peaks. */
import type { DType } from './dtype.js';
import type { RooflineExtras } from './roofline.js';

/** A calibrated profile's measured roofline terms; the attention kernel's rate differs between phases. */
export interface HardwareExtras extends Omit<RooflineExtras, 'attentionFlopPerSecond'> {
  readonly attentionFlopPerSecond: { readonly prefill: number; readonly decode: number };
  /** Measured compute rate of products with at most FEW_ROWS rows (the engine's unpacked kernel); 0 = not modelled. */
  readonly fewRowGemmFlopPerSecond: number;
}

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
  /** Measured kernel terms (calibrated host profiles only; absent = not modelled), per phase for attention. */
  readonly extras?: HardwareExtras | undefined;
}
