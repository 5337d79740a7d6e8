/**
 * The fast FP32 backend: AssemblyScript kernels compiled to WebAssembly SIMD (relaxed SIMD when V8 accepts it),
 * run on the calling thread plus worker threads over one shared WebAssembly.Memory.
 */
import { performance } from 'node:perf_hooks';
import type { AttendArgs, Backend, BatchStrides, Buf, Counters, Mat, RopeTable, View } from '../backend.js';
import { CMD, COUNTER_SLOTS, COUNTER_STRIDE, CTL, decodeChunks, descriptorWords, groupMaps, MAX_THREADS, partialFloats, writeDescriptor } from './layout.js';
import { Pool } from './pool.js';
import { compileKernels, instantiate, K_CHUNKS, share, SMALL_M, type WasmMemory, wasmApi } from './wasm.js';
import { MemoryShortfall, WASM_MEMORY_BYTES } from '../memory.js';

/** The fast backend plus host-calibration probes. */
export type FastBackend = Backend & {
  /** Micro-benchmarks for host calibration, each returning the achieved rate. */
  measureGemmFlopPerSecond(n: number): number;
  measureReadBytesPerSecond(bytes: number): number;
  measureExpPerSecond(n: number): number;
  readonly relaxedSimd: boolean;
  /** Frees every buffer from alloc since the last keep() at once (earlier views then alias new allocations). */
  reset(): void;
  /** Every buffer allocated so far survives later resets (calibration probes kept between validation points). */
  keep(): void;
  /** Bytes the engine's memory can still take (its 4 GiB ceiling less what is allocated). */
  memoryLeftBytes(): number;
};

const PAGE = 65536;
const ALIGN = 64;
// Up to 4 GiB (wasm32); addresses cross the control block as i32 words and are read back with `>>> 0`.
const MAX_PAGES = WASM_MEMORY_BYTES / PAGE;
/** Below this many multiply-adds a GEMM runs on the calling thread alone. */
const SOLO_MULTIPLY_ADDS = 1 << 16;

/** Bump allocator over the shared memory; growing never invalidates views (a shared buffer is never detached). */
class Arena {
  next: number;
  constructor(private readonly memory: WasmMemory, public base: number) {
    this.next = base;
  }
  /** Byte offset of a fresh zeroed block of `bytes` bytes. */
  alloc(bytes: number): number {
    const at = Math.ceil(this.next / ALIGN) * ALIGN;
    const end = at + Math.max(bytes, 0) + ALIGN; // slack: vector loads may run a little past a row's end
    const have = this.memory.buffer.byteLength;
    // Past the ceiling, grow() throws a bare RangeError; say instead what was asked for and what was left.
    if (end > MAX_PAGES * PAGE) throw new MemoryShortfall('an allocation', { engineBytes: bytes, totalBytes: bytes }, { engineBytes: MAX_PAGES * PAGE - this.next });
    if (end > have) {
      try {
        this.memory.grow(Math.ceil((end - have) / PAGE));
      } catch (e) {
        // Below the ceiling, growing fails only when the machine cannot give the memory.
        if (!(e instanceof RangeError)) throw e;
        throw new MemoryShortfall('an allocation', { engineBytes: bytes, totalBytes: bytes }, { engineBytes: have - this.next });
      }
    }
    new Uint8Array(this.memory.buffer, at, end - at).fill(0);
    this.next = end;
    return at;
  }
}

/**
 * Creates the WebAssembly SIMD backend with `threads` worker threads (1 = run on the calling thread);
 * `relaxedSimd: false` forces the plain SIMD build (default: relaxed when this V8 accepts it).
 */
