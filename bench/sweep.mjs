// Sweep throughput: whole-model points per second for GTA-1B on h100-sxm, prefill + decode, no output formatting.
// Baseline measured in the same run: the same points through the per-operator path (Plan.operators + sumOps, what
// `analyze` uses), so the ratio shows what the fused summary function buys. Target: 200,000 points/s.
import { loadModel } from '../dist/io/load-model.js';
import { loadHardware } from '../dist/io/load-hardware.js';
import { sweep, sweepSize } from '../dist/core/sweep.js';
import { Plan, sumOps } from '../dist/core/engine.js';

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

function timeIt(fn) {
  const t0 = process.hrtime.bigint();
  const checksum = fn();
  return { seconds: Number(process.hrtime.bigint() - t0) / 1e9, checksum };
}

const fused = () => {
  let c = 0;
  for (const p of sweep(grid)) c += p.totals.timeSeconds;
  return c;
};

const perOperator = () => {
  let c = 0;
  for (const phase of grid.phases) {
    for (const flash of grid.flash) {
      const plan = new Plan(model, hw, { phase, flash, pairs: 'causal', mla: 'absorbed', scope: 'model' });
      for (const bits of grid.bits) {
        for (const batch of grid.batches) {
          for (const len of phase === 'prefill' ? grid.seqLens : grid.contextLens) {
            c += sumOps(plan.operators({ batch, seqLen: len, contextLen: len, bits })).timeSeconds;
          }
        }
      }
    }
  }
  return c;
};

const cold = timeIt(fused);
const median = (f) => [timeIt(f), timeIt(f), timeIt(f)].sort((a, b) => a.seconds - b.seconds)[1];
const warm = median(fused);
const base = median(perOperator);
if (Math.abs(warm.checksum - base.checksum) > 1e-9 * Math.abs(base.checksum)) throw new Error('fused and per-operator totals disagree');
const rate = (r) => Math.round(total / r.seconds);
const fmt = (n) => n.toLocaleString('en-US');
console.log(`sweep: ${fmt(total)} whole-model points (GTA-1B on h100-sxm, prefill + decode, 2 widths, flash and not)`);
console.log(`  fused summary, first (cold) run: ${fmt(rate(cold))} points/s`);
console.log(`  fused summary, median of 3:      ${fmt(rate(warm))} points/s`);
console.log(`  baseline per-operator path:      ${fmt(rate(base))} points/s`);
console.log(`  ratio fused / baseline: ${(rate(warm) / rate(base)).toFixed(2)}x; cold run vs 200,000 points/s target: ${(rate(cold) / 200000).toFixed(2)}x`);

// Memory stays flat while streaming a million points.
const million = { ...grid, batches: range(250, (i) => i + 1), seqLens: range(1000, (i) => i + 1), contextLens: range(1000, (i) => i + 1), bits: [grid.bits[0]] };
global.gc?.();
const before = process.memoryUsage().heapUsed;
let n = 0;
let peak = before;
const t0 = process.hrtime.bigint();
for (const point of sweep(million)) {
  void point;
  if ((++n & 0xffff) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
}
const s = Number(process.hrtime.bigint() - t0) / 1e9;
console.log(`stream: ${fmt(n)} points in ${s.toFixed(2)} s (${fmt(Math.round(n / s))} points/s), heap before ${(before / 2 ** 20).toFixed(1)} MiB, peak ${(peak / 2 ** 20).toFixed(1)} MiB (peak / before ${(peak / before).toFixed(2)})`);
