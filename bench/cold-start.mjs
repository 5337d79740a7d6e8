// Cold start of `llm-roofline analyze` (no arguments) against `node -e ""` on the same machine, medians of 7 runs.
// Target: analyze within 5x of bare node.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const bin = fileURLToPath(new URL('../bin/llm-roofline.js', import.meta.url));
function median(args) {
  const times = [];
  for (let i = 0; i < 7; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${String(r.status)}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return times.sort((a, b) => a - b)[3];
}
const node = median(['-e', '']);
const analyze = median([bin, 'analyze']);
const json = median([bin, 'analyze', '--format', 'json']);
console.log(`cold start: node -e "" ${node.toFixed(0)} ms; llm-roofline analyze ${analyze.toFixed(0)} ms (${(analyze / node).toFixed(2)}x); analyze --format json ${json.toFixed(0)} ms (${(json / node).toFixed(2)}x); target <= 5x`);
