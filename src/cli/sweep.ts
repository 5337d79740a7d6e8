/** `llm-roofline sweep`: every combination of the listed values, streamed as JSON, CSV or Arrow, or charted as SVG. */
import { PAIR_MODES } from '../core/attention-core.js';
import { firstNonFinite } from '../core/report.js';
import type { Totals } from '../core/engine.js';
import { hasEfficiency, hasOffload, hasParallelism, requiredPeaks, sweep, sweepBlocks, sweepSize, SWEEP_SCHEMA, type SweepBlock, type SweepGrid, type SweepMemory } from '../core/sweep.js';
import { COST_MODELS, PHASES } from '../core/workload.js';
import { UserError } from '../io/errors.js';
import { loadHardware } from '../io/load-hardware.js';
import type { OutputSink } from '../io/write.js';
import { ByteChunk } from '../render/byte-chunk.js';
import { csvLine, sweepHeader } from '../render/csv.js';
import { arrowSweepWriter, loadArrow, ROWS_PER_BATCH } from '../render/sweep-arrow.js';
import { csvRows, jsonRows } from '../render/sweep-rows.js';
import { lineCount, sweepRecords, sweepSvg, type TimeRecord } from '../render/sweep-svg.js';
import { MAX_SERIES } from '../render/svg.js';
import { checkOut, efficiencyFrom, emit, loadModels, requirePeak, requireSupported, sinkFor } from './common.js';
import { bitsFrom, list, moeImbalance, oneOf, workloadInt, type WorkloadOptionValues } from './options.js';
import { requireOffload } from './offload-options.js';
import { parallelGridFrom, requireSplit } from './parallel-options.js';
import { startProgress } from './progress.js';

/** Values of sweep's options: each workload value may be a comma-separated list. */
export type SweepOptions = WorkloadOptionValues & { flash?: string | boolean | undefined; kvOffload?: boolean | undefined; scope: string; format: string };

/** `--flash` alone or `yes` → [true]; `--no-flash`, absent or `no` → [false]; `both` → [false, true]. */
export function flashModes(v: string | boolean | undefined): boolean[] {
  if (v === undefined || v === false || v === 'no') return [false];
  if (v === true || v === 'yes') return [true];
  if (v === 'both') return [false, true];
  throw new UserError('--flash', '', `expected no value, yes, no or both (got "${v}")`);
}

/**
 * The grid the options describe, with every model and profile loaded and every needed peak present; `beside`
 * keeps each model next to its `--attention` swap (compare) instead of replacing it.
 */
export function gridFrom(o: SweepOptions, beside = false): { grid: SweepGrid; profiles: ReturnType<typeof loadHardware>[] } {
  const unique = <T>(xs: T[]): T[] => [...new Set(xs)];
  const profiles = unique(list('--hardware', o.hardware)).map((ref) => loadHardware(ref));
  const models = loadModels(unique(list('--model', o.model)), o.attention, beside);
  const grid: SweepGrid = {
    models,
    hardware: profiles.map((p) => p.hardware),
    phases: unique(list('--phase', o.phase).map((p) => oneOf('--phase', p, PHASES))),
    batches: list('--batch', o.batch).map((b) => workloadInt('--batch', b)),
    seqLens: list('--seq', o.seq).map((s) => workloadInt('--seq', s)),
    contextLens: list('--context', o.context).map((s) => workloadInt('--context', s)),
    bits: bitsFrom(o, models, true),
    flash: flashModes(o.flash),
    pairs: oneOf('--pairs', o.pairs, PAIR_MODES),
    mla: o.mla === undefined ? undefined : oneOf('--mla', o.mla, ['naive', 'absorbed'] as const),
    scope: oneOf('--scope', o.scope, ['attention', 'layer', 'model'] as const),
    costModel: oneOf('--cost-model', o.costModel, COST_MODELS),
    moeImbalance: moeImbalance(o.moeImbalance),
    ...parallelGridFrom(o),
    // Each device gets its own: `typical` is its family's profile.
    efficiency: profiles.map((p) => efficiencyFrom(o.efficiency, p)),
    ...(o.kvOffload === true ? { kvOffload: true } : {}),
  };
  for (const { hardware, bits } of requiredPeaks(grid)) {
    const profile = profiles.find((p) => p.hardware === hardware);
    if (profile !== undefined) requirePeak(profile, bits, grid.costModel);
  }
  for (const model of grid.models) requireSupported(model, grid.costModel);
  // Offload is checked as analyze checks it, for every model, device and split, before the splits themselves.
  for (const model of grid.models) {
    for (const profile of profiles) {
      for (const parallelism of grid.parallelisms?.length ? grid.parallelisms : [undefined]) requireOffload(model, profile, { kvOffload: grid.kvOffload, costModel: grid.costModel, parallelism, mtp: grid.mtp }, grid.scope);
    }
  }
  // Every split is checked against every model and device before any output, like the peaks.
  for (const model of grid.models) {
    for (const profile of profiles) for (const p of grid.parallelisms ?? []) requireSplit(model, profile, p, grid.costModel);
  }
  return { grid, profiles };
}

/** A chart tells at most MAX_SERIES lines apart; more is refused with what to do instead, before anything is written. */
export function checkChartLines(records: readonly TimeRecord[]): void {
  const n = lineCount(records);
  if (n > MAX_SERIES) {
    throw new UserError('--format', '', `svg: ${String(n)} lines (one per model, batch and other varying setting) are more than one chart can tell apart (at most ${String(MAX_SERIES)}); chart fewer values at once, or use --format csv or json`);
  }
}

