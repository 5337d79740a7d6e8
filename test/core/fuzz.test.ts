/**
 * Fuzz: whatever the boundary accepts gives a report with only finite numbers. Models and profiles are generated as
 * files and go through the same parsers as `--model` and `--hardware` (so they are exactly what a user could pass),
 * with every dimension, rate and workload size anywhere in its accepted range, the extremes included; every
 * variant, cost model, scope, phase and kernel style; every calibrated profile term present or absent.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PAIR_MODES } from '../../src/core/attention-core.js';
import { COST_MODEL_DEFS } from '../../src/core/cost-models/index.js';
import { BIT_WIDTHS, DTYPES } from '../../src/core/dtype.js';
import type { Hardware } from '../../src/core/hardware.js';
import { MODEL_LIMITS, WORKLOAD_LIMITS } from '../../src/core/limits.js';
import { SCOPES, type Scope } from '../../src/core/model.js';
import type { ModelConfig } from '../../src/core/model-config.js';
import { buildReport, firstNonFinite } from '../../src/core/report.js';
import { sweep } from '../../src/core/sweep.js';
import { COST_MODELS, PHASES, type CostModel, type Phase } from '../../src/core/workload.js';
import { BYTE_RATE, CACHE_BYTES, CURVE_BYTES, EFFICIENCY, FLOP_RATE, MEMORY_BYTES, OVERHEAD_SECONDS, type Range } from '../../src/io/hardware-schema.js';
import { parseProfile } from '../../src/io/load-hardware.js';
import { parseModelFile } from '../../src/io/load-model.js';

const TOOL = { name: 'llm-roofline', version: 'fuzz' };

/** A number anywhere in a range, uniform in its logarithm, with both ends drawn often. */
function inRange(r: Pick<Range, 'min' | 'max'>): fc.Arbitrary<number> {
  const lo = Math.log10(r.min);
  const hi = Math.log10(r.max);
  const inside = fc.double({ min: lo, max: hi, noNaN: true }).map((e) => Math.min(r.max, Math.max(r.min, 10 ** e)));
  return fc.oneof({ arbitrary: fc.constantFrom(r.min, r.max), weight: 1 }, { arbitrary: inside, weight: 3 });
}

/** An integer in 1..max, uniform in its logarithm, with 1 and max drawn often. */
function size(max: number): fc.Arbitrary<number> {
  return inRange({ min: 1, max }).map((x) => Math.min(max, Math.max(1, Math.round(x))));
}

/** The divisors of n, ascending. */
function divisors(n: number): number[] {
  const out: number[] = [];
  for (let d = 1; d <= n; d++) if (n % d === 0) out.push(d);
  return out;
}

const H = MODEL_LIMITS.hiddenSize.max;
const HEADS = MODEL_LIMITS.heads.max;
const DIM = MODEL_LIMITS.headDim.max;

const mha = fc.record({ kind: fc.constant('mha'), heads: size(HEADS), headDim: size(DIM), qkvBias: fc.boolean(), outBias: fc.boolean() });
const gqa = fc
  .record({ kvHeads: size(HEADS), group: size(HEADS), headDim: size(DIM), qkvBias: fc.boolean(), outBias: fc.boolean() })
  .map(({ kvHeads, group, ...rest }) => ({ kind: 'gqa', heads: kvHeads * Math.max(1, Math.floor(Math.min(group, HEADS / kvHeads))), kvHeads, ...rest }));
const mla = fc
  .record({ heads: size(HEADS), qLoraRank: fc.oneof(fc.constant(0), size(DIM)), kvLoraRank: size(DIM), qkNopeHeadDim: fc.oneof(fc.constant(0), size(DIM)), qkRopeHeadDim: size(DIM), vHeadDim: size(DIM) })
  .map((a) => ({ kind: 'mla', ...a }));
/**
 * GTA's rules tie its fields to the hidden size (heads × headDim = H, queryHeads | heads, keyHeads and valueHeads |
 * queryHeads, queryHeads × e × valueDim = H): drawn as a head count and dimension, then divisors picked by index.
 */
