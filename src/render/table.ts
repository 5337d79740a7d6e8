/** The terminal report: per-operator table, totals, memory footprint. Colour only where the stream supports it. */
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { Report } from '../core/report.js';
import { displayText } from './sanitize.js';
import { parametersText, percent, seconds, si } from './units.js';

/** Renders a report as text; `color` chooses ANSI colours (chalk level 1) or none. */
export function renderTable(r: Report, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const w = r.workload;
  const lengths = w.phase === 'prefill' ? `seq ${String(w.seqLen)}` : `context ${String(w.contextLen)}`;
  const head = [
    c.bold(displayText(`${r.model.name} (${r.model.id}, ${r.model.attention.kind.toUpperCase()}) on ${r.hardware.name}`)),
    `${w.phase}, batch ${String(w.batch)}, ${lengths}, ${w.bitsLabel} (compute at ${w.computeDtype} peak), ${w.flash ? 'flash' : 'unfused'} attention, scope ${w.scope}, cost model ${w.costModel}${efficiencyText(r)}`,
  ];
  const table = new Table({
    head: ['operator', 'count', 'FLOPs', 'bytes', 'FLOP/B', 'bound', 'time', 'share'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'left', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  const total = r.totals.timeSeconds;
  for (const o of r.ops) {
    const bound = o.bound === 'compute' ? c.red('compute') : o.bound === 'network' ? c.green('network') : c.cyan('memory');
    // A collective moves bytes over links, not through memory: its column shows what each device sends.
    const bytes = o.bytes.network === undefined ? si(o.bytes.total, 'B') : `${si(o.bytes.network, 'B')} sent`;
    table.push([displayText(o.name), String(o.count), si(o.flops, 'FLOP'), bytes, o.intensityFlopPerByte.toPrecision(3), bound, seconds(o.timeSeconds), percent((o.count * o.timeSeconds) / total)]);
  }
  const overhead = r.totals.overheadSeconds;
  if (overhead !== undefined) table.push([OVERHEAD_ROW, '', '', '', '', '', seconds(overhead), percent(overhead / total)]);
  const m = r.memory;
  const fits = m.fitsDevice ? c.green('fits') : c.red('does not fit');
  const tail = [
    `total: ${si(r.totals.flops, 'FLOP')}, ${si(r.totals.bytes, 'B')} moved, ${c.bold(seconds(r.totals.timeSeconds))}  (per-op values are per occurrence; totals are Σ count × value; a multiply-add is 2 FLOPs)`,
    `KV cache: ${si(m.kvCacheBytesPerToken, 'B')} per token (all layers), ${si(m.kvCacheBytes, 'B')} for the batch`,
    `weights: ${si(m.weightBytes, 'B')} (${parametersText(r)}); largest activation ${si(m.activationBytes, 'B')}`,
    `memory${m.perDevice === undefined ? '' : ' (whole model on one device)'}: ${si(m.totalBytes, 'B')} of ${si(r.hardware.memoryBytes, 'B')}: ${fits}`,
  ];
  // The efficiency's note (its fractions, overheads and sources) is the one note the terminal shows: it changes every time.
  const efficiency = r.notes.find((n) => n.startsWith('efficiency '));
  return [...head, table.toString(), ...tail, ...deploymentLines(r, c), ...(efficiency === undefined ? [] : [displayText(efficiency)])].join('\n') + '\n';
}

/** The row of the efficiency profile's fixed overheads (per layer and per pass), which are part of the total time. */
export const OVERHEAD_ROW = '(fixed overheads)';

/** `, efficiency <label>` when the report ran under an efficiency profile other than the plain peak. */
export function efficiencyText(r: Report): string {
  return r.workload.efficiency === 'peak' ? '' : `, efficiency ${displayText(r.workload.efficiency)}`;
}

/** The split over devices: per-device memory, communication, the pipeline and throughput (nothing on one device). */
function deploymentLines(r: Report, c: InstanceType<typeof Chalk>): string[] {
  const d = r.deployment;
  const p = r.workload.parallelism;
  if (d === undefined || p === undefined) return [];
  const lines = [c.bold(`${String(d.devices)} devices: tp ${String(p.tp)} × pp ${String(p.pp)} × ep ${String(p.ep)} per replica (${String(d.devicesPerReplica)} devices), dp ${String(p.dp)} replicas`)];
  const pd = r.memory.perDevice;
  if (pd !== undefined) {
    const stage = p.pp > 1 ? ` (pipeline stage ${String(pd.stage)})` : '';
    lines.push(`per device${stage}: weights ${si(pd.weightBytes, 'B')}, KV cache ${si(pd.kvCacheBytes, 'B')}, activation ${si(pd.activationBytes, 'B')} = ${si(pd.totalBytes, 'B')} of ${si(r.hardware.memoryBytes, 'B')}: ${pd.fits ? c.green('fits') : c.red('does not fit')}`);
  }
  const comm = r.totals.communicationSeconds;
  if (comm !== undefined) lines.push(`communication: ${seconds(comm)} of ${seconds(r.totals.timeSeconds)}${d.communication.overlap ? ' (overlapped with compute: the pass, or each pipeline stage, takes the longer of the two)' : ' (not overlapped; --overlap lets it hide behind compute)'}`);
  for (const l of d.communication.links) lines.push(`  ${l.group}: ${displayText(l.name)} (${l.tier}), ${si(l.bytesPerSecond, 'B/s')} per direction × ${String(l.efficiency)}, ${seconds(l.latencySeconds)} per hop`);
  const pl = d.pipeline;
  if (pl !== undefined) {
    lines.push(`pipeline: ${String(pl.stages)} stages of ${pl.layersPerStage.join('/')} layers; one micro-batch ${seconds(pl.latencySeconds)}, slowest stage ${seconds(Math.max(...pl.stageSeconds))}; ${String(pl.microBatches)} micro-batches in ${seconds(pl.batchSeconds)}, bubble ${percent(pl.bubbleFraction)}`);
  }
  if (d.tokensPerSecond !== undefined) lines.push(`throughput: ${si(d.tokensPerSecond, 'tokens/s')} over all devices`);
  return lines;
}
