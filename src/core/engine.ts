/**
 * Evaluation of a model on a device, one path for every command: a Plan generates one straight-line function that
 * evaluates every operator's formulas at a point (fields.ts), then costs each operator with its kind's cost function
 * (cost.ts). `analyze` reads the per-operator results, `sweep` only the totals; both come from the same loop.
 */
import { attentionShape, tileDim, type AttentionShape } from './attention-core.js';
import type { Bits } from './dtype.js';
import { COST_MODEL_DEFS, type CostModelDef } from './cost-models/index.js';
import { compile } from './compile.js';
import { KIND_COST, linkRateOf, type KindCost, type StepEnv } from './evaluate/cost.js';
import { AT_ACT_READ, AT_ACT_WRITE, AT_EXPS, AT_FLOPS, AT_KV_READ, AT_KV_WRITE, AT_MACS, AT_NETWORK, AT_WEIGHT, FIELD_COUNT, fieldsFunction, type FieldsFn } from './evaluate/fields.js';
import type { Hardware, Link } from './hardware.js';
import { cachedElements, cacheFormula, cacheRuns, modelParameters, modelSymbols, stageHoldings, type Scope, type Segment, type StageHolding } from './model.js';
import { checkParallelism, groupLinks, MissingLinkError, type GroupLink } from './parallel.js';
import { OffloadSchedule, offloadProblem, RESIDENT_LAYERS, withHostTransfers } from './offload.js';
import { isSplit, SINGLE, type Parallelism } from './parallelism.js';
import { footprintAt, type FootprintPlan, type MemoryFootprint } from './evaluate/footprint.js';
import type { ModelConfig } from './model-config.js';
import { OP_KINDS, type OpKind } from './op.js';
import { FEW_ROWS } from './calibration.js';
import { PEAK_EFFICIENCY, type EfficiencyProfile } from './efficiency.js';
import type { AttentionRates } from './hardware.js';
import { rateAt } from './rate-grid.js';
import { coldShare, fewRowRate, intensity, NO_EXTRAS, stepBandwidth, type Bound, type RooflineExtras } from './roofline.js';
import { variantOf } from './variants/index.js';
import { cachedTokens, type Phase } from './workload.js';
import { MissingPeakError, UnsupportedModelError, type DeviceMemory, type OpResult, type PlanSpec, type Point, type Totals, type WorkCounts } from './plan-types.js';

export type { DeviceMemory, OpBytes, OpResult, PlanSpec, Point, Totals, WorkCounts } from './plan-types.js';
export { MissingPeakError, UnsupportedModelError } from './plan-types.js';
export type { MemoryFootprint } from './evaluate/footprint.js';

/** One operator as the plan evaluates it. */
interface PlanOp {
  readonly name: string;
  readonly kind: OpKind;
  readonly count: number;
  readonly perLayer: boolean;
  /** A GEMM's output columns per row; 0 for other kinds. */
  readonly cols: number;
  /** Its kind's cost function. */
  readonly cost: KindCost;
  /** A collective's link (undefined for other kinds). */
  readonly link: { readonly link: Link } | undefined;
  /** A transfer over the host link (KV offload), which no collective efficiency fraction applies to. */
  readonly host: boolean;
  /** Occurrences on each pipeline stage (undefined without a pipeline). */
  readonly stages: readonly number[] | undefined;
}

/** The scope's operators, then (when the scope is not the whole model) the model's, whose footprint a point reports. */
function planOps(segments: readonly Segment[], links: Partial<Record<string, { readonly link: Link }>>): PlanOp[] {
  return segments.flatMap((s) =>
    s.ops.map((d) => ({ name: d.name, kind: d.kind, count: s.count, perLayer: s.perLayer, cols: compile(d.cols)(s.symbols), cost: KIND_COST[d.kind], link: d.group === undefined ? undefined : links[d.group], host: d.group === 'host', stages: s.stages })),
  );
}

