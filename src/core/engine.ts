/**
 * Evaluation of a model on a device: a Plan compiles the operator formulas of one (model, device, phase, kernel
 * style, scope) once; each point (batch, lengths, bit widths) then costs only plain arithmetic, which keeps sweeps fast.
 */
import { tileDim } from './attention-core.js';
import { computeDtype, type Bits, type DType } from './dtype.js';
import { compile, type CompiledFormula } from './formula.js';
import type { Hardware } from './hardware.js';
import { cacheFormula, modelSymbols, parameterFormula, scopeOps, type PlacedOp, type Scope } from './model.js';
import type { ModelConfig } from './model-config.js';
import { OP_FIELDS } from './op.js';
import { intensity, roofline, type Bound } from './roofline.js';
import { variantOf, type OpsContext } from './variants/index.js';
import { cachedTokens, pairsFormula, TILE_COUNT, TILE_ROWS, tokenCounts, type Phase } from './workload.js';

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

interface CompiledOp {
  readonly name: string;
  readonly count: number;
  readonly fields: readonly CompiledFormula[];
}

function compileOps(placed: readonly PlacedOp[]): CompiledOp[] {
  return placed.map(({ def, count }) => ({ name: def.name, count, fields: OP_FIELDS.map((f) => compile(def[f])) }));
}

/** Settings fixed for a plan. */
export interface PlanSpec extends OpsContext {
  readonly scope: Scope;
}

/** Compiled operators of a model on a device for one phase and kernel style. */
export class Plan {
  readonly parameters: number;
  private readonly ops: CompiledOp[];
  private readonly modelOps: CompiledOp[];
  private readonly sym: Record<string, number>;
  private readonly pairs: CompiledFormula;
  private readonly tileRows = compile(TILE_ROWS);
  private readonly tileCount = compile(TILE_COUNT);
  private readonly cacheElems: number;
  private readonly phase: Phase;

  constructor(readonly model: ModelConfig, readonly hardware: Hardware, readonly spec: PlanSpec) {
    this.phase = spec.phase;
    const variant = variantOf(model.attention);
    this.sym = { ...modelSymbols(model), B: 0, T: 0, K: 0, P: 0, w: 0, a: 0, kv: 0, M: hardware.onChipMemoryBytes, d_t: 0, Br: 0, n_t: 0 };
    this.sym.d_t = compile(tileDim(variant.core(model.attention, spec)))(this.sym);
    this.ops = compileOps(scopeOps(model, spec, spec.scope));
    this.modelOps = spec.scope === 'model' ? this.ops : compileOps(scopeOps(model, spec, 'model'));
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

  private peaks(bits: Bits): { flopPerSecond: number; bytesPerSecond: number } {
    const dtype = computeDtype(bits);
    const peak = this.hardware.peakFlopPerSecond[dtype];
    if (peak === undefined) throw new MissingPeakError(dtype, bits);
    const eff = this.hardware.efficiency;
    return { flopPerSecond: peak * eff.compute, bytesPerSecond: this.hardware.memoryBandwidthBytesPerSecond * eff.memory };
  }

  /** Every operator's cost at a point. */
  operators(p: Point): OpResult[] {
    this.bind(p);
    const { flopPerSecond, bytesPerSecond } = this.peaks(p.bits);
    const s = this.sym;
    return this.ops.map((o) => {
      const [flops, weight, actRead, actWrite, kvRead, kvWrite] = o.fields.map((f) => f(s)) as [number, number, number, number, number, number];
      const total = weight + actRead + actWrite + kvRead + kvWrite;
      const { timeSeconds, bound } = roofline(flops, total, flopPerSecond, bytesPerSecond);
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

  /** Totals and memory footprint at a point, without per-operator records (the sweep's hot path). */
  summary(p: Point): { totals: Totals; memory: MemoryFootprint } {
    this.bind(p);
    const { flopPerSecond, bytesPerSecond } = this.peaks(p.bits);
    const s = this.sym;
    let flops = 0;
    let bytes = 0;
    let time = 0;
    for (const o of this.ops) {
      const f = o.fields;
      const opFlops = f[0]!(s);
      const opBytes = f[1]!(s) + f[2]!(s) + f[3]!(s) + f[4]!(s) + f[5]!(s);
      flops += o.count * opFlops;
      bytes += o.count * opBytes;
      time += o.count * Math.max(opFlops / flopPerSecond, opBytes / bytesPerSecond);
    }
    return { totals: { flops, bytes, timeSeconds: time }, memory: this.footprint(p) };
  }

  /** Memory needed to serve the whole model at a point: weights, KV cache for the batch, the largest activation. */
  memory(p: Point): MemoryFootprint {
    this.bind(p);
    return this.footprint(p);
  }

  /** The footprint with symbols already bound to `p`. */
  private footprint(p: Point): MemoryFootprint {
    const s = this.sym;
    let activationBytes = 0;
    for (const o of this.modelOps) activationBytes = Math.max(activationBytes, o.fields[2]!(s) + o.fields[3]!(s));
    const weightBytes = this.parameters * s.w!;
    const kvCacheBytesPerToken = this.cacheElems * s.kv!;
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
