/**
 * Sizing calibration's memory probes: twice the cache when there is room, capped by the engine, the machine or the
 * user's limit, and every cap listed. Expected sizes are worked by hand from the rule: pool = max(64 MiB, 2 · cache),
 * else the lowest bound in whole MiB; working sets (1/8 … 2 of the cache) only where they fit in the pool.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { POOL_PROBES, probePlan, SMALLEST_POOL_BYTES, wantedPoolBytes, WORKING_SET_STEPS, workingSetProbe } from '../../src/kernel/probe-plan.js';
import { checkFits, MemoryShortfall, usableMachineBytes } from '../../src/kernel/memory.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** Room a fresh engine leaves for the pool after the other probes (about 300 MiB) and its work buffers. */
const ENGINE = 4 * GiB - 400 * MiB;

describe('probePlan', () => {
  it('a 32 MiB L3 with room to spare: as before the caps, a 64 MiB pool and working sets of 4 … 64 MiB, no cap', () => {
    const p = probePlan(32 * MiB, { engine: ENGINE, machine: usableMachineBytes(8 * GiB) });
    expect(p).toEqual({ poolBytes: 64 * MiB, workingSets: [4, 8, 12, 16, 24, 32, 48, 64].map((m) => m * MiB), caps: [] });
  });

  it('no cache reported: the 64 MiB pool, no working sets, no cap', () => {
    expect(probePlan(undefined, { engine: ENGINE })).toEqual({ poolBytes: 64 * MiB, workingSets: [], caps: [] });
  });

  it('a 480 MiB L3 (the server Xeon): one 960 MiB pool fits the engine, all eight working sets measured', () => {
    // Before, the probes took 6.5 · 480 (working sets) + 2 · 960 (cold pool, KV stream) = 5040 MiB, past 4 GiB.
    const p = probePlan(480 * MiB, { engine: ENGINE, machine: usableMachineBytes(16 * GiB) });
    expect(p?.poolBytes).toBe(960 * MiB);
    expect(p?.workingSets).toEqual([60, 120, 180, 240, 360, 480, 720, 960].map((m) => m * MiB));
    expect(p?.caps).toEqual([]);
  });

  it('a 1 GiB L3 (3D V-Cache) beside validate\'s largest point: the engine caps the pool at 1.6 GiB, the 2 GiB working set is not run', () => {
    const engine = 1.6 * GiB + 123; // whole MiB: 1638 MiB
    const p = probePlan(GiB, { engine, machine: 6 * GiB });
    expect(p?.poolBytes).toBe(1638 * MiB);
    expect(p?.workingSets).toEqual([128, 256, 384, 512, 768, 1024, 1536].map((m) => m * MiB));
    expect(p?.caps).toEqual([
      { probe: POOL_PROBES.coldStream, wantedBytes: 2 * GiB, usedBytes: 1638 * MiB, limitedBy: 'engine' },
      { probe: POOL_PROBES.kvStream, wantedBytes: 2 * GiB, usedBytes: 1638 * MiB, limitedBy: 'engine' },
      { probe: 'weight streaming, 2 GiB read again and again', wantedBytes: 2 * GiB, usedBytes: 0, limitedBy: 'engine' },
    ]);
  });

  it('a 64 GiB "cache" on a machine with 2 GiB to spare: the machine caps the pool at 2 GiB, no working set fits', () => {
    const p = probePlan(64 * GiB, { engine: ENGINE, machine: 2 * GiB });
    expect(p?.poolBytes).toBe(2 * GiB);
    expect(p?.workingSets).toEqual([]);
    expect(p?.caps.map((c) => [c.probe, c.wantedBytes, c.usedBytes, c.limitedBy])).toEqual([
      [POOL_PROBES.coldStream, 128 * GiB, 2 * GiB, 'machine'],
      [POOL_PROBES.kvStream, 128 * GiB, 2 * GiB, 'machine'],
      ...[8, 16, 24, 32, 48, 64, 96, 128].map((g) => [`weight streaming, ${String(g)} GiB read again and again`, g * GiB, 0, 'machine']),
    ]);
  });

  it('the user\'s limit binds when it is the lowest; ties go to the engine', () => {
    expect(probePlan(32 * MiB, { engine: ENGINE, machine: GiB, limit: 40 * MiB + 5 })?.caps[0]).toEqual({ probe: POOL_PROBES.coldStream, wantedBytes: 64 * MiB, usedBytes: 40 * MiB, limitedBy: 'limit' });
    expect(probePlan(undefined, { engine: 50 * MiB, machine: 50 * MiB, limit: 50 * MiB })?.caps[0]?.limitedBy).toBe('engine');
  });

  it('refuses (undefined) when not even the largest cold-stream matrix fits: 8 GiB of RAM with 20 MiB free', () => {
    expect(probePlan(32 * MiB, { engine: ENGINE, machine: usableMachineBytes(20 * MiB) })).toBeUndefined();
    expect(probePlan(32 * MiB, { engine: SMALLEST_POOL_BYTES })?.poolBytes).toBe(16 * MiB);
  });

  it('for any cache and room: the pool stays under every bound, each working set is measured or listed as capped, and a cap is listed exactly when the pool is short', () => {
    const bytes = fc.integer({ min: 1, max: 2 ** 40 });
    fc.assert(fc.property(fc.option(bytes, { nil: undefined }), fc.option(bytes, { nil: undefined }), fc.option(bytes, { nil: undefined }), fc.option(bytes, { nil: undefined }), (cache, engine, machine, limit) => {
      const p = probePlan(cache, { engine, machine, limit });
      const bounds = [engine, machine, limit].filter((b) => b !== undefined);
      if (p === undefined) return bounds.some((b) => b < SMALLEST_POOL_BYTES + MiB);
      const wanted = wantedPoolBytes(cache);
      const capped = p.poolBytes < wanted;
      const skipped = p.caps.filter((c) => c.usedBytes === 0).map((c) => c.wantedBytes);
      return p.poolBytes <= wanted && bounds.every((b) => p.poolBytes <= b) && p.workingSets.every((w) => w <= p.poolBytes)
        && p.workingSets.length + skipped.length === (cache === undefined ? 0 : WORKING_SET_STEPS.length)
        && (p.caps.length > 0) === capped && (!capped || p.poolBytes % MiB === 0);
    }));
  });

  it('names working sets in the largest binary unit', () => {
    expect(workingSetProbe(60 * MiB)).toBe('weight streaming, 60 MiB read again and again');
    expect(workingSetProbe(1.5 * GiB)).toBe('weight streaming, 1.5 GiB read again and again');
  });
});