/** Compiled operators of a model on a device for one phase and kernel style. */
export class Plan {
  readonly parameters: number;
  readonly activeParameters: number;
  /** Parameters of the model's multi-token-prediction module (0 without one). */
  readonly mtpParameters: number;
  private readonly ops: PlanOp[];
  /** Where the model's operators start in `ops` (0 when the scope is the model). */
  private readonly modelStart: number;
  private readonly fields: FieldsFn;
  private readonly values: Float64Array;
  /** Every operator's evaluated fields at the last point, FIELD_COUNT per operator. */
  private readonly f: Float64Array;
  /** The scope's operators' seconds and bounds (1 = compute) at the last point. */
  private readonly seconds: Float64Array;
  private readonly computeBound: Uint8Array;
  private readonly gemmPeaks: Float64Array;
  private readonly totals = { flops: 0, bytes: 0, timeSeconds: 0, communicationSeconds: 0 };
  /** The efficiency in effect (PEAK_EFFICIENCY when the spec gives none). */
  readonly efficiency: EfficiencyProfile;
  /** The efficiency profile's fixed seconds per pass of this scope: per layer in it, and per pass at model scope. */
  readonly overheadSeconds: number;
  /** The same seconds by pipeline stage (per-layer ones where the layers run, the per-pass one on the last stage). */
  private readonly stageOverheads: readonly number[];
  /** How the model is split over devices. */
  readonly parallel: Parallelism;
  /** Collectives overlap compute. */
  private readonly overlap: boolean;
  /** The model is split within a replica (isSplit of `parallel`). */
  private readonly split: boolean;
  /** The scope's operators run on pipeline stages (a pipeline at model scope). */
  private readonly staged: boolean;
  /** The links each group's collectives run on (empty on one device). */
  readonly links: Partial<Record<string, GroupLink>>;
  /** What one device of each pipeline stage holds (undefined on one device). */
  private readonly holdings: readonly StageHolding[] | undefined;
  private readonly cost: CostModelDef;
  /** The device's measured roofline terms for this plan's phase. */
  private readonly extras: RooflineExtras;
  private readonly footprintPlan: FootprintPlan;
  /** The phase this plan evaluates. */
  readonly phase: Phase;
  private readonly attention: { readonly shape: AttentionShape; readonly rates: AttentionRates | undefined };
  /** The profile measured the few-row kernel both from memory and in cache, so its cap is blended (fewRowRate). */
  private readonly fewBlended: boolean;
  private readonly env: StepEnv;
  /** Occurrences of the scope's operators per pass, by operator index. */
  private readonly counts: Float64Array;
  /** The scope's operators grouped by kind: the kind's index in OP_KINDS, its cost function and its operators' indices. */
  private readonly byKind: readonly { readonly kind: number; readonly cost: KindCost; readonly indices: Int32Array }[];
  /** Indices of the scope's collectives. */
  private readonly collectives: Int32Array;
  /** KV offload's layer-by-layer overlap (undefined without offload). */
  private readonly offload: OffloadSchedule | undefined;
  /** The KV cache lives in host memory (PlanSpec.kvOffload). */
  readonly kvOffload: boolean;

