/** Markdown rendering of a report, for READMEs and pull-request comments. */
import type { Report } from '../core/report.js';
import { displayText, markdownCell } from './sanitize.js';
import { efficiencyText, OVERHEAD_ROW } from './table.js';
import { percent, seconds, si } from './units.js';

/** A report as a Markdown section with an operator table. */
export function renderMarkdown(r: Report): string {
  const w = r.workload;
  const lengths = w.phase === 'prefill' ? `seq ${String(w.seqLen)}` : `context ${String(w.contextLen)}`;
  const lines = [
    `### ${displayText(r.model.name)} on ${displayText(r.hardware.name)}`,
    '',
    `${w.phase}, batch ${String(w.batch)}, ${lengths}, ${w.bitsLabel}, ${w.flash ? 'flash' : 'unfused'} attention, scope ${w.scope}, cost model ${w.costModel}${markdownCell(efficiencyText(r))}. A multiply-add is 2 FLOPs.`,
    '',
    '| operator | count | FLOPs | bytes | FLOP/B | bound | time | share |',
    '|---|--:|--:|--:|--:|---|--:|--:|',
    ...r.ops.map(
      (o) =>
        `| ${markdownCell(o.name)} | ${String(o.count)} | ${si(o.flops, 'FLOP')} | ${si(o.bytes.total, 'B')} | ${o.intensityFlopPerByte.toPrecision(3)} | ${o.bound} | ${seconds(o.timeSeconds)} | ${percent((o.count * o.timeSeconds) / r.totals.timeSeconds)} |`,
    ),
    ...(r.totals.overheadSeconds === undefined ? [] : [`| ${OVERHEAD_ROW} | | | | | | ${seconds(r.totals.overheadSeconds)} | ${percent(r.totals.overheadSeconds / r.totals.timeSeconds)} |`]),
    `| **total** | | ${si(r.totals.flops, 'FLOP')} | ${si(r.totals.bytes, 'B')} | | | **${seconds(r.totals.timeSeconds)}** | 100.0% |`,
    '',
    `KV cache ${si(r.memory.kvCacheBytesPerToken, 'B')} per token, ${si(r.memory.kvCacheBytes, 'B')} for the batch; weights ${si(r.memory.weightBytes, 'B')}; total ${si(r.memory.totalBytes, 'B')} of ${si(r.hardware.memoryBytes, 'B')} (${r.memory.fitsDevice ? 'fits' : 'does not fit'}).`,
    '',
  ];
  return lines.join('\n');
}
