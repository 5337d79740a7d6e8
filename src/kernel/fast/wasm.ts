/**
 * Loading the compiled kernels (dist/wasm/*.wasm) and running one thread's share of a command. Used by both the
 * calling thread and the workers, so every thread splits work the same way.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { FEW_ROWS } from '../../core/calibration.js';
import { CMD, CTL } from './layout.js';

/** The wasm exports JS calls (pointers are byte addresses; i32 arguments wrap, so addresses ≥ 2 GiB still work). */
export interface Kernels {
  gemm(a: number, lda: number, b: number, ldb: number, c: number, ldc: number,
    m: number, k: number, n: number, scratch: number, counters: number): void;
  gemmScratchBytes(): number;
  gemmSmall(a: number, lda: number, b: number, ldb: number, c: number, ldc: number, m: number, k: number, n: number, counters: number): void;
  attendItem(desc: number, item: number, scratch: number, counters: number): void;
  attendMerge(desc: number, item: number): void;
  attendScratchBytes(desc: number): number;
  addBias(c: number, ldc: number, rows: number, cols: number, bias: number): void;
  accumulate(dst: number, ldd: number, src: number, lds: number, rows: number, cols: number): void;
  copy2d(dst: number, ldd: number, src: number, lds: number, rows: number, cols: number): void;
  rope(x: number, tokenStride: number, headStride: number, tokens: number, heads: number, half: number, cos: number, sin: number): void;
  rmsNorm(x: number, ld: number, rows: number, cols: number, scale: number): void;
  tileAdd(u: number, ldu: number, a: number, lda: number, rows: number, cols: number, period: number): void;
  gate(u: number, ldu: number, g: number, ldg: number, rows: number, cols: number): void;
  sumRead(ptr: number, bytes: number): number;
  expRange(src: number, dst: number, n: number): void;
  /** Register-only multiply-add loop, 96 FLOPs a step: the FMA ceiling bench/kernels.mjs compares kernels to. */
  fmaPeak(iters: number, seed: number): number;
  initConstants(): void;
}

/** The parts of a WebAssembly.Memory used here (typed locally: this project's TS lib has no WebAssembly types). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  grow(pages: number): number;
}

/** The parts of the WebAssembly namespace used here. */
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  validate(bytes: Uint8Array): boolean;
}

/** The global WebAssembly object. */
export const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const PACKAGE_NAME = 'llm-roofline';

/** The package root: the nearest folder above this module with our package.json (works from src/, dist/, bundle). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      const parsed = JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown };
      if (parsed.name === PACKAGE_NAME) return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`fast backend: no ${PACKAGE_NAME} package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** Enables V8's relaxed-SIMD support; must run before compiling, in every thread that compiles. */
export function enableRelaxedSimd(): void {
  setFlagsFromString('--experimental-wasm-relaxed-simd');
}

/** Reads the relaxed build when allowed and this V8 validates it (after enabling the flag), else plain SIMD. */
export function loadKernelBytes(allowRelaxed: boolean): { bytes: Uint8Array; relaxed: boolean } {
  const dir = join(packageRoot(), 'dist', 'wasm');
  const simd = join(dir, 'attention-simd.wasm');
  if (!existsSync(simd)) throw new Error(`fast backend: ${simd} is missing; run npm run build`);
  const relaxedPath = join(dir, 'attention-relaxed.wasm');
  if (allowRelaxed && existsSync(relaxedPath)) {
    enableRelaxedSimd();
    const relaxed = new Uint8Array(readFileSync(relaxedPath));
    if (wasmApi.validate(relaxed)) return { bytes: relaxed, relaxed: true };
  }
  return { bytes: new Uint8Array(readFileSync(simd)), relaxed: false };
}

/** A compiled kernel module (a WebAssembly.Module; workers receive it in workerData). */
export type KernelModule = object;

const compiled = new Map<boolean, { module: KernelModule; relaxed: boolean }>();

/**
 * The kernel module, compiled once per process and build, with V8's optimizing compiler up front (no baseline
 * tier, no lazy compilation): otherwise each thread starts on slower baseline code and switches at some later,
 * unpredictable call, which is exactly what a timing tool must not measure. Workers reuse the same compiled code.
 */
export function compileKernels(allowRelaxed: boolean): { module: KernelModule; relaxed: boolean } {
  let c = compiled.get(allowRelaxed);
  if (c === undefined) {
    setFlagsFromString('--no-liftoff');
    setFlagsFromString('--no-wasm-lazy-compilation');
    const { bytes, relaxed } = loadKernelBytes(allowRelaxed);
    c = { module: new wasmApi.Module(bytes), relaxed };
    compiled.set(allowRelaxed, c);
  }
  return c;
}

