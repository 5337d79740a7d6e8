import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_LIMITS } from '../../src/core/limits.js';
import { loadModel, modelIds, parseModelFile } from '../../src/io/load-model.js';
import { looksLikeHfConfig } from '../../src/io/hf-config.js';
import { fileOfConfig } from '../../src/io/model-file.js';
import { ROOT } from '../helpers/cli.js';
import { thrownUserError } from '../helpers/errors.js';

const gqa = { kind: 'gqa', heads: 16, kvHeads: 4, headDim: 64, qkvBias: false, outBias: false };
const moe = { kind: 'moe', experts: 64, expertsPerToken: 6, expertIntermediateSize: 352 };
const layered = { name: 'm', layers: 4, hiddenSize: 1024, vocabSize: 1000, tiedEmbeddings: false, attention: gqa, blocks: [{ count: 1, mlp: { kind: 'dense', intermediateSize: 2816 } }, { count: 3, mlp: moe }] };

/** [field, detail] of the error a model file gives. */
const problem = (json: unknown): [string, string] => {
  const e = thrownUserError(() => parseModelFile(json, 'm.json', 'm'));
  expect(e.source).toBe('m.json');
  return [e.field, e.detail];
};
const withBlock = (i: number, patch: Record<string, unknown>): unknown => ({ ...layered, blocks: layered.blocks.map((b, j) => (j === i ? { ...b, ...patch } : b)) });
const withMoe = (patch: Record<string, unknown>): unknown => withBlock(1, { mlp: { ...moe, ...patch } });

describe('the flat form (every file written before layers could differ)', () => {
  it('is one run of dense SwiGLU layers with full attention and two norms; q/k norms default off', () => {
    const m = loadModel('llama-2-7b');
    expect(m.blocks).toEqual([{ count: 32, layer: { mlp: { kind: 'dense', intermediateSize: 11008, bias: false, activation: 'silu' }, window: 0, norms: 2 } }]);
    expect(m.attention).toEqual({ kind: 'mha', heads: 32, headDim: 128, qkvBias: false, outBias: false, qkNorm: false });
    expect([m.logitSoftcap, m.attentionSinks, m.mtp, m.weightBits]).toEqual([false, false, undefined, undefined]);
  });

  const ownFormat = modelIds().filter((id) => !looksLikeHfConfig(JSON.parse(readFileSync(join(ROOT, 'configs', `${id}.json`), 'utf8'))));
  const hfFormat = modelIds().filter((id) => !ownFormat.includes(id));

  it.each(hfFormat)('%s (a Hugging Face config.json) prints as a model file that loads as the same model', (id) => {
    // Everything but the list of ignored config.json fields, which only the import knows.
    const m = loadModel(id);
    expect(parseModelFile(fileOfConfig(m), 'out.json', id)).toEqual({ ...m, ignoredFields: undefined });
  });

  it.each(ownFormat)('%s loads, prints back in its own form and round-trips', (id) => {
    const m = loadModel(id);
    const out = fileOfConfig(m);
    const written = JSON.parse(readFileSync(join(ROOT, 'configs', `${id}.json`), 'utf8')) as Record<string, unknown>;
    // What the file gave is printed back as given (defaults are added, nothing is moved between forms).
    for (const [key, value] of Object.entries(written)) if (key !== '$schema' && key !== 'attention' && key !== 'blocks' && key !== 'mtp') expect(out[key as keyof typeof out]).toEqual(value);
    expect('blocks' in written).toBe('blocks' in out);
    expect(parseModelFile(out, 'out.json', id)).toEqual(m);
  });
});

describe('the layered form', () => {
  it('fills the documented defaults of each block', () => {
    const m = parseModelFile(layered, 'm.json', 'm');
    expect(m.blocks).toEqual([
      { count: 1, layer: { mlp: { kind: 'dense', intermediateSize: 2816, bias: false, activation: 'silu' }, window: 0, norms: 2 } },
      { count: 3, layer: { mlp: { ...moe, sharedExperts: 0, sharedIntermediateSize: 0, sharedGate: false, routerBias: false, expertBias: false, activation: 'silu' }, window: 0, norms: 2 } },
    ]);
  });

  it('reads the MoE example: 1 dense + 11 MoE layers, one MTP module, 8-bit checkpoint', () => {
    const m = loadModel('examples/moe-small');
    expect(m.blocks.map((r) => [r.count, r.layer.mlp.kind])).toEqual([[1, 'dense'], [11, 'moe']]);
    expect(m.mtp?.count).toBe(1);
    expect(m.weightBits).toBe(8);
  });

  it('reads the windowed example: 5 windowed + 1 full, twice, all with four norms and GeGLU', () => {
    const m = loadModel('examples/windowed-gqa');
    expect(m.blocks.map((r) => [r.count, r.layer.window, r.layer.norms, r.layer.mlp.kind === 'dense' ? r.layer.mlp.activation : ''])).toEqual([[5, 512, 4, 'gelu'], [1, 0, 4, 'gelu'], [5, 512, 4, 'gelu'], [1, 0, 4, 'gelu']]);
    expect(m.attention.kind === 'gqa' && m.attention.qkNorm).toBe(true);
  });

  it('a single run the flat form cannot say (a window) prints back layered', () => {
    const m = parseModelFile({ ...layered, layers: 2, blocks: [{ count: 2, mlp: { kind: 'dense', intermediateSize: 64 }, window: 8 }] }, 'm.json', 'm');
    const out = fileOfConfig(m);
    expect([out.intermediateSize, out.blocks?.[0]?.window]).toEqual([undefined, 8]);
    expect(parseModelFile(out, 'o.json', 'm')).toEqual(m);
  });

  it('carries soft-capping, sinks, MTP and the weight width', () => {
    const m = parseModelFile({ ...layered, logitSoftcap: true, attentionSinks: true, mtp: { count: 1, mlp: moe, norms: 4 }, weightBits: 4 }, 'm.json', 'm');
    expect([m.logitSoftcap, m.attentionSinks, m.mtp?.layer.norms, m.weightBits]).toEqual([true, true, 4, 4]);
    expect(parseModelFile(fileOfConfig(m), 'o.json', 'm')).toEqual(m);
  });
});