const gta = fc
  .record({ heads: fc.oneof(fc.constant(1), size(2048)), headDim: size(1024), pick: fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), bias: fc.boolean(), decoder: fc.boolean(), gate: fc.boolean() })
  .map(({ heads, headDim, pick, ...flags }) => {
    const dim = Math.max(1, Math.min(headDim, Math.floor(H / heads)));
    const hidden = heads * dim;
    const at = (xs: number[], i: number): number => xs[(pick[i] ?? 0) % xs.length]!;
    const queryHeads = at(divisors(heads), 0);
    const e = at(divisors(hidden / queryHeads).filter((x) => hidden / (queryHeads * x) <= DIM), 3);
    return { hidden, attention: { kind: 'gta', heads, headDim: dim, queryHeads, keyHeads: at(divisors(queryHeads), 1), valueHeads: at(divisors(queryHeads), 2), valueDim: hidden / (queryHeads * e), ...flags } };
  });

const activation = fc.constantFrom('silu', 'gelu');
const denseMlp = fc.record({ kind: fc.constant('dense'), intermediateSize: size(MODEL_LIMITS.intermediateSize.max), bias: fc.boolean(), activation });
/** A MoE of any size: k ≤ E, shared experts with a size exactly when there are some. */
const moeMlp = fc
  .record({ experts: size(MODEL_LIMITS.experts.max), k: size(MODEL_LIMITS.experts.max), expertIntermediateSize: size(MODEL_LIMITS.intermediateSize.max), shared: fc.oneof(fc.constant(0), size(MODEL_LIMITS.experts.max)), sharedSize: size(MODEL_LIMITS.intermediateSize.max), sharedGate: fc.boolean(), routerBias: fc.boolean(), expertBias: fc.boolean(), activation })
  .map(({ k, shared, sharedSize, sharedGate, ...m }) => ({ kind: 'moe', ...m, expertsPerToken: Math.min(k, m.experts), sharedExperts: shared, sharedIntermediateSize: shared > 0 ? sharedSize : 0, sharedGate: shared > 0 && sharedGate }));
const layerArb = fc.record({ mlp: fc.oneof(denseMlp, moeMlp), window: fc.oneof(fc.constant(0), size(MODEL_LIMITS.window.max)), norms: fc.constantFrom(2, 4) });
/** The layered form: one to three runs of any layers, soft-capping, sinks, q/k norms on MHA/GQA. */
const layeredArb = fc
  .record({ runs: fc.array(fc.record({ count: size(MODEL_LIMITS.layers.max / 4), layer: layerArb }), { minLength: 1, maxLength: 3 }), logitSoftcap: fc.boolean(), attentionSinks: fc.boolean(), qkNorm: fc.boolean() })
  .map(({ runs, qkNorm, ...rest }) => ({ layers: runs.reduce((n, r) => n + r.count, 0), blocks: runs.map((r) => ({ count: r.count, ...r.layer })), qkNorm, ...rest }));

/** A model file of any variant, flat or layered; GTA fixes the hidden size, the others draw it (also below the head count). */
const modelArb: fc.Arbitrary<ModelConfig> = fc
  .record({
    shape: fc.oneof(fc.oneof(mha, gqa, mla).chain((attention) => size(H).map((hidden) => ({ hidden, attention }))), gta),
    form: fc.oneof(
      fc.record({ layers: size(MODEL_LIMITS.layers.max), intermediateSize: size(MODEL_LIMITS.intermediateSize.max), mlpBias: fc.boolean() }),
      layeredArb,
    ),
    vocabSize: size(MODEL_LIMITS.vocabSize.max),
    tiedEmbeddings: fc.boolean(),
  })
  .map(({ shape, form, ...m }) => {
    const { qkNorm, ...fields } = form as typeof form & { qkNorm?: boolean };
    const attention = qkNorm === true && (shape.attention.kind === 'mha' || shape.attention.kind === 'gqa') ? { ...shape.attention, qkNorm } : shape.attention;
    return parseModelFile({ name: 'fuzz', ...m, ...fields, hiddenSize: shape.hidden, attention }, 'fuzz.json', 'fuzz');
  });

const q = (value: number) => ({ value, source: 's' });
const optional = <T,>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });
/** A full grid over distinct axis values, one rate per point. */
const gridArb = (x: string, y: string, rate: Range) =>
  fc
    .tuple(fc.uniqueArray(size(1e9), { minLength: 1, maxLength: 3 }), fc.uniqueArray(size(1e9), { minLength: 1, maxLength: 3 }), fc.infiniteStream(inRange(rate)))
    .map(([xs, ys, rates]) => xs.flatMap((xv) => ys.map((yv) => ({ ...q(rates.next().value as number), [x]: xv, [y]: yv }))));