  constructor(readonly model: ModelConfig, readonly hardware: Hardware, spec: PlanSpec) {
    this.phase = spec.phase;
    this.cost = COST_MODEL_DEFS[spec.costModel ?? 'exact'];
    const why = this.cost.unsupported(model);
    if (why !== undefined) throw new UnsupportedModelError(why);
    spec = { ...spec, pairs: this.cost.pairMode(spec.pairs) };
    const variant = variantOf(model.attention);
    const sym = { ...modelSymbols(model), M: hardware.onChipMemoryBytes, a: 0 };
    const core = variant.core(model.attention, spec);
    const x = hardware.extras;
    const eff = spec.efficiency ?? PEAK_EFFICIENCY;
    this.efficiency = eff;
    // The profile's memory fraction scales every measured streaming rate as it scales the bandwidth.
    const memoryShare = hardware.efficiency.memory * eff.memory;
    this.attention = { shape: attentionShape(core, sym), rates: x?.attentionFlopPerSecond };
    this.extras = x === undefined ? NO_EXTRAS : {
      ...x,
      attentionFlopPerSecond: this.phase === 'decode' ? this.attentionRate(1) : x.attentionFlopPerSecond.prefill,
      workingSet: x.workingSet === undefined ? undefined : { bytes: x.workingSet.bytes, bytesPerSecond: x.workingSet.bytesPerSecond.map((r) => r * memoryShare) },
      kvStream: (x.kvStream ?? 0) * memoryShare,
    };
    this.fewBlended = (x?.fewRowGemmCachedFlopPerSecond ?? 0) > 0 && (x?.fewRowGemmFlopPerSecond ?? 0) > 0;
    if (spec.mtp === true && model.mtp !== undefined && !this.cost.mtp) throw new UnsupportedModelError(`${this.cost.title} has no accounting for multi-token prediction; use --cost-model exact or leave out --mtp`);
    this.parallel = spec.parallel ?? SINGLE;
    this.overlap = spec.overlap === true;
    const split = isSplit(this.parallel);
    this.split = split;
    if (split) {
      const refused = this.cost.splitProblem(model, this.parallel);
      if (refused !== undefined) throw refused;
      checkParallelism(model, this.parallel);
    }
    // Only the exact cost model charges communication; LLM-Viewer's tensor parallelism has none.
    this.links = split && this.cost.communication ? groupLinks(this.parallel, hardware.interconnect) : {};
    const segmentOptions = { imbalance: spec.moeImbalance, mtp: spec.mtp, parallel: this.parallel, devicesPerNode: hardware.interconnect?.devicesPerNode };
    // Every segment also knows the device's on-chip memory M and the fused tile's head dimension d_t.
    const withTile = (segments: Segment[]): Segment[] =>
      segments.map((s) => {
        const symbols = { ...s.symbols, M: hardware.onChipMemoryBytes };
        return { ...s, symbols: { ...symbols, d_t: compile(tileDim(core))(symbols) } };
      });
    this.kvOffload = spec.kvOffload === true;
    const host = this.kvOffload ? hostLink(model, hardware, { ...spec, parallel: this.parallel }) : undefined;
    const plain = withTile(this.cost.scopeSegments(model, spec, spec.scope, segmentOptions));
    const scoped = host === undefined ? plain : withHostTransfers(plain, model, spec.phase);
    const whole = spec.scope === 'model' ? [] : withTile(this.cost.scopeSegments(model, spec, 'model', segmentOptions));
    this.ops = planOps([...scoped, ...whole], host === undefined ? this.links : { ...this.links, host: { link: host } });
    this.offload = host === undefined ? undefined : new OffloadSchedule(scoped, model);
    [this.overheadSeconds, this.stageOverheads] = overheadsOf(scoped, spec.scope, eff, this.parallel.pp);
    this.modelStart = spec.scope === 'model' ? 0 : this.ops.length - whole.reduce((k, s) => k + s.ops.length, 0);
    const generated = fieldsFunction([...scoped, ...whole], spec.phase, spec.pairs, this.parallel.ep);
    this.fields = generated.fn;
    this.values = generated.values;
    this.f = new Float64Array(this.ops.length * FIELD_COUNT);
    const n = this.modelStart === 0 ? this.ops.length : this.modelStart;
    this.seconds = new Float64Array(n);
    this.computeBound = new Uint8Array(n);
    this.gemmPeaks = new Float64Array(n);
    const scopeOps = this.ops.slice(0, n);
    this.counts = Float64Array.from(scopeOps, (o) => o.count);
    this.byKind = OP_KINDS.map((kind, k) => ({ kind: k, cost: KIND_COST[kind], indices: Int32Array.from(scopeOps.flatMap((o, i) => (o.kind === kind ? [i] : []))) })).filter((g) => g.indices.length > 0);
    const params = modelParameters(model);
    this.parameters = params.total;
    this.activeParameters = params.active;
    this.mtpParameters = params.mtp;
    const withMtp = spec.mtp === true && model.mtp !== undefined;
    // Layers that hold different numbers of tokens (windows; an MTP module's layer too) are counted by window; the
    // llm-viewer models ignore windows, as LLM-Viewer does.
    const byWindow = this.cost.windows && (model.blocks.some((b) => b.layer.window > 0) || withMtp);
    const modelOps = this.ops.slice(this.modelStart);
    this.footprintPlan = {
      ...this.cost.footprint,
      weightParameters: params.total + (withMtp ? params.mtp : 0),
      // LLM-Viewer splits every weighted operator of a layer t ways, so its loads are one device's, 1/t of the model's.
      layerLoadDevices: split && this.cost.footprint.weights === 'layer-loads' ? this.parallel.tp : 1,
      cacheElems: compile(cacheFormula(model))(modelSymbols(model)),
      cacheRuns: byWindow ? cacheRuns(model, withMtp) : undefined,
      memoryBytes: hardware.memoryBytes,
      start: this.modelStart,
      perLayer: Uint8Array.from(modelOps, (o) => (o.perLayer ? 1 : 0)),
      counts: Float64Array.from(modelOps, (o) => o.count),
      resident: this.kvOffload ? { layers: RESIDENT_LAYERS, layerElems: compile(variant.cacheElems(model.attention))(modelSymbols(model)), window: model.blocks.every((b) => b.layer.window > 0) ? Math.max(...model.blocks.map((b) => b.layer.window)) : 0 } : undefined,
    };
    this.holdings = split && this.cost.footprint.weights === 'parameters' ? stageHoldings(model, this.parallel, spec.moeImbalance, withMtp) : undefined;
    const plainMemory = (this.extras.coldStream?.bytes.length ?? 0) === 0 && (this.extras.kvStream ?? 0) <= 0;
    const linkLatency = Float64Array.from(scopeOps, (o) => o.link?.link.latencySeconds ?? 0);
    const linkRate = Float64Array.from(scopeOps, (o) => (o.link === undefined ? 1 : linkRateOf(o.link.link, o.host ? 1 : eff.kinds.collective)));
    this.staged = scopeOps.some((o) => o.stages !== undefined);
    this.collectives = this.byKind.find((g) => g.cost === KIND_COST.collective)?.indices ?? new Int32Array(0);
    this.env = { peak: 0, few: 0, bytesPerSecond: 0, share: 1, attentionFlopPerSecond: 0, expPerSecond: this.extras.expPerSecond, gemmGrid: x?.gemmGrid !== undefined, gemmPeaks: this.gemmPeaks, extras: this.extras, plainMemory, overheadSeconds: this.extras.operatorOverheadSeconds, fraction: eff.kinds, seconds: this.seconds, computeBound: this.computeBound, linkLatency, linkRate };
  }

