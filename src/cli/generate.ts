/** `llm-roofline generate`: request batches end to end, every combination of the listed inputs, outputs and batches. */
import { DEFAULT_MEMORY_RESERVE } from '../core/capacity.js';
import { GENERATE_SCHEMA, Generator, lengthProblem, type Disaggregation, type GenerateDocument, type GenerateRequest, type GenerateSettings } from '../core/generate.js';
import { WORKLOAD_LIMITS } from '../core/limits.js';
import { firstNonFinite } from '../core/report.js';
import { UserError } from '../io/errors.js';
import { loadHardware } from '../io/load-hardware.js';
import { toolInfo } from '../io/version.js';
import { renderGenerateCsv, renderGenerateTable } from '../render/generate.js';
import { renderGenerateHtml } from '../render/generate-html.js';
import { generateSvg } from '../render/generate-svg.js';
import { workloadFrom } from './analyze.js';
import { PEAK_EFFICIENCY, type EfficiencyProfile } from '../core/efficiency.js';
import { DISAGGREGATION_LINKS, MissingTierError, tierOf } from '../core/disaggregation.js';
import type { ModelConfig } from '../core/model-config.js';
import { familyOf } from '../io/load-efficiency.js';
import type { LoadedProfile } from '../io/load-hardware.js';
import { checkOut, efficiencyFrom, emit, loadModelWith, requirePeak, requireSupported, wantColor } from './common.js';
import { list, oneOf, positiveInt, workloadInt, type WorkloadOptionValues } from './options.js';
import { requireSplit } from './parallel-options.js';
import { chunkFrom, requireMultiQuery, speculativeFrom, type MultiTokenValues } from './generate-multitoken.js';
import { requireOffload } from './offload-options.js';

export const GENERATE_FORMATS = ['table', 'json', 'csv', 'svg', 'html'] as const;

/** Values of generate's options: analyze's without phase and lengths, the request lists, price and reserve. */
export type GenerateOptions = Omit<WorkloadOptionValues, 'phase' | 'batch' | 'seq' | 'context'> & {
  input: string;
  output: string;
  batch: string;
  pricePerDeviceHour?: string | undefined;
  memoryReserve?: string | undefined;
  disaggregate?: string | undefined;
  decodeHardware?: string | undefined;
  flash: boolean;
  mtp?: boolean | undefined;
  kvOffload?: boolean | undefined;
  format: string;
} & MultiTokenValues;

/** The highest price per device-hour accepted, USD: far above any rental (an 8-GPU node rents for ~$100/h). */
const PRICE_MAX = 1e6;

/** A plain decimal flag value (digits, a point, an exponent), or undefined when it is not one. */
function decimal(text: string): number | undefined {
  const n = Number(text);
  return /^\s*\d+(\.\d+)?([eE][+-]?\d+)?\s*$/.test(text) && Number.isFinite(n) ? n : undefined;
}

/** `--price-per-device-hour`: a positive number of USD, at most PRICE_MAX. */
export function priceFrom(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = decimal(text);
  if (n === undefined || n <= 0 || n > PRICE_MAX) throw new UserError('--price-per-device-hour', '', `expected USD per device-hour, a number above 0 and at most ${String(PRICE_MAX)} (got "${text}")`);
  return n;
}

/** `--memory-reserve`: the share of memory kept for the engine, from 0 up to (not including) 1. */
export function reserveFrom(text: string | undefined): number {
  if (text === undefined) return DEFAULT_MEMORY_RESERVE;
  const n = decimal(text);
  if (n === undefined || n >= 1) throw new UserError('--memory-reserve', '', `expected a share of memory from 0 to below 1, e.g. 0.1 for vLLM's gpu_memory_utilization 0.9 (got "${text}")`);
  return n;
}

/** Every combination of the listed inputs, outputs and batches (input outermost, batch innermost), each checked. */
export function requestsFrom(o: Pick<GenerateOptions, 'input' | 'output' | 'batch'>): GenerateRequest[] {
  // A value listed twice is one run, as in sweep.
  const unique = (xs: number[]): number[] => [...new Set(xs)];
  const inputs = unique(list('--input', o.input).map((t) => positiveInt('--input', t, WORKLOAD_LIMITS.seqLen)));
  const outputs = unique(list('--output', o.output).map((t) => positiveInt('--output', t, WORKLOAD_LIMITS.contextLen)));
  const batches = unique(list('--batch', o.batch).map((t) => workloadInt('--batch', t)));
  const requests = inputs.flatMap((input) => outputs.flatMap((output) => batches.map((batch) => ({ input, output, batch }))));
  for (const r of requests) {
    const problem = lengthProblem(r);
    if (problem !== undefined) throw new UserError(problem.flag, '', problem.detail);
  }
  return requests;
}

/** The settings analyze's options give, less its phase and lengths (generate sets those per step). */
function settingsFrom(o: GenerateOptions, model: Parameters<typeof workloadFrom>[1], device: LoadedProfile): GenerateSettings {
  if (o.microBatches !== undefined) {
    throw new UserError('--micro-batches', '', `generate takes each step through a pipeline's stages as one batch; micro-batches in flight are not modelled (got ${o.microBatches})`);
  }
  // Placeholders for the phase and lengths: workloadFrom checks and reads everything else exactly as analyze does.
  const w = workloadFrom({ ...o, phase: 'decode', batch: '1', seq: '1', context: '1', scope: 'model' }, model);
  return { bits: w.bits, flash: w.flash, pairs: w.pairs, mla: w.mla, costModel: w.costModel, moeImbalance: w.moeImbalance, mtp: w.mtp, parallelism: w.parallelism, overlap: w.overlap, efficiency: servingEfficiency(o.efficiency, device), ...(w.kvOffload === true ? { kvOffload: true } : {}) };
}

