/** Opens the backend a command asks for: the fast WebAssembly one (default) or the float64 reference. */
import type { Backend } from './backend.js';
import { createReferenceBackend } from './reference-backend.js';

export type BackendKind = 'fast' | 'reference';

/** Rates the fast backend's micro-benchmarks measure (calibration). */
export interface Probes {
  measureGemmFlopPerSecond(n: number): number;
  measureReadBytesPerSecond(bytes: number): number;
  measureExpPerSecond(n: number): number;
}

/** What a backend may offer besides computing: probes, freeing its buffers at once, and the memory it has left. */
export type OpenedBackend = Backend & Partial<Probes> & { reset?: () => void; keep?: () => void; memoryLeftBytes?: () => number };

/**
 * A backend, with its probes, `reset` (free every buffer at once), `keep` (exempt those so far) and
 * `memoryLeftBytes` (the fast engine's room under its 4 GiB ceiling) when it has them.
 */
export async function openBackend(kind: BackendKind, threads: number): Promise<OpenedBackend> {
  if (kind === 'reference') return createReferenceBackend();
  const { createFastBackend } = await import('./fast/index.js');
  return createFastBackend({ threads });
}
