/**
 * Evaluation of a model on a device: a Plan compiles the operator formulas of one (model, device, phase, kernel
 * style, scope) once; each point (batch, lengths, bit widths) then costs only plain arithmetic, which keeps sweeps fast.
 */
import { attentionShape, tileDim, type AttentionShape } from './attention-core.js';
import type { Bits, DType } from './dtype.js';
import { COST_MODEL_DEFS, type CostModelDef } from './cost-models/index.js';
import { compile, compileBody, jsSource, type CompiledFormula } from './compile.js';
import type { Hardware } from './hardware.js';
import { cacheFormula, modelSymbols, parameterFormula, type PlacedOp, type Scope } from './model.js';
import type { ModelConfig } from './model-config.js';
import { OP_FIELDS } from './op.js';
import { FEW_ROWS } from './calibration.js';
import type { AttentionRates } from './hardware.js';
import { rateAt } from './rate-grid.js';
import { coldShare, fewRowRate, intensity, memorySeconds, NO_EXTRAS, roofline, shortStreamBytes, stepBandwidth, type Bound, type RooflineExtras } from './roofline.js';
import { variantOf, type OpsContext } from './variants/index.js';
import { cachedTokens, pairsFormula, TILE_COUNT, TILE_ROWS, tokenCounts, type CostModel, type Phase } from './workload.js';

/** The varying part of a workload. */
export interface Point {
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
  readonly bits: Bits;
}

/** Bytes an operator moves, by stream. */
export interface OpBytes {
  readonly weight: number;
  readonly actRead: number;
  readonly actWrite: number;
  readonly kvRead: number;
  readonly kvWrite: number;
  readonly total: number;
}

/** One operator's cost per occurrence. */
export interface OpResult {
  readonly name: string;
  readonly count: number;
  readonly flops: number;
  readonly bytes: OpBytes;
  readonly intensityFlopPerByte: number;
  readonly bound: Bound;
  readonly timeSeconds: number;
}

export interface Totals {
  readonly flops: number;
  readonly bytes: number;
  readonly timeSeconds: number;
}

export interface MemoryFootprint {
  readonly weightBytes: number;
  readonly kvCacheBytes: number;
  readonly kvCacheBytesPerToken: number;
  readonly activationBytes: number;
  readonly totalBytes: number;
  readonly fitsDevice: boolean;
}

/** A device lacks the peak a workload's widths need. */
export class MissingPeakError extends Error {
  constructor(readonly dtype: DType, readonly bits: Bits) {
    super(`has no ${dtype} peak`);
  }
}

/** Totals and footprint parts written into `out` = [flops, bytes, timeSeconds, activationBytes, layerWeightBytes]. */
type SummaryFn = (v: Float64Array, out: Float64Array, peaks: Float64Array, fewFromMemory: number, fewInCache: number, fewRate: (share: number, fromMemory: number, inCache: number) => number, bandwidth: number, expRate: number, overhead: number, attnRate: number, stepBandwidth: (residentBytes: number, memoryRate: number) => number, coldShare: (stepRate: number, memoryRate: number) => number, shortBytes: (reusedBytes: number, share: number) => number, memSeconds: (bytes: number, kvReadBytes: number, bytesPerSecond: number) => number) => void;

/** Symbols a point sets, first in the summary function's value array; the plan's constants follow. */
const VARYING = ['B', 'T', 'K', 'w', 'a', 'kv'] as const;
/** Symbols derived from the point inside the summary function. */
const DERIVED = ['P', 'Br', 'n_t'] as const;

/**
 * One straight-line function computing a plan's totals (same operation order as sumOps over `operators`, so the two
 * agree bit for bit) and its largest activation over the whole model's operators. Symbols arrive in a Float64Array
 * and live in locals, so V8 sees plain doubles whatever the values.
 */
