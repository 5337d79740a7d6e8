// Checks two assumptions of the host-profile roofline against the fast kernels (run `npm run build` first). Prints
// numbers; asserts nothing.
//
// 1. Decode attention over a cache larger than the last-level cache: is its time max(compute at the rate measured
//    with the cache resident, bytes at the measured streaming bandwidth), as the roofline predicts, or closer to
//    their sum (compute and memory not overlapped)?
// 2. The calibration figures are medians of short calls; a long operator averages over a shared machine's fast and
//    slow spells. Median call rate against total work over total time, and against one long GEMM.
//
// Every figure is measured in interleaved rounds for SECONDS (default 30) per part; the medians over rounds are
// printed, so all figures of a part sample the same spells of the machine.
import { performance } from 'node:perf_hooks';
import { createFastBackend } from '../dist/kernel/fast/index.js';
import { cacheView, mat, view } from '../dist/kernel/tensor.js';

const SECONDS = Number(process.env.SECONDS_PER_PART ?? 30);
const counters = { multiplyAdds: 0, expEvaluations: 0, kvBytesRead: 0, kvBytesWritten: 0 };
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const seconds = (fn) => {
  const t0 = performance.now();
  fn();
  return (performance.now() - t0) / 1000;
};
/** Runs `round` until SECONDS have passed, at least 5 times. */
const rounds = (round) => {
  const end = performance.now() + SECONDS * 1000;
  let n = 0;
  while (n < 5 || performance.now() < end) {
    round();
    n++;
  }
  return n;
};

const be = await createFastBackend({ threads: 2 });
const gemm = (m, k, n) => {
  const a = be.alloc(m * k).fill(0.5);
  const b = be.alloc(k * n).fill(0.25);
  const c = be.alloc(m * n);
  return { run: () => be.gemm(mat(a, 0, m, k), mat(b, 0, k, n), mat(c, 0, m, n), counters), flops: 2 * m * k * n, bytes: 4 * k * n };
};

/** One decode step of `maps` query heads over `heads` cached K/V heads of dimension d, `keys` keys, head-major. */
function decode(maps, heads, d, keys) {
  const q = be.alloc(maps * d).fill(0.01);
  const out = be.alloc(maps * d);
  const k = be.alloc(heads * keys * d).fill(0.02);
  const v = be.alloc(heads * keys * d).fill(0.03);
  const mapTo = Int32Array.from({ length: maps }, (_, m) => Math.floor(m / (maps / heads)));
  const args = {
    batch: 1, queries: 1, keys, maps, dq: d, dv: d,
    q: view(q, 0, maps * d, maps * d, d), out: view(out, 0, maps * d, maps * d, d),
    k: cacheView(k, keys, heads, d), v: cacheView(v, keys, heads, d),
    mapToK: mapTo, mapToV: mapTo, scale: 1 / Math.sqrt(d), kvBytesPerElement: 4,
  };
  return { run: () => be.attend(args, counters), flops: 4 * keys * d * maps, bytes: 8 * heads * keys * d };
}

try {
  console.log('1. Decode attention with the cache streamed from memory (medians over interleaved rounds)');
  const stream = gemm(1, 4096, 4096); // 64 MiB of weights: the calibration's streaming-read probe
  for (const [maps, heads, d, keys] of [[12, 12, 64, 16384], [16, 4, 128, 4096]]) {
    // As calibration does: the in-cache rate over as many keys as make about 4 MiB of K and V.
    const hot = decode(maps, heads, d, Math.min(8192, Math.max(256, Math.round((4 * 2 ** 20) / (heads * d * 8)))));
    const cold = decode(maps, heads, d, keys);
    for (let i = 0; i < 3; i++) [stream, hot, cold].forEach((x) => x.run());
    const bw = [];
    const rate = [];
    const time = [];
    const n = rounds(() => {
      bw.push(stream.bytes / median([0, 1, 2].map(() => seconds(stream.run))));
      rate.push(hot.flops / median([0, 1, 2, 3, 4].map(() => seconds(hot.run))));
      time.push(median([0, 1, 2].map(() => seconds(cold.run))));
    });
    const t = median(time);
    const compute = cold.flops / median(rate);
    const memory = cold.bytes / median(bw);
    console.log(`  ${maps} maps on ${heads} heads, d=${d}, ${keys} keys (${(cold.bytes / 2 ** 20).toFixed(0)} MiB of K+V), ${n} rounds:`);
    console.log(`    bandwidth ${(median(bw) / 1e9).toFixed(1)} GB/s, in-cache rate ${(median(rate) / 1e9).toFixed(1)} GFLOP/s`);
    console.log(`    measured ${(t * 1e3).toFixed(2)} ms; compute ${(compute * 1e3).toFixed(2)} ms, memory ${(memory * 1e3).toFixed(2)} ms`);
    console.log(`    measured / max(compute, memory) = ${(t / Math.max(compute, memory)).toFixed(2)}, measured / sum = ${(t / (compute + memory)).toFixed(2)}`);
  }

  console.log('2. Median of short calls against total time, and against one long GEMM');
  const probe = gemm(512, 512, 1024); // a calibration grid shape
  const long = gemm(2048, 1280, 1280); // a 500M model's prefill projection at batch 4, S = 512
  for (let i = 0; i < 3; i++) [probe, long].forEach((x) => x.run());
  const med = [];
  const total = [];
  const big = [];
  const n = rounds(() => {
    const ts = Array.from({ length: 9 }, () => seconds(probe.run));
    med.push(probe.flops / median(ts));
    total.push((9 * probe.flops) / ts.reduce((a, b) => a + b));
    big.push(long.flops / seconds(long.run));
  });
  const f = (x) => (median(x) / 1e9).toFixed(1);
  console.log(`  ${n} rounds: median call ${f(med)} GFLOP/s, total / time ${f(total)}, long GEMM ${f(big)}`);
  console.log(`  long / median call = ${(median(big) / median(med)).toFixed(3)}, total / median call = ${(median(total) / median(med)).toFixed(3)}`);
} finally {
  be.dispose();
}
