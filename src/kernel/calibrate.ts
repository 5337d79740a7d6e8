/** Host calibration with the kernel engine's own primitives: GEMM, streaming read, exp throughput. */
import { GEMM_GRID_DEPTH, type Calibration, type Measured, type MeasuredAt } from '../core/calibration.js';
import { newCounters, type Backend, type Buf } from './backend.js';
import { now, summarize } from './measure.js';
import type { Probes } from './engines.js';
import { bytesLabel, ENGINE_WORK_BYTES, MemoryShortfall } from './memory.js';
import { POOL_PROBES, probePlan, SMALLEST_POOL_BYTES, workingSetProbe } from './probe-plan.js';
import { cacheView, mat, view } from './tensor.js';

export type { Calibration, Measured } from '../core/calibration.js';

/** A probe: `work` units over the median time of `reps` calls of `once` (calibrate warms each probe up first). */
function medianRate(work: number, once: () => void, reps: number): () => number {
  return () => {
    const samples: number[] = [];
    for (let r = 0; r < reps; r++) {
      const t0 = now();
      once();
      samples.push(now() - t0);
    }
    return work / summarize(samples).medianSeconds;
  };
}

/** One attention probe's shape: `maps` maps over `heads` cached heads of dimension `d`. */
interface AttentionProbeShape {
  readonly phase: 'prefill' | 'decode';
  readonly maps: number;
  readonly heads: number;
  readonly d: number;
  /** Prefill: the sequence length; decode: the cached keys one step attends. */
  readonly keys: number;
  /** Calls per probe run (the run reports their median). */
  readonly reps: number;
}

/**
 * A probe of the engine's attention kernel's FLOP rate at one shape, counted as the exact model counts the core
 * (2·(d_q + d_v) + 5 per causal pair and map). Its K and V are read again and again, so they stay in cache: this is
 * the arithmetic rate, against which the exact model sets the KV reads at bandwidth.
 */
function attentionProbe(backend: Backend, s: AttentionProbeShape): () => number {
  const { maps, d, keys } = s;
  const pairs = s.phase === 'prefill' ? (keys * (keys + 1)) / 2 : keys;
  const flops = pairs * maps * (2 * d + 2 * d + 5);
  return medianRate(flops, attentionCall(backend, s), s.reps);
}

/** One call of the engine's attention at a probe's shape, its inputs allocated and filled once (K and V unless given). */
function attentionCall(backend: Backend, s: AttentionProbeShape, kv?: { k: Buf; v: Buf }): () => void {
  const { maps, heads, d, keys } = s;
  const queries = s.phase === 'prefill' ? keys : 1;
  const q = backend.alloc(queries * maps * d).fill(0.01);
  const out = backend.alloc(queries * maps * d);
  const mapTo = Int32Array.from({ length: maps }, (_, m) => Math.floor(m / (maps / heads)));
  const args = {
    batch: 1, queries, keys, maps, dq: d, dv: d,
    q: view(q, 0, 0, maps * d, d),
    k: cacheView(kv?.k ?? backend.alloc(keys * heads * d).fill(0.02), keys, heads, d),
    v: cacheView(kv?.v ?? backend.alloc(keys * heads * d).fill(0.03), keys, heads, d),
    out: view(out, 0, 0, maps * d, d),
    mapToK: mapTo, mapToV: mapTo, scale: 1 / Math.sqrt(d), kvBytesPerElement: 4,
  };
  const counters = newCounters();
  return () => { backend.attend(args, counters); };
}

/** Heads and head dimension of the KV-streaming probe: one map per head, as MHA decode reads its cache. */
const KV_STREAM_HEADS = 16;
const KV_STREAM_DIM = 128;

/**
 * A probe of the rate at which the attention kernel streams a KV cache from memory: one decode step of 16 maps, one
 * per cached head of 128, over as many keys as make the cache (K then V, read from the shared pool) the size of the
 * pool (twice the last-level cache, at least 64 MiB, unless capped), so each call reads it from memory; the bytes
 * the kernel counts it read over the median call. At one map per head the step does 0.5 FLOP per byte read, so the
 * stream, not the arithmetic, sets its time.
 */