  /** Operators of the scope (the first `scopeCount` of `ops`). */
  private get scopeCount(): number {
    return this.seconds.length;
  }

  /**
   * Compute peak at these widths for products of `rows` rows (tokens × sequences): a calibrated
   * profile's measured few-row GEMM rate caps the peak for at most FEW_ROWS rows, the products the engine runs
   * without packing.
   */
  private peak(bits: Bits, rows: number): number {
    const dtype = this.cost.computeDtype(bits);
    let peak = this.hardware.peakFlopPerSecond[dtype];
    if (peak === undefined) throw new MissingPeakError(dtype, bits);
    const fewRows = this.hardware.extras?.fewRowGemmFlopPerSecond ?? 0;
    if (fewRows > 0 && rows <= FEW_ROWS) peak = Math.min(peak, fewRows);
    return peak * this.hardware.efficiency.compute;
  }

  /**
   * The few-row kernel's in-cache rate at these widths for products of `rows` rows (capped at the peak, like the
   * from-memory rate in peaks()); 0 when the profile measured none, or above FEW_ROWS rows.
   */
  private fewRowInCache(bits: Bits, rows: number): number {
    if (!this.fewBlended || rows > FEW_ROWS) return 0;
    const peak = this.hardware.peakFlopPerSecond[this.cost.computeDtype(bits)] ?? 0;
    return Math.min(peak, this.hardware.extras?.fewRowGemmCachedFlopPerSecond ?? 0) * this.hardware.efficiency.compute;
  }

