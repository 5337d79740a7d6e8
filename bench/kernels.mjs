// Fast-kernel benchmarks (run `npm run build` first): prefill attention GFLOP/s, SGEMM vs OpenBLAS (numpy, when
// present), decode K/V bandwidth vs a streaming-read probe and vs numpy, and the FMA ceiling wasm reaches on this
// machine (a register-only loop). Prints numbers; asserts nothing.
//
// Every figure is measured once per round, the rounds interleaved (ROUNDS, default 7), and each figure and ratio
// printed is the median over the rounds with its range: on a shared VM a slow spell then moves one round of every
// figure rather than every run of one figure, so the ratios compare measurements taken side by side.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createFastBackend } from '../dist/kernel/fast/index.js';
import { compileKernels, instantiate, wasmApi } from '../dist/kernel/fast/wasm.js';

const counters = () => ({ multiplyAdds: 0, expEvaluations: 0, kvBytesRead: 0, kvBytesWritten: 0 });
const g = (x) => (x / 1e9).toFixed(1);

/** Best wall time in seconds over `reps` runs after one warm-up. */
function best(fn, reps = 5) {
  fn();
  let t = Infinity;
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return t;
}

/** Runs a numpy snippet with OpenBLAS on `threads` threads; returns its stdout number, or undefined without numpy. */
function numpy(code, threads) {
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  const r = spawnSync('python3', ['-c', `import numpy as np, time\n${code}`], { env, encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return Number(r.stdout.trim());
}
const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;

/** Random-filled [batch][token][head][d] (or head-major when headMajor) view from the backend. */
function tensor(be, tokens, heads, d, headMajor = false) {
  const data = be.alloc(tokens * heads * d);
  for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.37);
  return headMajor
    ? { data, offset: 0, batchStride: tokens * heads * d, tokenStride: d, headStride: tokens * d }
    : { data, offset: 0, batchStride: tokens * heads * d, tokenStride: heads * d, headStride: d };
}

function attendArgs(be, queries, keys, heads, d, kvBytes, headMajor) {
  const map = Int32Array.from({ length: heads }, (_, i) => i);
  return {
    batch: 1, queries, keys, maps: heads, dq: d, dv: d,
    q: tensor(be, queries, heads, d), k: tensor(be, keys, heads, d, headMajor), v: tensor(be, keys, heads, d, headMajor),
    out: tensor(be, queries, heads, d), mapToK: map, mapToV: map, scale: 1 / Math.sqrt(d), kvBytesPerElement: kvBytes,
  };
}

// (e) The FMA ceiling: the kernels' fmaPeak (twelve independent f32x4 multiply-add chains on registers, no memory)
// on the main thread and, for two threads, at the same time on one worker, each on its own instance of the same
// build the backend runs. Best of three runs of PEAK_STEPS steps per round.
const PEAK_STEPS = 50_000_000;
const peakFlops = (threads) => threads * PEAK_STEPS * 96;
const kernelInstance = () => instantiate(compileKernels(true).module, new wasmApi.Memory({ initial: 1, maximum: 65536, shared: true }));
const peakMain = kernelInstance();
peakMain.fmaPeak(1_000_000, 0.5);
const peakWorker = new Worker(`
const { parentPort, workerData } = require('node:worker_threads');
import(workerData).then(({ compileKernels, instantiate, wasmApi }) => {
  const k = instantiate(compileKernels(true).module, new wasmApi.Memory({ initial: 1, maximum: 65536, shared: true }));
  k.fmaPeak(1000000, 0.5);
  parentPort.on('message', (n) => { k.fmaPeak(n, 0.5); parentPort.postMessage(0); });
  parentPort.postMessage(0);
});`, { eval: true, workerData: new URL('../dist/kernel/fast/wasm.js', import.meta.url).href });
const workerReply = () => new Promise((resolve) => peakWorker.once('message', resolve));
await workerReply();
/** Best FLOP/s of three runs of the ceiling loop on `threads` (1 or 2) threads. */
async function fmaCeiling(threads) {
  let t = Infinity;
  for (let i = 0; i < 3; i++) {
    const done = threads === 2 ? workerReply() : undefined;
    const t0 = performance.now();
    if (threads === 2) peakWorker.postMessage(PEAK_STEPS);
    peakMain.fmaPeak(PEAK_STEPS, 0.5);
    await done;
    t = Math.min(t, (performance.now() - t0) / 1000);
  }
  return peakFlops(threads) / t;
}

const ROUNDS = Number(process.env.ROUNDS ?? 7);
const fast1 = await createFastBackend({ threads: 1 });
const fast2 = await createFastBackend({ threads: 2 });
console.log(`fast backend: ${fast2.name} (relaxed SIMD: ${fast2.relaxedSimd}); ${ROUNDS} interleaved rounds, median [min–max]`);

const median = (xs) => { const s = [...xs].sort((x, y) => x - y); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const stat = (xs, f) => `${f(median(xs))} [${f(Math.min(...xs))}–${f(Math.max(...xs))}]`;
const pct = (x) => `${(100 * x).toFixed(0)}%`;

// (a) Causal prefill, 16 heads, S=1024, d=128: only unmasked QKᵀ and PV FLOPs count (2 per multiply-add).
const S = 1024, H = 16, d = 128, KEYS = 4096;
const prefill = attendArgs(fast2, S, S, H, d, 0, false);
const prefillCount = counters();
fast2.attend(prefill, prefillCount);
// (d) Decode: one query over 4096 cached keys, 16 heads, d=128, 2 threads, in both cache layouts.
const decode = [true, false].map((headMajor) => {
  const args = attendArgs(fast2, 1, KEYS, H, d, 4, headMajor);
  const c = counters();
  fast2.attend(args, c);
  return { headMajor, args, bytes: c.kvBytesRead };
});
// (b)+(c) SGEMM 1024 vs OpenBLAS through numpy; numpy's batched-matmul decode on the same shape.
const gemmCode = (n) => `a=np.random.rand(${n},${n}).astype(np.float32); b=np.random.rand(${n},${n}).astype(np.float32); c=a@b
t=min((lambda s:(a@b, time.perf_counter()-s)[1])(time.perf_counter()) for _ in range(5)); print(2*${n}**3/t)`;
const numpyDecode = `k=np.random.rand(16,${KEYS},128).astype(np.float32); v=np.random.rand(16,${KEYS},128).astype(np.float32); q=np.random.rand(16,1,128).astype(np.float32)
def step():
    s=(q@k.transpose(0,2,1))/np.sqrt(128.0); s=np.exp(s-s.max(-1,keepdims=True)); p=s/s.sum(-1,keepdims=True); return p@v
step(); t=min((lambda s0:(step(), time.perf_counter()-s0)[1])(time.perf_counter()) for _ in range(10)); print(k.nbytes*2/t)`;

const r = { peak1: [], peak2: [], prefill: [], gemm1: [], gemm2: [], blas1: [], blas2: [], read: [], decodeHead: [], decodeToken: [], numpyDecode: [] };
for (let round = 0; round < ROUNDS; round++) {
  process.stderr.write(`round ${round + 1}/${ROUNDS}\r`);
  r.peak1.push(await fmaCeiling(1));
  r.peak2.push(await fmaCeiling(2));
  r.prefill.push(2 * prefillCount.multiplyAdds / best(() => fast2.attend(prefill, counters()), 2));
  r.gemm1.push(fast1.measureGemmFlopPerSecond(1024));
  r.gemm2.push(fast2.measureGemmFlopPerSecond(1024));
  r.read.push(fast2.measureReadBytesPerSecond(64 << 20));
  for (const x of decode) (x.headMajor ? r.decodeHead : r.decodeToken).push(x.bytes / best(() => fast2.attend(x.args, counters()), 5));
  if (hasNumpy) {
    r.blas1.push(numpy(gemmCode(1024), 1));
    r.blas2.push(numpy(gemmCode(1024), 2));
    r.numpyDecode.push(numpy(numpyDecode, 2));
  }
}
process.stderr.write('\n');
const ratios = (xs, ys) => xs.map((x, i) => x / ys[i]);
const blas = hasNumpy && [...r.blas1, ...r.blas2, ...r.numpyDecode].every((x) => x !== undefined);

console.log(`(a) prefill attention 16×1024×128 causal, 2 threads: ${stat(r.prefill, g)} GFLOP/s`);
for (const [threads, own, theirs] of [[1, r.gemm1, r.blas1], [2, r.gemm2, r.blas2]]) {
  let line = `(b) SGEMM 1024, ${threads} thread(s): ${stat(own, g)} GFLOP/s`;
  line += blas ? ` | (c) OpenBLAS ${stat(theirs, g)} GFLOP/s, ratio ${stat(ratios(own, theirs), pct)}` : ' | (c) numpy not available: OpenBLAS comparison skipped';
  console.log(line);
}
console.log(`    prefill attention vs own SGEMM (2 threads): ${stat(ratios(r.prefill, r.gemm2), pct)}`);
if (blas) console.log(`    prefill attention vs OpenBLAS SGEMM (2 threads): ${stat(ratios(r.prefill, r.blas2), pct)}`);
console.log(`(e) wasm FMA ceiling (register-only loop): 1 thread ${stat(r.peak1, g)}, 2 threads ${stat(r.peak2, g)} GFLOP/s`);
console.log(`    of the 2-thread ceiling: prefill attention ${stat(ratios(r.prefill, r.peak2), pct)}, own SGEMM ${stat(ratios(r.gemm2, r.peak2), pct)}; 60 GFLOP/s would be ${stat(r.peak2.map((x) => 60e9 / x), pct)}`);
console.log(`    own SGEMM 1 thread: ${stat(ratios(r.gemm1, r.peak1), pct)} of the 1-thread ceiling`);
console.log(`    streaming read (64 MiB): ${stat(r.read, g)} GB/s`);
for (const [layout, xs] of [['cache [head][token][d]', r.decodeHead], ['cache [token][head][d]', r.decodeToken]]) {
  console.log(`(d) decode 4096×16×128, 2 threads, ${layout}: ${stat(xs, g)} GB/s of K+V = ${stat(ratios(xs, r.read), pct)} of streaming read`);
}
if (blas) console.log(`    numpy batched-matmul decode, 2 threads: ${stat(r.numpyDecode, g)} GB/s of K+V; the head-major kernel is ${stat(ratios(r.decodeHead, r.numpyDecode), (x) => `${x.toFixed(1)}×`)} as fast`);
else console.log('    numpy not available: numpy decode comparison skipped');

fast1.dispose();
fast2.dispose();
await peakWorker.terminate();
