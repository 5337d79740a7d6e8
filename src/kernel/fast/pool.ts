/**
 * The calling thread plus `threads − 1` workers on one shared memory. A command is published in the control
 * block, workers are woken with Atomics.notify, every thread runs its share, and the caller blocks in
 * Atomics.wait until all are done: synchronous calls with no message round-trips.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CMD, CTL } from './layout.js';
import { type KernelModule, type Kernels, packageRoot, runShare, type WasmMemory } from './wasm.js';
import type { WorkerInit } from './worker.js';

/** How long the calling thread polls for the workers to finish before sleeping. */
const WAIT_SPIN_MS = 2;

/** Dispatches commands to all threads and waits for them. */
export class Pool {
  readonly ctl: Int32Array;
  private readonly workers: Worker[] = [];
  private broken: unknown = undefined;

  private constructor(private readonly kernels: Kernels, readonly threads: number) {
    this.ctl = new Int32Array(new SharedArrayBuffer(CTL.size * 4));
  }

  /** Starts the workers and resolves once each has instantiated the kernels. */
  static async start(kernels: Kernels, threads: number, memory: WasmMemory, module: KernelModule, relaxed: boolean): Promise<Pool> {
    const pool = new Pool(kernels, threads);
    if (threads <= 1) return pool;
    const url = pathToFileURL(join(packageRoot(), 'dist', 'kernel', 'fast', 'worker.js'));
    const ready: Promise<void>[] = [];
    for (let t = 1; t < threads; t++) {
      const init: WorkerInit = { memory, control: pool.ctl.buffer as SharedArrayBuffer, module, relaxed, thread: t, threads };
      const w = new Worker(new URL(url), { workerData: init });
      w.unref();
      pool.workers.push(w);
      ready.push(new Promise((resolve, reject) => {
        w.once('message', () => { resolve(); });
        w.once('error', reject);
        w.once('exit', (code) => { reject(new Error(`fast backend: worker exited with code ${code} during start`)); });
      }));
    }
    try {
      await Promise.all(ready);
    } catch (e) {
      pool.dispose();
      throw e;
    }
    for (const w of pool.workers) {
      w.removeAllListeners('exit');
      w.removeAllListeners('error');
      // A dead worker would never report done; remember it so the next call fails instead of hanging.
      w.on('error', (e) => { pool.broken = e; });
      w.on('exit', () => { pool.broken ??= new Error('fast backend: a worker exited'); });
    }
    return pool;
  }

  /** Runs `cmd` with word arguments on every thread (this one included) and returns when all have finished. */
  run(cmd: number, args: readonly number[]): void {
    if (this.broken !== undefined) throw new Error('fast backend: a worker thread died', { cause: this.broken });
    const c = this.ctl;
    c[CTL.cmd] = cmd;
    c.set(args, CTL.arg);
    Atomics.store(c, CTL.next, 0);
    Atomics.store(c, CTL.done, 0);
    Atomics.store(c, CTL.err, 0);
    const others = this.workers.length;
    if (others > 0) {
      Atomics.add(c, CTL.gen, 1);
      Atomics.notify(c, CTL.gen);
    }
    // Even if this thread's share throws, wait for the workers so none is still writing when the caller resumes.
    try {
      runShare(this.kernels, c, 0, this.threads);
    } finally {
      // Spin first: the workers usually finish within microseconds of this thread, and being woken from
      // Atomics.wait costs tens of microseconds on a virtual machine, more than many whole decode operators take.
      const spinUntil = performance.now() + WAIT_SPIN_MS;
      while (Atomics.load(c, CTL.done) < others && performance.now() < spinUntil) { /* spin */ }
      for (let d = Atomics.load(c, CTL.done); d < others; d = Atomics.load(c, CTL.done)) Atomics.wait(c, CTL.done, d);
    }
    const err = Atomics.load(c, CTL.err);
    if (err !== 0) throw new Error(`fast backend: kernel failed on worker ${err}`);
  }

  /** Runs `cmd` on the calling thread alone: for work smaller than the cost of waking the workers. */
  runAlone(cmd: number, args: readonly number[]): void {
    const c = this.ctl;
    c[CTL.cmd] = cmd;
    c.set(args, CTL.arg);
    Atomics.store(c, CTL.next, 0);
    runShare(this.kernels, c, 0, 1);
  }

  /** Stops and terminates the workers. */
  dispose(): void {
    if (this.workers.length === 0) return;
    this.ctl[CTL.cmd] = CMD.exit;
    Atomics.add(this.ctl, CTL.gen, 1);
    Atomics.notify(this.ctl, CTL.gen);
    for (const w of this.workers) {
      w.removeAllListeners('exit');
      void w.terminate();
    }
    this.workers.length = 0;
  }
}