  /**
   * The attention kernel's measured FLOP rate at this plan's shape for `tokens` new tokens per sequence: read off
   * the profile's grid for the phase when it has one (prefill by sequence length and head dimension, decode by maps
   * per cached key head and head dimension), else its single figure; 0 when the profile measured none.
   */
  attentionRate(tokens: number): number {
    const r = this.attention.rates;
    if (r === undefined) return 0;
    const { reuse, dim } = this.attention.shape;
    if (this.phase === 'decode') return r.decodeGrid === undefined ? r.decode : rateAt(r.decodeGrid, reuse, dim);
    return r.prefillGrid === undefined ? r.prefill : rateAt(r.prefillGrid, tokens, dim);
  }

  /**
   * Evaluates every operator at a point and costs the scope's: each operator's fields (this.f), seconds and bound,
   * and the totals. The one evaluation path of the engine.
   */
  private evaluate(p: Point): void {
    const v = this.values;
    const prefill = this.phase === 'prefill';
    v[0] = p.batch;
    v[1] = prefill ? p.seqLen : (p.queries ?? 1);
    v[2] = prefill ? p.seqLen : p.contextLen;
    v[3] = p.bits.weight / 8;
    v[4] = p.bits.activation / 8;
    v[5] = p.bits.kv / 8;
    v[6] = p.logits ?? 1;
    const f = this.f;
    this.fields(v, f);
    const rows = v[0] * v[1];
    const flopPerSecond = this.peak(p.bits, rows);
    const memoryRate = this.hardware.memoryBandwidthBytesPerSecond * this.hardware.efficiency.memory * this.efficiency.memory;
    const n = this.scopeCount;
    const counts = this.counts;
    // What every step of this scope reads again (weights and KV cache) picks the step's bandwidth; FLOPs and bytes
    // are summed in the same pass, in operator order.
    let resident = 0;
    let flops = 0;
    let bytes = 0;
    for (let i = 0; i < n; i++) {
      const count = counts[i]!;
      const at = i * FIELD_COUNT;
      const weight = f[at + AT_WEIGHT]!;
      const kvRead = f[at + AT_KV_READ]!;
      resident += count * (weight + kvRead);
      flops += count * f[at + AT_FLOPS]!;
      bytes += count * (weight + f[at + AT_ACT_READ]! + f[at + AT_ACT_WRITE]! + kvRead + f[at + AT_KV_WRITE]!);
    }
    const env = this.env;
    env.peak = flopPerSecond;
    env.bytesPerSecond = stepBandwidth(resident, memoryRate, this.extras);
    env.share = coldShare(env.bytesPerSecond, memoryRate, this.extras);
    // Few rows with both few-row rates measured: one blended rate for every operator (see fewRowRate).
    const inCache = this.fewRowInCache(p.bits, rows);
    env.few = inCache > 0 ? fewRowRate(env.share, flopPerSecond, inCache) : 0;
    env.attentionFlopPerSecond = this.extras === NO_EXTRAS ? 0 : this.attentionRate(v[1]);
    // A calibrated profile's GEMM grid gives each GEMM the rate at its own shape (rows × output columns) above FEW_ROWS rows.
    const grid = this.hardware.extras?.gemmGrid;
    // Each kind's cost function costs its operators, then the time is summed in operator order.
    const ops = this.ops;
    const seconds = this.seconds;
    if (grid !== undefined) {
      const gemm = this.gemmPeaks;
      const eff = this.hardware.efficiency.compute;
      for (let i = 0; i < n; i++) {
        const cols = ops[i]!.cols;
        gemm[i] = cols > 0 && rows > FEW_ROWS ? rateAt(grid, rows, cols) * eff : flopPerSecond;
      }
    }
    for (const { cost, indices } of this.byKind) cost(f, indices, env);
    let time = 0;
    for (let i = 0; i < n; i++) time += counts[i]! * seconds[i]!;
    let comm = 0;
    const coll = this.collectives;
    for (let j = 0; j < coll.length; j++) comm += counts[coll[j]!]! * seconds[coll[j]!]!;
    const t = this.totals;
    t.flops = flops;
    t.bytes = bytes;
    // Overlapped, the collectives hide behind compute (or it behind them): the step takes the longer of the two. A
    // pipeline's stages run one after another for one micro-batch, so each stage overlaps only its own collectives.
    // The fixed overheads come after (+ 0 at peak, which leaves the sum exactly as it was).
    const pass = this.offload !== undefined ? this.offload.passSeconds(seconds, counts) : !this.overlap ? time : this.staged ? this.stageTimes().reduce((s, x) => s + x, 0) : Math.max(time - comm, comm);
    t.timeSeconds = pass + this.overheadSeconds;
    t.communicationSeconds = comm;
  }