function summaryFunction(names: readonly string[], derived: readonly [string, string][], ops: readonly PlacedOp[], modelOps: readonly PlacedOp[], footprint: CostModelDef['footprint'], coldStream: boolean, kvStream: boolean, fewCached: boolean): SummaryFn {
  // Locals of the function itself start with $ so they cannot clash with formula symbols.
  const lines = [
    `const ${names.map((n, i) => `${n} = $v[${String(i)}]`).join(', ')};`,
    ...derived.map(([name, js]) => `const ${name} = ${js};`),
    'let $flops = 0, $bytes = 0, $time = 0, $act = 0, $wt = 0, $f = 0, $b = 0, $r = 0, $c = 0, $m = 0, $ws = 0, $s = 0;',
  ];
  // The step's reused bytes first (same order and arithmetic as Plan.residentBytes), to pick the bandwidth.
  for (const { def, count } of ops) lines.push(`$ws += ${String(count)} * ((${jsSource(def.weight)}) + (${jsSource(def.kvRead)}));`);
  lines.push('const $bw = $stepBandwidth($ws, $bandwidth);');
  // The cold-stream term only when the profile measured it (its extra bytes are 0 otherwise): sweeps on datasheet
  // profiles keep the plain memory term.
  if (coldStream || fewCached) lines.push('const $share = $coldShare($bw, $bandwidth);');
  // Few-row products with a measured in-cache rate: every operator's peak is the blended few-row rate (0 above
  // FEW_ROWS rows, where $fewInCache is 0 and the operator keeps its own peak), as in Plan.operators().
  if (fewCached) lines.push('const $fp = $fewInCache > 0 ? $fewRate($share, $fewFromMemory, $fewInCache) : 0;');
  ops.forEach(({ def, count }, i) => {
    const c = String(count);
    // Same arithmetic as computeSeconds() and roofline(), then the overhead; each operator has its own peak.
    const e = jsSource(def.exps);
    const peak = fewCached ? `($fp > 0 ? $fp : $peaks[${String(i)}])` : `$peaks[${String(i)}]`;
    const compute = def.exps === '0' ? `$f / ${peak}` : `((${e}) > 0 && $attnRate > 0 ? $f / $attnRate : $f / ${peak} + ($expRate > 0 ? (${e}) / $expRate : 0))`;
    // Same as memorySeconds(): only profiles with a measured KV streaming rate call it (the plain division otherwise).
    const memory = (bytes: string): string => (kvStream ? `$memSeconds(${bytes}, (${jsSource(def.kvRead)}), $bw)` : `${bytes} / $bw`);
    lines.push(
      `$f = ${jsSource(def.flops)};`,
      `$b = ${[def.weight, def.actRead, def.actWrite, def.kvRead, def.kvWrite].map((x) => `(${jsSource(x)})`).join(' + ')};`,
      ...(coldStream ? [`$s = (${jsSource(def.weight)}) + (${jsSource(def.kvRead)});`, `$c = ${compute}; $m = ${memory('($b + $shortBytes($s, $share))')};`] : [`$c = ${compute}; $m = ${memory('$b')};`]),
      `$flops += ${c} * $f; $bytes += ${c} * $b; $time += ${c} * (($c >= $m ? $c : $m) + $overhead);`,
    );
  });
  for (const { def, count, perLayer } of modelOps) {
    if (footprint.activation === 'largest-op-io') lines.push(`$r = (${jsSource(def.actRead)}) + (${jsSource(def.actWrite)}); if ($r > $act) $act = $r;`);
    else if (perLayer) lines.push(`$act += ${jsSource(def.actWrite)};`);
    if (footprint.weights === 'layer-loads' && perLayer) lines.push(`$wt += ${String(count)} * (${jsSource(def.weight)});`);
  }
  lines.push('$out[0] = $flops; $out[1] = $bytes; $out[2] = $time; $out[3] = $act; $out[4] = $wt;');
  return compileBody<SummaryFn>(['$v', '$out', '$peaks', '$fewFromMemory', '$fewInCache', '$fewRate', '$bandwidth', '$expRate', '$overhead', '$attnRate', '$stepBandwidth', '$coldShare', '$shortBytes', '$memSeconds'], lines.join('\n'));
}

interface CompiledOp {
  readonly name: string;
  readonly count: number;
  readonly fields: readonly CompiledFormula[];
  readonly macs: CompiledFormula;
  readonly exps: CompiledFormula;
}

function compileOps(placed: readonly PlacedOp[]): CompiledOp[] {
  return placed.map(({ def, count }) => ({ name: def.name, count, fields: OP_FIELDS.map((f) => compile(def[f])), macs: compile(def.macs), exps: compile(def.exps) }));
}

/** Work a kernel counts for the scope's operators: what `src/kernel` compares its own loop counts with. */
export interface WorkCounts {
  readonly multiplyAdds: number;
  readonly expEvaluations: number;
  readonly kvBytesRead: number;
  readonly kvBytesWritten: number;
}

