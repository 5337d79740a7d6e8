// Peak memory of `llm-roofline sweep` against the grid size: the real CLI, its JSON piped into `wc -c` and written
// with --out, for grids of 10k, 100k and 1M points. Streaming with backpressure should keep the peak RSS flat: the
// ratio to the smallest grid, measured in the same run, should stay near 1 whatever the grid.
// Peak RSS comes from `/usr/bin/time -f %M` when present, else from the process itself (resourceUsage().maxRSS at
// exit, loaded with --import). Usage: node bench/sweep-rss.mjs [max points, default 1000000] [--against OTHER_BIN]
// --against runs another build's bin/llm-roofline.js (e.g. a checkout of main) on the same grids in the same run and
// prints the ratios, this build against that one.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/llm-roofline.js', import.meta.url));
const argv = process.argv.slice(2);
const againstAt = argv.indexOf('--against');
const AGAINST = againstAt < 0 ? undefined : argv.splice(againstAt, 2)[1];
if (againstAt >= 0 && AGAINST === undefined) throw new Error('--against needs the path of another bin/llm-roofline.js');
const TIME = '/usr/bin/time';
const useTime = existsSync(TIME);
const dir = mkdtempSync(join(tmpdir(), 'llmr-rss-'));
const rssFile = join(dir, 'rss');

const seq = (n) => Array.from({ length: n }, (_, i) => String(i + 1)).join(',');
// Prefill, whole model, GTA-1B on h100-sxm: batches × prompt lengths.
const GRIDS = [
  { points: 10_000, batches: 10, seqs: 1000 },
  { points: 100_000, batches: 100, seqs: 1000 },
  { points: 1_000_000, batches: 250, seqs: 4000 },
].filter((g) => g.points <= Number(argv[0] ?? 1_000_000));

const q = (s) => `'${s.replaceAll("'", "'\\''")}'`;

/** Runs one sweep through `sh` into `| wc -c` or `--out FILE`; returns peak RSS in MiB, seconds and output bytes. */
function measure(grid, toFile, bin = BIN) {
  const file = join(dir, 'sweep.json');
  const sink = toFile ? `--out ${q(file)}` : '| wc -c';
  rmSync(rssFile, { force: true });
  const args = ['sweep', '--phase', 'prefill', '--batch', seq(grid.batches), '--seq', seq(grid.seqs), '--scope', 'model'];
  const node = useTime
    ? `${TIME} -f %M -o ${q(rssFile)} ${q(process.execPath)} ${q(bin)} ${args.map(q).join(' ')}`
    : `${q(process.execPath)} --import ${q(fallbackModule())} ${q(bin)} ${args.map(q).join(' ')}`;
  const t0 = process.hrtime.bigint();
  const r = spawnSync('sh', ['-c', `${node} ${sink}`], { encoding: 'utf8', maxBuffer: 1 << 20 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`sweep of ${grid.points} points failed (${String(r.status)}): ${r.stderr}`);
  const kib = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
  const bytes = toFile ? statSync(file).size : Number(r.stdout.trim());
  rmSync(file, { force: true });
  return { mib: kib / 1024, seconds, bytes };
}

let fallback;
/** Without /usr/bin/time: a module the CLI loads that writes its own high-water mark (KiB, as %M) at exit. */
function fallbackModule() {
  if (fallback === undefined) {
    fallback = join(dir, 'rss-probe.mjs');
    writeFileSync(fallback, `import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(${JSON.stringify(rssFile)}, String(process.resourceUsage().maxRSS)));\n`);
  }
  return fallback;
}

const fmt = (n) => n.toLocaleString('en-US');
console.log(`sweep peak RSS against grid size (GTA-1B on h100-sxm, prefill, JSON; peak RSS from ${useTime ? '/usr/bin/time %M' : 'process.resourceUsage().maxRSS'})`);
for (const toFile of [false, true]) {
  const label = toFile ? '--out FILE' : '| wc -c';
  const rows = GRIDS.map((g) => ({ g, ...measure(g, toFile) }));
  const base = rows[0];
  for (const r of rows) {
    console.log(`  ${label.padEnd(10)} ${fmt(r.g.points).padStart(9)} points: peak RSS ${r.mib.toFixed(0).padStart(5)} MiB (x${(r.mib / base.mib).toFixed(2)} the ${fmt(base.g.points)}-point grid), ${(r.bytes / 2 ** 20).toFixed(0)} MiB of JSON in ${r.seconds.toFixed(1)} s (${fmt(Math.round(r.g.points / r.seconds))} points/s)`);
    if (AGAINST !== undefined) {
      const o = measure(r.g, toFile, AGAINST);
      if (o.bytes !== r.bytes) throw new Error(`the two builds wrote different sizes (${String(r.bytes)} and ${String(o.bytes)} bytes)`);
      console.log(`  ${''.padEnd(10)} ${''.padStart(9)}  --against: peak RSS ${o.mib.toFixed(0).padStart(5)} MiB, ${o.seconds.toFixed(1)} s; this build / that one: RSS x${(r.mib / o.mib).toFixed(2)}, speed x${(o.seconds / r.seconds).toFixed(2)}`);
    }
  }
}
rmSync(dir, { recursive: true, force: true });
