/** The calibrated host profile (hardware-profiles/host.json): same schema as the shipped profiles. */
import { readFileSync } from 'node:fs';
import { cpus, freemem, totalmem } from 'node:os';
import { join } from 'node:path';
import { bytesLabel, GEMM_GRID_DEPTH, type Calibration, type Measured, type ProbeCap } from '../core/calibration.js';
import type { HardwareProfile } from './hardware-schema.js';
import { HARDWARE_DIR } from './resolve.js';

/** Where `calibrate` writes and `run`/`validate` read. */
export const HOST_PROFILE = join(HARDWARE_DIR, 'host.json');

/** The size of cache level `index` (2 = L2, 3 = L3) of CPU 0 from Linux sysfs, bytes; undefined where unreadable. */
function cacheBytes(index: number): number | undefined {
  try {
    const text = readFileSync(`/sys/devices/system/cpu/cpu0/cache/index${String(index)}/size`, 'utf8').trim();
    const m = /^(\d+)([KM]?)$/.exec(text);
    if (!m) return undefined;
    return Number(m[1]) * (m[2] === 'M' ? 2 ** 20 : m[2] === 'K' ? 2 ** 10 : 1);
  } catch {
    return undefined;
  }
}


const measured = (m: Measured, note: string) => ({ value: m.median, source: 'calibrate', flags: ['measured' as const], note, measurement: { runs: m.runs, min: m.min, max: m.max } });

/** The last-level (L3) cache size from sysfs, bytes; undefined where the OS does not report one. */
export function lastLevelCacheBytes(): number | undefined {
  return cacheBytes(3);
}

/** This machine's free memory now (os.freemem(): what Linux reports as available), bytes. */
export function freeMemoryBytes(): number {
  return freemem();
}

/** Why a probe was capped, in words. */
const LIMITED_BY: Readonly<Record<ProbeCap['limitedBy'], string>> = {
  engine: 'the kernel engine\'s memory (a WebAssembly memory holds at most 4 GiB)',
  machine: 'the machine\'s free memory when calibrate ran',
  limit: 'calibrate --memory-limit',
};

/** One cap as a sentence: what the probe wanted, what it got, what limited it. */
export function capNote(c: ProbeCap): string {
  return c.usedBytes === 0
    ? `${c.probe}: not measured, its ${bytesLabel(c.wantedBytes)} does not fit under ${LIMITED_BY[c.limitedBy]}`
    : `${c.probe}: over ${bytesLabel(c.usedBytes)} instead of ${bytesLabel(c.wantedBytes)}, limited by ${LIMITED_BY[c.limitedBy]}${c.usedBytes < c.wantedBytes ? '; the pool may no longer exceed the cache, so part of this rate may come from cache' : ''}`;
}