  /**
   * Each pipeline stage's seconds from the scope's operators as evaluate() left them: its compute and its collectives
   * added, or overlapped the longer of the two; one stage holding everything without a pipeline or below model scope.
   */
  private stageTimes(): number[] {
    const stages = this.parallel.pp;
    const compute = Array.from({ length: stages }, () => 0);
    const comm = Array.from({ length: stages }, () => 0);
    for (let i = 0; i < this.scopeCount; i++) {
      const o = this.ops[i]!;
      const into = o.kind === 'collective' ? comm : compute;
      const per = this.seconds[i]!;
      if (o.stages === undefined) into[0]! += o.count * per;
      else o.stages.forEach((c, k) => (into[k]! += c * per));
    }
    return compute.map((c, k) => (this.overlap ? Math.max(c, comm[k]!) : c + comm[k]!));
  }

  /** Totals of the last evaluated point (communication reported when the model is split). */
  private lastTotals(): Totals {
    const t = this.totals;
    if (this.offload !== undefined) {
      const host = this.offload.transferSeconds(this.seconds, this.counts);
      return this.overheadSeconds > 0 ? { flops: t.flops, bytes: t.bytes, timeSeconds: t.timeSeconds, hostTransferSeconds: host, overheadSeconds: this.overheadSeconds } : { flops: t.flops, bytes: t.bytes, timeSeconds: t.timeSeconds, hostTransferSeconds: host };
    }
    // Literals rather than a spread: this runs once per sweep point.
    if (this.overheadSeconds > 0) {
      if (this.split) return { flops: t.flops, bytes: t.bytes, timeSeconds: t.timeSeconds, communicationSeconds: t.communicationSeconds, overheadSeconds: this.overheadSeconds };
      return { flops: t.flops, bytes: t.bytes, timeSeconds: t.timeSeconds, overheadSeconds: this.overheadSeconds };
    }
    if (this.split) return { flops: t.flops, bytes: t.bytes, timeSeconds: t.timeSeconds, communicationSeconds: t.communicationSeconds };
    return { flops: t.flops, bytes: t.bytes, timeSeconds: t.timeSeconds };
  }

  /** Totals at a point. */
  totalsAt(p: Point): Totals {
    this.evaluate(p);
    return this.lastTotals();
  }

  /**
   * Evaluates a point, adds each operator kind's seconds (Σ count × seconds of its operators) to `into` at the kind's
   * index in OP_KINDS, and returns the point's totals.timeSeconds: the per-kind split of a step without per-operator
   * records and without allocating (generate calls it once per decode step). With --overlap the kinds add up to more
   * than the step, which hides the collectives behind compute.
   */
  addKindSeconds(p: Point, into: Float64Array): number {
    this.evaluate(p);
    const counts = this.counts;
    const seconds = this.seconds;
    for (const { kind, indices } of this.byKind) {
      let s = 0;
      for (let j = 0; j < indices.length; j++) s += counts[indices[j]!]! * seconds[indices[j]!]!;
      into[kind]! += s;
    }
    return this.totals.timeSeconds;
  }