function kvStreamProbe(backend: Backend, pool: Buf): () => number {
  const h = KV_STREAM_HEADS;
  const d = KV_STREAM_DIM;
  const keys = Math.floor(pool.length / (h * d * 2));
  const shape: AttentionProbeShape = { phase: 'decode', maps: h, heads: h, d, keys, reps: 5 };
  const half = keys * h * d;
  return medianRate(half * 2 * 4, attentionCall(backend, shape, { k: pool.subarray(0, half), v: pool.subarray(half, 2 * half) }), shape.reps);
}

/** Prefill grid: sequence lengths × head dimensions, 8 maps over 2 cached heads (grouped, as GQA and GTA attend). */
const PREFILL_LENGTHS = [128, 512, 2048];
const PREFILL_DIMS = [64, 128];

/**
 * Decode grid: maps per cached key head (1 = MHA, 4 = a GQA group, 16 = MLA's latent or one GTA key head) ×
 * head dimensions, 16 maps in all, over as many keys as make about 4 MiB of K and V (256 … 8192).
 */
const DECODE_REUSE = [1, 4, 16];
const DECODE_DIMS = [64, 256];
const DECODE_MAPS = 16;

function prefillShape(seqLen: number, d: number): AttentionProbeShape {
  return { phase: 'prefill', maps: 8, heads: 2, d, keys: seqLen, reps: seqLen >= 2048 ? 1 : seqLen >= 512 ? 3 : 9 };
}

function decodeShape(reuse: number, d: number): AttentionProbeShape {
  const heads = DECODE_MAPS / reuse;
  const keys = Math.min(8192, Math.max(256, Math.round((4 * 2 ** 20) / (heads * d * 2 * 4))));
  return { phase: 'decode', maps: DECODE_MAPS, heads, d, keys, reps: 5 };
}

/**
 * A probe of the bytes per second the engine streams weights at: a one-row GEMM against a 64 MiB matrix, the
 * access pattern of every decode projection.
 */
function weightStreamProbe(backend: Backend): () => number {
  const n = 4096;
  const a = backend.alloc(n);
  const b = backend.alloc(n * n);
  const c = backend.alloc(n);
  const counters = newCounters();
  return medianRate(n * n * 4, () => { backend.gemm(mat(a, 0, 1, n), mat(b, 0, n, n), mat(c, 0, 1, n), counters); }, 5);
}

/**
 * A probe of weight streaming over a working set of `bytes`: the one-row GEMM of weightStreamProbe against one
 * matrix of that size (the start of the shared pool), read again and again, so it stays in the cache if it fits (as
 * a small model's layer does between decode steps).
 */
function cyclicStreamProbe(backend: Backend, pool: Buf, bytes: number): () => number {
  const n = 1024;
  const k = Math.max(4, Math.floor(bytes / 4 / n));
  const a = backend.alloc(k);
  const c = backend.alloc(n);
  const counters = newCounters();
  return medianRate(k * n * 4, () => { backend.gemm(mat(a, 0, 1, k), mat(pool, 0, k, n), mat(c, 0, 1, n), counters); }, 7);
}

/** Sizes of the cold-stream probes' weight matrices (square, FP32): 64 KiB to 16 MiB. */
const COLD_STREAM_BYTES = [2 ** 16, 2 ** 18, 2 ** 20, 2 ** 22, 2 ** 24];

/**
 * A probe of one decode projection whose weights come from memory: a one-row GEMM against a square matrix of
 * `bytes`, each call the next matrix of a pool too large for the cache, as many calls as read about 8 MiB (at least
 * 5); the rate is the bytes of one matrix over the median call. A long stream reaches memory bandwidth; a short
 * one pays the memory latency before the prefetchers ramp up, and runs slower.
 */
function coldStreamProbe(backend: Backend, pool: Buf, bytes: number): () => number {
  const n = Math.round(Math.sqrt(bytes / 4));
  const a = backend.alloc(n).fill(0.5);
  const c = backend.alloc(n);
  const counters = newCounters();
  const sets = Math.max(1, Math.floor(pool.length / (n * n)));
  let next = 0;
  return medianRate(n * n * 4, () => {
    backend.gemm(mat(a, 0, 1, n), { data: pool, offset: (next++ % sets) * n * n, rows: n, cols: n, rowStride: n }, mat(c, 0, 1, n), counters);
  }, Math.max(5, Math.ceil(2 ** 23 / bytes)));
}

