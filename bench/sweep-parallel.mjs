// Sweep speed with parallelism: `llm-roofline sweep` of 200,000 prefill points (100 batches × 2,000 prompt lengths,
// whole model) split over devices against the same sweep on one device, both measured in this run by this build:
// Llama-2-70B on h100-sxm with --tp 8, and DeepSeek-V3 (hf/deepseek-v3) with --ep 8. Whole processes with start-up,
// written with --out FILE as CSV, JSON and Arrow. A split point costs more (the collectives are operators too, and
// the busiest device's memory is found per point) and writes more (the parallel columns and fields); the goal is a
// split sweep within 2x of the one-device sweep's time. Prints points/s, CPU seconds (user + system of the sweep
// process: steadier than the wall clock on a shared machine) and the one-device / split ratios.
// Usage: node bench/sweep-parallel.mjs [--repeat N] [--batches B] [--seqs S]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'llm-roofline.js');
const argv = process.argv.slice(2);
const option = (name, fallback) => {
  const at = argv.indexOf(name);
  return at < 0 ? fallback : Number(argv[at + 1]);
};
const REPEAT = option('--repeat', 3);
const BATCHES = option('--batches', 100);
const SEQS = option('--seqs', 2000);
const POINTS = BATCHES * SEQS;
const dir = mkdtempSync(join(tmpdir(), 'llmr-par-'));
const TIME = '/usr/bin/time';
const useTime = existsSync(TIME);
const seq = (n) => Array.from({ length: n }, (_, i) => String(i + 1)).join(',');
const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;

/** The fastest of REPEAT runs of one sweep: seconds, CPU seconds, output bytes. */
function measure(model, hardware, split, format) {
  let best;
  for (let k = 0; k < REPEAT; k++) {
    const file = join(dir, `out.${format}`);
    const cpu = join(dir, 'cpu');
    const args = ['sweep', '--model', model, '--hardware', hardware, ...split, '--phase', 'prefill', '--batch', seq(BATCHES), '--seq', seq(SEQS), '--format', format, '--out', file];
    const node = `${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')}`;
    const t0 = process.hrtime.bigint();
    const r = spawnSync('sh', ['-c', useTime ? `${TIME} -f '%U %S' -o ${q(cpu)} ${node}` : node], { encoding: 'utf8' });
    const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
    if (r.status !== 0) throw new Error(`${model} ${split.join(' ')} ${format} failed (${String(r.status)}): ${r.stderr}`);
    const [user, sys] = useTime ? readFileSync(cpu, 'utf8').trim().split('\n').at(-1).split(' ').map(Number) : [];
    const run = { seconds, cpu: user === undefined ? undefined : user + sys, bytes: statSync(file).size };
    rmSync(file, { force: true });
    if (best === undefined || run.seconds < best.seconds) best = run;
  }
  return best;
}

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const line = (r) => `${fmt(POINTS / r.seconds).padStart(9)} points/s (${r.seconds.toFixed(2)} s${r.cpu === undefined ? '' : `, CPU ${r.cpu.toFixed(2)} s`}, ${(r.bytes / 2 ** 20).toFixed(0)} MiB)`;
const CASES = [
  { model: 'llama-2-70b', hardware: 'h100-sxm', split: ['--tp', '8'] },
  { model: 'hf/deepseek-v3', hardware: 'h100-sxm', split: ['--ep', '8'] },
];
console.log(`sweep with parallelism: ${fmt(POINTS)} prefill points (${String(BATCHES)} batches × ${String(SEQS)} lengths), --out FILE, fastest of ${String(REPEAT)}; goal: split within 2x of one device`);
for (const c of CASES) {
  for (const format of ['csv', 'json', 'arrow']) {
    const one = measure(c.model, c.hardware, [], format);
    const split = measure(c.model, c.hardware, c.split, format);
    const ratio = split.seconds / one.seconds;
    const cpuRatio = one.cpu === undefined ? '' : `, CPU ×${(split.cpu / one.cpu).toFixed(2)}`;
    console.log(`${c.model} ${format.padEnd(5)} one device ${line(one)}`);
    console.log(`${c.model} ${format.padEnd(5)} ${c.split.join(' ').padEnd(10)} ${line(split)}; split / one device: time ×${ratio.toFixed(2)}${cpuRatio} (${ratio <= 2 ? 'within' : 'OVER'} 2x)`);
  }
}
rmSync(dir, { recursive: true, force: true });
