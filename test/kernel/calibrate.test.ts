/** The calibration loop: rounds, the time budget, progress. */
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate, calibrator } from '../../src/kernel/calibrate.js';
import { createFastBackend } from '../../src/kernel/fast/index.js';

const backend = await createFastBackend({ threads: 2 });
afterAll(() => { backend.dispose(); });

describe('calibrate', () => {
  it('starts no round past its time budget, but always runs one, and says how many ran', () => {
    const calls: [number, number, string][] = [];
    // 50 rounds would take about a minute; a budget of zero seconds stops after the first.
    const c = calibrate(backend, 2, 50, (done, total, what) => calls.push([done, total, what]), undefined, 0);
    const figures = [c.gemmFlopPerSecond, c.readBytesPerSecond, c.expPerSecond, c.operatorOverheadSeconds, c.fewRowGemmFlopPerSecond, c.kvStreamBytesPerSecond, c.fewRowGemmCachedFlopPerSecond,
      ...c.gemmGrid.map((g) => g.rate), ...c.attentionPrefillGrid.map((g) => g.rate), ...c.attentionDecodeGrid.map((g) => g.rate)];
    expect(figures.every((m) => m.runs === 1 && m.median > 0 && m.min === m.median && m.max === m.median)).toBe(true);
    expect(c.cache).toBeUndefined();
    // Progress counts up to a final (total, total, 'done'), even when the budget cut the rounds short.
    const last = calls.at(-1)!;
    expect(last[0]).toBe(last[1]);
    expect(last[2]).toBe('done');
    expect(calls.slice(0, -1).every(([done], i) => done === i)).toBe(true);
  });

  it('a calibrator runs its probes round by round, each figure the median of the rounds so far', () => {
    const warmed: [string, number][] = [];
    const c = calibrator(backend, 2, undefined, (what, probes) => warmed.push([what, probes]));
    // Every probe warmed up once, each told the number of probes per round.
    expect(warmed.length).toBe(c.probes);
    expect(warmed.every(([what, probes]) => what.endsWith('(warm-up)') && probes === c.probes)).toBe(true);
    expect(() => c.result()).toThrow(/no round/);
    const heard: string[] = [];
    c.round((what) => heard.push(what));
    c.round();
    expect(heard).toEqual(warmed.map(([what]) => what.replace(' (warm-up)', '')));
    expect(c.rounds).toBe(2);
    const r = c.result();
    expect([r.gemmFlopPerSecond, r.operatorOverheadSeconds, ...r.attentionDecodeGrid.map((g) => g.rate)].every((m) => m.runs === 2 && m.min <= m.median && m.median <= m.max)).toBe(true);
  });
});