/** Instantiates the kernel module on the shared memory. */
export function instantiate(module: KernelModule, memory: WasmMemory): Kernels {
  const instance = new wasmApi.Instance(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  kernels.initConstants();
  return kernels;
}

/** First index and count of thread t's share of n units, shares rounded up to `align` units. */
export function share(n: number, t: number, threads: number, align: number): [number, number] {
  const per = Math.ceil(n / threads / align) * align;
  const start = Math.min(n, t * per);
  return [start, Math.min(n, start + per) - start];
}

/** Up to this many rows of A, GEMM streams B without packing (gemmSmall); the model knows it as FEW_ROWS. */
export const SMALL_M = FEW_ROWS;

/**
 * Chunks a few-row GEMM's k range is split into (rows of B, so each chunk streams one contiguous block of the
 * weights). Fixed, whatever the thread count, so results are bit-identical on any number of threads.
 */
export const K_CHUNKS = 4;

/** Rows of A the GEMM micro-kernel takes at once (MR in assembly/gemm.ts). */
const GEMM_ROWS = 6;

/** Runs thread t's share (of `threads`) of the command in the control block. */
export function runShare(k: Kernels, ctl: Int32Array, t: number, threads: number): void {
  const arg = (i: number): number => ctl[CTL.arg + i] ?? 0;
  const ptr = (i: number): number => arg(i) >>> 0;
  const scratch = ctl[CTL.scratch + t] ?? 0;
  const counters = ctl[CTL.counters + t] ?? 0;
  switch (ctl[CTL.cmd] ?? 0) {
    case CMD.gemm: {
      const lda = arg(1);
      const ldc = arg(5);
      if (arg(6) <= SMALL_M && arg(9) > 0) {
        // Few rows, split by rows of B into K_CHUNKS chunks: each chunk streams one contiguous block of the weights
        // into its own m×n partial product at arg 10, which the caller sums in chunk order.
        const [c0, nc] = share(K_CHUNKS, t, threads, 1);
        for (let ch = c0; ch < c0 + nc; ch++) {
          const [p0, kk] = share(arg(7), ch, K_CHUNKS, 4);
          const part = ptr(10) + ch * arg(6) * arg(8) * 4;
          if (kk > 0) k.gemmSmall(ptr(0) + p0 * 4, lda, ptr(2) + p0 * arg(3) * 4, arg(3), part, arg(8), arg(6), kk, arg(8), counters);
        }
        break;
      }
      if (arg(6) <= SMALL_M) {
        // Few rows (decode): split the columns, so every thread streams its own share of B once.
        const [j0, cols] = share(arg(8), t, threads, 4);
        if (cols > 0) k.gemmSmall(ptr(0), lda, ptr(2) + j0 * 4, arg(3), ptr(4) + j0 * 4, ldc, arg(6), arg(7), cols, counters);
        break;
      }
      // Each thread packs the B panels it uses. With fewer rows than columns (prefill projections of short
      // sequences), split the columns in multiples of 8 so each thread packs and streams only its half of B;
      // otherwise split the rows in multiples of GEMM_ROWS (the micro-kernel height).
      if (arg(6) < arg(8)) {
        const [j0, cols] = share(arg(8), t, threads, 8);
        if (cols > 0) k.gemm(ptr(0), lda, ptr(2) + j0 * 4, arg(3), ptr(4) + j0 * 4, ldc, arg(6), arg(7), cols, scratch, counters);
        break;
      }
      const [r0, rows] = share(arg(6), t, threads, GEMM_ROWS);
      if (rows > 0) k.gemm(ptr(0) + r0 * lda * 4, lda, ptr(2), arg(3), ptr(4) + r0 * ldc * 4, ldc, rows, arg(7), arg(8), scratch, counters);
      break;
    }
    case CMD.gemmBatch: {
      // Whole products per thread; element strides between products in args 10–12.
      const [i0, n] = share(arg(9), t, threads, 1);
      for (let i = i0; i < i0 + n; i++) {
        const a = ptr(0) + i * arg(10) * 4;
        const b = ptr(2) + i * arg(11) * 4;
        const c = ptr(4) + i * arg(12) * 4;
        if (arg(6) <= SMALL_M) k.gemmSmall(a, arg(1), b, arg(3), c, arg(5), arg(6), arg(7), arg(8), counters);
        else k.gemm(a, arg(1), b, arg(3), c, arg(5), arg(6), arg(7), arg(8), scratch, counters);
      }
      break;
    }
    case CMD.attend: {
      // Items are pulled dynamically, costliest tiles first, so causal tiles of uneven cost balance out.
      const items = arg(1);
      for (let it = Atomics.add(ctl, CTL.next, 1); it < items; it = Atomics.add(ctl, CTL.next, 1)) {
        k.attendItem(arg(0), it, scratch, counters);
      }
      break;
    }
    case CMD.merge: {
      const [i0, n] = share(arg(1), t, threads, 1);
      for (let i = i0; i < i0 + n; i++) k.attendMerge(arg(0), i);
      break;
    }
    case CMD.read: {
      const [b0, bytes] = share(arg(1), t, threads, 64);
      if (bytes > 0) k.sumRead(ptr(0) + b0, bytes);
      break;
    }
    case CMD.exp: {
      const [i0, n] = share(arg(2), t, threads, 4);
      if (n > 0) k.expRange(ptr(0) + i0 * 4, ptr(1) + i0 * 4, n);
      break;
    }
    default:
      break;
  }
}
