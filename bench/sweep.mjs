// Sweep throughput: whole-model points per second for GTA-1B on h100-sxm, prefill + decode, no output formatting.
// Baseline in the same run: the same number of iterations of an empty loop body calling Date.now(), to show the
// machine's speed; the figure that matters is points/s against the 200,000 target.
import { loadModel } from '../dist/io/load-model.js';
import { loadHardware } from '../dist/io/load-hardware.js';
import { sweep, sweepSize } from '../dist/core/sweep.js';

const model = loadModel('paper/gta-1b');
const hw = loadHardware('h100-sxm').hardware;
const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
const grid = {
  models: [model],
  hardware: [hw],
  phases: ['prefill', 'decode'],
  batches: range(50, (i) => i + 1),
  seqLens: range(100, (i) => 128 * (i + 1)),
  contextLens: range(100, (i) => 128 * (i + 1)),
  bits: [{ weight: 16, activation: 16, kv: 16 }, { weight: 4, activation: 16, kv: 8 }],
  flash: [false, true],
  pairs: 'causal',
  scope: 'model',
  costModel: 'exact',
};
const total = sweepSize(grid);

function run() {
  let checksum = 0;
  const t0 = process.hrtime.bigint();
  for (const p of sweep(grid)) checksum += p.totals.timeSeconds;
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return { seconds, checksum };
}

run(); // warm-up
const runs = [run(), run(), run()].map((r) => r.seconds).sort((a, b) => a - b);
const median = runs[1];
const rate = total / median;
console.log(`sweep: ${total} whole-model points (GTA-1B, h100-sxm, prefill + decode) in ${(median * 1e3).toFixed(1)} ms (median of 3)`);
console.log(`sweep: ${Math.round(rate).toLocaleString('en-US')} points/s; target 200,000 points/s; ratio to target ${(rate / 200000).toFixed(2)}x`);

// Memory stays flat while streaming a million points.
const million = { ...grid, batches: range(125, (i) => i + 1), seqLens: range(1000, (i) => i + 1), contextLens: range(1000, (i) => i + 1), bits: [grid.bits[0]], flash: [false, true] };
const before = process.memoryUsage().heapUsed;
let n = 0;
let peak = before;
for (const _ of sweep(million)) {
  if ((++n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
}
console.log(`stream: ${n.toLocaleString('en-US')} points, heap before ${(before / 2 ** 20).toFixed(1)} MiB, peak ${(peak / 2 ** 20).toFixed(1)} MiB (ratio ${(peak / before).toFixed(2)})`);
