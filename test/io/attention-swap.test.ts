import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readAttentionSwap, swapAttention } from '../../src/io/attention-swap.js';
import { loadModel } from '../../src/io/load-model.js';
import { userErrorMessage } from '../helpers/errors.js';

// Llama-2-7B: hidden 4096 = 32 heads × 128. A GTA with 8 query heads and latent values of 256 expands e = 2.
const llama = loadModel('llama-2-7b');
const GTA = 'gta:heads=32,headDim=128,queryHeads=8,keyHeads=2,valueHeads=2,valueDim=256';
const swapped = (spec: string) => swapAttention(llama, readAttentionSwap(spec));
const dir = mkdtempSync(join(tmpdir(), 'llmr-swap-'));
const file = (name: string, json: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
};

describe('inline --attention', () => {
  it('replaces the attention of every layer and suffixes id and name; the rest of the model stays', () => {
    const m = swapped(GTA);
    expect(m.attention).toEqual({ kind: 'gta', heads: 32, headDim: 128, queryHeads: 8, keyHeads: 2, valueHeads: 2, valueDim: 256, bias: true, decoder: true, gate: true });
    expect([m.id, m.name]).toEqual(['llama-2-7b+gta', 'Llama-2-7B+gta']);
    expect({ ...m, id: llama.id, name: llama.name, attention: llama.attention }).toEqual(llama);
  });

  it('reads true and false as booleans and leaves the flags not given at their documented defaults', () => {
    expect(swapped('gqa:heads=32,kvHeads=8,headDim=128,qkNorm=true,outBias=true').attention).toEqual({ kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128, qkvBias: false, outBias: true, qkNorm: true });
    expect(swapped(`${GTA},bias=false,gate=false`).attention).toMatchObject({ bias: false, decoder: true, gate: false });
  });

  it('swapping in the attention a model already has changes nothing but its name', () => {
    const m = swapped('mha:heads=32,headDim=128');
    expect(m.attention).toEqual(llama.attention);
  });

  it('takes MLA, whose zero-allowed ranks may be 0', () => {
    expect(swapped('mla:heads=32,qLoraRank=0,kvLoraRank=512,qkNopeHeadDim=128,qkRopeHeadDim=64,vHeadDim=128').attention).toMatchObject({ kind: 'mla', qLoraRank: 0 });
  });

  it.each([
    ['gta:heads=32', '--attention: gta is missing headDim, queryHeads, keyHeads, valueHeads, valueDim (expected key=value for each)'],
    ['gqa:', '--attention: gqa is missing heads, kvHeads, headDim (expected key=value for each)'],
    ['moe:experts=8', '--attention: unknown attention kind "moe" (expected one of mha, gqa, mla, gta)'],
    ['gta', '--attention: expected kind:key=value,… with kind one of mha, gqa, mla, gta, e.g. gqa:heads=32,kvHeads=8,headDim=128, or a path to a .json file with { "attention": { … } } (got "gta")'],
    ['gqa:heads=32,,kvHeads=8', '--attention: expected key=value items separated by commas (got "")'],
    ['gqa:heads', '--attention: expected key=value items separated by commas (got "heads")'],
    ['gqa:heads=32,heads=16,kvHeads=8,headDim=128', '--attention: heads: given twice (got "heads=16")'],
    ['gqa:heads=32,kvheads=8,kvHeads=8,headDim=128', '--attention: kvheads: unknown field (check the spelling; see the schema for allowed fields)'],
    ['gqa:heads=x,kvHeads=8,headDim=128', '--attention: heads: Invalid input: expected number, received string (got "x")'],
    ['gqa:heads=0,kvHeads=8,headDim=128', '--attention: heads: Too small: expected number to be >0 (got 0)'],
    ['gqa:heads=32,kvHeads=8,headDim=128,qkNorm=yes', '--attention: qkNorm: Invalid input: expected boolean, received string (got "yes")'],
    // Assigned to a plain object, "__proto__" set the prototype instead of a field, so the key passed unchecked.
    ['gqa:heads=32,kvHeads=8,headDim=128,__proto__=1', '--attention: __proto__: unknown field (check the spelling; see the schema for allowed fields)'],
  ])('%s is refused', (spec, message) => {
    expect(userErrorMessage(() => readAttentionSwap(spec))).toBe(message);
  });

  it.each([
    ['gqa:heads=32,kvHeads=5,headDim=128', '--attention: kvHeads: must divide heads (got kvHeads 5, heads 32)'],
    ['gta:heads=16,headDim=128,queryHeads=8,keyHeads=2,valueHeads=2,valueDim=256', '--attention: heads: heads × headDim must equal hiddenSize (got 16 × 128 = 2048, hiddenSize 4096)'],
    ['gqa:heads=32,kvHeads=8,headDim=16385', '--attention: headDim: must be at most 16384 elements (got 16385)'],
  ])('%s breaks a model rule, named by flag and field', (spec, message) => {
    expect(userErrorMessage(() => swapped(spec))).toBe(message);
  });
});

describe('--attention FILE', () => {
  it('takes the attention of an overlay file, defaults as in a model file', () => {
    const m = swapped(file('gqa.json', { attention: { kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128, qkvBias: false, outBias: false } }));
    expect([m.id, m.attention]).toEqual(['llama-2-7b+gqa', { kind: 'gqa', heads: 32, kvHeads: 8, headDim: 128, qkvBias: false, outBias: false, qkNorm: false }]);
  });

  it('given to --model, an overlay says what it is', () => {
    const overlay = file('overlay.json', { attention: { kind: 'mha', heads: 32, headDim: 128, qkvBias: false, outBias: false } });
    expect(userErrorMessage(() => loadModel(overlay))).toBe(`${overlay}: this is an attention overlay (for --attention), expected a model config or a Hugging Face config.json`);
  });

  it('names the file and the field of a problem', () => {
    const whole = file('whole.json', { name: 'x', attention: { kind: 'mha', heads: 32, headDim: 128, qkvBias: false, outBias: false } });
    expect(userErrorMessage(() => readAttentionSwap(whole))).toBe(`${whole}: name: unknown field (check the spelling; see the schema for allowed fields)`);
    const model = file('model.json', { name: 'x', hiddenSize: 64, attention: {} });
    expect(userErrorMessage(() => readAttentionSwap(model))).toBe(`${model}: this is a model config (for --model), expected a file with { "attention": { … } } and nothing else`);
    const noBias = file('gta.json', { attention: { kind: 'gta', heads: 32, headDim: 128, queryHeads: 8, keyHeads: 2, valueHeads: 2, valueDim: 256 } });
    expect(userErrorMessage(() => readAttentionSwap(noBias))).toBe(`${noBias}: attention.bias: required field is missing`);
    const groups = file('groups.json', { attention: { kind: 'gqa', heads: 32, kvHeads: 5, headDim: 128, qkvBias: false, outBias: false } });
    expect(userErrorMessage(() => swapped(groups))).toBe(`${groups}: attention.kvHeads: must divide heads (got kvHeads 5, heads 32)`);
  });
});
