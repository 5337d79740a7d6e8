/** --attention on the commands that take a model, and the checkpoint's weight width as the default of --bits. */
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../src/core/model-config.js';
import { UserError } from '../../src/io/errors.js';
import { loadModel } from '../../src/io/load-model.js';
import { buildProgram } from '../../src/cli/main.js';
import { bitsFrom } from '../../src/cli/options.js';
import { gridFrom, type SweepOptions } from '../../src/cli/sweep.js';
import { userErrorMessage } from '../helpers/errors.js';

const MISSING = '--attention: gta is missing headDim, queryHeads, keyHeads, valueHeads, valueDim (expected key=value for each)';

/** The message of the UserError that running `args` ends with. */
async function failure(args: string[]): Promise<string> {
  const e = await buildProgram().parseAsync(args, { from: 'user' }).then(() => undefined, (x: unknown) => x);
  expect(e).toBeInstanceOf(UserError);
  return (e as UserError).message;
}

describe('--attention on the command line', () => {
  it.each([
    ['analyze', ['analyze']],
    ['sweep', ['sweep']],
    ['compare', ['compare', '--model', 'llama-2-7b,llama-3.1-8b']],
    ['run', ['run', '--hardware', 'h100-sxm']],
  ])('%s reads it and refuses a half-given design by name', async (_name, args) => {
    expect(await failure([...args, '--attention', 'gta:heads=32'])).toBe(MISSING);
  });

  it('compare refuses it in baseline mode, where the files name their models', async () => {
    expect(await failure(['compare', '--baseline', 'a.json', '--candidate', 'b.json', '--attention', 'mha:heads=32,headDim=128'])).toBe('--attention: only in side-by-side mode, not with --baseline/--candidate (the files name their models)');
  });

  const options = (patch: Partial<SweepOptions>): SweepOptions => ({ model: 'llama-2-7b', hardware: 'h100-sxm', phase: 'decode', batch: '1', seq: '2048', context: '2048', pairs: 'causal', costModel: 'exact', scope: 'model', format: 'json', ...patch });
  const GQA = 'gqa:heads=32,kvHeads=8,headDim=128';

  it('sweep puts the swap in place of each model; compare puts it right after each, so ratios are to the original', () => {
    expect(gridFrom(options({ attention: GQA })).grid.models.map((m) => m.id)).toEqual(['llama-2-7b+gqa']);
    expect(gridFrom(options({ model: 'llama-2-7b,paper/gta-1b', attention: 'gqa:heads=20,kvHeads=4,headDim=64' }), true).grid.models.map((m) => m.id)).toEqual(['llama-2-7b', 'llama-2-7b+gqa', 'paper/gta-1b', 'paper/gta-1b+gqa']);
  });
});

describe('the weight width of a checkpoint', () => {
  const plain = loadModel('llama-2-7b');
  const w8 = loadModel('examples/moe-small');
  const w4: ModelConfig = { ...plain, id: 'w4', weightBits: 4 };

  it('is the default weight width; activations and the cache keep the default 16', () => {
    expect(bitsFrom({}, [w8])).toEqual([{ weight: 8, activation: 16, kv: 16 }]);
    expect(bitsFrom({}, [plain])).toEqual([{ weight: 16, activation: 16, kv: 16 }]);
    expect(gridFrom({ model: 'examples/moe-small', hardware: 'h100-sxm', phase: 'decode', batch: '1', seq: '1', context: '1', pairs: 'causal', costModel: 'exact', scope: 'model', format: 'json' }).grid.bits).toEqual([{ weight: 8, activation: 16, kv: 16 }]);
  });

  it('yields to --bits and --weight-bits; the other width flags keep it', () => {
    expect(bitsFrom({ bits: 'w16a16kv16' }, [w8])).toEqual([{ weight: 16, activation: 16, kv: 16 }]);
    expect(bitsFrom({ weightBits: '4' }, [w8])).toEqual([{ weight: 4, activation: 16, kv: 16 }]);
    expect(bitsFrom({ actBits: '8', kvBits: '8' }, [w8])).toEqual([{ weight: 8, activation: 8, kv: 8 }]);
    expect(bitsFrom({ bits: 'w16a16kv16,w4a16kv8' }, [w8], true)).toEqual([{ weight: 16, activation: 16, kv: 16 }, { weight: 4, activation: 16, kv: 8 }]);
  });

  it('models that ship different widths need --bits or --weight-bits', () => {
    expect(userErrorMessage(() => bitsFrom({}, [w8, plain, w4]))).toBe("--bits: the models' checkpoints ship different weight widths (examples/moe-small 8, llama-2-7b 16 (default), w4 4); give --bits or --weight-bits");
    expect(bitsFrom({}, [w8, { ...w4, weightBits: 8 }])).toEqual([{ weight: 8, activation: 16, kv: 16 }]);
    expect(bitsFrom({ weightBits: '16' }, [w8, plain])).toEqual([{ weight: 16, activation: 16, kv: 16 }]);
  });
});

describe('--mtp and --moe-imbalance on the command line', () => {
  it('--mtp needs a model with a multi-token-prediction module', async () => {
    expect(await failure(['analyze', '--model', 'llama-2-7b', '--mtp'])).toBe('--mtp: llama-2-7b has no multi-token-prediction module (only a model whose file gives mtp, such as DeepSeek-V3, has one)');
  });

  it.each(['0', '0.5', 'nan', 'x', '1e7', ''])('--moe-imbalance %j is refused with the range', async (g) => {
    expect(await failure(['analyze', '--model', 'hf/mixtral-8x7b', '--moe-imbalance', g])).toBe(`--moe-imbalance: expected a number from 1 (uniform routing) to 1000000 (got "${g}")`);
  });
});
