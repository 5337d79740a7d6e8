/**
 * The serving view of one request batch, end to end: the prefill of the prompt yields the first token (TTFT), then
 * every decode step attends to the context so far; their sum is the end-to-end time, from which follow throughput,
 * energy, cost, and the memory answers at the longest context the batch reaches.
 */
import { COST_MODEL_DEFS } from './cost-models/index.js';
import { bitsLabel, type Bits, type DType } from './dtype.js';
import { efficiencyNote, PEAK_EFFICIENCY, type EfficiencyProfile } from './efficiency.js';
import { Plan } from './engine.js';
import type { Hardware } from './hardware.js';
import { WORKLOAD_LIMITS } from './limits.js';
import type { ModelConfig } from './model-config.js';
import { OP_KINDS, type OpKind } from './op.js';
import { replicaDevices, SINGLE, type Parallelism } from './parallelism.js';
import { mlaMode, type MlaMode, type Phase, type Workload } from './workload.js';
import { generateMemory, type GenerateMemory } from './generate-memory.js';
import { generateNotes } from './generate-notes.js';
import { chunkedPrefill } from './chunked.js';
import { draftPlans, draftRun, type DraftPlans, type Speculative } from './speculative.js';
import { multiTokenNotes } from './multitoken-notes.js';
import { generateOffloadNotes } from './offload.js';
import { kvTransfer, transferLink, type DisaggregationLink, type KvTransfer } from './disaggregation.js';

export const GENERATE_SCHEMA = 'llm-roofline.generate/v1';

export type { GenerateMemory } from './generate-memory.js';

/** What a generate command keeps fixed across its runs: a workload less its phase, batch and lengths. */
export type GenerateSettings = Omit<Workload, 'phase' | 'batch' | 'seqLen' | 'contextLen' | 'microBatches'>;

/** One request batch: `batch` sequences of `input` prompt tokens, each generating `output` tokens (output ≥ 1). */
export interface GenerateRequest {
  readonly input: number;
  readonly output: number;
  readonly batch: number;
}

/** What the figures beyond time need: the device's power, a price, the engine's memory reserve. */
export interface GenerateOptions {
  /** One device's power (the profile's TDP), watts; absent: no energy figure. */
  readonly powerWatts?: number | undefined;
  /** USD per device-hour; absent: no cost figure. */
  readonly pricePerDeviceHour?: number | undefined;
  /** Share of each device's memory a serving engine keeps back (vLLM: 1 − gpu_memory_utilization). */
  readonly memoryReserve: number;
  /** Chunked prefill: prompt tokens per pass (absent: the prompt in one prefill pass). */
  readonly chunk?: number | undefined;
  /** Speculative decoding (absent: one token per decode step). */
  readonly speculative?: Speculative | undefined;
  /** Prefill and decode on separate devices (absent: the same devices run both). */
  readonly disaggregation?: Disaggregation | undefined;
}

/** Where the decode runs when it is disaggregated from the prefill, and the link the cache crosses. */
export interface Disaggregation {
  readonly link: DisaggregationLink;
  /** The decode devices (the prefill's hardware when they are of the same kind). */
  readonly decodeHardware: Hardware;
  /** The efficiency the decode devices run under. */
  readonly decodeEfficiency: EfficiencyProfile;
  /** One decode device's power, watts; absent: no energy figure. */
  readonly decodePowerWatts?: number | undefined;
}

/** A disaggregated run's cache move and decode devices, as reported. */
export interface GenerateDisaggregation extends KvTransfer {
  readonly decodeHardware: string;
  /** Devices of the prefill pool and of the decode pool, each a replica's devices × dp. */
  readonly prefillDevices: number;
  readonly decodeDevices: number;
  readonly decodeEfficiency: GenerateEfficiency;
  /** The prefill device that holds the most fits its weights and the batch's cache at the input length (the memory answers are the decode's). */
  readonly prefillFits: boolean;
}

/** Seconds by operator kind (Σ count × seconds over the phase's passes), and the fixed overheads of those passes. */
export type KindSeconds = Readonly<Record<OpKind | 'overhead', number>>;