  /**
   * addKindSeconds over one labelled segment's operators only (names `label.*`, e.g. `mtp`: the MTP module, which a
   * draft pass runs alone); returns their seconds, without the fixed overheads (the caller knows its pass's).
   */
  addLabelKindSeconds(p: Point, label: string, into: Float64Array): number {
    this.evaluate(p);
    const prefix = `${label}.`;
    let total = 0;
    for (const { kind, indices } of this.byKind) {
      let s = 0;
      for (let j = 0; j < indices.length; j++) {
        const i = indices[j]!;
        if (this.ops[i]!.name.startsWith(prefix)) s += this.counts[i]! * this.seconds[i]!;
      }
      into[kind]! += s;
      total += s;
    }
    return total;
  }

  /**
   * Each pipeline stage's seconds for one micro-batch at a point (its outgoing send and its share of the fixed
   * overheads included); one stage holding everything without a pipeline or below model scope.
   */
  stageSeconds(p: Point): number[] {
    this.evaluate(p);
    const overheads = this.stageOverheads;
    return this.stageTimes().map((x, k) => x + overheads[k]!);
  }

  /**
   * What the device that holds the most needs at a point (its pipeline stage's weights and cache, its rank's share of
   * the batch); undefined on one device or under a cost model that does not count parameters. `memory` is what
   * `summary(p)` just returned, when the caller has it: the point is then not evaluated again (the sweep's hot path).
   */
  deviceMemory(p: Point, memory?: MemoryFootprint): DeviceMemory | undefined {
    if (this.holdings === undefined) return this.footprintPlan.layerLoadDevices > 1 ? this.layerLoadDevice(memory ?? this.summary(p).memory) : undefined;
    const activationBytes = (memory ?? this.summary(p).memory).activationBytes;
    const sequences = Math.ceil(p.batch / this.parallel.ep);
    const tokens = cachedTokens({ phase: this.phase, seqLen: p.seqLen, contextLen: p.contextLen });
    // The busiest stage is found first and its record made once (a sweep calls this per point).
    let stage = -1;
    let weightBytes = 0;
    let kvCacheBytes = 0;
    let totalBytes = -1;
    for (let k = 0; k < this.holdings.length; k++) {
      const h = this.holdings[k]!;
      const weight = (h.parameters * p.bits.weight) / 8;
      const kv = (sequences * cachedElements(h.cacheRuns, tokens) * p.bits.kv) / 8;
      const total = weight + kv + activationBytes;
      if (total > totalBytes) [stage, weightBytes, kvCacheBytes, totalBytes] = [k, weight, kv, total];
    }
    if (stage < 0) return undefined;
    return { weightBytes, kvCacheBytes, activationBytes, totalBytes, fits: totalBytes <= this.hardware.memoryBytes, stage };
  }

  /**
   * One device's memory under LLM-Viewer's tensor parallelism (its `memory_consumption` with a TP size): the split
   * weight loads and the KV cache both 1/t of the model's, the activation one layer's stores as evaluated; `m` is
   * the model's footprint at the point.
   */
  private layerLoadDevice(m: MemoryFootprint): DeviceMemory {
    const t = this.footprintPlan.layerLoadDevices;
    const weightBytes = m.weightBytes / t;
    const kvCacheBytes = m.kvCacheBytes / t;
    const totalBytes = weightBytes + kvCacheBytes + m.activationBytes;
    return { weightBytes, kvCacheBytes, activationBytes: m.activationBytes, totalBytes, fits: totalBytes <= this.hardware.memoryBytes, stage: 0 };
  }

  /** Every operator's cost at a point. */
  operators(p: Point): OpResult[] {
    this.evaluate(p);
    const f = this.f;
    const out: OpResult[] = [];
    for (let i = 0; i < this.scopeCount; i++) {
      const o = this.ops[i]!;
      const at = i * FIELD_COUNT;
      const [flops, weight, actRead, actWrite, kvRead, kvWrite] = [f[at]!, f[at + 1]!, f[at + 2]!, f[at + 3]!, f[at + 4]!, f[at + 5]!];
      const total = weight + actRead + actWrite + kvRead + kvWrite;
      out.push({
        name: o.name,
        kind: o.kind,
        count: o.count,
        flops,
        bytes: o.kind === 'collective' ? { weight, actRead, actWrite, kvRead, kvWrite, total, network: f[at + AT_NETWORK]! } : { weight, actRead, actWrite, kvRead, kvWrite, total },
        intensityFlopPerByte: intensity(flops, total),
        bound: BOUNDS[this.computeBound[i]!]!,
        timeSeconds: this.seconds[i]!,
      });
    }
    return out;
  }

