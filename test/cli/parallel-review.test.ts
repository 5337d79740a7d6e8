/** Findings of a hostile review of the parallelism flags, as a user runs them: refusals of settings that do nothing. */
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

describe('--overlap without collectives', () => {
  it('is refused with data parallelism alone, which sends nothing (analyze and sweep)', () => {
    for (const args of [['analyze', '--model', 'llama-2-7b', '--dp', '4', '--overlap'], ['sweep', '--model', 'llama-2-7b', '--dp', '1,4', '--overlap']]) {
      const r = cli(args);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).toBe('--overlap: needs the model split over devices (--tp, --pp or --ep)');
    }
  });

  it('is kept with data parallelism beside a split', () => {
    expect(cli(['analyze', '--model', 'llama-2-7b', '--dp', '4', '--tp', '2', '--overlap']).status).toBe(0);
    expect(cli(['sweep', '--model', 'llama-2-7b', '--dp', '4', '--tp', '1,2', '--overlap']).status).toBe(0);
  });
});