/** The efficiency a run was integrated under, as its report states it. */
export interface GenerateEfficiency {
  /** `peak`, `typical:<family>` or the file it was read from. */
  readonly label: string;
  /** Fraction of the compute peak each kind of operator reaches. */
  readonly kinds: Readonly<Record<OpKind, number>>;
  /** Fraction of the memory bandwidth streaming reaches. */
  readonly memory: number;
  readonly layerOverheadSeconds: number;
  readonly stepOverheadSeconds: number;
  /** The hardware profile's own fractions of its datasheet (1 = the datasheet), applied under the ones above. */
  readonly hardware: { readonly compute: number; readonly memory: number };
}

/** A run's workload as reported: the request, then the fixed settings in analyze's key order. */
export interface GenerateWorkload {
  readonly input: number;
  readonly output: number;
  readonly batch: number;
  readonly bits: Bits;
  readonly bitsLabel: string;
  readonly computeDtype: DType;
  readonly flash: boolean;
  readonly pairs: Workload['pairs'];
  /** MLA models: the form each phase computes. */
  readonly mla?: { readonly prefill: MlaMode; readonly decode: MlaMode };
  readonly costModel: Workload['costModel'];
  readonly moeImbalance?: number;
  readonly mtp?: boolean;
  readonly parallelism?: Parallelism;
  readonly overlap?: boolean;
  /** The KV cache lives in host memory and every pass streams it (--kv-offload). */
  readonly kvOffload?: boolean;
}

/** One request batch integrated end to end (the `llm-roofline.generate/v1` run). */
export interface GenerateRun {
  readonly model: string;
  readonly hardware: string;
  readonly workload: GenerateWorkload;
  /** Devices of the deployment: devices per replica × data-parallel replicas. */
  readonly devices: number;
  readonly ttftSeconds: number;
  /** Mean decode step, (E2E − TTFT) / (M − 1), a disaggregated cache move included; absent when M = 1. */
  readonly tpotSeconds?: number;
  readonly e2eSeconds: number;
  /** Output tokens per second over every replica: dp · B · M / E2E. */
  readonly outputTokensPerSecond: number;
  /** Every device at its power for the whole E2E, per output token; absent without a power figure. */
  readonly joulesPerOutputToken?: number;
  /** USD per million output tokens at the given price per device-hour; absent without one. */
  readonly costPerMillionOutputTokens?: number;
  /** The target's prefill (its chunks with --chunk) and decode passes; the draft's prefill and passes apart. */
  readonly breakdown: { readonly prefill: KindSeconds; readonly decode: KindSeconds; readonly draft?: { readonly prefill: KindSeconds; readonly decode: KindSeconds } };
  /** Chunked prefill: tokens per chunk and the passes the prompt took. */
  readonly prefillChunks?: { readonly chunkTokens: number; readonly chunks: number };
  /** Speculative decoding: the draft, k, a, E = (1 − a^(k+1)) / (1 − a) and the steps taken for output − 1 tokens. */
  readonly speculative?: { readonly draft: string; readonly draftTokens: number; readonly acceptance: number; readonly tokensPerStep: number; readonly steps: number };
  /** Present when prefill and decode run on separate devices: the cache's move between them, in E2E after TTFT. */
  readonly disaggregation?: GenerateDisaggregation;
  readonly memory: GenerateMemory;
  readonly efficiency: GenerateEfficiency;
  readonly notes: readonly string[];
}

/** Why a request's lengths cannot be integrated (the flag and the problem), or undefined when they can. */
export function lengthProblem(r: GenerateRequest): { flag: '--input' | '--output'; detail: string } | undefined {
  const max = WORKLOAD_LIMITS.contextLen.max;
  if (r.input + r.output > max) {
    return { flag: '--output', detail: `input + output is longer than the longest context (got ${String(r.input)} + ${String(r.output)} = ${String(r.input + r.output)}, expected at most ${String(max)} tokens)` };
  }
  return undefined;
}

/** Seconds by kind from an accumulator indexed like OP_KINDS, with the passes' fixed overheads. */
function kindSeconds(a: Float64Array, overhead: number): KindSeconds {
  return { ...(Object.fromEntries(OP_KINDS.map((k, i) => [k, a[i] ?? 0])) as Record<OpKind, number>), overhead };
}