/**
 * Runs the sweep, streaming points with backpressure (memory stays flat whatever the grid and wherever the output
 * goes); a file output appears only when every point was written.
 */
export async function runSweep(o: SweepOptions): Promise<void> {
  const format = oneOf('--format', o.format, ['json', 'csv', 'arrow', 'svg'] as const);
  checkOut(o.out);
  if (format === 'arrow' && o.out === undefined && process.stdout.isTTY) {
    throw new UserError('--format', '', 'arrow is a binary file; write it with --out FILE or pipe it into a program (got a terminal as stdout)');
  }
  const { grid } = gridFrom(o);
  if (format === 'svg') {
    // A chart needs every point before it can scale its axes, so it is built in memory and written once.
    const points = [...sweep(grid)];
    const bad = points.map((p) => firstNonFinite(p.totals)).find((x) => x !== undefined);
    if (bad !== undefined) throw new Error(`internal: ${bad} is not finite`);
    checkChartLines(sweepRecords(points));
    emit(o.out, sweepSvg(points));
    return;
  }
  const total = sweepSize(grid);
  const sink = sinkFor(o.out);
  const progress = startProgress(total);
  try {
    const tick = (n: number): Promise<void> => progress.tick(n);
    if (format === 'arrow') await streamArrow(grid, sink, tick);
    else {
      if (format === 'json') sink.write(`{"schema":${JSON.stringify(SWEEP_SCHEMA)},"points":[`);
      else sink.write(csvLine(sweepHeader(hasParallelism(grid), hasEfficiency(grid), hasOffload(grid))));
      await streamPoints(grid, format, sink, tick);
      if (format === 'json') sink.write('\n]}\n');
    }
    sink.commit();
  } catch (e) {
    sink.abort();
    throw e;
  } finally {
    progress.stop();
  }
}

/** Bytes formatted before they go to the sink: few large writes, and a pause for the event loop after each. */
const CHUNK_BYTES = 1 << 20;

/**
 * Formats every point of the grid into byte chunks and writes them through the sink, waiting whenever it asks
 * (backpressure), so memory stays flat. A point with a non-finite number is an internal error, found before it is
 * written.
 */
async function streamPoints(grid: SweepGrid, format: 'json' | 'csv', sink: OutputSink, tick: (n: number) => Promise<void>): Promise<void> {
  const out = new ByteChunk(CHUNK_BYTES);
  const parallel = hasParallelism(grid);
  const efficiency = hasEfficiency(grid);
  const offload = hasOffload(grid);
  let n = 0;
  for (const block of sweepBlocks(grid)) {
    const rows = format === 'json' ? jsonRows(block, n === 0) : csvRows(block, parallel, efficiency, offload);
    const { lengths } = block;
    for (const batch of block.batches) {
      for (let i = 0; i < lengths.length; i++) {
        const { totals: t, memory: m } = block.summary(batch, lengths[i] ?? 0);
        checkFinite(block, t, m);
        if (!out.room(rows.maxRow)) await flush(out, sink);
        rows.row(out, batch, i, t, m);
        if ((++n & 0x3fff) === 0) await tick(n);
      }
    }
  }
  if (out.pos > 0) await flush(out, sink);
}

/** Arrow record batches through the sink, as they fill (see `arrowSweepWriter`); apache-arrow is loaded only here. */
async function streamArrow(grid: SweepGrid, sink: OutputSink, tick: (n: number) => Promise<void>): Promise<void> {
  const arrow = arrowSweepWriter(await loadArrow(), () => !sink.holdsBytes(), ROWS_PER_BATCH, hasParallelism(grid), hasEfficiency(grid), hasOffload(grid));
  const send = async (chunks: readonly Uint8Array[]): Promise<void> => {
    let ready = true;
    for (const c of chunks) ready = sink.write(c) && ready;
    if (!ready) await sink.drained();
  };
  let n = 0;
  for (const block of sweepBlocks(grid)) {
    const { lengths } = block;
    for (const batch of block.batches) {
      for (let i = 0; i < lengths.length; i++) {
        const { totals: t, memory: m } = block.summary(batch, lengths[i] ?? 0);
        checkFinite(block, t, m);
        const out = arrow.row(block, batch, i, t, m);
        if (out.length > 0) await send(out);
        if ((++n & 0x3fff) === 0) await tick(n);
      }
    }
  }
  await send(arrow.end());
}

/** A non-finite number in a point is an internal error, reported before the point is written. */
function checkFinite(block: SweepBlock, t: Totals, m: SweepMemory): void {
  // One sum is non-finite when any term is; only then is each field looked at, for the message.
  const d = m.perDevice;
  const split = (t.communicationSeconds ?? 0) + (d === undefined ? 0 : d.weightBytes + d.kvCacheBytes + d.activationBytes + d.totalBytes);
  const host = (t.hostTransferSeconds ?? 0) + (m.hostKvCacheBytes ?? 0);
  if (Number.isFinite(t.flops + t.bytes + t.timeSeconds + m.weightBytes + m.kvCacheBytes + m.kvCacheBytesPerToken + m.activationBytes + m.totalBytes + split + host)) return;
  const bad = firstNonFinite(t) ?? firstNonFinite(m);
  if (bad !== undefined) throw new Error(`internal: ${bad} is not finite for ${block.model} on ${block.hardware}`);
}

/** Writes a chunk's bytes, waits if the sink asks, and starts the chunk over (on a new buffer if the sink kept it). */
async function flush(out: ByteChunk, sink: OutputSink): Promise<void> {
  const ready = sink.write(out.filled());
  out.restart(sink.holdsBytes());
  if (!ready) await sink.drained();
}