describe('checkFits', () => {
  it('passes work that fits and refuses work over any bound, with every figure in one line', () => {
    expect(() => { checkFits('a step', { engineBytes: GiB, totalBytes: 2 * GiB }, { engineBytes: 4 * GiB, machineBytes: 3 * GiB }); }).not.toThrow();
    const refuse = (room: Parameters<typeof checkFits>[2]): string => {
      try {
        checkFits('a step', { engineBytes: 5 * GiB, totalBytes: 6 * GiB }, room);
      } catch (e) {
        expect(e).toBeInstanceOf(MemoryShortfall);
        return (e as Error).message;
      }
      return 'fits';
    };
    expect(refuse({ engineBytes: 4 * GiB - MiB, machineBytes: 12 * GiB })).toBe('a step does not fit: it needs 5 GiB in the kernel engine, which has 4 GiB left (a WebAssembly memory holds at most 4 GiB), and 6 GiB in all, where this machine can give 12 GiB (75% of its free memory)');
    expect(refuse({ machineBytes: 1.5 * GiB })).toBe('a step does not fit: it needs 6 GiB in all, where this machine can give 1.5 GiB (75% of its free memory)');
    expect(refuse({ engineBytes: 8 * GiB, limitBytes: 512 * MiB })).toBe('a step does not fit: it needs 5 GiB in the kernel engine, which has 8 GiB left (a WebAssembly memory holds at most 4 GiB), and 6 GiB in all, where the memory limit set allows 512 MiB');
    expect(refuse({ engineBytes: 8 * GiB, machineBytes: 7 * GiB })).toBe('fits');
  });
});
