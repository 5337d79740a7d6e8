/** A generate document as a terminal table or CSV: one row per run. */
import { Chalk } from 'chalk';
import Table from 'cli-table3';
import type { GenerateDocument, GenerateRun } from '../core/generate.js';
import { splitLabel } from '../core/sweep.js';
import { csvLine } from './csv.js';
import { displayText } from './sanitize.js';
import { seconds, si } from './units.js';

/** Whether any run carries a cost (a price was given): the cost column appears only then. */
function priced(d: GenerateDocument): boolean {
  return d.runs.some((r) => r.costPerMillionOutputTokens !== undefined);
}

/** Whether any run is disaggregated: the column of the cache's move appears only then. */
function moved(d: GenerateDocument): boolean {
  return d.runs.some((r) => r.disaggregation !== undefined);
}

/** Renders the runs as a table with a line of settings above and the definitions below; `color` picks ANSI colours. */
export function renderGenerateTable(d: GenerateDocument, color: boolean): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const cost = priced(d);
  const move = moved(d);
  const table = new Table({
    head: ['model', 'hardware', 'B', 'N', 'M', 'TTFT', ...(move ? ['KV move'] : []), 'TPOT', 'E2E', 'tokens/s', 'J/token', ...(cost ? ['$/M tokens'] : []), 'max batch'],
    colAligns: ['left', 'left', 'right', 'right', 'right', 'right', ...(move ? ['right' as const] : []), 'right', 'right', 'right', 'right', ...(cost ? ['right' as const] : []), 'right'],
    style: { head: [], border: [], compact: true },
  });
  for (const r of d.runs) {
    const w = r.workload;
    const maxBatch = r.memory.maxBatch === 0 ? c.red('0') : String(r.memory.maxBatch);
    table.push([
      displayText(r.model),
      displayText(r.hardware),
      String(w.batch),
      String(w.input),
      String(w.output),
      seconds(r.ttftSeconds),
      ...(move ? [r.disaggregation === undefined ? '-' : seconds(r.disaggregation.seconds)] : []),
      r.tpotSeconds === undefined ? '-' : seconds(r.tpotSeconds),
      seconds(r.e2eSeconds),
      si(r.outputTokensPerSecond, '').trim(),
      r.joulesPerOutputToken === undefined ? '-' : si(r.joulesPerOutputToken, 'J'),
      ...(cost ? [r.costPerMillionOutputTokens === undefined ? '-' : `$${r.costPerMillionOutputTokens.toPrecision(3)}`] : []),
      maxBatch,
    ]);
  }
  const first = d.runs[0];
  const head = first === undefined ? [] : [settingsLine(first)];
  const reserve = first === undefined ? '' : ` with ${String(Number((first.memory.reserve * 100).toPrecision(12)))}% of memory kept for the engine`;
  const tail = [
    'TTFT: prefill of the N-token prompt; TPOT: mean of the M − 1 decode steps; E2E: TTFT + every step; tokens/s: B × M / E2E over all replicas',
    `J/token: every device at its TDP for the whole E2E (an upper bound; - when the profile gives no power); max batch at N + M cached tokens${reserve}`,
  ];
  return [...head, table.toString(), ...tail].join('\n') + '\n';
}

/** The settings every run shares, as one line. */
export function settingsLine(r: GenerateRun): string {
  const w = r.workload;
  const split = splitLabel(w.parallelism, w.overlap);
  const parts = [
    `${w.bitsLabel} (compute at ${w.computeDtype} peak)`,
    w.flash ? 'flash attention' : 'unfused attention',
    `cost model ${w.costModel}`,
    ...(split === '' ? [] : [`${split} (${String(r.devices)} devices)`]),
    ...(w.kvOffload === true ? ['KV cache offloaded to host memory, streamed every step'] : []),
    ...(r.prefillChunks === undefined ? [] : [`prefill in chunks of ${String(r.prefillChunks.chunkTokens)} tokens`]),
    ...(r.speculative === undefined ? [] : [speculativeText(r.speculative)]),
    `efficiency ${efficiencyText(r.efficiency)}`,
    ...(r.disaggregation === undefined ? [] : [disaggregationText(r, r.disaggregation)]),
  ];
  return parts.join(', ');
}

/** A speculative decode in a few words: the draft, its length and acceptance, the expected tokens per step. */
function speculativeText(sp: NonNullable<GenerateRun['speculative']>): string {
  const draft = sp.draft === 'mtp' ? 'the MTP module' : displayText(sp.draft);
  return `speculative decoding: ${draft} drafts ${String(sp.draftTokens)}, acceptance ${String(sp.acceptance)} (${String(Number(sp.tokensPerStep.toPrecision(4)))} tokens per step)`;
}

/** Where a disaggregated decode runs and what the cache crosses, in a few words. */
function disaggregationText(r: GenerateRun, d: NonNullable<GenerateRun['disaggregation']>): string {
  const same = d.decodeHardware === r.hardware && d.decodeEfficiency.label === r.efficiency.label;
  const pool = same ? `a second pool of ${String(d.decodeDevices)} ${displayText(d.decodeHardware)}` : `${String(d.decodeDevices)} ${displayText(d.decodeHardware)} (efficiency ${efficiencyText(d.decodeEfficiency)})`;
  return `disaggregated: decode on ${pool}, KV cache moved over ${d.link} (${displayText(d.linkName)})`;
}

/** The efficiency in a few words: its label, and at peak the profile's own fractions of the datasheet. */
function efficiencyText(e: GenerateRun['efficiency']): string {
  const hw = `profile ×${String(e.hardware.compute)} compute, ×${String(e.hardware.memory)} memory`;
  if (e.label === 'peak') return `peak (${hw})`;
  const overheads = `+${String(Math.round(e.layerOverheadSeconds * 1e9) / 1e3)} us/layer, +${String(Math.round(e.stepOverheadSeconds * 1e9) / 1e3)} us/pass`;
  return `${e.label} (GEMM ×${String(e.kinds.gemm)}, attention ×${String(e.kinds.attention)}, memory ×${String(e.memory)}, ${overheads})`;
}

/** The runs as CSV with the table's columns in plain units (seconds, joules, USD); absent values are empty cells. */
export function renderGenerateCsv(d: GenerateDocument): string {
  const cost = priced(d);
  const move = moved(d);
  const header = ['model', 'hardware', 'batch', 'input', 'output', 'ttftSeconds', ...(move ? ['kvTransferSeconds'] : []), 'tpotSeconds', 'e2eSeconds', 'outputTokensPerSecond', 'joulesPerOutputToken', ...(cost ? ['costPerMillionOutputTokens'] : []), 'maxBatch'];
  const rows = d.runs.map((r) => {
    const w = r.workload;
    return csvLine([
      r.model,
      r.hardware,
      w.batch,
      w.input,
      w.output,
      r.ttftSeconds,
      ...(move ? [r.disaggregation?.seconds ?? ''] : []),
      r.tpotSeconds ?? '',
      r.e2eSeconds,
      r.outputTokensPerSecond,
      r.joulesPerOutputToken ?? '',
      ...(cost ? [r.costPerMillionOutputTokens ?? ''] : []),
      r.memory.maxBatch,
    ]);
  });
  return csvLine(header) + rows.join('');
}