/** GEMM grid: rows (tokens × sequences, as prefill projections have) × output columns, inner dimension 512. */
const GEMM_ROWS = [128, 512, 2048];
const GEMM_COLS = [256, 1024, 4096];

/**
 * A probe of the GEMM rate at one shape (m × GEMM_GRID_DEPTH · GEMM_GRID_DEPTH × n), the median of as many calls as
 * make about 2·10⁸ multiply-adds (1 to 9).
 */
function gemmProbe(backend: Backend, m: number, n: number): () => number {
  const k = GEMM_GRID_DEPTH;
  const a = backend.alloc(m * k).fill(0.5);
  const b = backend.alloc(k * n).fill(0.25);
  const c = backend.alloc(m * n);
  const counters = newCounters();
  const reps = Math.min(9, Math.max(1, Math.ceil(2e8 / (m * k * n))));
  return medianRate(2 * m * k * n, () => { backend.gemm(mat(a, 0, m, k), mat(b, 0, k, n), mat(c, 0, m, n), counters); }, reps);
}

/** Weight matrices the few-row probe rotates over: 16 × 4 MiB, so each call reads its weights from memory. */
const FEW_ROW_SETS = 16;

/**
 * A probe of the rate of 4-row products (decode at batch 4) whose weights come from memory, as decode projections
 * read them: a 4×1024·1024×1024 GEMM over FEW_ROW_SETS weight matrices in rotation. At 2 FLOPs per weight byte this
 * kernel is compute-bound, and the rate includes the stalls on those reads, which it does not hide (with the
 * weights in cache the same product runs up to 1.5× faster).
 */
function fewRowGemmProbe(backend: Backend, sets = FEW_ROW_SETS): () => number {
  const [m, k, n] = [4, 1024, 1024];
  const a = backend.alloc(m * k).fill(0.5);
  const bs = Array.from({ length: sets }, () => backend.alloc(k * n).fill(0.25));
  const c = backend.alloc(m * n);
  const counters = newCounters();
  let next = 0;
  return medianRate(2 * m * k * n, () => {
    backend.gemm(mat(a, 0, m, k), mat(bs[next++ % sets]!, 0, k, n), mat(c, 0, m, n), counters);
  }, 2 * FEW_ROW_SETS);
}

/**
 * Seconds per call of an attention kernel call with one query, one key and one map of dimension 8: no work to speak
 * of, so what it measures is the fixed cost every operator's kernel call pays (on the fast backend, handing the call
 * to the worker threads and waiting for them). A tiny GEMM would not do: the fast backend runs products that small
 * on the calling thread, which costs a fifth as much as a dispatched call.
 */
function overheadSeconds(backend: Backend): number {
  const d = 8;
  const at = (fill: number): ReturnType<typeof view> => view(backend.alloc(d).fill(fill), 0, 0, d, d);
  const one = Int32Array.of(0);
  const args = {
    batch: 1, queries: 1, keys: 1, maps: 1, dq: d, dv: d, q: at(0.01), k: at(0.02), v: at(0.03), out: at(0),
    mapToK: one, mapToV: one, scale: 1 / Math.sqrt(d), kvBytesPerElement: 4,
  };
  const counters = newCounters();
  const calls = 2000;
  const t0 = now();
  for (let i = 0; i < calls; i++) backend.attend(args, counters);
  return (now() - t0) / calls;
}

function measured(samples: readonly number[]): Measured {
  const t = summarize(samples);
  return { median: t.medianSeconds, min: t.minSeconds, max: t.maxSeconds, runs: samples.length };
}

/** Probes built and warmed up, run round by round, each figure the median over the rounds run so far. */
export interface Calibrator {
  /** Probes per round. */
  readonly probes: number;
  /** Rounds run so far. */
  readonly rounds: number;
  /** Runs every probe once, in a fixed order; `onProbe` hears each probe's name just before it runs. */
  round(onProbe?: (what: string) => void): void;
  /** Each figure as the median of its rounds (throws before the first round). */
  result(): Calibration;
}

/** What a calibrator sizes its memory probes by. */
export interface CalibratorOptions {
  /** The last-level cache, bytes; undefined where the OS reports none (the working-set probes are skipped). */
  readonly cacheBytes?: number | undefined;
  /** Bytes of the machine's memory all the probes together may take (usableMachineBytes of its free memory). */
  readonly machineBytes?: number | undefined;
  /** A limit the user set on all the probes' bytes together. */
  readonly limitBytes?: number | undefined;
  /** Engine bytes to leave free for what runs after the probes are built (validate's largest point). */
  readonly reserveBytes?: number | undefined;
}

