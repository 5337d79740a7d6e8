/**
 * Memory the kernels may use, checked before they allocate: the kernel engine's own limit (a wasm32 memory holds at
 * most 4 GiB) and the machine's free memory. Pure: the caller reads the machine's figures and passes them in.
 */

import { bytesLabel } from '../core/calibration.js';

export { bytesLabel } from '../core/calibration.js';

/** Bytes a wasm32 WebAssembly.Memory can hold (65536 pages of 64 KiB): the fast engine's ceiling. */
export const WASM_MEMORY_BYTES = 2 ** 32;

/**
 * Bytes left in the engine for what the kernels allocate while they run (thread scratch, attention descriptors and
 * split-decode partials, few-row GEMM partial sums): a few MiB in practice, 32 MiB kept free.
 */
export const ENGINE_WORK_BYTES = 32 * 2 ** 20;

/**
 * Bytes a fresh fast engine can give the work it runs: its ceiling less the first page (the module's) and its
 * counters (under 128 KiB in all, 1 MiB kept).
 */
export const ENGINE_BYTES_FOR_WORK = WASM_MEMORY_BYTES - 2 ** 20;

/** Share of the machine's free memory (os.freemem()) the kernels may take; the rest stays for the OS and others. */
export const MACHINE_SHARE = 0.75;

/** Bytes of a machine's free memory the kernels may use. */
export function usableMachineBytes(freeBytes: number): number {
  return Math.floor(freeBytes * MACHINE_SHARE);
}

/** What the kernels may allocate: the engine's bytes left and the machine's usable free bytes (undefined: no limit). */
export interface MemoryRoom {
  /** Bytes the kernel engine can still allocate (undefined for the reference backend, which has no ceiling of its own). */
  readonly engineBytes?: number | undefined;
  /** Bytes of the machine's free memory the kernels may take (usableMachineBytes of os.freemem()). */
  readonly machineBytes?: number | undefined;
  /** Bytes a limit the user set allows (calibrate --memory-limit). */
  readonly limitBytes?: number | undefined;
}

/** Bytes a piece of work needs: in the engine's memory, and in all (engine plus JavaScript heap). */
export interface MemoryNeed {
  readonly engineBytes: number;
  readonly totalBytes: number;
}

/**
 * Work that does not fit the memory it may use: what it was, the bytes it needs, and the room there was. Thrown by
 * the kernel layer (which knows no user-facing error type); the commands turn it into a one-line user error.
 */
export class MemoryShortfall extends Error {
  constructor(readonly what: string, readonly need: MemoryNeed, readonly room: MemoryRoom) {
    super(shortfallText(what, need, room));
    this.name = 'MemoryShortfall';
  }
}

/** "X does not fit: it needs … in the kernel engine, which has … left, and … in all, where …": every figure known. */
function shortfallText(what: string, need: MemoryNeed, room: MemoryRoom): string {
  const parts: string[] = [];
  if (room.engineBytes !== undefined) {
    parts.push(`${bytesLabel(need.engineBytes)} in the kernel engine, which has ${bytesLabel(Math.max(0, room.engineBytes))} left (a WebAssembly memory holds at most ${bytesLabel(WASM_MEMORY_BYTES)})`);
  }
  const where: string[] = [];
  if (room.machineBytes !== undefined) where.push(`this machine can give ${bytesLabel(Math.max(0, room.machineBytes))} (${String(MACHINE_SHARE * 100)}% of its free memory)`);
  if (room.limitBytes !== undefined) where.push(`the memory limit set allows ${bytesLabel(Math.max(0, room.limitBytes))}`);
  if (where.length > 0) parts.push(`${bytesLabel(need.totalBytes)} in all, where ${where.join(' and ')}`);
  return `${what} does not fit: it needs ${parts.join(', and ')}`;
}

/** Throws MemoryShortfall when `need` exceeds either limit of `room`; `what` names the work ("this shape"). */
export function checkFits(what: string, need: MemoryNeed, room: MemoryRoom): void {
  const overEngine = room.engineBytes !== undefined && need.engineBytes > room.engineBytes;
  const overMachine = room.machineBytes !== undefined && need.totalBytes > room.machineBytes;
  const overLimit = room.limitBytes !== undefined && need.totalBytes > room.limitBytes;
  if (overEngine || overMachine || overLimit) throw new MemoryShortfall(what, need, room);
}