  /** Σ count × (multiply-adds, exps, KV bytes read and written) over the scope's operators at a point. */
  workCounts(p: Point): WorkCounts {
    this.evaluate(p);
    const f = this.f;
    let multiplyAdds = 0;
    let expEvaluations = 0;
    let kvBytesRead = 0;
    let kvBytesWritten = 0;
    for (let i = 0; i < this.scopeCount; i++) {
      const c = this.ops[i]!.count;
      const at = i * FIELD_COUNT;
      multiplyAdds += c * f[at + AT_MACS]!;
      expEvaluations += c * f[at + AT_EXPS]!;
      kvBytesRead += c * f[at + AT_KV_READ]!;
      kvBytesWritten += c * f[at + AT_KV_WRITE]!;
    }
    return { multiplyAdds, expEvaluations, kvBytesRead, kvBytesWritten };
  }

  /** Totals and memory footprint at a point, without per-operator records (the sweep's hot path). */
  summary(p: Point): { totals: Totals; memory: MemoryFootprint } {
    this.evaluate(p);
    return { totals: this.lastTotals(), memory: this.footprint(p) };
  }

  /** Memory needed to serve the whole model at a point: weights, KV cache for the batch, the largest activation. */
  memory(p: Point): MemoryFootprint {
    return this.summary(p).memory;
  }

  /** The footprint at `p` from the model's operators as evaluate() left them. */
  private footprint(p: Point): MemoryFootprint {
    return footprintAt(this.footprintPlan, this.f, p.batch, cachedTokens({ phase: this.phase, seqLen: p.seqLen, contextLen: p.contextLen }), p.bits);
  }
}

/**
 * The fixed overheads of a pass of this scope, in total and by pipeline stage: per layer for each transformer layer
 * (none at attention scope, which is not a layer), and once per pass at model scope, charged to the last stage.
 */
function overheadsOf(scoped: readonly Segment[], scope: Scope, eff: EfficiencyProfile, stages: number): [number, number[]] {
  const byStage = Array.from({ length: stages }, () => 0);
  const perLayer = scope === 'attention' ? 0 : eff.layerOverheadSeconds;
  let total = 0;
  for (const s of scoped) {
    if (!s.perLayer) continue;
    total += s.count * perLayer;
    if (s.stages === undefined) byStage[0]! += s.count * perLayer;
    else s.stages.forEach((c, k) => (byStage[k]! += c * perLayer));
  }
  if (scope === 'model') {
    total += eff.stepOverheadSeconds;
    byStage[stages - 1]! += eff.stepOverheadSeconds;
  }
  return [total, byStage];
}

/** The host link KV offload streams over, after checking that offload can be modelled under the spec. */
function hostLink(model: ModelConfig, hardware: Hardware, spec: PlanSpec): Link {
  const problem = offloadProblem(spec);
  if (problem !== undefined) throw new UnsupportedModelError(`${problem.flag}: --kv-offload: ${problem.reason}`);
  const host = hardware.interconnect?.host;
  if (host === undefined) throw new MissingLinkError(`has no host link (interconnect.host), which --kv-offload streams ${model.id}'s cache over`);
  return host;
}

/** Bounds by the code the cost functions write. */
const BOUNDS: readonly Bound[] = ['memory', 'compute', 'network'];

/** Sums per-operator results into totals (Σ count × value). */
export function sumOps(ops: readonly OpResult[]): Totals {
  let flops = 0;
  let bytes = 0;
  let timeSeconds = 0;
  for (const o of ops) {
    flops += o.count * o.flops;
    bytes += o.count * o.bytes.total;
    timeSeconds += o.count * o.timeSeconds;
  }
  return { flops, bytes, timeSeconds };
}
