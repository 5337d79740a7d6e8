// Predicted against published serving figures, under `--efficiency peak` and `--efficiency typical`: the comparison
// docs/cost-models.md ("Typical efficiencies") records. Each published figure is what `generate` reports: an
// end-to-end latency is its e2eSeconds (the prefill of the prompt plus one decode step per further output token, each
// attending the prompt and the tokens so far), a TTFT its ttftSeconds, an ITL its tpotSeconds (the mean decode step). Prints a
// Markdown table and the median absolute error of each efficiency. Needs `npm run build` first.
// Usage: node bench/efficiency-vs-published.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/llm-roofline.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'llmr-published-'));

// Llama-3-70B / Llama-3.3-70B (meta-llama config.json): the shipped llama-2-70b has a 32,000-token vocabulary.
const LLAMA_3_70B = join(dir, 'llama-3-70b.json');
writeFileSync(LLAMA_3_70B, JSON.stringify({
  name: 'Llama-3-70B', source: 'meta-llama/Meta-Llama-3-70B config.json', layers: 80, hiddenSize: 8192, intermediateSize: 28672,
  vocabSize: 128256, tiedEmbeddings: false, attention: { kind: 'gqa', heads: 64, kvHeads: 8, headDim: 128, qkvBias: false, outBias: false },
}));

const VLLM = 'vLLM CI latency benchmark (buildkite vllm/performance-benchmark build 9515): input 32, output 128, batch 8, H200, BF16';
const NIM = 'NVIDIA NIM for LLMs benchmarking, Performance (docs.nvidia.com/nim/benchmarking/llm/1.0.0/performance), Llama-3.3-70B-Instruct NIM 1.8.0, 2 x H100 80GB, FP8, TP2, concurrency 1';

/** One `generate` run of a request batch: TTFT, TPOT and E2E integrated over the output by the tool itself. */
function generate(base, batch, input, output, efficiency) {
  const args = ['generate', ...base, '--batch', String(batch), '--input', String(input), '--output', String(output), '--efficiency', efficiency, '--format', 'json'];
  return JSON.parse(execFileSync(process.execPath, [BIN, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 })).runs[0];
}

const e2e = (base, batch, input, output, efficiency) => generate(base, batch, input, output, efficiency).e2eSeconds;
const ttft = (base, input, efficiency) => generate(base, 1, input, 1, efficiency).ttftSeconds;
const itl = (base, input, output, efficiency) => generate(base, 1, input, output, efficiency).tpotSeconds;

const nim = ['--model', LLAMA_3_70B, '--hardware', 'h100-sxm', '--bits', 'fp8', '--tp', '2', '--flash'];
const cases = [
  { what: 'Llama-3.1-8B, TP1, E2E', source: VLLM, published: 0.833421, f: (e) => e2e(['--model', 'llama-3.1-8b', '--hardware', 'h200-sxm', '--flash'], 8, 32, 128, e) },
  { what: 'Llama-3-70B, TP4, E2E', source: VLLM, published: 2.07753, f: (e) => e2e(['--model', LLAMA_3_70B, '--hardware', 'h200-sxm', '--tp', '4', '--flash'], 8, 32, 128, e) },
  { what: 'Mixtral-8x7B, TP2, E2E', source: VLLM, published: 1.91744, f: (e) => e2e(['--model', 'hf/mixtral-8x7b', '--hardware', 'h200-sxm', '--tp', '2', '--flash'], 8, 32, 128, e) },
  { what: 'Llama-3.3-70B, 5000 in / 500 out, TTFT', source: NIM, published: 0.40677, f: (e) => ttft(nim, 5000, e) },
  { what: 'Llama-3.3-70B, 5000 in / 500 out, ITL', source: NIM, published: 0.01858, f: (e) => itl(nim, 5000, 500, e) },
  { what: 'Llama-3.3-70B, 500 in / 2000 out, TTFT', source: NIM, published: 0.04777, f: (e) => ttft(nim, 500, e) },
  { what: 'Llama-3.3-70B, 500 in / 2000 out, ITL', source: NIM, published: 0.01891, f: (e) => itl(nim, 500, 2000, e) },
];

