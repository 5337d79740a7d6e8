/** generate's --chunk and speculative decoding flags as a user runs them: the JSON against its schema, and refusals. */
import { describe, expect, it } from 'vitest';
import { GenerateSchema } from '../../src/io/generate-schema.js';
import { cli } from '../helpers/cli.js';

const BASE = ['generate', '--model', 'llama-3.1-8b', '--hardware', 'h100-sxm', '--input', '2000', '--output', '128', '--batch', '1'];

function json(args: readonly string[]) {
  const r = cli([...BASE, ...args, '--format', 'json']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  return GenerateSchema.parse(JSON.parse(r.stdout)).runs[0]!;
}

describe('generate --chunk and speculative decoding', () => {
  it('--chunk 512: four chunks, TTFT above the one-pass prefill, decode unchanged', () => {
    const plain = json([]);
    const chunked = json(['--chunk', '512']);
    expect(chunked.prefillChunks).toEqual({ chunkTokens: 512, chunks: 4 });
    expect(chunked.ttftSeconds).toBeGreaterThan(plain.ttftSeconds);
    expect(chunked.tpotSeconds).toBe(plain.tpotSeconds);
    expect(plain.prefillChunks).toBeUndefined();
  });
  it('a draft model: the speculative block, the draft in the breakdown, a faster TPOT at a = 0.8', () => {
    const plain = json([]);
    const r = json(['--draft-model', 'paper/gqa-1b', '--draft-tokens', '4', '--acceptance', '0.8']);
    // E = 1 + 0.8 + 0.64 + 0.512 + 0.4096 = 3.3616; ⌈127 / 3.3616⌉ = 38 steps.
    expect(r.speculative).toMatchObject({ draft: 'paper/gqa-1b', draftTokens: 4, acceptance: 0.8, steps: 38 });
    expect(r.speculative!.tokensPerStep).toBeCloseTo(3.3616, 12);
    expect(r.breakdown.draft!.decode.gemm).toBeGreaterThan(0);
    expect(r.tpotSeconds!).toBeLessThan(plain.tpotSeconds!);
    expect(r.notes.some((n) => n.startsWith('speculative decoding: each step drafts k = 4 tokens'))).toBe(true);
  });
  it('--draft mtp on DeepSeek-V3', () => {
    const r = cli(['generate', '--model', 'hf/deepseek-v3', '--hardware', 'h100-sxm', '--tp', '8', '--input', '1000', '--output', '16', '--draft', 'mtp', '--draft-tokens', '1', '--acceptance', '0.85', '--format', 'json']);
    expect(r.stderr).toBe('');
    const run = GenerateSchema.parse(JSON.parse(r.stdout)).runs[0]!;
    expect(run.speculative).toMatchObject({ draft: 'mtp', draftTokens: 1, acceptance: 0.85, steps: 9 });
  });
});

describe('refusals: one line, exit 2', () => {
  it.each([
    [['--chunk', '0'], '--chunk: expected a positive integer (got "0")'],
    [['--draft-model', 'paper/gqa-1b', '--draft-tokens', '17', '--acceptance', '0.5'], '--draft-tokens: expected an integer from 1 to 16 (got "17")'],
    [['--draft-model', 'paper/gqa-1b', '--draft-tokens', '2.5', '--acceptance', '0.5'], '--draft-tokens: expected an integer from 1 to 16 (got "2.5")'],
    [['--draft-model', 'paper/gqa-1b', '--draft-tokens', '2', '--acceptance', '1.5'], '--acceptance: expected the probability that the target accepts a drafted token, from 0 to 1 (got "1.5")'],
    [['--draft-tokens', '2', '--acceptance', '0.5'], '--draft-model: speculative decoding needs a draft: --draft-model ID|FILE or --draft mtp (got neither)'],
    [['--draft-model', 'paper/gqa-1b', '--acceptance', '0.5'], '--draft-tokens: speculative decoding needs the tokens drafted per step, k (got none)'],
    [['--draft-model', 'paper/gqa-1b', '--draft-tokens', '2'], '--acceptance: speculative decoding needs the acceptance rate of a drafted token, a (got none)'],
    [['--draft', 'mtp', '--draft-model', 'paper/gqa-1b', '--draft-tokens', '2', '--acceptance', '0.5'], '--draft: --draft-model and --draft name the draft twice; give one (got --draft-model paper/gqa-1b, --draft mtp)'],
    [['--draft', 'mtp', '--draft-tokens', '2', '--acceptance', '0.5'], '--draft: llama-3.1-8b has no multi-token-prediction module (its config has no mtp field; expected a model with one, e.g. hf/deepseek-v3)'],
    [['--draft', 'eagle', '--draft-tokens', '2', '--acceptance', '0.5'], '--draft: expected mtp, the target\'s multi-token-prediction module (got "eagle"; a separate draft model is --draft-model)'],
  ] as const)('%j', (args, message) => {
    const r = cli([...BASE, ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`${message}\n`);
  });
});

describe('a draft model must share the target\'s vocabulary', () => {
  it('llama-2-7b (32,000 tokens) with paper/gqa-1b (128,256) is refused: its drafts are not the target\'s tokens', () => {
    const r = cli(['generate', '--model', 'llama-2-7b', '--hardware', 'h100-sxm', '--input', '64', '--output', '4', '--draft-model', 'paper/gqa-1b', '--draft-tokens', '2', '--acceptance', '0.5']);
    expect(r.stderr).toBe('--draft-model: paper/gqa-1b has a vocabulary of 128256 tokens and llama-2-7b one of 32000; a draft proposes the target\'s tokens (expected a draft with the same vocabulary size)\n');
    expect(r.status).toBe(2);
  });
});

describe('LLM-Viewer has no multi-query decode pass', () => {
  // Its decode counts dense T·K pairs (a chunk of 512 after 1,536 cached: 1,048,576 pairs, not the causal 917,760)
  // and one row of logits whatever T, so chunks came out faster than its own prefill, and verifications cheap.
  it.each([
    [['--chunk', '512'], '--cost-model: llm-viewer costs one query per decode pass, with dense pairs and one row of logits, so --chunk cannot be costed (expected --cost-model exact)'],
    [['--draft-model', 'paper/gqa-1b', '--draft-tokens', '4', '--acceptance', '0.8'], '--cost-model: llm-viewer costs one query per decode pass, with dense pairs and one row of logits, so --draft-model cannot be costed (expected --cost-model exact)'],
  ] as const)('%j is refused', (args, message) => {
    const r = cli([...BASE, '--cost-model', 'llm-viewer', ...args]);
    expect(r.stderr).toBe(`${message}\n`);
    expect(r.status).toBe(2);
  });
});
