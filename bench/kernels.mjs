// Fast-kernel benchmarks (run `npm run build` first): prefill attention GFLOP/s, SGEMM vs OpenBLAS (numpy, when
// present), decode K/V bandwidth vs a streaming-read probe and vs numpy. Prints numbers; asserts nothing.
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { createFastBackend } from '../dist/kernel/fast/index.js';

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

const fast1 = await createFastBackend({ threads: 1 });
const fast2 = await createFastBackend({ threads: 2 });
console.log(`fast backend: ${fast2.name} (relaxed SIMD: ${fast2.relaxedSimd})`);

// (a) Causal prefill, 16 heads, S=1024, d=128: only unmasked QKᵀ and PV FLOPs count (2 per multiply-add).
{
  const S = 1024, H = 16, d = 128;
  const args = attendArgs(fast2, S, S, H, d, 0, false);
  const c = counters();
  fast2.attend(args, c);
  const flops = 2 * c.multiplyAdds;
  const t = best(() => fast2.attend(args, counters()), 3);
  console.log(`(a) prefill attention 16×1024×128 causal, 2 threads: ${g(flops / t)} GFLOP/s (${(t * 1e3).toFixed(1)} ms)`);
  globalThis.prefillGflops = flops / t;
  fast2.reset();
}

// (b)+(c) SGEMM 1024 on 1 and 2 threads, vs OpenBLAS through numpy.
const gemmCode = (n) => `a=np.random.rand(${n},${n}).astype(np.float32); b=np.random.rand(${n},${n}).astype(np.float32); c=a@b
t=min((lambda s:(a@b, time.perf_counter()-s)[1])(time.perf_counter()) for _ in range(10)); print(2*${n}**3/t)`;
for (const [threads, be] of [[1, fast1], [2, fast2]]) {
  const rate = be.measureGemmFlopPerSecond(1024);
  let line = `(b) SGEMM 1024, ${threads} thread(s): ${g(rate)} GFLOP/s`;
  const blas = hasNumpy ? numpy(gemmCode(1024), threads) : undefined;
  if (blas !== undefined) line += ` | (c) OpenBLAS ${g(blas)} GFLOP/s, ratio ${(100 * rate / blas).toFixed(0)}%`;
  else line += ' | (c) numpy not available: OpenBLAS comparison skipped';
  console.log(line);
  if (threads === 2 && blas !== undefined) {
    console.log(`    prefill attention vs OpenBLAS SGEMM (2 threads): ${(100 * globalThis.prefillGflops / blas).toFixed(0)}%`);
  }
}

// (d) Decode: one query over 4096 cached keys, 16 heads, d=128, 2 threads; K+V bytes read per second.
{
  const keys = 4096, H = 16, d = 128;
  const read = fast2.measureReadBytesPerSecond(64 << 20);
  for (const headMajor of [true, false]) {
    const args = attendArgs(fast2, 1, keys, H, d, 4, headMajor);
    const c = counters();
    fast2.attend(args, c);
    const t = best(() => fast2.attend(args, counters()), 10);
    const layout = headMajor ? 'cache [head][token][d]' : 'cache [token][head][d]';
    console.log(`(d) decode 4096×16×128, 2 threads, ${layout}: ${g(c.kvBytesRead / t)} GB/s of K+V `
      + `(${(t * 1e3).toFixed(2)} ms) = ${(100 * c.kvBytesRead / t / read).toFixed(0)}% of streaming read ${g(read)} GB/s`);
    fast2.reset();
  }
  if (hasNumpy) {
    const code = `k=np.random.rand(16,${keys},128).astype(np.float32); v=np.random.rand(16,${keys},128).astype(np.float32); q=np.random.rand(16,1,128).astype(np.float32)
def step():
    s=(q@k.transpose(0,2,1))/np.sqrt(128.0); s=np.exp(s-s.max(-1,keepdims=True)); p=s/s.sum(-1,keepdims=True); return p@v
step(); t=min((lambda s0:(step(), time.perf_counter()-s0)[1])(time.perf_counter()) for _ in range(10)); print(k.nbytes*2/t)`;
    const bw = numpy(code, 2);
    if (bw !== undefined) console.log(`    numpy batched-matmul decode, 2 threads: ${g(bw)} GB/s of K+V`);
  } else {
    console.log('    numpy not available: numpy decode comparison skipped');
  }
}

fast1.dispose();
fast2.dispose();