/** Settings fixed for a plan. */
export interface PlanSpec extends OpsContext {
  readonly scope: Scope;
  /** Defaults to `exact`. */
  readonly costModel?: CostModel | undefined;
}

/** A cost model cannot evaluate this model (e.g. LLM-Viewer has no MLA). */
export class UnsupportedModelError extends Error {}

/** Compiled operators of a model on a device for one phase and kernel style. */
export class Plan {
  readonly parameters: number;
  private readonly ops: CompiledOp[];
  private readonly summarize: SummaryFn;
  private readonly values: Float64Array;
  private readonly out = new Float64Array(5);
  private readonly cost: CostModelDef;
  /** The device's measured roofline terms for this plan's phase. */
  private readonly extras: RooflineExtras;
  private readonly sym: Record<string, number>;
  private readonly pairs: CompiledFormula;
  private readonly tileRows = compile(TILE_ROWS);
  private readonly tileCount = compile(TILE_COUNT);
  private readonly cacheElems: number;
  private readonly phase: Phase;
  private readonly attention: { readonly shape: AttentionShape; readonly rates: AttentionRates | undefined };
  /** Per operator: output columns per row when it multiplies by weights (a GEMM), else 0. */
  private readonly gemmCols: Float64Array;
  private readonly opPeaks: Float64Array;
  private readonly stepBandwidth: (residentBytes: number, memoryRate: number) => number;
  private readonly coldShare: (stepRate: number, memoryRate: number) => number;
  private readonly shortBytes: (reusedBytes: number, share: number) => number;
  private readonly memSeconds: (bytes: number, kvReadBytes: number, bytesPerSecond: number) => number;
  /** The profile measured the few-row kernel both from memory and in cache, so its cap is blended (fewRowRate). */
  private readonly fewBlended: boolean;

  constructor(readonly model: ModelConfig, readonly hardware: Hardware, spec: PlanSpec) {
    this.phase = spec.phase;
    this.cost = COST_MODEL_DEFS[spec.costModel ?? 'exact'];
    const why = this.cost.unsupported(model);
    if (why !== undefined) throw new UnsupportedModelError(why);
    spec = { ...spec, pairs: this.cost.pairMode(spec.pairs) };
    const variant = variantOf(model.attention);
    this.sym = { ...modelSymbols(model), B: 0, T: 0, K: 0, P: 0, w: 0, a: 0, kv: 0, M: hardware.onChipMemoryBytes, d_t: 0, Br: 0, n_t: 0 };
    const core = variant.core(model.attention, spec);
    this.sym.d_t = compile(tileDim(core))(this.sym);
    const x = hardware.extras;
    this.attention = { shape: attentionShape(core, this.sym), rates: x?.attentionFlopPerSecond };
    this.extras = x === undefined ? NO_EXTRAS : {
      ...x,
      attentionFlopPerSecond: this.phase === 'decode' ? this.attentionRate(1) : x.attentionFlopPerSecond.prefill,
      workingSet: x.workingSet === undefined ? undefined : { bytes: x.workingSet.bytes, bytesPerSecond: x.workingSet.bytesPerSecond.map((r) => r * hardware.efficiency.memory) },
      kvStream: (x.kvStream ?? 0) * hardware.efficiency.memory,
    };
    const extras = this.extras;
    this.fewBlended = (x?.fewRowGemmCachedFlopPerSecond ?? 0) > 0 && (x?.fewRowGemmFlopPerSecond ?? 0) > 0;
    this.stepBandwidth = (ws, memoryRate) => stepBandwidth(ws, memoryRate, extras);
    this.coldShare = (stepRate, memoryRate) => coldShare(stepRate, memoryRate, extras);
    this.shortBytes = (reused, share) => shortStreamBytes(reused, share, extras);
    this.memSeconds = (bytes, kvRead, bw) => memorySeconds(bytes, kvRead, bw, extras);
    const placed = this.cost.scopeOps(model, spec, spec.scope);
    this.ops = compileOps(placed);
    const constants = Object.keys(this.sym).filter((k) => !(VARYING as readonly string[]).includes(k) && !(DERIVED as readonly string[]).includes(k));
    const names = [...VARYING, ...constants];
    this.values = Float64Array.from(names, (n) => this.sym[n] ?? 0);
    // An operator that multiplies activations by weights is a GEMM; its output columns are what it writes per row
    // (one token of one sequence) at one byte per element.
    const unit = { ...this.sym, B: 1, T: 1, K: 1, P: 1, w: 1, a: 1, kv: 1 };
    this.gemmCols = Float64Array.from(this.ops, (o) => (o.fields[1]!(unit) > 0 && o.macs(unit) > 0 ? o.fields[3]!(unit) : 0));
    this.opPeaks = new Float64Array(this.ops.length);
    const derived: [string, string][] = [
      ['P', jsSource(pairsFormula(spec.phase, spec.pairs))],
      ['Br', jsSource(TILE_ROWS)],
      ['n_t', jsSource(TILE_COUNT)],
    ];
    this.summarize = summaryFunction(names, derived, placed, spec.scope === 'model' ? placed : this.cost.scopeOps(model, spec, 'model'), this.cost.footprint, (extras.coldStream?.bytes.length ?? 0) > 0, (extras.kvStream ?? 0) > 0, this.fewBlended);
    this.pairs = compile(pairsFormula(spec.phase, spec.pairs));
    this.parameters = compile(parameterFormula(model))(this.sym);
    this.cacheElems = compile(cacheFormula(model))(this.sym);
  }