export async function createFastBackend(opts: { threads: number; relaxedSimd?: boolean }): Promise<FastBackend> {
  const threads = Math.floor(opts.threads);
  if (!(threads >= 1 && threads <= MAX_THREADS)) throw new RangeError(`fast backend: threads must be 1…${MAX_THREADS}`);
  const { module, relaxed } = compileKernels(opts.relaxedSimd ?? true);
  const memory = new wasmApi.Memory({ initial: 256, maximum: MAX_PAGES, shared: true });
  const kernels = instantiate(module, memory);
  const pool = await Pool.start(kernels, threads, memory, module, relaxed);
  const ctl = pool.ctl;
  // Page 0 is left to the module; counters get their own cache lines; then the bump region.
  const countersAt = PAGE;
  for (let t = 0; t < threads; t++) ctl[CTL.counters + t] = countersAt + t * COUNTER_STRIDE;
  const arena = new Arena(memory, countersAt + MAX_THREADS * COUNTER_STRIDE);
  const ours = new WeakSet<ArrayBufferLike>();
  let scratchBytes = 0;
  let descAt = 0;
  let descWords = 0;
  let partialAt = 0;
  let partialSize = 0;
  let gemmPartAt = 0;
  let gemmPartSize = 0;

  const f64 = (): Float64Array => new Float64Array(memory.buffer);
  const i32 = (): Int32Array => new Int32Array(memory.buffer);

  function ensureScratch(bytesPerThread: number): void {
    if (bytesPerThread <= scratchBytes) return;
    scratchBytes = Math.ceil(bytesPerThread * 1.25 / ALIGN) * ALIGN;
    for (let t = 0; t < threads; t++) ctl[CTL.scratch + t] = arena.alloc(scratchBytes);
  }

  /** Byte address of element `offset` of buf, which must be a view from alloc. */
  function address(buf: Buf, offset: number): number {
    if (!(buf instanceof Float32Array) || !ours.has(buf.buffer)) {
      throw new TypeError('fast backend: buffers must come from this backend\'s alloc()');
    }
    return buf.byteOffset + offset * 4;
  }

  /** Runs a command with the counters zeroed first and returns each slot summed over threads. */
  function runCounted(cmd: number, args: readonly number[], alone = false): number[] {
    const view = f64();
    for (let t = 0; t < threads; t++) view.fill(0, (countersAt + t * COUNTER_STRIDE) / 8, (countersAt + t * COUNTER_STRIDE) / 8 + COUNTER_SLOTS);
    if (alone) pool.runAlone(cmd, args);
    else pool.run(cmd, args);
    const sums = new Array<number>(COUNTER_SLOTS).fill(0);
    const after = f64();
    for (let t = 0; t < threads; t++) {
      for (let s = 0; s < COUNTER_SLOTS; s++) sums[s] = (sums[s] ?? 0) + (after[(countersAt + t * COUNTER_STRIDE) / 8 + s] ?? 0);
    }
    return sums;
  }

  /** Throws unless C = A · B has matching shapes. */
  function checkProduct(what: string, a: Mat, b: Mat, c: Mat): void {
    if (a.cols !== b.rows || c.rows !== a.rows || c.cols !== b.cols) {
      throw new RangeError(`${what}: shapes ${a.rows}×${a.cols} · ${b.rows}×${b.cols} → ${c.rows}×${c.cols} do not match`);
    }
  }

  function gemm(a: Mat, b: Mat, c: Mat, counters: Counters): void {
    checkProduct('gemm', a, b, c);
    // Waking the workers costs more than a small product (MLA's and GTA's per-head GEMMs in decode) takes.
    const alone = a.rows * a.cols * b.cols < SOLO_MULTIPLY_ADDS;
    // A few rows (decode), not tiny: split by rows of B into K_CHUNKS partial products (independent of the
    // thread count), so each thread streams contiguous blocks of the weights; then sum them in chunk order.
    const splitK = !alone && a.rows <= SMALL_M && a.cols >= 4 * K_CHUNKS;
    ensureScratch(kernels.gemmScratchBytes());
    const partFloats = a.rows * b.cols;
    if (splitK && K_CHUNKS * partFloats > gemmPartSize) {
      gemmPartSize = K_CHUNKS * partFloats * 2;
      gemmPartAt = arena.alloc(gemmPartSize * 4);
    }
    const [mads = 0] = runCounted(CMD.gemm, [
      address(a.data, a.offset), a.rowStride, address(b.data, b.offset), b.rowStride,
      address(c.data, c.offset), c.rowStride, a.rows, a.cols, b.cols, splitK ? K_CHUNKS : 0, gemmPartAt,
    ], alone);
    if (splitK) {
      const to = address(c.data, c.offset);
      kernels.copy2d(to, c.rowStride, gemmPartAt, b.cols, a.rows, b.cols);
      for (let ch = 1; ch < K_CHUNKS && share(a.cols, ch, K_CHUNKS, 4)[1] > 0; ch++) {
        kernels.accumulate(to, c.rowStride, gemmPartAt + ch * partFloats * 4, b.cols, a.rows, b.cols);
      }
    }
    counters.multiplyAdds += mads;
  }

  function gemmBatch(a: Mat, b: Mat, c: Mat, count: number, s: BatchStrides, counters: Counters): void {
    checkProduct('gemmBatch', a, b, c);
    if (count <= 0) return;
    ensureScratch(kernels.gemmScratchBytes());
    const alone = count * a.rows * a.cols * b.cols < SOLO_MULTIPLY_ADDS;
    const [mads = 0] = runCounted(CMD.gemmBatch, [
      address(a.data, a.offset), a.rowStride, address(b.data, b.offset), b.rowStride,
      address(c.data, c.offset), c.rowStride, a.rows, a.cols, b.cols, count, s.a, s.b, s.c,
    ], alone);
    counters.multiplyAdds += mads;
  }

  function attend(args: AttendArgs, counters: Counters): void {
    if (args.batch <= 0 || args.queries <= 0 || args.maps <= 0) return;
    if (args.queries > args.keys) throw new RangeError(`attend: ${args.queries} queries but only ${args.keys} keys`);
    const groups = groupMaps(args.maps, args.mapToK, args.mapToV);
    const view = (v: View): number => address(v.data, v.offset);
    const words = descriptorWords(groups);
    if (words > descWords) {
      descWords = words * 2;
      descAt = arena.alloc(descWords * 4);
    }
    const chunks = decodeChunks(args, groups.length);
    const partial = partialFloats(args, chunks);
    if (partial > partialSize) {
      partialSize = partial * 2;
      partialAt = arena.alloc(partialSize * 4);
    }
    const items = writeDescriptor(i32(), descAt / 4, args, { q: view(args.q), k: view(args.k), v: view(args.v), out: view(args.out) }, groups, chunks, partialAt);
    ensureScratch(kernels.attendScratchBytes(descAt));
    const [mads = 0, exps = 0, kElems = 0, vElems = 0] = runCounted(CMD.attend, [descAt, items]);
    // Split decode: one small pass combines each (sequence, map)'s chunk results.
    if (chunks > 1) pool.runAlone(CMD.merge, [descAt, args.batch * args.maps]);
    counters.multiplyAdds += mads;
    counters.expEvaluations += exps;
    if (args.kvBytesPerElement > 0) counters.kvBytesRead += (kElems + vElems) * args.kvBytesPerElement;
  }

  /** Median time in seconds of `fn` (one warm-up, then repeats until ~0.3 s or 20 runs). */
  function medianTime(fn: () => void): number {
    // The median, not the best: predictions are compared with median measured times, so the rates must be typical.
    fn();
    const samples: number[] = [];
    const until = performance.now() + 300;
    for (let r = 0; r < 20 && (r < 3 || performance.now() < until); r++) {
      const t0 = performance.now();
      fn();
      samples.push((performance.now() - t0) / 1000);
    }
    samples.sort((x, y) => x - y);
    return samples[Math.floor(samples.length / 2)] ?? 0;
  }

  /** Runs a probe on temporary buffers, then returns their space to the arena. */
  function withTemporary<T>(fn: () => T): T {
    ensureScratch(kernels.gemmScratchBytes());
    const mark = arena.next;
    try {
      return fn();
    } finally {
      arena.next = mark;
    }
  }

  const at = (m: Mat): number => address(m.data, m.offset);
  const sameShape = (what: string, a: Mat, b: Mat): void => {
    if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`${what}: shapes ${a.rows}×${a.cols} and ${b.rows}×${b.cols} differ`);
  };
  // The element-wise steps run on the calling thread: they are memory-bound and small next to the products.
  const elementwise = {
    addBias(c: Mat, bias: Buf): void {
      kernels.addBias(at(c), c.rowStride, c.rows, c.cols, address(bias, 0));
    },
    copy(dst: Mat, src: Mat): void {
      sameShape('copy', dst, src);
      kernels.copy2d(at(dst), dst.rowStride, at(src), src.rowStride, src.rows, src.cols);
    },
    rope(x: View, batch: number, tokens: number, heads: number, atEl: number, table: RopeTable, start: number): void {
      if (start + tokens > table.positions) throw new RangeError(`rope: positions up to ${start + tokens} but the table has ${table.positions}`);
      const half = table.half;
      for (let b = 0; b < batch; b++) {
        kernels.rope(address(x.data, x.offset + b * x.batchStride + atEl), x.tokenStride, x.headStride, tokens, heads, half,
          address(table.cos, start * half), address(table.sin, start * half));
      }
    },
    rmsNorm(x: Mat, scale: Buf): void {
      kernels.rmsNorm(at(x), x.rowStride, x.rows, x.cols, address(scale, 0));
    },
    tileAdd(u: Mat, a: Mat): void {
      if (u.rows !== a.rows || u.cols % a.cols !== 0) throw new RangeError(`tileAdd: ${u.rows}×${u.cols} is not a tiling of ${a.rows}×${a.cols}`);
      kernels.tileAdd(at(u), u.rowStride, at(a), a.rowStride, u.rows, u.cols, a.cols);
    },
    gate(u: Mat, g: Mat): void {
      sameShape('gate', u, g);
      kernels.gate(at(u), u.rowStride, at(g), g.rowStride, u.rows, u.cols);
    },
  };

  const backend: FastBackend = {
    ...elementwise,
    name: relaxed ? 'wasm-relaxed-simd' : 'wasm-simd',
    precision: 'fp32',
    relaxedSimd: relaxed,
    alloc(n: number): Float32Array {
      const at = arena.alloc(n * 4);
      const buf = memory.buffer;
      ours.add(buf);
      return new Float32Array(buf, at, n);
    },
    gemm,
    gemmBatch,
    attend,
    keep(): void {
      arena.base = arena.next;
    },
    memoryLeftBytes(): number {
      return MAX_PAGES * PAGE - arena.next;
    },
    reset(): void {
      arena.next = arena.base;
      scratchBytes = 0;
      descWords = 0;
      partialSize = 0;
      gemmPartSize = 0;
    },
    measureGemmFlopPerSecond(n: number): number {
      return withTemporary(() => {
        const mats = [0, 1, 2].map(() => backend.alloc(n * n));
        for (const m of mats.slice(0, 2)) for (let i = 0; i < m.length; i++) m[i] = ((i * 7919) % 17) / 17 - 0.5;
        const [a, b, c] = mats.map((data) => ({ data, offset: 0, rows: n, cols: n, rowStride: n })) as [Mat, Mat, Mat];
        const sink = { multiplyAdds: 0, expEvaluations: 0, kvBytesRead: 0, kvBytesWritten: 0 };
        return (2 * n * n * n) / medianTime(() => { gemm(a, b, c, sink); });
      });
    },
    measureReadBytesPerSecond(bytes: number): number {
      return withTemporary(() => {
        const size = Math.ceil(bytes / 64) * 64;
        const buf = backend.alloc(size / 4).fill(1);
        const at = address(buf, 0);
        return size / medianTime(() => { pool.run(CMD.read, [at, size]); });
      });
    },
    measureExpPerSecond(n: number): number {
      return withTemporary(() => {
        const count = Math.ceil(n / 4) * 4;
        const src = backend.alloc(count);
        for (let i = 0; i < count; i++) src[i] = -10 * ((i % 1000) / 1000);
        const dst = backend.alloc(count);
        return count / medianTime(() => { pool.run(CMD.exp, [address(src, 0), address(dst, 0), count]); });
      });
    },
    dispose(): void {
      pool.dispose();
    },
  };
  return backend;
}