// TensorRT-LLM's gptSessionBenchmark runs static batches: B sequences prefilled together, then decoded together for
// M tokens, which is what `generate` models. Its throughput is B · M / (the whole run's time), per GPU; the E2E
// compared here is B · M / (throughput per GPU × GPUs). Its first-token latency is a run with one output token.
const TRT = 'TensorRT-LLM performance.md (NVIDIA/TensorRT-LLM docs/source/performance.md at 138f96d: throughput from v0.6.1, first-token latency from v0.5), gptSessionBenchmark, static batching; H100 SXM FP8 with FP8 KV cache, A100 SXM 80GB FP16 (run on the a800-sxm profile: the same compute and memory)';
/** A TensorRT-LLM run's label prefix and its flags for `generate`. */
const trtRun = (model, hw, bits, tp) => ({
  label: `TRT-LLM ${model}, ${hw === 'h100-sxm' ? 'H100 FP8' : 'A100 FP16'}, TP${String(tp)}`,
  args: ['--model', model, '--hardware', hw, '--bits', bits, '--tp', String(tp), '--flash'],
});
const trtE2e = (model, hw, bits, tp, batch, input, output, perGpu) => {
  const run = trtRun(model, hw, bits, tp);
  return { what: `${run.label}, B ${String(batch)}, ${String(input)} in / ${String(output)} out, E2E`, source: TRT, published: (batch * output) / (perGpu * tp), f: (e) => e2e(run.args, batch, input, output, e) };
};
const trtTtft = (model, hw, bits, tp, input, ms) => {
  const run = trtRun(model, hw, bits, tp);
  return { what: `${run.label}, ${String(input)} in, TTFT`, source: TRT, published: ms / 1e3, f: (e) => ttft(run.args, input, e) };
};
cases.push(
  trtE2e('llama-2-7b', 'h100-sxm', 'fp8', 1, 768, 128, 128, 19694),
  trtE2e('llama-2-7b', 'h100-sxm', 'fp8', 1, 112, 128, 2048, 6818),
  trtE2e('llama-2-7b', 'h100-sxm', 'fp8', 1, 80, 2048, 128, 2244),
  trtE2e('llama-2-7b', 'h100-sxm', 'fp8', 1, 48, 2048, 2048, 2740),
  trtE2e('llama-2-70b', 'h100-sxm', 'fp8', 2, 1024, 128, 128, 2657),
  trtE2e('llama-2-70b', 'h100-sxm', 'fp8', 4, 480, 128, 2048, 1486),
  trtE2e('llama-2-70b', 'h100-sxm', 'fp8', 2, 96, 2048, 128, 306),
  trtE2e('llama-2-70b', 'h100-sxm', 'fp8', 2, 64, 2048, 2048, 547),
  trtE2e('llama-2-7b', 'a800-sxm', 'fp16', 1, 384, 128, 128, 5586),
  trtE2e('llama-2-7b', 'a800-sxm', 'fp16', 1, 60, 128, 2048, 1928),
  trtE2e('llama-2-7b', 'a800-sxm', 'fp16', 1, 52, 2048, 128, 591),
  trtE2e('llama-2-7b', 'a800-sxm', 'fp16', 2, 64, 2048, 2048, 782),
  trtTtft('llama-2-7b', 'h100-sxm', 'fp8', 1, 128, 7),
  trtTtft('llama-2-7b', 'h100-sxm', 'fp8', 1, 2048, 36),
  trtTtft('llama-2-70b', 'h100-sxm', 'fp8', 4, 128, 26),
  trtTtft('llama-2-70b', 'h100-sxm', 'fp8', 4, 2048, 109),
  trtTtft('llama-2-7b', 'a800-sxm', 'fp16', 1, 128, 16),
  trtTtft('llama-2-7b', 'a800-sxm', 'fp16', 1, 2048, 133),
  trtTtft('llama-2-70b', 'a800-sxm', 'fp16', 4, 128, 47),
  trtTtft('llama-2-70b', 'a800-sxm', 'fp16', 4, 2048, 377),
);

const ms = (s) => (s * 1e3).toFixed(s < 0.1 ? 2 : 1);
const pct = (x) => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}%`;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const errors = { peak: [], typical: [] };
const bySource = new Map();
console.log('| figure | published (ms) | peak (ms) | error | typical (ms) | error |');
console.log('|---|--:|--:|--:|--:|--:|');
for (const c of cases) {
  const peak = c.f('peak');
  const typical = c.f('typical');
  const [ep, et] = [peak / c.published - 1, typical / c.published - 1];
  errors.peak.push(Math.abs(ep));
  errors.typical.push(Math.abs(et));
  const src = bySource.get(c.source) ?? { peak: [], typical: [] };
  src.peak.push(Math.abs(ep));
  src.typical.push(Math.abs(et));
  bySource.set(c.source, src);
  console.log(`| ${c.what} | ${ms(c.published)} | ${ms(peak)} | ${pct(ep)} | ${ms(typical)} | ${pct(et)} |`);
}
console.log(`\nmedian |error|: peak ${(median(errors.peak) * 100).toFixed(1)}%, typical ${(median(errors.typical) * 100).toFixed(1)}% over ${String(cases.length)} figures`);
for (const [source, e] of bySource) console.log(`  ${source.slice(0, 40)}…: peak ${(median(e.peak) * 100).toFixed(1)}%, typical ${(median(e.typical) * 100).toFixed(1)}% over ${String(e.peak.length)}`);
console.log(`sources:\n- ${VLLM}\n- ${NIM}\n- ${TRT}`);