/**
 * A model on a device with fixed settings, compiled once for each phase; `run` integrates one request batch.
 * Each step is evaluated on the engine's totals path (no per-operator records).
 */
export class Generator {
  private readonly plans: Readonly<Record<Phase, Plan>>;
  private readonly parallel: Parallelism;
  private readonly efficiency: EfficiencyProfile;
  /** The draft's plans under speculative decoding. */
  private readonly draft: DraftPlans | undefined;
  /** The decode-form plan a chunked prefill's passes run on. */
  private readonly chunks: Plan | undefined;

  constructor(readonly model: ModelConfig, readonly hardware: Hardware, readonly settings: GenerateSettings, readonly options: GenerateOptions) {
    const s = settings;
    const plan = (phase: Phase): Plan => new Plan(model, hardware, planSpec(s, phase));
    const d = options.disaggregation;
    // A disaggregated decode runs on its own devices, at their own efficiency; the parallelism is the prefill's.
    const decode = d === undefined ? plan('decode') : new Plan(model, d.decodeHardware, { ...planSpec(s, 'decode'), efficiency: d.decodeEfficiency });
    this.plans = { prefill: plan('prefill'), decode };
    this.parallel = s.parallelism ?? SINGLE;
    this.efficiency = s.efficiency ?? PEAK_EFFICIENCY;
    // The draft runs beside the target's decode (on the decode devices when disaggregated); the chunks of a chunked
    // prefill are decode-form passes on the prefill's devices.
    this.draft = options.speculative === undefined ? undefined : draftPlans(model, d?.decodeHardware ?? hardware, d === undefined ? s : { ...s, efficiency: d.decodeEfficiency }, options.speculative, this.plans.decode);
    this.chunks = options.chunk === undefined ? undefined : d === undefined ? decode : plan('decode');
  }