  private bind(p: Point): void {
    const s = this.sym;
    const { T, K } = tokenCounts({ phase: this.phase, seqLen: p.seqLen, contextLen: p.contextLen });
    s.B = p.batch;
    s.T = T;
    s.K = K;
    s.w = p.bits.weight / 8;
    s.a = p.bits.activation / 8;
    s.kv = p.bits.kv / 8;
    s.P = this.pairs(s);
    s.Br = this.tileRows(s);
    s.n_t = this.tileCount(s);
  }

  /**
   * Compute peak and bandwidth at these widths for products of `rows` rows (tokens × sequences): a calibrated
   * profile's measured few-row GEMM rate caps the peak for at most FEW_ROWS rows, the products the engine runs
   * without packing.
   */
  private peaks(bits: Bits, rows: number): { flopPerSecond: number; bytesPerSecond: number } {
    const dtype = this.cost.computeDtype(bits);
    let peak = this.hardware.peakFlopPerSecond[dtype];
    if (peak === undefined) throw new MissingPeakError(dtype, bits);
    const fewRows = this.hardware.extras?.fewRowGemmFlopPerSecond ?? 0;
    if (fewRows > 0 && rows <= FEW_ROWS) peak = Math.min(peak, fewRows);
    const eff = this.hardware.efficiency;
    return { flopPerSecond: peak * eff.compute, bytesPerSecond: this.hardware.memoryBandwidthBytesPerSecond * eff.memory };
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
   * Each operator's compute peak for products of `rows` rows, into this.opPeaks: `peak` (from peaks()), except that
   * a calibrated profile's GEMM grid gives the rate at the operator's own shape (rows × output columns) for the
   * operators that multiply by weights, above FEW_ROWS rows.
   */
  private operatorPeaks(peak: number, rows: number): Float64Array {
    const grid = this.hardware.extras?.gemmGrid;
    const out = this.opPeaks;
    for (let i = 0; i < out.length; i++) {
      const cols = this.gemmCols[i]!;
      out[i] = grid !== undefined && cols > 0 && rows > FEW_ROWS ? rateAt(grid, rows, cols) * this.hardware.efficiency.compute : peak;
    }
    return out;
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

  /** Σ count × (weight + KV-cache bytes read) of the scope's operators: what every step of this scope reads again. */
  private residentBytes(): number {
    let ws = 0;
    for (const o of this.ops) ws += o.count * (o.fields[1]!(this.sym) + o.fields[4]!(this.sym));
    return ws;
  }

  /** Every operator's cost at a point. */
  operators(p: Point): OpResult[] {
    this.bind(p);
    const rows = (this.sym.B ?? 0) * (this.sym.T ?? 0);
    const { flopPerSecond, bytesPerSecond: memoryRate } = this.peaks(p.bits, rows);
    const opPeaks = this.operatorPeaks(flopPerSecond, rows);
    const s = this.sym;
    const bytesPerSecond = stepBandwidth(this.residentBytes(), memoryRate, this.extras);
    const share = coldShare(bytesPerSecond, memoryRate, this.extras);
    // Few rows with both few-row rates measured: one blended rate for every operator (see fewRowRate).
    const inCache = this.fewRowInCache(p.bits, rows);
    const few = inCache > 0 ? fewRowRate(share, flopPerSecond, inCache) : 0;
    const extras = this.extras === NO_EXTRAS ? NO_EXTRAS : { ...this.extras, attentionFlopPerSecond: this.attentionRate(s.T ?? 0) };
    return this.ops.map((o, i) => {
      const [flops, weight, actRead, actWrite, kvRead, kvWrite] = o.fields.map((f) => f(s)) as [number, number, number, number, number, number];
      const total = weight + actRead + actWrite + kvRead + kvWrite;
      // Weights and cache read in one short stream from memory cost more than their bytes at the step's rate.
      const { timeSeconds, bound } = roofline(flops, total + shortStreamBytes(weight + kvRead, share, this.extras), few > 0 ? few : opPeaks[i]!, bytesPerSecond, o.exps(s), extras, kvRead);
      return {
        name: o.name,
        count: o.count,
        flops,
        bytes: { weight, actRead, actWrite, kvRead, kvWrite, total },
        intensityFlopPerByte: intensity(flops, total),
        bound,
        timeSeconds,
      };
    });
  }

  /** Σ count × (multiply-adds, exps, KV bytes read and written) over the scope's operators at a point. */
  workCounts(p: Point): WorkCounts {
    this.bind(p);
    const s = this.sym;
    let multiplyAdds = 0;
    let expEvaluations = 0;
    let kvBytesRead = 0;
    let kvBytesWritten = 0;
    for (const o of this.ops) {
      multiplyAdds += o.count * o.macs(s);
      expEvaluations += o.count * o.exps(s);
      kvBytesRead += o.count * o.fields[4]!(s);
      kvBytesWritten += o.count * o.fields[5]!(s);
    }
    return { multiplyAdds, expEvaluations, kvBytesRead, kvBytesWritten };
  }

  /** Totals and memory footprint at a point, without per-operator records (the sweep's hot path). */
  summary(p: Point): { totals: Totals; memory: MemoryFootprint } {
    const v = this.values;
    const prefill = this.phase === 'prefill';
    v[0] = p.batch;
    v[1] = prefill ? p.seqLen : 1;
    v[2] = prefill ? p.seqLen : p.contextLen;
    v[3] = p.bits.weight / 8;
    v[4] = p.bits.activation / 8;
    v[5] = p.bits.kv / 8;
    const { flopPerSecond, bytesPerSecond } = this.peaks(p.bits, v[0] * v[1]);
    const out = this.out;
    const extras = this.extras;
    this.summarize(v, out, this.operatorPeaks(flopPerSecond, v[0] * v[1]), flopPerSecond, this.fewRowInCache(p.bits, v[0] * v[1]), fewRowRate, bytesPerSecond, extras.expPerSecond, extras.operatorOverheadSeconds, extras === NO_EXTRAS ? 0 : this.attentionRate(v[1]), this.stepBandwidth, this.coldShare, this.shortBytes, this.memSeconds);
    return { totals: { flops: out[0]!, bytes: out[1]!, timeSeconds: out[2]! }, memory: this.footprint(p, out[3]!, out[4]!) };
  }

  /** Memory needed to serve the whole model at a point: weights, KV cache for the batch, the largest activation. */
  memory(p: Point): MemoryFootprint {
    return this.summary(p).memory;
  }

  /** The footprint at `p` given the activation and per-layer weight parts the summary function computed. */
  private footprint(p: Point, activationBytes: number, layerWeightBytes: number): MemoryFootprint {
    const weightBytes = this.cost.footprint.weights === 'parameters' ? (this.parameters * p.bits.weight) / 8 : layerWeightBytes;
    const kvCacheBytesPerToken = (this.cacheElems * p.bits.kv) / 8;
    const kvCacheBytes = p.batch * cachedTokens({ phase: this.phase, seqLen: p.seqLen, contextLen: p.contextLen }) * kvCacheBytesPerToken;
    const totalBytes = weightBytes + kvCacheBytes + activationBytes;
    return { weightBytes, kvCacheBytes, kvCacheBytesPerToken, activationBytes, totalBytes, fitsDevice: totalBytes <= this.hardware.memoryBytes };
  }
}

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
