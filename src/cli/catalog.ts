/** `llm-roofline models` and `llm-roofline hardware`: what ships, and one entry in full with its sources. */
import Table from 'cli-table3';
import type { z } from 'zod';
import { evaluate } from '../core/compile.js';
import { cacheFormula, distinctLayers, modelParameters, modelSymbols } from '../core/model.js';
import type { LayerSpec, ModelConfig } from '../core/model-config.js';
import type { HardwareListSchema, HardwareShowSchema, ModelShowSchema, ModelsListSchema } from '../io/catalog-schema.js';
import { hardwareIds, loadHardware } from '../io/load-hardware.js';
import { loadModel, modelIds } from '../io/load-model.js';
import { fileOfConfig } from '../io/model-file.js';
import { si } from '../render/units.js';
import { displayLines } from '../render/sanitize.js';
import { emit } from './common.js';

/** The output formats of the catalog commands. */
export interface CatalogOptions {
  format: 'table' | 'text' | 'json';
}

const json = (doc: unknown): string => JSON.stringify(doc, null, 2) + '\n';

function derived(m: ModelConfig): { parameters: number; kvCacheElementsPerTokenPerLayer: number } {
  const s = modelSymbols(m);
  return { parameters: modelParameters(m).total, kvCacheElementsPerTokenPerLayer: evaluate(cacheFormula(m), s) / m.layers };
}

const plainTable = (head: string[]): Table.Table => new Table({ head, style: { head: [], border: [], compact: true } });

/** Prints the shipped models, one line each, or as llm-roofline.models/v1. */
export function listModels(o: CatalogOptions): void {
  const models = modelIds().map((id): z.input<typeof ModelsListSchema>['models'][number] => {
    const m = loadModel(id);
    return { id, name: m.name, attention: m.attention.kind, layers: m.layers, hiddenSize: m.hiddenSize, ...derived(m) };
  });
  if (o.format === 'json') {
    const doc: z.input<typeof ModelsListSchema> = { schema: 'llm-roofline.models/v1', models };
    emit(undefined, json(doc));
    return;
  }
  const t = plainTable(['id', 'name', 'attention', 'layers', 'hidden', 'parameters', 'KV elems/token/layer']);
  for (const m of models) t.push([m.id, m.name, m.attention, String(m.layers), String(m.hiddenSize), si(m.parameters, '').trim(), String(m.kvCacheElementsPerTokenPerLayer)]);
  emit(undefined, displayLines(t.toString()) + '\n');
}

/** One layer spec in words: `dense MLP 11008 (silu), full attention, 2 norms`. */
function layerText(l: LayerSpec): string {
  const mlp = l.mlp.kind === 'dense'
    ? `dense MLP ${String(l.mlp.intermediateSize)} (${l.mlp.activation}${l.mlp.bias ? ', biases' : ''})`
    : `MoE ${String(l.mlp.expertsPerToken)} of ${String(l.mlp.experts)} experts × ${String(l.mlp.expertIntermediateSize)}${l.mlp.sharedExperts > 0 ? ` + ${String(l.mlp.sharedExperts)} shared × ${String(l.mlp.sharedIntermediateSize)}` : ''} (${l.mlp.activation})`;
  return `${mlp}, ${l.window === 0 ? 'full attention' : `window ${String(l.window)}`}, ${String(l.norms)} norms`;
}

