/** The calibration loop: rounds, the time budget, progress. */
import { afterAll, describe, expect, it } from 'vitest';
import { calibrate, calibrator } from '../../src/kernel/calibrate.js';
import { createFastBackend } from '../../src/kernel/fast/index.js';
import { MemoryShortfall } from '../../src/kernel/memory.js';
import { POOL_PROBES } from '../../src/kernel/probe-plan.js';

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
    // No cache, no machine figure and no limit given: the 64 MiB pool, nothing capped.
    expect(c.poolBytes).toBe(2 ** 26);
    expect(c.caps).toEqual([]);
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

  it('under a memory limit, a 256 MiB cache gets a smaller pool, only the working sets that fit, and the caps listed', () => {
    const MiB = 2 ** 20;
    const heard: string[] = [];
    // The probes with buffers of their own take about 300 MiB; 512 MiB leaves the pool about 200, not the 512 wanted.
    const c = calibrator(backend, 2, { cacheBytes: 256 * MiB, limitBytes: 512 * MiB }, (what) => heard.push(what));
    c.round();
    const r = c.result();
    expect(r.poolBytes).toBeGreaterThanOrEqual(64 * MiB);
    expect(r.poolBytes).toBeLessThan(256 * MiB);
    expect(r.poolBytes % MiB).toBe(0);
    const wanted = [32, 64, 96, 128, 192, 256, 384, 512].map((m) => m * MiB);
    expect(r.cache?.bytes).toBe(256 * MiB);
    expect(r.cache?.workingSet.map((w) => w.bytes)).toEqual(wanted.filter((b) => b <= r.poolBytes));
    expect(r.cache?.workingSet.every((w) => w.rate.median > 0)).toBe(true);
    expect(r.caps).toEqual([
      { probe: POOL_PROBES.coldStream, wantedBytes: 512 * MiB, usedBytes: r.poolBytes, limitedBy: 'limit' },
      { probe: POOL_PROBES.kvStream, wantedBytes: 512 * MiB, usedBytes: r.poolBytes, limitedBy: 'limit' },
      ...wanted.filter((b) => b > r.poolBytes).map((b) => ({ probe: `weight streaming, ${String(b / MiB)} MiB read again and again`, wantedBytes: b, usedBytes: 0, limitedBy: 'limit' })),
    ]);
    // The skipped working sets are not run at all.
    expect(heard.some((w) => w.startsWith('weight streaming, 512 MiB'))).toBe(false);
    expect(r.kvStreamBytesPerSecond.median).toBeGreaterThan(0);
  });

  it('refuses with the figures when the limit leaves no room for even the smallest pool', () => {
    let refused: unknown;
    try {
      calibrator(backend, 2, { cacheBytes: 32 * 2 ** 20, limitBytes: 100 * 2 ** 20 });
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(MemoryShortfall);
    expect((refused as Error).message).toMatch(/^calibration does not fit: it needs [\d.]+ MiB in the kernel engine, which has [\d.]+ GiB left \(a WebAssembly memory holds at most 4 GiB\), and [\d.]+ MiB in all, where the memory limit set allows 100 MiB$/);
  });
});
