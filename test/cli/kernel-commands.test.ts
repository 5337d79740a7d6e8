/** run, calibrate and validate as a user runs them (fast WebAssembly backend, small shapes). */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../src/io/load-hardware.js';
import { cli } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'llmr-host-'));
const host = join(dir, 'host.json');

interface RunJson {
  measuredSeconds: number;
  predictedSeconds: number;
  achievedFlopPerSecond: number;
  achievedBytesPerSecond: number;
  counted: { multiplyAdds: number; expEvaluations: number; kvBytesRead: number; kvBytesWritten: number };
  predicted: { multiplyAdds: number; expEvaluations: number; kvBytesRead: number; kvBytesWritten: number };
  spread: { minSeconds: number; maxSeconds: number; repeats: number };
}

describe('calibrate', () => {
  it('writes a host profile in the shared schema, every figure measured with its spread', () => {
    // A few rounds keep the test short; the default (36) takes about 45 s. The cache size is stated, so the probes do
    // not depend on what this machine's OS reports.
    const r = cli(['calibrate', '--out', host, '--rounds', '4', '--cache-bytes', '32MiB']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/calibrate \[(\d+)\/\1\] done/);
    const { profile, hardware } = parseProfile(JSON.parse(readFileSync(host, 'utf8')), host, 'host');
    expect(profile.peakFlopPerSecond.fp32?.flags).toEqual(['measured']);
    // Every figure is the median of the interleaved rounds.
    expect(profile.memoryBandwidthBytesPerSecond.measurement?.runs).toBe(4);
    expect(profile.measuredAt).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(profile.cpuModel).toBeTruthy();
    expect(hardware.extras?.expPerSecond).toBeGreaterThan(0);
    expect(hardware.extras?.operatorOverheadSeconds).toBeGreaterThan(0);
    expect(hardware.extras?.attentionFlopPerSecond.decode).toBeGreaterThan(0);
    expect(hardware.extras?.fewRowGemmFlopPerSecond).toBeGreaterThan(0);
    expect(profile.kvStreamBandwidth?.measurement?.runs).toBe(4);
    expect(hardware.extras?.kvStream).toBe(profile.kvStreamBandwidth?.value);
    expect(hardware.extras?.kvStream).toBeGreaterThan(0);
    expect(profile.fewRowGemmCachedFlopPerSecond?.measurement?.runs).toBe(4);
    expect(hardware.extras?.fewRowGemmCachedFlopPerSecond).toBeGreaterThan(0);
    // The attention kernel is measured over a full grid of shapes per phase.
    expect(hardware.extras?.attentionFlopPerSecond.prefillGrid).toMatchObject({ xs: [128, 512, 2048], ys: [64, 128] });
    expect(hardware.extras?.attentionFlopPerSecond.decodeGrid).toMatchObject({ xs: [1, 4, 16], ys: [64, 256] });
    expect(profile.attentionFlopPerSecond?.decodeGrid?.every((p) => p.value > 0 && p.measurement?.runs === 4)).toBe(true);
    // Cold one-row GEMMs over matrices of 64 KiB to 16 MiB, each read from memory; the curve never falls with size.
    const cold = profile.coldStreamBandwidth ?? [];
    expect(cold.map((w) => w.bytes)).toEqual([2 ** 16, 2 ** 18, 2 ** 20, 2 ** 22, 2 ** 24]);
    expect(cold.every((w) => w.value > 0 && w.measurement?.runs === 4)).toBe(true);
    const coldCurve = hardware.extras?.coldStream?.bytesPerSecond ?? [];
    expect(coldCurve).toHaveLength(5);
    expect(coldCurve.every((r, i) => i === 0 || r >= coldCurve[i - 1]!)).toBe(true);
    // The streaming rate is measured over working sets from 1/8 to 2× the stated cache (4 … 64 MiB); only a machine
    // short of free memory would cap some, and then the profile lists each one it skipped.
    expect(profile.lastLevelCacheBytes).toMatchObject({ value: 32 * 2 ** 20, source: 'calibrate' });
    const ws = profile.workingSetBandwidth ?? [];
    const skipped = (profile.calibrationCaps ?? []).filter((c) => c.usedBytes === 0).map((c) => c.wantedBytes);
    expect([...ws.map((w) => w.bytes), ...skipped]).toEqual([4, 8, 12, 16, 24, 32, 48, 64].map((m) => m * 2 ** 20));
    expect(ws.every((w) => w.value > 0 && w.measurement?.runs === 4)).toBe(true);
    const curve = hardware.extras?.workingSet?.bytesPerSecond ?? [];
    expect(curve.every((r, i) => i === 0 || r <= curve[i - 1]!)).toBe(true);
  });

  it('under --memory-limit, a 1 GiB cache gets a capped pool, and the profile and stderr say which probes were capped and why', () => {
    const out = join(dir, 'capped.json');
    const r = cli(['calibrate', '--out', out, '--rounds', '1', '--cache-bytes', '1GiB', '--memory-limit', '600MiB']);
    expect(r.status).toBe(0);
    const { profile } = parseProfile(JSON.parse(readFileSync(out, 'utf8')), out, 'host');
    const caps = profile.calibrationCaps ?? [];
    const pool = caps[0]?.usedBytes ?? 0;
    // The other probes take about 300 MiB of the 600, so the pool is well under the 2 GiB wanted.
    expect(pool).toBeGreaterThan(64 * 2 ** 20);
    expect(pool).toBeLessThan(600 * 2 ** 20);
    expect(caps.slice(0, 2).map((c) => [c.probe, c.wantedBytes, c.usedBytes, c.limitedBy])).toEqual([
      ['weight streaming from memory (matrices in rotation)', 2 ** 31, pool, 'limit'],
      ['KV cache streaming from memory', 2 ** 31, pool, 'limit'],
    ]);
    const wanted = [128, 256, 384, 512, 768, 1024, 1536, 2048].map((m) => m * 2 ** 20);
    expect((profile.workingSetBandwidth ?? []).map((w) => w.bytes)).toEqual(wanted.filter((b) => b <= pool));
    expect(caps.slice(2).map((c) => [c.wantedBytes, c.usedBytes])).toEqual(wanted.filter((b) => b > pool).map((b) => [b, 0]));
    expect(caps.every((c) => c.note?.includes('calibrate --memory-limit'))).toBe(true);
    expect(profile.kvStreamBandwidth?.note).toContain('capped: see calibrationCaps');
    const label = `${String(pool / 2 ** 20)} MiB`;
    expect(r.stderr).toContain(`calibrate: capped: KV cache streaming from memory: over ${label} instead of 2 GiB, limited by calibrate --memory-limit;`);
    expect(r.stderr).toContain('calibrate: capped: weight streaming, 2 GiB read again and again: not measured, its 2 GiB does not fit under calibrate --memory-limit\n');
    expect(r.stderr).toMatch(/, \d+ probes capped \(calibrationCaps\)\n$/);
  });

  it('refuses, exit 2 with the figures and nothing written, when the limit leaves no room for the probes', () => {
    const out = join(dir, 'too-small.json');
    const r = cli(['calibrate', '--out', out, '--rounds', '1', '--cache-bytes', 'none', '--memory-limit', '100MiB']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^calibrate: calibration does not fit: it needs [\d.]+ MiB in the kernel engine, which has [\d.]+ GiB left \(a WebAssembly memory holds at most 4 GiB\), and [\d.]+ MiB in all, where this machine can give [\d.]+ [KMGT]?i?B \(75% of its free memory\) and the memory limit set allows 100 MiB\n$/);
    expect(existsSync(out)).toBe(false);
  });

  it.each([
    [['--cache-bytes', 'lots'], '--cache-bytes: expected a size in bytes, or with KiB, MiB, GiB or TiB, e.g. 480MiB (got "lots")\n'],
    [['--memory-limit', '0'], '--memory-limit: expected a size in bytes, or with KiB, MiB, GiB or TiB, e.g. 480MiB (got "0")\n'],
    [['--memory-limit', '2 MB'], '--memory-limit: expected a size in bytes, or with KiB, MiB, GiB or TiB, e.g. 480MiB (got "2 MB")\n'],
    // The profile would record it as lastLevelCacheBytes, which loading refuses outside 1000 B to 1e12 B.
    // The fast kernels run at most 32 workers; more was an internal error (exit 70) from the engine.
    [['--threads', '33'], '--threads: expected at most 32 threads (got 33)\n'],
    [['--cache-bytes', '12'], '--cache-bytes: must be between 1000 and 1e12 B, the range of a profile\'s lastLevelCacheBytes (got 12 B)\n'],
    [['--cache-bytes', '1TiB'], '--cache-bytes: must be between 1000 and 1e12 B, the range of a profile\'s lastLevelCacheBytes (got 1099511627776 B)\n'],
  ])('refuses a size it cannot read: %j', (args, stderr) => {
    const r = cli(['calibrate', '--out', join(dir, 'never.json'), ...args]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(stderr);
  });

  it('refuses a round count that is not a positive integer, writing nothing', () => {
    const out = join(dir, 'never.json');
    const r = cli(['calibrate', '--out', out, '--rounds', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--rounds/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('run', () => {
  it.each(['run', 'validate'])('%s --threads 1000: exit 2 in one line, before any kernel runs', (command) => {
    const r = cli([command, '--threads', '1000', '--hardware', 'h100-sxm']);
    expect(r.stderr).toBe('--threads: expected at most 32 threads (got 1000)\n');
    expect(r.status).toBe(2);
  });

  it('refuses a shape that does not fit the kernel engine before allocating: exit 2, the figures in one line', () => {
    // By hand: 4·4096² weights + (6 work + 2 cache)·64·32768·4096 + 2·32768·64 RoPE FP32 elements, + 32 MiB of work
    // buffers = 256.3 GiB; in all, the float64 weights (0.5 GiB) and input (64 GiB) besides.
    const r = cli(['run', '--model', 'llama-2-7b', '--phase', 'prefill', '--batch', '64', '--seq', '32768', '--hardware', 'h100-sxm']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^run: --batch × --seq: llama-2-7b prefill at batch 64, seq 32768 does not fit: it needs 256\.3 GiB in the kernel engine, which has 4 GiB left \(a WebAssembly memory holds at most 4 GiB\), and 320\.8 GiB in all, where this machine can give [\d.]+ [KMGT]?i?B \(75% of its free memory\)\n$/);
  });

  it('on the reference backend, a shape is checked against the machine\'s memory alone', () => {
    // By hand: 2·64·10⁷·4096 cached float64 elements (38.1 TiB), weights uploaded and generated (2·4·4096² · 8 B),
    // RoPE (10⁷·128 · 8 B), work rows and input: 38.2 TiB, more than any machine has.
    const r = cli(['run', '--model', 'llama-2-7b', '--phase', 'decode', '--batch', '64', '--context', '10000000', '--backend', 'reference', '--hardware', 'h100-sxm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^run: --batch × --context: llama-2-7b decode at batch 64, context 10000000 does not fit: it needs 38\.2 TiB in all, where this machine can give [\d.]+ [KMGT]?i?B \(75% of its free memory\)\n$/);
  });

  it.each([
    ['paper/160m-gqa', 'decode', ['--context', '300']],
    ['paper/160m-gta1', 'prefill', ['--seq', '70']],
    ['paper/160m-mla', 'decode', ['--context', '129']],
  ] as const)('%s %s: measured beside predicted; counted multiply-adds, exps and KV writes equal the model', (model, phase, lengths) => {
    const r = cli(['run', '--model', model, '--phase', phase, ...lengths, '--hardware', 'h100-sxm', '--format', 'json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as RunJson;
    expect(j.measuredSeconds).toBeGreaterThan(0);
    expect(j.spread.minSeconds).toBeLessThanOrEqual(j.measuredSeconds);
    expect(j.predictedSeconds).toBeGreaterThan(0);
    expect(j.achievedFlopPerSecond).toBeGreaterThan(0);
    expect(j.counted.multiplyAdds).toBe(j.predicted.multiplyAdds);
    expect(j.counted.expEvaluations).toBe(j.predicted.expEvaluations);
    expect(j.counted.kvBytesWritten).toBe(j.predicted.kvBytesWritten);
  });
  it('the reference backend counts the unfused model\'s KV reads exactly', () => {
    const r = cli(['run', '--model', 'paper/160m-gqa', '--phase', 'decode', '--context', '40', '--backend', 'reference', '--hardware', 'h100-sxm', '--format', 'json']);
    const j = JSON.parse(r.stdout) as RunJson;
    expect(j.counted).toEqual({ multiplyAdds: j.predicted.multiplyAdds, expEvaluations: j.predicted.expEvaluations, kvBytesRead: j.predicted.kvBytesRead, kvBytesWritten: j.predicted.kvBytesWritten });
  });
  it('--breakdown times matrix products, attention and element-wise steps beside the model\'s operators of each part', () => {
    const r = cli(['run', '--model', 'paper/160m-gta1', '--context', '256', '--hardware', host, '--format', 'json', '--breakdown']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout) as RunJson & { breakdown: { parts: { part: string; measuredSeconds: number; predictedSeconds: number }[]; outsideSeconds: number; meanSeconds: number } };
    expect(j.breakdown.parts.map((p) => p.part)).toEqual(['matrix products', 'attention', 'element-wise']);
    for (const p of j.breakdown.parts) {
      expect(p.measuredSeconds).toBeGreaterThan(0);
      expect(p.predictedSeconds).toBeGreaterThan(0);
    }
    const inside = j.breakdown.parts.reduce((s, p) => s + p.measuredSeconds, 0);
    expect(inside + j.breakdown.outsideSeconds).toBeCloseTo(j.breakdown.meanSeconds, 12);
    expect(j.breakdown.parts.reduce((s, p) => s + p.predictedSeconds, 0)).toBeCloseTo(j.predictedSeconds, 12);
    const t = cli(['run', '--model', 'paper/160m-gta1', '--context', '256', '--hardware', host, '--breakdown']);
    expect(t.stdout).toMatch(/part of the step +│ measured \(mean\) +│ predicted +│ error/);
    expect(t.stdout).toMatch(/outside the kernels/);
  });
  it('a table by default', () => {
    const r = cli(['run', '--model', 'paper/160m-mha', '--context', '64', '--hardware', host]);
    expect(r.stdout).toMatch(/^160M MHA attention layer, decode, batch 1, context 64, on wasm-/);
    expect(r.stdout).toMatch(/measured .* \(median of \d+, min .*, max .*\); predicted .* on /);
  });
});

describe('validate --quick', () => {
  it('runs the subset on this machine (3 passes unless told) and writes llm-roofline.validation/v1', () => {
    const out = join(dir, 'validation.json');
    const r = cli(['validate', '--quick', '--hardware', host, '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/16 points: median \|error\| [\d.]+%, 90th percentile [\d.]+%/);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { schema: string; passes: number; points: { predictedSeconds: number; measuredSeconds: number; errorPercent: number }[]; summary: { medianAbsErrorPercent: number; p90AbsErrorPercent: number } };
    expect(doc.schema).toBe('llm-roofline.validation/v1');
    expect(doc.passes).toBe(3);
    expect(doc.points).toHaveLength(16);
    for (const p of doc.points) expect(p.errorPercent).toBeCloseTo(((p.predictedSeconds - p.measuredSeconds) / p.measuredSeconds) * 100, 9);
    expect(doc.summary.p90AbsErrorPercent).toBeGreaterThanOrEqual(doc.summary.medianAbsErrorPercent);
  });
});

describe('validate --calibrate', () => {
  it('calibrates between the runs, writes the profile and predicts with it', () => {
    const profile = join(dir, 'calibrated.json');
    const out = join(dir, 'calibrated-validation.json');
    const r = cli(['validate', '--quick', '--passes', '1', '--calibrate', profile, '--cache-bytes', '32MiB', '--out', out, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/calibrated during the runs, medians of (\d+) rounds/);
    // A short grid is topped up to 9 rounds at least.
    const written = JSON.parse(readFileSync(profile, 'utf8')) as { peakFlopPerSecond: { fp32: { measurement: { runs: number } } } };
    expect(written.peakFlopPerSecond.fp32.measurement.runs).toBeGreaterThanOrEqual(9);
    parseProfile(written, profile, 'calibrated');
    // Every prediction is the exact model's on the profile it wrote: the same as validating its measurements on it.
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { passes?: number; points: { model: string; phase: string; batch: number; seqLen: number; contextLen: number; predictedSeconds: number; measuredSeconds: number }[] };
    expect(doc.passes).toBe(1);
    expect(doc.points).toHaveLength(16);
    const measurements = join(dir, 'calibrated-measurements.json');
    writeFileSync(measurements, JSON.stringify({ measurements: doc.points.map((p) => ({ model: p.model, hardware: profile, phase: p.phase, batch: p.batch, seqLen: p.seqLen, contextLen: p.contextLen, measuredSeconds: p.measuredSeconds, bits: 'w32a32kv32', flash: true, scope: 'attention' })) }));
    const again = JSON.parse(cli(['validate', '--measurements', measurements, '--format', 'json']).stdout) as typeof doc;
    expect(again.points.map((p) => p.predictedSeconds)).toEqual(doc.points.map((p) => p.predictedSeconds));
    // Timings from a file carry no pass count: they were not timed here.
    expect(again.passes).toBeUndefined();
  // About 40 s alone; a slow or shared machine can take twice that, and this test asserts no time.
  }, 240_000);

  it.each([
    [['--hardware', 'h100-sxm'], 'validate: --calibrate: predicts with the profile it measures: leave out --hardware\n'],
    [['--backend', 'reference'], 'validate: --calibrate: measures the fast kernels: leave out --backend reference\n'],
  ])('refuses %j', (extra, message) => {
    const profile = join(dir, 'never-calibrated.json');
    const r = cli(['validate', '--quick', '--calibrate', profile, ...extra]);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(message);
    expect(existsSync(profile)).toBe(false);
  });

  it('--cache-bytes and --memory-limit size the calibration, so without --calibrate they are refused', () => {
    const r = cli(['validate', '--quick', '--cache-bytes', '1GiB', '--hardware', 'h100-sxm']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('validate: --cache-bytes: sizes the calibration probes: use it with --calibrate\n');
  });
});
