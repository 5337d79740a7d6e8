/**
 * Worker thread of the fast backend: instantiates the kernels on the shared memory, then sleeps on the control
 * block's generation word and runs its share of each command. Loaded from dist/kernel/fast/worker.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { CMD, CTL } from './layout.js';
import { enableRelaxedSimd, instantiate, type KernelModule, runShare, type WasmMemory } from './wasm.js';

/** What the pool hands each worker. */
export interface WorkerInit {
  readonly memory: WasmMemory;
  readonly control: SharedArrayBuffer;
  /** The module compiled by the calling thread: its code is shared, not compiled again. */
  readonly module: KernelModule;
  readonly relaxed: boolean;
  readonly thread: number;
  readonly threads: number;
}

// Spinning briefly before sleeping keeps back-to-back calls (decode steps) from paying a futex wake-up each.
const SPIN_MS = 0.2;

function main(init: WorkerInit): void {
  if (init.relaxed) enableRelaxedSimd();
  const kernels = instantiate(init.module, init.memory);
  const ctl = new Int32Array(init.control);
  let gen = Atomics.load(ctl, CTL.gen);
  parentPort?.postMessage('ready');
  for (;;) {
    const spinUntil = performance.now() + SPIN_MS;
    while (Atomics.load(ctl, CTL.gen) === gen && performance.now() < spinUntil) { /* spin */ }
    Atomics.wait(ctl, CTL.gen, gen);
    const now = Atomics.load(ctl, CTL.gen);
    if (now === gen) continue;
    gen = now;
    if (Atomics.load(ctl, CTL.cmd) === CMD.exit) break;
    try {
      runShare(kernels, ctl, init.thread, init.threads);
    } catch {
      Atomics.store(ctl, CTL.err, init.thread);
    }
    Atomics.add(ctl, CTL.done, 1);
    Atomics.notify(ctl, CTL.done);
  }
}

main(workerData as WorkerInit);