describe('format errors name the field', () => {
  const noMlp: Record<string, unknown> = { ...layered, blocks: undefined };
  it.each<[string, unknown, [string, string]]>([
    ['both forms', { ...layered, intermediateSize: 64 }, ['blocks', 'give either intermediateSize (every layer dense) or blocks (runs of layers), not both (got both)']],
    ['neither form', noMlp, ['intermediateSize', 'required field is missing (expected intermediateSize for a model whose layers are all dense, or blocks for runs of layers)']],
    ['mlpBias with blocks', { ...layered, mlpBias: true }, ['mlpBias', 'only with intermediateSize; with blocks, set blocks.N.mlp.bias (got true)']],
    ['counts short of layers', { ...layered, layers: 5 }, ['blocks', 'layer counts must add up to layers (got 4, expected 5)']],
    ['counts past layers', { ...layered, layers: 3 }, ['blocks', 'layer counts must add up to layers (got 4, expected 3)']],
    ['k above E', withMoe({ expertsPerToken: 65 }), ['blocks.1.mlp.expertsPerToken', 'must be at most experts (got 65, expected at most 64)']],
    ['shared experts without a size', withMoe({ sharedExperts: 1 }), ['blocks.1.mlp.sharedIntermediateSize', 'must be positive when sharedExperts is 1 (got 0)']],
    ['a shared size without shared experts', withMoe({ sharedIntermediateSize: 128 }), ['blocks.1.mlp.sharedIntermediateSize', 'must be 0 when sharedExperts is 0 (got 128)']],
    ['a shared gate without shared experts', withMoe({ sharedGate: true }), ['blocks.1.mlp.sharedGate', 'gates shared experts, but sharedExperts is 0 (got true, expected false)']],
    ['too many experts', withMoe({ experts: MODEL_LIMITS.experts.max + 1 }), ['blocks.1.mlp.experts', 'must be at most 16384 experts (got 16385)']],
    ['an expert too wide', withMoe({ expertIntermediateSize: MODEL_LIMITS.intermediateSize.max + 1 }), ['blocks.1.mlp.expertIntermediateSize', 'must be at most 1048576 elements (got 1048577)']],
    ['a window past the limit', withBlock(0, { window: MODEL_LIMITS.window.max + 1 }), ['blocks.0.window', 'must be at most 16777216 tokens (got 16777217)']],
    ['a negative window', withBlock(0, { window: -1 }), ['blocks.0.window', 'Too small: expected number to be >=0 (got -1)']],
    ['three norms', withBlock(0, { norms: 3 }), ['blocks.0.norms', 'Invalid option: expected one of 2|4 (got 3)']],
    ['a typo in an MLP', withMoe({ expert: 8 }), ['blocks.1.mlp.expert', 'unknown field (check the spelling; see the schema for allowed fields)']],
    ['an unknown MLP kind', withBlock(0, { mlp: { kind: 'rwkv' } }), ['blocks.0.mlp.kind', 'Invalid discriminator value. Expected \'dense\' | \'moe\' (got "rwkv")']],
    ['an empty block list', { ...layered, blocks: [] }, ['blocks', 'Too small: expected array to have >=1 items (got [])']],
    ['a zero count', withBlock(0, { count: 0 }), ['blocks.0.count', 'Too small: expected number to be >0 (got 0)']],
    ['MTP k above E', { ...layered, mtp: { count: 1, mlp: { ...moe, expertsPerToken: 99 } } }, ['mtp.mlp.expertsPerToken', 'must be at most experts (got 99, expected at most 64)']],
    ['too many MTP modules', { ...layered, mtp: { count: 65, mlp: moe } }, ['mtp.count', 'must be at most 64 modules (got 65)']],
    ['a weight width that is no width', { ...layered, weightBits: 6 }, ['weightBits', 'Invalid option: expected one of 4|8|16|32 (got 6)']],
    ['q/k norm on MLA', { ...layered, attention: { kind: 'mla', heads: 4, qLoraRank: 0, kvLoraRank: 16, qkNopeHeadDim: 16, qkRopeHeadDim: 8, vHeadDim: 16, qkNorm: true } }, ['attention.qkNorm', 'unknown field (check the spelling; see the schema for allowed fields)']],
  ])('%s', (_name, json, expected) => {
    expect(problem(json)).toEqual(expected);
  });

  it('the flat form names its intermediate size at the top, as the file does', () => {
    expect(problem({ ...noMlp, intermediateSize: MODEL_LIMITS.intermediateSize.max + 1 })).toEqual(['intermediateSize', 'must be at most 1048576 elements (got 1048577)']);
  });
});
