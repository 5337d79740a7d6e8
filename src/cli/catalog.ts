/** `llm-roofline models` and `llm-roofline hardware`: what ships, and one entry in full with its sources. */
import Table from 'cli-table3';
import { evaluate } from '../core/compile.js';
import { cacheFormula, modelSymbols, parameterFormula } from '../core/model.js';
import type { ModelConfig } from '../core/model-config.js';
import { hardwareIds, loadHardware } from '../io/load-hardware.js';
import { loadModel, modelIds } from '../io/load-model.js';
import { si } from '../render/units.js';
import { emit } from './common.js';

function derived(m: ModelConfig): { parameters: number; kvCacheElementsPerTokenPerLayer: number } {
  const s = modelSymbols(m);
  return { parameters: evaluate(parameterFormula(m), s), kvCacheElementsPerTokenPerLayer: evaluate(cacheFormula(m), s) / m.layers };
}

const plainTable = (head: string[]): Table.Table => new Table({ head, style: { head: [], border: [], compact: true } });

/** Prints the shipped models, one line each. */
export function listModels(): void {
  const t = plainTable(['id', 'name', 'attention', 'layers', 'hidden', 'parameters', 'KV elems/token/layer']);
  for (const id of modelIds()) {
    const m = loadModel(id);
    const d = derived(m);
    t.push([id, m.name, m.attention.kind, String(m.layers), String(m.hiddenSize), si(d.parameters, '').trim(), String(d.kvCacheElementsPerTokenPerLayer)]);
  }
  emit(undefined, t.toString() + '\n');
}

/** Prints one model's config, derived quantities and source, as JSON. */
export function showModel(ref: string): void {
  const m = loadModel(ref);
  emit(undefined, JSON.stringify({ ...m, derived: derived(m) }, null, 2) + '\n');
}

/** Prints the shipped hardware profiles, one line each. */
export function listHardware(): void {
  const t = plainTable(['id', 'name', 'kind', 'fp16 dense', 'bandwidth', 'memory']);
  for (const id of hardwareIds()) {
    const { profile, hardware } = loadHardware(id);
    const fp16 = hardware.peakFlopPerSecond.fp16;
    t.push([id, profile.name, profile.kind, fp16 === undefined ? '-' : si(fp16, 'FLOP/s'), si(hardware.memoryBandwidthBytesPerSecond, 'B/s'), si(hardware.memoryBytes, 'B')]);
  }
  emit(undefined, t.toString() + '\n');
}

/** Prints one profile: every number with its unit, flags and source. */
export function showHardware(ref: string): void {
  const { id, file, profile } = loadHardware(ref);
  const lines = [`${profile.name} (${id}, ${profile.kind}) from ${file}`];
  const quantity = (label: string, q: { value: number; source: string; flags?: string[] | undefined; note?: string | undefined } | undefined): void => {
    if (q === undefined) return;
    const flags = q.flags === undefined || q.flags.length === 0 ? '' : ` [${q.flags.join(', ')}]`;
    lines.push(`  ${label.padEnd(34)} ${String(q.value).padEnd(12)}${flags}  (${q.source})${q.note === undefined ? '' : `  ${q.note}`}`);
  };
  for (const [dtype, q] of Object.entries(profile.peakFlopPerSecond)) quantity(`peak ${dtype} dense, FLOP/s`, q);
  for (const [dtype, q] of Object.entries(profile.sparsePeakFlopPerSecond ?? {})) quantity(`peak ${dtype} 2:4 sparse, FLOP/s`, q);
  quantity('memory, bytes', profile.memoryBytes);
  quantity('memory bandwidth, bytes/s', profile.memoryBandwidthBytesPerSecond);
  quantity('on-chip memory per unit, bytes', profile.onChipMemoryBytes);
  quantity('last-level cache, bytes', profile.lastLevelCacheBytes);
  quantity(`${profile.computeUnits?.name ?? 'unit'} clock, Hz`, profile.computeUnits?.clockHz);
  quantity(`scale-up link ${profile.interconnect?.scaleUp?.name ?? ''}, bytes/s bidir`, profile.interconnect?.scaleUp?.bidirectionalBytesPerSecond);
  quantity(`host link ${profile.interconnect?.host?.name ?? ''}, bytes/s bidir`, profile.interconnect?.host?.bidirectionalBytesPerSecond);
  quantity('power, W', profile.powerWatts);
  if (profile.computeUnits !== undefined) lines.push(`  ${profile.computeUnits.name}: ${String(profile.computeUnits.count)}`);
  lines.push('sources:');
  for (const [key, s] of Object.entries(profile.sources)) lines.push(`  ${key}: ${s.title}${s.url === undefined ? '' : ` <${s.url}>`}`);
  for (const n of profile.notes ?? []) lines.push(`note: ${n}`);
  emit(undefined, lines.join('\n') + '\n');
}