const curveArb = fc.array(fc.record({ bytes: inRange(CURVE_BYTES), value: inRange(BYTE_RATE) }), { minLength: 1, maxLength: 4 }).map((ps) => ps.map((p) => ({ ...q(p.value), bytes: p.bytes })));

/**
 * Peaks drawn one per dtype, each narrower tier then capped at twice the next wider one (fp8 and int8 at 2 x fp16,
 * fp4 at 2 x fp8, int4 at 2 x int8), as the loader refuses more as a sparse figure stored as dense.
 */
function tiered(drawn: readonly number[]): Record<string, number> {
  const p: Record<string, number> = Object.fromEntries(DTYPES.map((d, i) => [d, drawn[i]!]));
  for (const [narrow, wide] of [['fp8', 'fp16'], ['fp4', 'fp8'], ['int8', 'fp16'], ['int4', 'int8']] as const) p[narrow] = Math.min(p[narrow]!, 2 * p[wide]!);
  return p;
}

/** A profile file with every dtype's peak, and each calibrated term present or not. */
const hardwareArb: fc.Arbitrary<Hardware> = fc
  .record({
    peaks: fc.tuple(...DTYPES.map(() => inRange(FLOP_RATE))),
    memoryBytes: inRange(MEMORY_BYTES),
    bandwidth: inRange(BYTE_RATE),
    onChip: inRange(CACHE_BYTES),
    efficiency: optional(fc.record({ compute: inRange(EFFICIENCY), memory: inRange(EFFICIENCY) })),
    expPerSecond: optional(inRange(FLOP_RATE)),
    overhead: optional(inRange(OVERHEAD_SECONDS)),
    attention: optional(fc.record({ prefill: inRange(FLOP_RATE), decode: inRange(FLOP_RATE), prefillGrid: optional(gridArb('seqLen', 'headDim', FLOP_RATE)), decodeGrid: optional(gridArb('mapsPerKeyHead', 'headDim', FLOP_RATE)) })),
    gemmGrid: optional(gridArb('rows', 'cols', FLOP_RATE)),
    workingSet: optional(curveArb),
    resident: optional(fc.tuple(inRange(CACHE_BYTES), inRange(BYTE_RATE))),
    coldStream: optional(curveArb),
    kvStream: optional(inRange(BYTE_RATE)),
    fewRow: optional(inRange(FLOP_RATE)),
    fewRowCached: optional(inRange(FLOP_RATE)),
  })
  .map((h) => {
    const json = {
      name: 'fuzz',
      kind: 'gpu',
      peakFlopPerSecond: Object.fromEntries(Object.entries(tiered(h.peaks)).map(([d, v]) => [d, q(v)])),
      memoryBytes: q(h.memoryBytes),
      memoryBandwidthBytesPerSecond: q(h.bandwidth),
      onChipMemoryBytes: q(h.onChip),
      ...(h.efficiency && { efficiency: h.efficiency }),
      ...(h.expPerSecond !== undefined && { expPerSecond: q(h.expPerSecond) }),
      ...(h.overhead !== undefined && { operatorOverheadSeconds: q(h.overhead) }),
      ...(h.attention && {
        attentionFlopPerSecond: { prefill: q(h.attention.prefill), decode: q(h.attention.decode), ...(h.attention.prefillGrid && { prefillGrid: h.attention.prefillGrid }), ...(h.attention.decodeGrid && { decodeGrid: h.attention.decodeGrid }) },
      }),
      ...(h.gemmGrid && { gemmGrid: h.gemmGrid }),
      ...(h.workingSet && { workingSetBandwidth: h.workingSet }),
      ...(h.resident && { lastLevelCacheResidentBytes: q(h.resident[0]), lastLevelCacheBandwidthBytesPerSecond: q(h.resident[1]) }),
      ...(h.coldStream && { coldStreamBandwidth: h.coldStream }),
      ...(h.kvStream !== undefined && { kvStreamBandwidth: q(h.kvStream) }),
      ...(h.fewRow !== undefined && { fewRowGemmFlopPerSecond: q(h.fewRow) }),
      ...(h.fewRowCached !== undefined && { fewRowGemmCachedFlopPerSecond: q(h.fewRowCached) }),
      sources: { s: { title: 'fuzz' } },
    };
    return parseProfile(json, 'fuzz-hw.json', 'fuzz-hw').hardware;
  });

