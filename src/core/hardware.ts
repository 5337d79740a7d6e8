/** A device as the roofline sees it: plain numbers in SI units, dense peaks. */
import type { DType } from './dtype.js';
import type { RateGrid } from './rate-grid.js';
import type { RooflineExtras } from './roofline.js';

/**
 * The attention kernel's measured FLOP rate per phase: one figure each, and optionally grids by shape that replace
 * it (prefill by sequence length and head dimension, decode by maps per cached key head and head dimension).
 */
export interface AttentionRates {
  readonly prefill: number;
  readonly decode: number;
  /** xs: sequence lengths, ys: head dimensions. */
  readonly prefillGrid?: RateGrid | undefined;
  /** xs: maps per cached key head (how many maps share each cached key), ys: head dimensions. */
  readonly decodeGrid?: RateGrid | undefined;
}

/** A calibrated profile's measured roofline terms; the attention kernel's rate differs between phases and shapes. */
export interface HardwareExtras extends Omit<RooflineExtras, 'attentionFlopPerSecond'> {
  readonly attentionFlopPerSecond: AttentionRates;
  /** Measured compute rate of products with at most FEW_ROWS rows (the engine's unpacked kernel); 0 = not modelled. */
  readonly fewRowGemmFlopPerSecond: number;
  /**
   * The same kernel's rate with its weights in cache (absent or 0 = not modelled): with it, the few-row cap is
   * blended between the two by the share of the step read from memory.
   */
  readonly fewRowGemmCachedFlopPerSecond?: number | undefined;
  /** Measured GEMM rate by rows (xs) and output columns (ys), for products of more than FEW_ROWS rows. */
  readonly gemmGrid?: RateGrid | undefined;
}

/** A link between devices as collectives see it: bandwidth per direction, the latency of one hop, the share reached. */
export interface Link {
  readonly name: string;
  /** Bytes per second one device sends in one direction (half a datasheet's "both directions" figure). */
  readonly bytesPerSecond: number;
  /** Seconds each hop of a collective pays before its bytes move (start-up and latency). */
  readonly latencySeconds: number;
  /** Fraction of `bytesPerSecond` collectives reach (NCCL's bus bandwidth is typically 70-85% of the link's). */
  readonly efficiency: number;
}

/**
 * What a link costs when its profile does not say. Latency is per hop (one step of a ring): NCCL's own tuning model
 * charges about 0.6-1.9 us per ring step over NVLink, 1.0-2.5 over PCIe and 2.7-4.0 over the network (LL and LL128
 * protocols), so 1 us inside a node and 4 us across nodes; its fixed start-up per collective (~6.6 us) is left out.
 * Efficiency: NCCL's measured bus bandwidth is typically 70-85% of the link's, so 0.8 sits in that band. Reports
 * state the values in effect, since every collective time depends on them.
 */
export const LINK_DEFAULTS = { inNodeLatencySeconds: 1e-6, acrossNodesLatencySeconds: 4e-6, efficiency: 0.8 } as const;

/**
 * How devices of this kind connect: `devicesPerNode` share the scale-up link (NVLink, Infinity Fabric, or PCIe for a
 * card without one); groups larger than a node cross the scale-out network. Absent links cannot carry collectives.
 */
export interface Interconnect {
  readonly devicesPerNode: number;
  readonly scaleUp: Link | undefined;
  readonly scaleOut: Link | undefined;
  /** The card's link to its host (PCIe), per direction: what KV offload streams the cache over (absent: none given). */
  readonly host?: Link | undefined;
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
  /** Links to other devices (absent: the device runs alone). */
  readonly interconnect?: Interconnect | undefined;
}