  /** Integrates one request batch: the prefill, then M − 1 decode steps, step j attending N + j keys. */
  run(r: GenerateRequest): GenerateRun {
    const problem = lengthProblem(r);
    if (problem !== undefined) throw new RangeError(`${problem.flag}: ${problem.detail}`);
    const { bits } = this.settings;
    const N = r.input;
    const M = r.output;
    const prefillKinds = new Float64Array(OP_KINDS.length);
    const { chunk, speculative } = this.options;
    const chunked = chunk === undefined || this.chunks === undefined ? undefined : chunkedPrefill(this.chunks, r.batch, N, chunk, bits, prefillKinds);
    let ttft = chunked?.seconds ?? this.plans.prefill.addKindSeconds({ batch: r.batch, seqLen: N, contextLen: N, bits }, prefillKinds);
    const decodeKinds = new Float64Array(OP_KINDS.length);
    let decode = 0;
    let decodeOverhead = (M - 1) * this.plans.decode.overheadSeconds;
    // With one output token the prefill yields it and nothing is drafted.
    const draft = this.draft === undefined || speculative === undefined || M === 1 ? undefined : draftRun(this.draft, speculative, r.batch, N, M, bits, decodeKinds);
    if (draft !== undefined) {
      ttft += draft.prefill.seconds;
      decode = draft.decode.seconds;
      decodeOverhead = draft.decode.targetOverheadSeconds;
    } else {
      // One point object, its context moved along: the loop allocates nothing per step.
      const step = { batch: r.batch, seqLen: 1, contextLen: N, bits };
      for (let j = 1; j < M; j++) {
        step.contextLen = N + j;
        decode += this.plans.decode.addKindSeconds(step, decodeKinds);
      }
    }
    const par = this.parallel;
    const perPool = replicaDevices(par) * par.dp;
    const d = this.options.disaggregation;
    // The cache moves only when there is a decode to run it.
    const transfer = d === undefined || M === 1 ? undefined : this.transfer(d, r);
    const e2e = ttft + (transfer?.seconds ?? 0) + decode;
    const devices = d === undefined ? perPool : 2 * perPool;
    // Every replica serves its own batch: dp · B · M tokens in one E2E.
    const tokens = par.dp * r.batch * M;
    const { pricePerDeviceHour } = this.options;
    // Device-seconds of work: each device for the whole E2E, or, disaggregated, the prefill pool for TTFT and the
    // decode pool for the move and the decode (the same sum, perPool · E2E).
    const deviceSeconds = d === undefined ? devices * e2e : perPool * e2e;
    const joules = this.joules(perPool, ttft, e2e);
    const disaggregation = d === undefined ? undefined : this.disaggregationUsed(d, transfer, perPool, r);
    return {
      model: this.model.id,
      hardware: this.hardware.id,
      workload: this.workload(r),
      devices,
      ttftSeconds: ttft,
      ...(M > 1 ? { tpotSeconds: ((transfer?.seconds ?? 0) + decode) / (M - 1) } : {}),
      e2eSeconds: e2e,
      outputTokensPerSecond: e2e > 0 ? tokens / e2e : 0,
      ...(joules === undefined ? {} : { joulesPerOutputToken: joules / tokens }),
      ...(pricePerDeviceHour === undefined ? {} : { costPerMillionOutputTokens: ((pricePerDeviceHour * deviceSeconds) / 3600 / tokens) * 1e6 }),
      breakdown: {
        prefill: kindSeconds(prefillKinds, chunked?.overheadSeconds ?? this.plans.prefill.overheadSeconds),
        decode: kindSeconds(decodeKinds, decodeOverhead),
        ...(draft === undefined ? {} : { draft: { prefill: kindSeconds(draft.prefill.kinds, draft.prefill.overheadSeconds), decode: kindSeconds(draft.decode.draftKinds, draft.decode.draftOverheadSeconds) } }),
      },
      ...(chunked === undefined || chunk === undefined ? {} : { prefillChunks: { chunkTokens: chunk, chunks: chunked.chunks } }),
      ...(draft === undefined || speculative === undefined ? {} : { speculative: { draft: speculative.draft.kind === 'mtp' ? 'mtp' : speculative.draft.model.id, draftTokens: speculative.draftTokens, acceptance: speculative.acceptance, tokensPerStep: draft.decode.tokensPerStep, steps: draft.decode.steps } }),
      ...(disaggregation === undefined ? {} : { disaggregation }),
      memory: generateMemory(this.plans.decode, { batch: r.batch, seqLen: 1, contextLen: N + M, bits }, this.options.memoryReserve),
      efficiency: efficiencyUsed(this.efficiency, this.hardware),
      notes: [...COST_MODEL_DEFS[this.settings.costModel].notes, ...generateNotes(this.model, this.settings, this.options, M), ...multiTokenNotes(this.options, M), efficiencyNote(this.efficiency, 0), ...this.decodeEfficiencyNote(), ...(this.settings.kvOffload === true ? generateOffloadNotes() : []), ...(disaggregation?.prefillFits === false ? [prefillPoolNote(this.hardware.id)] : [])],
    };
  }

  /** Under disaggregation with a decode pool of another efficiency, the note on that one too. */
  private decodeEfficiencyNote(): string[] {
    const d = this.options.disaggregation;
    if (d === undefined || d.decodeEfficiency.label === this.efficiency.label) return [];
    return [`decode pool (${d.decodeHardware.id}): ${efficiencyNote(d.decodeEfficiency, 0)}`];
  }

  /** The cache's move after the prefill: the busiest prefill device's share of the batch's cache at the input length. */
  private transfer(d: Disaggregation, r: GenerateRequest): KvTransfer {
    const at = { batch: r.batch, seqLen: r.input, contextLen: r.input, bits: this.settings.bits };
    const prefill = this.plans.prefill;
    const bytes = (prefill.deviceMemory(at) ?? prefill.memory(at)).kvCacheBytes;
    return kvTransfer(d.link, transferLink(this.hardware, d.decodeHardware, d.link), bytes, this.efficiency.kinds.collective);
  }

  /**
   * Joules of a run at each device's power (its TDP): every device of a pool for the whole E2E, or, disaggregated,
   * the prefill pool for TTFT and the decode pool for the rest. Undefined when a device's power is unknown.
   */
  private joules(perPool: number, ttft: number, e2e: number): number | undefined {
    const prefillWatts = this.options.powerWatts;
    const d = this.options.disaggregation;
    if (prefillWatts === undefined) return undefined;
    if (d === undefined) return perPool * prefillWatts * e2e;
    if (d.decodePowerWatts === undefined) return undefined;
    return perPool * (prefillWatts * ttft + d.decodePowerWatts * (e2e - ttft));
  }