/** A profile object from a calibration and this machine's facts; `cacheSource` says where the cache size came from. */
export function hostProfile(c: Calibration, date: string, cacheSource: 'os' | 'given' = 'os'): HardwareProfile {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  const l2 = cacheBytes(2);
  return {
    $schema: '../schema/hardware-profile.schema.json',
    name: `this host (${cpu}), llm-roofline FP32 kernels, ${String(c.threads)} thread${c.threads === 1 ? '' : 's'}`,
    kind: 'cpu',
    cpuModel: cpu,
    measuredAt: date,
    peakFlopPerSecond: {
      fp32: measured(c.gemmFlopPerSecond, 'square SGEMM (512³) of the kernel engine, all threads; a multiply-add is 2 FLOPs'),
    },
    gemmGrid: c.gemmGrid.map((m) => ({ rows: m.x, cols: m.y, ...measured(m.rate, `GEMM of the kernel engine, ${String(m.x)} × ${String(GEMM_GRID_DEPTH)} · ${String(GEMM_GRID_DEPTH)} × ${String(m.y)}, all threads`) })),
    memoryBytes: { value: totalmem(), source: 'os', note: 'os.totalmem()' },
    memoryBandwidthBytesPerSecond: measured(c.readBytesPerSecond, 'a one-row GEMM of the kernel engine against a 64 MiB weight matrix (how decode projections stream weights), all threads'),
    kvStreamBandwidth: measured(c.kvStreamBytesPerSecond, `one decode step of the kernel engine's attention, 16 maps on 16 cached heads of 128, over a ${bytesLabel(c.poolBytes)} KV cache (${c.caps.length === 0 ? 'twice the last-level cache, at least 64 MiB' : 'capped: see calibrationCaps'}), so it is read from memory: the KV bytes the kernel read over the time, all threads`),
    onChipMemoryBytes: l2 === undefined ? { value: 2 ** 20, source: 'os', flags: ['unconfirmed'], note: 'L2 per core not readable from sysfs; 1 MiB assumed' } : { value: l2, source: 'os', note: 'L2 per core from /sys/devices/system/cpu/cpu0/cache/index2/size' },
    expPerSecond: measured(c.expPerSecond, 'vectorised exp of the kernel engine, all threads'),
    operatorOverheadSeconds: measured(c.operatorOverheadSeconds, 'one tiny (1×8×8) GEMM through the kernel engine: dispatch to the threads and back'),
    ...(c.cache === undefined
      ? {}
      : {
          lastLevelCacheBytes: { value: c.cache.bytes, source: cacheSource === 'os' ? 'os' : 'calibrate', note: cacheSource === 'os' ? 'L3 from /sys/devices/system/cpu/cpu0/cache/index3/size' : 'as given to calibrate --cache-bytes' },
          ...(c.cache.workingSet.length === 0
            ? {}
            : { workingSetBandwidth: c.cache.workingSet.map((w) => ({ bytes: w.bytes, ...measured(w.rate, `a one-row GEMM of the kernel engine cycling over a ${String(Math.round(w.bytes / 2 ** 20))} MiB weight matrix, read again and again, all threads`) })) }),
        }),
    ...(c.caps.length === 0 ? {} : { calibrationCaps: c.caps.map((cap) => ({ ...cap, note: capNote(cap) })) }),
    coldStreamBandwidth: c.coldStream.map((w) => ({ bytes: w.bytes, ...measured(w.rate, `a one-row GEMM of the kernel engine against ${bytesLabel(w.bytes)} weight matrices in rotation through ${bytesLabel(c.poolBytes)}, so each call reads its matrix from memory, all threads`) })),
    fewRowGemmFlopPerSecond: measured(c.fewRowGemmFlopPerSecond, 'a 4-row GEMM (4×1024·1024×1024) of the kernel engine over 16 weight matrices in rotation, so its weights come from memory as decode projections\' do, all threads: the unpacked kernel those projections use'),
    fewRowGemmCachedFlopPerSecond: measured(c.fewRowGemmCachedFlopPerSecond, 'the same 4-row GEMM against one 4 MiB weight matrix read again and again, so its weights come from cache, all threads'),
    attentionFlopPerSecond: {
      prefill: measured(c.attentionPrefillFlopPerSecond, 'the engine\'s fused causal attention, 8 maps over 2 heads of 64, S = 512, counted as the exact model counts it (the prefill grid\'s point that profiles without a grid use)'),
      decode: measured(c.attentionDecodeFlopPerSecond, 'one decode step of the engine\'s attention, 4 maps per cached head of 64, its 4 MiB KV cache resident in cache (the arithmetic rate; cache reads are the memory term)'),
      prefillGrid: c.attentionPrefillGrid.map((m) => ({ seqLen: m.x, headDim: m.y, ...measured(m.rate, 'causal prefill, 8 maps over 2 cached heads') })),
      decodeGrid: c.attentionDecodeGrid.map((m) => ({ mapsPerKeyHead: m.x, headDim: m.y, ...measured(m.rate, 'one decode step, 16 maps, about 4 MiB of K and V resident in cache') })),
    },
    computeUnits: { name: 'kernel threads', count: c.threads },
    sources: {
      calibrate: { title: `llm-roofline calibrate on ${date}` },
      os: { title: 'Node.js os module and Linux sysfs of this machine' },
    },
    notes: ['Written by `llm-roofline calibrate`; rerun it after changing machines. Used by `run` and `validate` to predict the kernels\' times.'],
  };
}
