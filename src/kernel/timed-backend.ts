/**
 * A backend that times its primitives by part of the layer, for `run --breakdown`: matrix products (GEMMs and their
 * biases), the attention kernel, and the element-wise steps (RoPE, cache appends, RMSNorm, GTA's tile and gate).
 * Every call is passed to the wrapped backend unchanged; the clock is read around it.
 */
import type { OpKind } from '../core/op.js';
import type { AttendArgs, Backend, BatchStrides, Buf, Counters, Mat, RopeTable, View } from './backend.js';
import { now } from './measure.js';

/** The parts a layer step is split into, in the order reports list them. */
export const PARTS = ['matrix products', 'attention', 'element-wise'] as const;
export type Part = (typeof PARTS)[number];

/** Seconds spent in each part since the last reset. */
export interface PartTimes {
  readonly seconds: Record<Part, number>;
  reset(): void;
}

/** Wraps `inner`: the returned backend does what inner does and adds each call's time to its part. */
export function timedBackend(inner: Backend): { backend: Backend; times: PartTimes } {
  const seconds: Record<Part, number> = { 'matrix products': 0, attention: 0, 'element-wise': 0 };
  const timed = <T>(part: Part, call: () => T): T => {
    const t0 = now();
    try {
      return call();
    } finally {
      seconds[part] += now() - t0;
    }
  };
  const backend: Backend = {
    name: inner.name,
    precision: inner.precision,
    alloc: (n: number): Buf => inner.alloc(n),
    gemm: (a: Mat, b: Mat, c: Mat, counters: Counters): void => { timed('matrix products', () => { inner.gemm(a, b, c, counters); }); },
    gemmBatch: (a: Mat, b: Mat, c: Mat, count: number, s: BatchStrides, counters: Counters): void => { timed('matrix products', () => { inner.gemmBatch(a, b, c, count, s, counters); }); },
    addBias: (c: Mat, bias: Buf): void => { timed('matrix products', () => { inner.addBias(c, bias); }); },
    attend: (args: AttendArgs, counters: Counters): void => { timed('attention', () => { inner.attend(args, counters); }); },
    copy: (dst: Mat, src: Mat): void => { timed('element-wise', () => { inner.copy(dst, src); }); },
    rope: (x: View, batch: number, tokens: number, heads: number, at: number, table: RopeTable, start: number): void => { timed('element-wise', () => { inner.rope(x, batch, tokens, heads, at, table, start); }); },
    rmsNorm: (x: Mat, scale: Buf): void => { timed('element-wise', () => { inner.rmsNorm(x, scale); }); },
    tileAdd: (u: Mat, a: Mat): void => { timed('element-wise', () => { inner.tileAdd(u, a); }); },
    gate: (u: Mat, g: Mat): void => { timed('element-wise', () => { inner.gate(u, g); }); },
    dispose: (): void => { inner.dispose(); },
  };
  return {
    backend,
    times: {
      seconds,
      reset(): void {
        for (const p of PARTS) seconds[p] = 0;
      },
    },
  };
}

/** The part of the layer a model operator belongs to, by its kind: the attention core, products by weights, or the rest. */
export function partOf(op: { readonly kind: OpKind }): Part {
  return PART_OF_KIND[op.kind];
}

// Collectives never reach a kernel: run and validate cost one device, which has none.
const PART_OF_KIND = { attention: 'attention', gemm: 'matrix products', elementwise: 'element-wise', gather: 'element-wise', collective: 'element-wise' } as const satisfies Record<OpKind, Part>;
