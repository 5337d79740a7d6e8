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
    `${w.phase}, batch ${String(w.batch)}, ${lengths}, ${w.bitsLabel} (compute at ${w.computeDtype} peak), ${w.flash ? 'flash' : 'unfused'} attention, scope ${w.scope}, cost model ${w.costModel}`,
  ];
  const table = new Table({
    head: ['operator', 'count', 'FLOPs', 'bytes', 'FLOP/B', 'bound', 'time', 'share'],
    colAligns: ['left', 'right', 'right', 'right', 'right', 'left', 'right', 'right'],
    style: { head: [], border: [], compact: true },
  });
  const total = r.totals.timeSeconds;
  for (const o of r.ops) {
    const bound = o.bound === 'compute' ? c.red('compute') : c.cyan('memory');
    table.push([displayText(o.name), String(o.count), si(o.flops, 'FLOP'), si(o.bytes.total, 'B'), o.intensityFlopPerByte.toPrecision(3), bound, seconds(o.timeSeconds), percent((o.count * o.timeSeconds) / total)]);
  }
  const m = r.memory;
  const fits = m.fitsDevice ? c.green('fits') : c.red('does not fit');
  const tail = [
    `total: ${si(r.totals.flops, 'FLOP')}, ${si(r.totals.bytes, 'B')} moved, ${c.bold(seconds(r.totals.timeSeconds))}  (per-op values are per occurrence; totals are Σ count × value; a multiply-add is 2 FLOPs)`,
    `KV cache: ${si(m.kvCacheBytesPerToken, 'B')} per token (all layers), ${si(m.kvCacheBytes, 'B')} for the batch`,
    `weights: ${si(m.weightBytes, 'B')} (${parametersText(r)}); largest activation ${si(m.activationBytes, 'B')}`,
    `memory: ${si(m.totalBytes, 'B')} of ${si(r.hardware.memoryBytes, 'B')}: ${fits}`,
  ];
  return [...head, table.toString(), ...tail].join('\n') + '\n';
}