/**
 * generate's efficiency: `--efficiency` when given; otherwise the device family's typical profile, or the datasheet
 * peak (stated) on a device no shipped profile covers, since nobody asked for `typical` there.
 */
export function servingEfficiency(value: string | undefined, device: LoadedProfile): EfficiencyProfile {
  if (value !== undefined) return efficiencyFrom(value, device);
  if (device.hardware.extras !== undefined || familyOf(device.id) !== undefined) return efficiencyFrom('typical', device);
  return { ...PEAK_EFFICIENCY, note: `no shipped typical efficiency covers ${device.id}, so generate ran at the datasheet peak (--efficiency FILE gives one; llm-roofline fit makes one from measurements)` };
}

/**
 * `--disaggregate LINK [--decode-hardware H]`: the decode pool (its profile, checked as the prefill's; its efficiency
 * resolved like the prefill's) and the link tier the cache crosses; undefined without the flag.
 */
export function disaggregationFrom(o: GenerateOptions, model: ModelConfig, prefill: LoadedProfile, s: GenerateSettings): Disaggregation | undefined {
  if (o.disaggregate === undefined) {
    if (o.decodeHardware !== undefined) throw new UserError('--decode-hardware', '', 'needs --disaggregate scale-up|scale-out: the decode runs on other devices only when it is disaggregated');
    return undefined;
  }
  const link = oneOf('--disaggregate', o.disaggregate, DISAGGREGATION_LINKS);
  const decode = o.decodeHardware === undefined ? prefill : loadHardware(o.decodeHardware, '--decode-hardware');
  if (decode !== prefill) {
    requirePeak(decode, s.bits, s.costModel);
    requireSplit(model, decode, s.parallelism, s.costModel);
  }
  if (link === 'scale-up' && decode.hardware.id !== prefill.hardware.id) {
    throw new UserError('--disaggregate', '', `scale-up joins devices of one kind, but the prefill runs on ${prefill.id} and the decode on ${decode.id} (expected scale-out)`);
  }
  for (const p of decode === prefill ? [prefill] : [prefill, decode]) {
    try {
      tierOf(p.hardware, link);
    } catch (e) {
      if (e instanceof MissingTierError) throw new UserError(p.file, link === 'scale-up' ? 'interconnect.scaleUp' : 'interconnect.scaleOut', `missing: --disaggregate ${link} moves the KV cache over it (${e.message})`);
      throw e;
    }
  }
  return { link, decodeHardware: decode.hardware, decodeEfficiency: servingEfficiency(o.efficiency, decode), decodePowerWatts: decode.profile.powerWatts?.value };
}

/** Runs the command: validates everything, integrates every request, then renders and writes once. */
export function runGenerate(o: GenerateOptions): void {
  checkOut(o.out);
  const format = oneOf('--format', o.format, GENERATE_FORMATS);
  const model = loadModelWith(o.model, o.attention);
  const profile = loadHardware(o.hardware);
  const settings = settingsFrom(o, model, profile);
  const requests = requestsFrom(o);
  const pricePerDeviceHour = priceFrom(o.pricePerDeviceHour);
  const memoryReserve = reserveFrom(o.memoryReserve);
  const chunk = chunkFrom(o.chunk);
  const speculative = speculativeFrom(o, model, settings.costModel);
  requireMultiQuery(settings.costModel, chunk, speculative);
  requireSupported(model, settings.costModel);
  requirePeak(profile, settings.bits, settings.costModel);
  if (settings.kvOffload === true && o.disaggregate !== undefined) throw new UserError('--kv-offload', '', `offloading the cache of a disaggregated decode pool is not modelled (the cache would move to the pool, then stream from its host); leave out --kv-offload or --disaggregate (got --disaggregate ${o.disaggregate})`);
  requireOffload(model, profile, settings, 'model');
  // The MTP draft is the module --mtp would cost in every pass: its cache's place in the streamed layer order is not modelled.
  if (settings.kvOffload === true && speculative?.draft.kind === 'mtp') throw new UserError('--draft', '', 'with --kv-offload, where the multi-token-prediction layer\'s cache streams in the layer order is not modelled; draft with --draft-model, or leave out --kv-offload (got --draft mtp)');
  requireSplit(model, profile, settings.parallelism, settings.costModel);
  const disaggregation = disaggregationFrom(o, model, profile, settings);
  const generator = new Generator(model, profile.hardware, settings, { powerWatts: profile.profile.powerWatts?.value, pricePerDeviceHour, memoryReserve, disaggregation, chunk, speculative });
  const doc: GenerateDocument = { schema: GENERATE_SCHEMA, tool: toolInfo(), runs: requests.map((r) => generator.run(r)) };
  const bad = firstNonFinite(doc);
  if (bad !== undefined) throw new Error(`internal: ${bad} is not a finite number`);
  if (format === 'svg' || format === 'html') {
    emit(o.out, format === 'svg' ? generateSvg(doc) : renderGenerateHtml(doc));
    return;
  }
  const text = format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : format === 'csv' ? renderGenerateCsv(doc) : renderGenerateTable(doc, wantColor(o.out));
  emit(o.out, text);
}