const workloadArb = fc.record({
  phase: fc.constantFrom(...PHASES),
  batch: size(WORKLOAD_LIMITS.batch.max),
  seqLen: size(WORKLOAD_LIMITS.seqLen.max),
  contextLen: size(WORKLOAD_LIMITS.contextLen.max),
  bits: fc.record({ weight: fc.constantFrom(...BIT_WIDTHS), activation: fc.constantFrom(...BIT_WIDTHS), kv: fc.constantFrom(...BIT_WIDTHS) }),
  flash: fc.boolean(),
  pairs: fc.constantFrom(...PAIR_MODES),
  mla: fc.constantFrom(undefined, 'naive' as const, 'absorbed' as const),
  costModel: fc.constantFrom(...COST_MODELS),
  moeImbalance: fc.oneof(fc.constant(undefined), fc.double({ min: 1, max: 1e6, noNaN: true })),
});
type WorkloadCase = typeof workloadArb extends fc.Arbitrary<infer T> ? T : never;

/** Checks one case: either the cost model refuses the model up front, or the report and sweep points are finite. */
function checkCase(model: ModelConfig, hw: Hardware, w: WorkloadCase, scope: Scope): 'refused' | 'evaluated' {
  const why = COST_MODEL_DEFS[w.costModel].unsupported(model);
  if (why !== undefined) {
    // The only refusals: LLM-Viewer has no MLA, its head size hiddenSize // heads would be 0, or it has no accounting
    // for the layers (MoE, GeGLU, four norms, q/k norms, soft-capping, sinks, layers of different sizes).
    expect(w.costModel).not.toBe('exact');
    const plainDense = model.blocks.every((b) => b.layer.mlp.kind === 'dense' && b.layer.mlp.activation === 'silu' && b.layer.norms === 2) && !model.logitSoftcap && !model.attentionSinks;
    expect(model.attention.kind === 'mla' || model.hiddenSize < model.attention.heads || !plainDense || /different sizes|q\/k norms/.test(why)).toBe(true);
    return 'refused';
  }
  const report = buildReport(model, hw, w, scope, TOOL);
  expect(firstNonFinite(report)).toBeUndefined();
  expect(report.totals.timeSeconds).toBeGreaterThan(0);
  const points = [...sweep({ models: [model], hardware: [hw], phases: [w.phase], batches: [w.batch], seqLens: [w.seqLen], contextLens: [w.contextLen], bits: [w.bits], flash: [w.flash], pairs: w.pairs, mla: w.mla, scope, costModel: w.costModel, moeImbalance: w.moeImbalance })];
  expect(points).toHaveLength(1);
  expect(firstNonFinite(points)).toBeUndefined();
  return 'evaluated';
}

const RUNS = 1000;