  /**
   * A disaggregated run's report: the move (nothing moves when there is no decode step), the decode pool, and whether
   * the prefill pool holds its weights and the batch's cache at the input length (activations left out, as in the
   * memory answers), which the decode's memory answers do not say when the pools are different devices.
   */
  private disaggregationUsed(d: Disaggregation, t: KvTransfer | undefined, perPool: number, r: GenerateRequest): GenerateDisaggregation {
    const moved = t ?? { link: d.link, linkName: transferLink(this.hardware, d.decodeHardware, d.link).name, bytesPerDevice: 0, seconds: 0 };
    const prefill = this.plans.prefill;
    const at = { batch: r.batch, seqLen: r.input, contextLen: r.input, bits: this.settings.bits };
    const m = prefill.deviceMemory(at) ?? prefill.memory(at);
    const prefillFits = m.weightBytes + m.kvCacheBytes <= this.hardware.memoryBytes * (1 - this.options.memoryReserve);
    return { ...moved, decodeHardware: d.decodeHardware.id, prefillDevices: perPool, decodeDevices: perPool, decodeEfficiency: efficiencyUsed(d.decodeEfficiency, d.decodeHardware), prefillFits };
  }

  /** The reported workload of a request. */
  private workload(r: GenerateRequest): GenerateWorkload {
    const s = this.settings;
    const cost = COST_MODEL_DEFS[s.costModel];
    return {
      input: r.input,
      output: r.output,
      batch: r.batch,
      bits: s.bits,
      bitsLabel: bitsLabel(s.bits),
      computeDtype: cost.computeDtype(s.bits),
      flash: s.flash,
      pairs: cost.pairMode(s.pairs),
      ...(this.model.attention.kind === 'mla' ? { mla: { prefill: mlaMode({ phase: 'prefill', mla: s.mla }), decode: mlaMode({ phase: 'decode', mla: s.mla }) } } : {}),
      costModel: s.costModel,
      ...(s.moeImbalance === undefined ? {} : { moeImbalance: s.moeImbalance }),
      ...(s.mtp === true ? { mtp: true } : {}),
      ...(s.parallelism === undefined ? {} : { parallelism: s.parallelism, overlap: s.overlap === true }),
      ...(s.kvOffload === true ? { kvOffload: true } : {}),
    };
  }
}

/** Why a disaggregated run's memory answers, the decode pool's, do not tell the whole story. */
function prefillPoolNote(hardware: string): string {
  return `disaggregation memory: the prefill pool (${hardware}) does not hold the model's weights and the batch's cache at the input length in its usable memory; the memory answers are the decode pool's (disaggregation.prefillFits is false).`;
}

/** The plan specification of one phase under generate's settings (always the whole model). */
function planSpec(s: GenerateSettings, phase: Phase): ConstructorParameters<typeof Plan>[2] {
  return { phase, flash: s.flash, pairs: s.pairs, mla: mlaMode({ phase, mla: s.mla }), scope: 'model', costModel: s.costModel, moeImbalance: s.moeImbalance, mtp: s.mtp, parallel: s.parallelism, overlap: s.overlap, efficiency: s.efficiency, kvOffload: s.kvOffload };
}

/** An efficiency as a run reports it, with the device profile's own fractions under it. */
function efficiencyUsed(e: EfficiencyProfile, hardware: Hardware): GenerateEfficiency {
  const hw = hardware.efficiency;
  return { label: e.label, kinds: e.kinds, memory: e.memory, layerOverheadSeconds: e.layerOverheadSeconds, stepOverheadSeconds: e.stepOverheadSeconds, hardware: { compute: hw.compute, memory: hw.memory } };
}

/** The `llm-roofline.generate/v1` document: every run of a command. */
export interface GenerateDocument {
  readonly schema: typeof GENERATE_SCHEMA;
  readonly tool: { readonly name: string; readonly version: string };
  readonly runs: readonly GenerateRun[];
}