/** Prints one model's config, derived quantities and source, as llm-roofline.model/v1 JSON or as text. */
export function showModel(ref: string, o: CatalogOptions): void {
  const m = loadModel(ref);
  const doc: z.input<typeof ModelShowSchema> = { schema: 'llm-roofline.model/v1', id: m.id, ...fileOfConfig(m), derived: derived(m) };
  if (o.format === 'json') {
    emit(undefined, json(doc));
    return;
  }
  const d = doc.derived;
  const lines = [`${m.name} (${m.id})`];
  if (m.source !== undefined) lines.push(`source: ${m.source}`);
  lines.push(`layers ${String(m.layers)}, hidden ${String(m.hiddenSize)}, vocabulary ${String(m.vocabSize)}, ${m.tiedEmbeddings ? 'tied' : 'separate'} embeddings`);
  for (const d of distinctLayers(m)) lines.push(`${String(d.count)} × ${layerText(d.layer)}`);
  if (m.mtp !== undefined) lines.push(`multi-token prediction: ${String(m.mtp.count)} × ${layerText(m.mtp.layer)}`);
  const extras = [m.logitSoftcap ? 'soft-capped attention logits' : '', m.attentionSinks ? 'attention sinks' : '', m.weightBits === undefined ? '' : `checkpoint weights ${String(m.weightBits)}-bit`].filter((x) => x !== '');
  if (extras.length > 0) lines.push(extras.join(', '));
  lines.push(`attention: ${Object.entries(m.attention).map(([k, v]) => `${k} ${String(v)}`).join(', ')}`);
  lines.push(`parameters: ${String(d.parameters)} (${si(d.parameters, '').trim()})`, `KV-cache elements per token per layer: ${String(d.kvCacheElementsPerTokenPerLayer)}`);
  emit(undefined, displayLines(lines.join('\n')) + '\n');
}

/** Prints the shipped hardware profiles, one line each, or as llm-roofline.hardware-list/v1. */
export function listHardware(o: CatalogOptions): void {
  const rows = hardwareIds().map((id): z.input<typeof HardwareListSchema>['hardware'][number] => {
    const { profile, hardware } = loadHardware(id);
    const { name, peakFlopPerSecond, memoryBandwidthBytesPerSecond, memoryBytes } = hardware;
    return { id, name, kind: profile.kind, peakFlopPerSecond, memoryBandwidthBytesPerSecond, memoryBytes };
  });
  if (o.format === 'json') {
    const doc: z.input<typeof HardwareListSchema> = { schema: 'llm-roofline.hardware-list/v1', hardware: rows };
    emit(undefined, json(doc));
    return;
  }
  const t = plainTable(['id', 'name', 'kind', 'fp16 dense', 'bandwidth', 'memory']);
  for (const h of rows) {
    const fp16 = h.peakFlopPerSecond.fp16;
    t.push([h.id, h.name, h.kind, fp16 === undefined ? '-' : si(fp16, 'FLOP/s'), si(h.memoryBandwidthBytesPerSecond, 'B/s'), si(h.memoryBytes, 'B')]);
  }
  emit(undefined, displayLines(t.toString()) + '\n');
}

/** Prints one profile: every number with its unit, flags and source, as text or llm-roofline.hardware/v1 JSON. */
export function showHardware(ref: string, o: CatalogOptions): void {
  const { id, file, profile } = loadHardware(ref);
  if (o.format === 'json') {
    const doc: z.input<typeof HardwareShowSchema> = { schema: 'llm-roofline.hardware/v1', id, file, profile };
    emit(undefined, json(doc));
    return;
  }
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
  const ic = profile.interconnect;
  quantity('devices per node', ic?.devicesPerNode);
  for (const [tier, l] of [['scale-up', ic?.scaleUp], ['host', ic?.host], ['scale-out', ic?.scaleOut]] as const) {
    if (l === undefined) continue;
    quantity(`${tier} link ${l.name}, bytes/s bidir`, l.bidirectionalBytesPerSecond);
    quantity(`${tier} link ${l.name}, bytes/s per direction`, l.perDirectionBytesPerSecond);
    quantity(`${tier} link latency, s`, l.latencySeconds);
    quantity(`${tier} link efficiency`, l.efficiency);
  }
  quantity('power, W', profile.powerWatts);
  if (profile.computeUnits !== undefined) lines.push(`  ${profile.computeUnits.name}: ${String(profile.computeUnits.count)}`);
  lines.push('sources:');
  for (const [key, s] of Object.entries(profile.sources)) lines.push(`  ${key}: ${s.title}${s.url === undefined ? '' : ` <${s.url}>`}`);
  for (const n of profile.notes ?? []) lines.push(`note: ${n}`);
  emit(undefined, displayLines(lines.join('\n')) + '\n');
}