describe('fuzz: every accepted input gives finite numbers', () => {
  it(`random models, profiles and workloads, every cost model and scope (${String(RUNS)} cases)`, () => {
    const seen = { refused: 0, evaluated: 0 };
    fc.assert(
      fc.property(modelArb, hardwareArb, workloadArb, fc.constantFrom(...SCOPES), (model, hw, w, scope) => {
        seen[checkCase(model, hw, w, scope)]++;
      }),
      { numRuns: RUNS },
    );
    // The fuzz must mostly evaluate, not only refuse.
    expect(seen.evaluated).toBeGreaterThan(RUNS / 2);
  });

  /** The corners: slowest device with the largest model and workload, fastest device with the smallest. */
  const corner = (r: Range, slow: boolean): number => (slow ? r.min : r.max);
  const cornerHardware = (slow: boolean): Hardware =>
    parseProfile(
      {
        name: 'corner',
        kind: 'cpu',
        peakFlopPerSecond: Object.fromEntries(DTYPES.map((d) => [d, q(corner(FLOP_RATE, slow))])),
        memoryBytes: q(corner(MEMORY_BYTES, slow)),
        memoryBandwidthBytesPerSecond: q(corner(BYTE_RATE, slow)),
        onChipMemoryBytes: q(corner(CACHE_BYTES, slow)),
        efficiency: { compute: corner(EFFICIENCY, slow), memory: corner(EFFICIENCY, slow) },
        expPerSecond: q(corner(FLOP_RATE, slow)),
        operatorOverheadSeconds: q(corner(OVERHEAD_SECONDS, !slow)),
        attentionFlopPerSecond: { prefill: q(corner(FLOP_RATE, slow)), decode: q(corner(FLOP_RATE, slow)) },
        workingSetBandwidth: [{ ...q(corner(BYTE_RATE, slow)), bytes: corner(CURVE_BYTES, !slow) }],
        coldStreamBandwidth: [{ ...q(corner(BYTE_RATE, slow)), bytes: corner(CURVE_BYTES, slow) }],
        kvStreamBandwidth: q(corner(BYTE_RATE, slow)),
        fewRowGemmFlopPerSecond: q(corner(FLOP_RATE, slow)),
        fewRowGemmCachedFlopPerSecond: q(corner(FLOP_RATE, slow)),
        sources: { s: { title: 'corner' } },
      },
      'corner.json',
      slow ? 'slowest' : 'fastest',
    ).hardware;
  const L = MODEL_LIMITS;
  const big = (attention: object, hiddenSize = L.hiddenSize.max) =>
    parseModelFile({ name: 'big', layers: L.layers.max, hiddenSize, intermediateSize: L.intermediateSize.max, vocabSize: L.vocabSize.max, tiedEmbeddings: false, attention }, 'big.json', 'big');
  const small = (attention: object, hiddenSize = 1) => parseModelFile({ name: 'small', layers: 1, hiddenSize, intermediateSize: 1, vocabSize: 1, tiedEmbeddings: true, attention }, 'small.json', 'small');
  const CORNER_MODELS = {
    mha: [big({ kind: 'mha', heads: L.heads.max, headDim: L.headDim.max, qkvBias: true, outBias: true }), small({ kind: 'mha', heads: 1, headDim: 1, qkvBias: false, outBias: false })],
    gqa: [big({ kind: 'gqa', heads: L.heads.max, kvHeads: L.heads.max, headDim: L.headDim.max, qkvBias: true, outBias: true }), small({ kind: 'gqa', heads: 1, kvHeads: 1, headDim: 1, qkvBias: false, outBias: false })],
    mla: [big({ kind: 'mla', heads: L.heads.max, qLoraRank: L.headDim.max, kvLoraRank: L.headDim.max, qkNopeHeadDim: L.headDim.max, qkRopeHeadDim: L.headDim.max, vHeadDim: L.headDim.max }), small({ kind: 'mla', heads: 1, qLoraRank: 0, kvLoraRank: 1, qkNopeHeadDim: 0, qkRopeHeadDim: 1, vHeadDim: 1 })],
    // hidden == heads: head dimension 1, one query head, value dimension 1.
    gta: [big({ kind: 'gta', heads: 128, headDim: 1024, queryHeads: 128, keyHeads: 128, valueHeads: 128, valueDim: 1024, bias: true }), small({ kind: 'gta', heads: 1, headDim: 1, queryHeads: 1, keyHeads: 1, valueHeads: 1, valueDim: 1, bias: false })],
  } as const;
  const cases = Object.entries(CORNER_MODELS).flatMap(([kind, models]) =>
    COST_MODELS.flatMap((costModel) => SCOPES.flatMap((scope) => PHASES.flatMap((phase) => [false, true].map((flash) => ({ kind, models, costModel, scope, phase, flash }))))),
  );

  it.each(cases)('corners: $kind, $costModel, $scope, $phase, flash $flash', ({ models, costModel, scope, phase, flash }) => {
    const [largest, smallest] = models;
    const one = (m: ModelConfig, slow: boolean, phaseOf: Phase, c: CostModel) => {
      const n = slow ? Number.POSITIVE_INFINITY : 1;
      const w = { phase: phaseOf, batch: Math.min(n, WORKLOAD_LIMITS.batch.max), seqLen: Math.min(n, WORKLOAD_LIMITS.seqLen.max), contextLen: Math.min(n, WORKLOAD_LIMITS.contextLen.max), bits: { weight: 32, activation: 32, kv: 32 } as const, flash, pairs: 'dense' as const, mla: undefined, costModel: c, moeImbalance: undefined };
      return checkCase(m, cornerHardware(slow), w, scope);
    };
    // The largest model and workload on the slowest device, the smallest on the fastest.
    one(largest, true, phase, costModel);
    one(smallest, false, phase, costModel);
  });
});