/** Values the exp probe evaluates per call; its source and result arrays take EXP_PROBE_BYTES while it runs. */
const EXP_PROBE_VALUES = 4 * 2 ** 20;
const EXP_PROBE_BYTES = 2 * 4 * EXP_PROBE_VALUES;

type Step = readonly [string, () => () => number];

/**
 * Builds every probe (buffers allocated and filled) and warms each up with one call; `onProbe` hears each name and
 * the number of probes per round first. The probes with buffers of their own are built first; the memory probes
 * (working sets, cold streams, KV streaming) then share one pool sized by probePlan from the cache and the room left
 * (the engine's, the machine's, the user's limit), and the result lists every cap that applied. Throws
 * MemoryShortfall when not even the smallest pool fits. Running the probes round by round, interleaved, spreads each
 * one's runs over the whole calibration, so a slow spell of a shared machine moves one run of every probe rather
 * than every run of one probe.
 */
export function calibrator(backend: Backend & Probes & { memoryLeftBytes?: () => number }, threads: number, opts: CalibratorOptions = {}, onProbe?: (what: string, probes: number) => void): Calibrator {
  const own: Step[] = [
    ['GEMM 512³', () => () => backend.measureGemmFlopPerSecond(512)],
    ['weight streaming 64 MiB', () => weightStreamProbe(backend)],
    ['exp 4M', () => () => backend.measureExpPerSecond(EXP_PROBE_VALUES)],
    ['operator overhead', () => () => overheadSeconds(backend)],
    ['GEMM, 4 rows', () => fewRowGemmProbe(backend)],
    // One 4 MiB matrix read again and again: the weights in cache, as a small model's decode step has them.
    ['GEMM, 4 rows, weights in cache', () => fewRowGemmProbe(backend, 1)],
  ];
  const fixed = own.length;
  const grid = (xs: number[], ys: number[]): [number, number][] => xs.flatMap((x) => ys.map((y): [number, number] => [x, y]));
  const gemmAt = grid(GEMM_ROWS, GEMM_COLS);
  for (const [m, n] of gemmAt) own.push([`GEMM ${String(m)}×${String(GEMM_GRID_DEPTH)}·${String(GEMM_GRID_DEPTH)}×${String(n)}`, () => gemmProbe(backend, m, n)]);
  const prefillAt = grid(PREFILL_LENGTHS, PREFILL_DIMS);
  const decodeAt = grid(DECODE_REUSE, DECODE_DIMS);
  for (const [x, d] of prefillAt) own.push([`attention, prefill S = ${String(x)}, d = ${String(d)}`, () => attentionProbe(backend, prefillShape(x, d))]);
  for (const [x, d] of decodeAt) own.push([`attention, decode, ${String(x)} maps per key head, d = ${String(d)}`, () => attentionProbe(backend, decodeShape(x, d))]);
  const before = backend.memoryLeftBytes?.();
  const ownProbes = own.map(([, build]) => build());
  const after = backend.memoryLeftBytes?.();
  // The exp probe's two 16 MiB arrays are taken and given back on every call, after the pool is built.
  const ownBytes = (before === undefined || after === undefined ? 0 : before - after) + EXP_PROBE_BYTES;
  const reserve = opts.reserveBytes ?? 0;
  const plan = probePlan(opts.cacheBytes, {
    engine: after === undefined ? undefined : after - EXP_PROBE_BYTES - ENGINE_WORK_BYTES - reserve,
    machine: opts.machineBytes === undefined ? undefined : opts.machineBytes - ownBytes,
    limit: opts.limitBytes === undefined ? undefined : opts.limitBytes - ownBytes,
  });
  if (plan === undefined) {
    const what = reserve > 0 ? `calibration, with ${bytesLabel(reserve)} kept free for the runs after it,` : 'calibration';
    throw new MemoryShortfall(what, { engineBytes: ownBytes + SMALLEST_POOL_BYTES + ENGINE_WORK_BYTES + reserve, totalBytes: ownBytes + SMALLEST_POOL_BYTES }, { engineBytes: before, machineBytes: opts.machineBytes, limitBytes: opts.limitBytes });
  }
  const pool = backend.alloc(plan.poolBytes / 4).fill(0.25);
  const shared: Step[] = [
    [POOL_PROBES.kvStream, () => kvStreamProbe(backend, pool)],
    ...plan.workingSets.map((bytes): Step => [workingSetProbe(bytes), () => cyclicStreamProbe(backend, pool, bytes)]),
    ...COLD_STREAM_BYTES.map((bytes): Step => [`weight streaming from memory, ${String(bytes / 2 ** 10)} KiB per operator`, () => coldStreamProbe(backend, pool, bytes)]),
  ];
  const sharedProbes = shared.map(([, build]) => build());
  // Round order: the fixed probes, the memory probes, then the grids (as before the pool was shared).
  const steps = [...own.slice(0, fixed), ...shared, ...own.slice(fixed)];
  const built = [...ownProbes.slice(0, fixed), ...sharedProbes, ...ownProbes.slice(fixed)];
  const probes = steps.map(([what], i) => {
    onProbe?.(`${what} (warm-up)`, steps.length);
    const f = built[i]!;
    f();
    return f;
  });
  const samples: number[][] = steps.map(() => []);
  let rounds = 0;
  return {
    probes: steps.length,
    get rounds() {
      return rounds;
    },
    round(hear?: (what: string) => void): void {
      steps.forEach(([what], i) => {
        hear?.(what);
        samples[i]!.push(probes[i]!());
      });
      rounds++;
    },
    result(): Calibration {
      if (rounds === 0) throw new Error('calibrator: no round has run');
      const out = samples.map(measured);
      let next = fixed + 1;
      const workingSet = plan.workingSets.map((bytes) => ({ bytes, rate: out[next++]! }));
      const coldStream = COLD_STREAM_BYTES.map((bytes) => ({ bytes, rate: out[next++]! }));
      const cache = opts.cacheBytes === undefined ? undefined : { bytes: opts.cacheBytes, workingSet };
      const take = (at: [number, number][]): MeasuredAt[] => at.map(([x, y]): MeasuredAt => ({ x, y, rate: out[next++]! }));
      const gemmGrid = take(gemmAt);
      const attentionPrefillGrid = take(prefillAt);
      const attentionDecodeGrid = take(decodeAt);
      const at = (g: readonly MeasuredAt[], x: number, y: number): Measured => g.find((m) => m.x === x && m.y === y)!.rate;
      return {
        gemmFlopPerSecond: out[0]!,
        gemmGrid,
        readBytesPerSecond: out[1]!,
        expPerSecond: out[2]!,
        operatorOverheadSeconds: out[3]!,
        fewRowGemmFlopPerSecond: out[4]!,
        fewRowGemmCachedFlopPerSecond: out[5]!,
        kvStreamBytesPerSecond: out[6]!,
        attentionPrefillFlopPerSecond: at(attentionPrefillGrid, 512, 64),
        attentionDecodeFlopPerSecond: at(attentionDecodeGrid, 4, 64),
        attentionPrefillGrid,
        attentionDecodeGrid,
        cache,
        coldStream,
        poolBytes: plan.poolBytes,
        caps: plan.caps,
        threads,
      };
    },
  };
}

/**
 * A calibration of `rounds` rounds (see calibrator), reporting progress per probe call. With `budgetSeconds`, no
 * round starts that would, at the pace of the one before it, end past that many seconds from the start (at least
 * one round always runs); each figure's `runs` says how many ran.
 */
export function calibrate(backend: Backend & Probes & { memoryLeftBytes?: () => number }, threads: number, rounds: number, progress: (done: number, total: number, what: string) => void, opts: CalibratorOptions = {}, budgetSeconds = Infinity): Calibration {
  const start = now();
  let done = 0;
  let total = 0;
  const c = calibrator(backend, threads, opts, (what, probes) => {
    total = probes * (rounds + 1);
    progress(done++, total, what);
  });
  for (let r = 0, roundStart = now(); r < rounds; r++) {
    c.round((what) => { progress(done++, total, `${what} (round ${String(r + 1)}/${String(rounds)})`); });
    const end = now();
    if (end - start + (end - roundStart) > budgetSeconds) break;
    roundStart = end;
  }
  const result = c.result();
  progress(total, total, 'done');
  return result;
}
