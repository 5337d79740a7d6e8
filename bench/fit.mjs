// Speed of `llm-roofline fit` on 200 measurements: 5 models × 40 points on h100-sxm, made by the engine under a known
// profile with a ±5% deterministic perturbation; the whole command (median of 3 runs) against a bare `analyze`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Plan } from '../dist/core/engine.js';
import { mlaMode } from '../dist/core/workload.js';
import { loadHardware } from '../dist/io/load-hardware.js';
import { loadModel } from '../dist/io/load-model.js';

const bin = fileURLToPath(new URL('../bin/llm-roofline.js', import.meta.url));
const known = { label: 'known', kinds: { gemm: 0.6, attention: 0.5, elementwise: 0.7, gather: 1, collective: 1 }, memory: 0.75, layerOverheadSeconds: 20e-6, stepOverheadSeconds: 100e-6 };
const hw = loadHardware('h100-sxm').hardware;
const bits = { weight: 16, activation: 16, kv: 16 };
const rows = ['model,hardware,phase,batch,seqLen,contextLen,measuredSeconds'];
let i = 0;
for (const id of ['llama-3.1-8b', 'llama-2-7b', 'paper/gta-1b', 'paper/160m-gqa', 'paper/500m-mla']) {
  for (const phase of ['prefill', 'decode']) {
    const plan = new Plan(loadModel(id), hw, { phase, flash: true, pairs: 'causal', mla: mlaMode({ phase }), scope: 'model', efficiency: known });
    for (const batch of [1, 4, 16, 64]) {
      for (const len of [512, 1024, 2048, 4096, 8192]) {
        const seqLen = phase === 'prefill' ? len : 1;
        const t = plan.totalsAt({ batch, seqLen, contextLen: len, bits }).timeSeconds * (1 + [0.05, -0.05, 0.025, -0.025, 0][i++ % 5]);
        rows.push([id, 'h100-sxm', phase, batch, seqLen, len, t].join(','));
      }
    }
  }
}
const file = join(mkdtempSync(join(tmpdir(), 'llmr-fit-bench-')), 'measurements.csv');
writeFileSync(file, rows.join('\n') + '\n');
function median(args) {
  const times = [];
  let out = '';
  for (let k = 0; k < 3; k++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${String(r.status)}: ${r.stderr}`);
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    out = r.stdout;
  }
  return { ms: times.sort((a, b) => a - b)[1], out };
}
const analyze = median(['analyze']);
const fit = median(['fit', '--measurements', file, '--format', 'json']);
const doc = JSON.parse(fit.out);
const pct = (x) => `${(100 * x).toFixed(1)}%`;
console.log(`fit of ${String(rows.length - 1)} measurements: ${fit.ms.toFixed(0)} ms (analyze alone ${analyze.ms.toFixed(0)} ms, ${(fit.ms / analyze.ms).toFixed(2)}x); ${String(doc.iterations)} iterations${doc.settled ? '' : ' (not settled)'}; median |error| ${pct(doc.medianAbsError.base)} at peak, ${pct(doc.medianAbsError.fitted)} fitted`);
