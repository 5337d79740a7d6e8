/** CSV renderings: a report's operators, and sweep points (one row each). */
import type { Report } from '../core/report.js';
import { isSplit } from '../core/parallelism.js';
import type { SweepPoint } from '../core/sweep.js';
import { displayText } from './sanitize.js';

const OP_HEADER = ['operator', 'count', 'flops', 'weightBytes', 'actReadBytes', 'actWriteBytes', 'kvReadBytes', 'kvWriteBytes', 'totalBytes', 'intensityFlopPerByte', 'bound', 'timeSeconds'];

/** Quotes a field when it holds a comma or quote; control characters never reach the file (a name could carry them). */
function field(v: string | number | boolean): string {
  const s = typeof v === 'string' ? displayText(v) : String(v);
  return /[",\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** CSV fields joined by commas, without the line end (a constant part of many rows). */
export function csvFields(values: readonly (string | number | boolean)[]): string {
  return values.map(field).join(',');
}

/** One CSV line. */
export function csvLine(values: readonly (string | number | boolean)[]): string {
  return csvFields(values) + '\n';
}

/**
 * A report's operators as CSV, one row per operator plus a `total` row. Split over devices, a `networkBytes` column
 * follows: what each collective sends per device (0 for other operators).
 */
export function renderCsv(r: Report): string {
  const split = r.totals.communicationSeconds !== undefined;
  const rows = r.ops.map((o) =>
    csvLine([o.name, o.count, o.flops, o.bytes.weight, o.bytes.actRead, o.bytes.actWrite, o.bytes.kvRead, o.bytes.kvWrite, o.bytes.total, o.intensityFlopPerByte, o.bound, o.timeSeconds, ...(split ? [o.bytes.network ?? 0] : [])]),
  );
  const t = r.totals;
  const header = split ? [...OP_HEADER, 'networkBytes'] : OP_HEADER;
  // The efficiency profile's fixed overheads are a row of their own, so that the total row is the column's sum.
  const overhead = t.overheadSeconds === undefined ? '' : csvLine(['overhead', 1, 0, '', '', '', '', '', 0, '', '', t.overheadSeconds, ...(split ? [''] : [])]);
  return csvLine(header) + rows.join('') + overhead + csvLine(['total', 1, t.flops, '', '', '', '', '', t.bytes, '', '', t.timeSeconds, ...(split ? [''] : [])]);
}

export const SWEEP_HEADER = [
  'model', 'hardware', 'phase', 'batch', 'seqLen', 'contextLen', 'bits', 'flash', 'pairs', 'scope', 'costModel',
  'flops', 'bytes', 'timeSeconds', 'weightBytes', 'kvCacheBytes', 'kvCacheBytesPerToken', 'activationBytes', 'totalBytes', 'fitsDevice',
] as const;

/** Columns a sweep with any parallelism adds after SWEEP_HEADER's. */
export const PARALLEL_HEADER = ['tp', 'pp', 'ep', 'dp', 'communicationSeconds', 'perDeviceTotalBytes', 'perDeviceFits'] as const;

/** Columns a sweep with `--kv-offload` adds after the parallel ones: the host link's busy time and the host-side cache. */
export const OFFLOAD_HEADER = ['hostTransferSeconds', 'hostKvCacheBytes'] as const;

/** The column a sweep with any efficiency other than `peak` adds last: each point's `workload.efficiency`. */
export const EFFICIENCY_HEADER = ['efficiency'] as const;

/**
 * The header of a sweep's CSV (and its Arrow columns): the parallel columns only when the sweep has a parallelism,
 * the offload columns only under `--kv-offload`, the efficiency column only when it runs any device under an
 * efficiency other than `peak`.
 */
export function sweepHeader(parallel: boolean, efficiency = false, offload = false): readonly string[] {
  if (!offload && !efficiency) return parallel ? [...SWEEP_HEADER, ...PARALLEL_HEADER] : SWEEP_HEADER;
  return [...SWEEP_HEADER, ...(parallel ? PARALLEL_HEADER : []), ...(offload ? OFFLOAD_HEADER : []), ...(efficiency ? EFFICIENCY_HEADER : [])];
}

/**
 * A point's parallel columns: its degrees (1 each on one device), the collectives' seconds (0 on one device) and
 * what the busiest device holds (on one device the whole model; blank when a split's cost model cannot tell).
 */
export function parallelCells(p: SweepPoint): (number | boolean | string)[] {
  const par = p.workload.parallelism;
  const d = p.memory.perDevice;
  const own = d === undefined && !isSplit(par);
  return [
    par?.tp ?? 1, par?.pp ?? 1, par?.ep ?? 1, par?.dp ?? 1, p.totals.communicationSeconds ?? 0,
    d?.totalBytes ?? (own ? p.memory.totalBytes : ''), d?.fits ?? (own ? p.memory.fitsDevice : ''),
  ];
}

/** A sweep point's cells in SWEEP_HEADER order. */
function sweepCells(p: SweepPoint): (number | boolean | string)[] {
  const w = p.workload;
  const m = p.memory;
  return [
    p.model, p.hardware, w.phase, w.batch, w.seqLen, w.contextLen, w.bitsLabel, w.flash, w.pairs, w.scope, w.costModel,
    p.totals.flops, p.totals.bytes, p.totals.timeSeconds, m.weightBytes, m.kvCacheBytes, m.kvCacheBytesPerToken, m.activationBytes, m.totalBytes, m.fitsDevice,
  ];
}

/** One sweep point as a CSV line in SWEEP_HEADER order. */
export function sweepCsvLine(p: SweepPoint): string {
  return csvLine(sweepCells(p));
}

/** One point of a sweep with parallelism as a CSV line in `sweepHeader(true)` order. */
export function parallelSweepCsvLine(p: SweepPoint): string {
  return csvLine([...sweepCells(p), ...parallelCells(p)]);
}

/** One point of a sweep with an efficiency other than `peak`, in `sweepHeader(parallel, true, offload)` order. */
export function efficiencySweepCsvLine(p: SweepPoint, parallel: boolean, offload = false): string {
  return csvLine([...sweepCells(p), ...(parallel ? parallelCells(p) : []), ...(offload ? offloadCells(p) : []), p.workload.efficiency]);
}

/** One point of a sweep with `--kv-offload` and every device at `peak`, in `sweepHeader(parallel, false, true)` order. */
export function offloadSweepCsvLine(p: SweepPoint, parallel: boolean): string {
  return csvLine([...sweepCells(p), ...(parallel ? parallelCells(p) : []), ...offloadCells(p)]);
}

/** A point's offload cells: the host link's busy seconds and the whole cache in host memory (0 for a point without). */
function offloadCells(p: SweepPoint): number[] {
  return [p.totals.hostTransferSeconds ?? 0, p.memory.hostKvCacheBytes ?? 0];
}
