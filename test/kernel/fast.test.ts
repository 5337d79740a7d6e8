// The fast FP32 backend against straightforward float64 references: gemm and causal attention on odd sizes,
// strided (head-interleaved) views, GQA and distinct value heads, with exact work counters, on 1 and 2 threads.
// Needs dist/wasm and dist/kernel/fast/worker.js: run `npm run build` first (npm test does).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AttendArgs, type Counters, type Mat, newCounters, type View } from '../../src/kernel/backend.js';
import { jsElementwise } from '../../src/kernel/elementwise.js';
import { createFastBackend, type FastBackend } from '../../src/kernel/fast/index.js';
import { seeded } from '../../src/kernel/random.js';
import { createReferenceBackend } from '../../src/kernel/reference-backend.js';
import { ropeTable } from '../../src/kernel/tensor.js';

/** Deterministic uniform numbers in [−1, 1): the kernels' own seeded generator. */
const rng = seeded;

const backends = new Map<number, FastBackend>();
beforeAll(async () => {
  for (const threads of [1, 2]) backends.set(threads, await createFastBackend({ threads }));
});
afterAll(() => {
  for (const b of backends.values()) b.dispose();
});
const backend = (threads: number): FastBackend => backends.get(threads)!;

function maxRelErr(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let scale = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
  }
  return scale === 0 ? err : err / scale;
}

describe('fast gemm', () => {
  // 1 and 4 rows: the unpacked few-row kernels (4×300·300×77 is large enough to split the weights by rows across threads).
  // 150×520·520×40: several 72-row blocks and 256-deep panels (the 6×8 kernel adding to C), rows split in sixes.
  for (const [m, k, n] of [[1, 1, 1], [1, 700, 150], [7, 13, 5], [4, 300, 77], [65, 33, 17], [128, 96, 64], [67, 300, 520], [150, 520, 40]] as const) {
    it(`${m}×${k}·${k}×${n} matches float64 on 1 and 2 threads`, () => {
      const results: Float32Array[] = [];
      for (const threads of [1, 2]) {
        const be = backend(threads);
        // Padded row strides and non-zero offsets: the kernel must honour the views, not assume dense storage.
        const [lda, ldb, ldc] = [k + 3, n + 5, n + 1];
        const a = be.alloc(2 + m * lda);
        const b = be.alloc(1 + k * ldb);
        const c = be.alloc(3 + m * ldc).fill(Number.NaN);
        const r2 = rng(m * 1000 + k * 10 + n);
        for (let i = 0; i < a.length; i++) a[i] = r2();
        for (let i = 0; i < b.length; i++) b[i] = r2();
        const counters = newCounters();
        be.gemm({ data: a, offset: 2, rows: m, cols: k, rowStride: lda }, { data: b, offset: 1, rows: k, cols: n, rowStride: ldb },
          { data: c, offset: 3, rows: m, cols: n, rowStride: ldc }, counters);
        expect(counters.multiplyAdds).toBe(m * k * n);
        const got: number[] = [];
        const want: number[] = [];
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            let s = 0;
            for (let p = 0; p < k; p++) s += a[2 + i * lda + p]! * b[1 + p * ldb + j]!;
            want.push(s);
            got.push(c[3 + i * ldc + j]!);
          }
        }
        expect(maxRelErr(got, want)).toBeLessThanOrEqual(1e-5);
        results.push(Float32Array.from(got));
      }
      expect(results[1]).toEqual(results[0]);
    });
  }
});

describe('fast gemmBatch', () => {
  // Per-head products as the layers issue them: A's heads side by side in each row, B's blocks one after another.
  for (const [rows, heads, k, n] of [[1, 5, 12, 20], [9, 3, 7, 33]] as const) {
    it(`${heads} products of ${rows}×${k}·${k}×${n} match separate float64 products on 1 and 2 threads`, () => {
      const results: Float32Array[] = [];
      for (const threads of [1, 2]) {
        const be = backend(threads);
        const r = rng(rows * 31 + heads);
        const a = be.alloc(rows * heads * k);
        const b = be.alloc(heads * k * n);
        const c = be.alloc(rows * heads * n).fill(Number.NaN);
        for (const x of [a, b]) for (let i = 0; i < x.length; i++) x[i] = r();
        const counters = newCounters();
        be.gemmBatch({ data: a, offset: 0, rows, cols: k, rowStride: heads * k }, { data: b, offset: 0, rows: k, cols: n, rowStride: n },
          { data: c, offset: 0, rows, cols: n, rowStride: heads * n }, heads, { a: k, b: k * n, c: n }, counters);
        expect(counters.multiplyAdds).toBe(heads * rows * k * n);
        const want: number[] = [];
        for (let i = 0; i < rows; i++) {
          for (let h = 0; h < heads; h++) {
            for (let j = 0; j < n; j++) {
              let s = 0;
              for (let p = 0; p < k; p++) s += a[i * heads * k + h * k + p]! * b[h * k * n + p * n + j]!;
              want.push(s);
            }
          }
        }
        expect(maxRelErr(c as Float32Array, want)).toBeLessThanOrEqual(1e-5);
        results.push(Float32Array.from(c));
      }
      expect(results[1]).toEqual(results[0]);
    });
  }
});

interface Case {
  name: string; batch: number; queries: number; keys: number; dq: number; dv: number;
  mapToK: number[]; mapToV: number[];
}

/** A [batch][token][head][d] tensor with padding everywhere (heads interleaved inside tokens). */
function tensor(be: FastBackend, batch: number, tokens: number, heads: number, d: number, r: () => number): View {
  const headStride = d + 3;
  const tokenStride = heads * headStride + 5;
  const batchStride = tokens * tokenStride + 7;
  const data = be.alloc(11 + batch * batchStride);
  for (let i = 0; i < data.length; i++) data[i] = r();
  return { data, offset: 11, batchStride, tokenStride, headStride };
}

function at(v: View, b: number, t: number, h: number, e: number): number {
  return v.offset + b * v.batchStride + t * v.tokenStride + h * v.headStride + e;
}

/** Float64 attention straight from the AttendArgs definition. */
function reference(a: AttendArgs): Float64Array {
  const out = new Float64Array(a.batch * a.queries * a.maps * a.dv);
  for (let b = 0; b < a.batch; b++) {
    for (let i = 0; i < a.queries; i++) {
      const pos = a.keys - a.queries + i;
      for (let m = 0; m < a.maps; m++) {
        const hk = a.mapToK[m]!;
        const hv = a.mapToV[m]!;
        const s: number[] = [];
        for (let j = 0; j <= pos; j++) {
          let dot = 0;
          for (let e = 0; e < a.dq; e++) dot += a.q.data[at(a.q, b, i, m, e)]! * a.k.data[at(a.k, b, j, hk, e)]!;
          s.push(dot * a.scale);
        }
        const mx = Math.max(...s);
        const p = s.map((x) => Math.exp(x - mx));
        const l = p.reduce((x, y) => x + y, 0);
        for (let e = 0; e < a.dv; e++) {
          let acc = 0;
          for (let j = 0; j <= pos; j++) acc += p[j]! * a.v.data[at(a.v, b, j, hv, e)]!;
          out[((b * a.queries + i) * a.maps + m) * a.dv + e] = acc / l;
        }
      }
    }
  }
  return out;
}

/** Expected counters: exact closed forms for pairs, the 64-row tile formula for K/V bytes. */
function expectedCounters(c: Case, bytes: number): Counters {
  let pairs = 0;
  for (let i = 0; i < c.queries; i++) pairs += c.keys - c.queries + i + 1;
  const maps = c.mapToK.length;
  const tileRows = c.queries === 1 ? 1 : 64;
  let rowsPerHead = 0;
  for (let t0 = 0; t0 < c.queries; t0 += tileRows) rowsPerHead += c.keys - c.queries + Math.min(t0 + tileRows, c.queries);
  let kv = 0;
  for (const hk of new Set(c.mapToK)) {
    const vHeads = new Set(c.mapToV.filter((_, m) => c.mapToK[m] === hk));
    kv += rowsPerHead * (c.dq + vHeads.size * c.dv);
  }
  return { multiplyAdds: c.batch * maps * pairs * (c.dq + c.dv), expEvaluations: c.batch * maps * pairs, kvBytesRead: c.batch * kv * bytes, kvBytesWritten: 0 };
}

const mha = (h: number): number[] => Array.from({ length: h }, (_, i) => i);
const cases: Case[] = [
  ...[1, 7, 65, 130].map((s) => ({ name: `prefill S=${s}`, batch: 1, queries: s, keys: s, dq: 16, dv: 16, mapToK: mha(2), mapToV: mha(2) })),
  ...[1, 9, 513].map((k) => ({ name: `decode keys=${k}`, batch: 1, queries: 1, keys: k, dq: 32, dv: 32, mapToK: mha(3), mapToV: mha(3) })),
  { name: 'GQA 6 maps over 2 key heads, prefill', batch: 1, queries: 70, keys: 70, dq: 24, dv: 24, mapToK: [0, 0, 0, 1, 1, 1], mapToV: [0, 0, 0, 1, 1, 1] },
  { name: 'GQA 6 maps over 2 key heads, decode', batch: 2, queries: 1, keys: 100, dq: 24, dv: 24, mapToK: [0, 0, 0, 1, 1, 1], mapToV: [0, 0, 0, 1, 1, 1] },
  { name: 'distinct value heads, prefill', batch: 1, queries: 67, keys: 67, dq: 12, dv: 20, mapToK: [0, 0, 1, 1], mapToV: [3, 1, 2, 0] },
  { name: 'distinct value heads, decode', batch: 1, queries: 1, keys: 77, dq: 12, dv: 20, mapToK: [0, 0, 1, 1], mapToV: [3, 1, 2, 0] },
  { name: 'dq 24 dv 40', batch: 1, queries: 90, keys: 90, dq: 24, dv: 40, mapToK: mha(2), mapToV: mha(2) },
  { name: 'dq 7 dv 33', batch: 1, queries: 66, keys: 66, dq: 7, dv: 33, mapToK: mha(2), mapToV: mha(2) },
  { name: 'dq 7 dv 33 decode', batch: 1, queries: 1, keys: 40, dq: 7, dv: 33, mapToK: mha(2), mapToV: mha(2) },
  { name: 'd 100, batch 3', batch: 3, queries: 40, keys: 40, dq: 100, dv: 100, mapToK: [0, 0, 1, 1], mapToV: [0, 0, 1, 1] },
  // One group and many keys: decode splits the keys into chunks and merges their partial softmax results.
  { name: 'split decode, one shared head (MLA-like)', batch: 1, queries: 1, keys: 1030, dq: 36, dv: 20, mapToK: [0, 0, 0, 0, 0], mapToV: [0, 0, 0, 0, 0] },
  { name: 'split decode, odd widths, batch 2', batch: 2, queries: 1, keys: 771, dq: 7, dv: 33, mapToK: [0, 0, 0], mapToV: [0, 1, 1] },
  { name: 'chunked prefill (queries < keys)', batch: 2, queries: 70, keys: 200, dq: 33, dv: 7, mapToK: [0, 1, 1], mapToV: [0, 1, 1] },
];

describe('fast attend', () => {
  for (const c of cases) {
    it(`${c.name}: matches float64, exact counters, same on 1 and 2 threads`, () => {
      const outs: Float32Array[] = [];
      for (const threads of [1, 2]) {
        const be = backend(threads);
        const r = rng(c.queries * 7 + c.keys * 13 + c.dq * 17 + c.dv);
        const maps = c.mapToK.length;
        const heads = Math.max(...c.mapToK, ...c.mapToV) + 1;
        const args: AttendArgs = {
          batch: c.batch, queries: c.queries, keys: c.keys, maps, dq: c.dq, dv: c.dv,
          q: tensor(be, c.batch, c.queries, maps, c.dq, r), k: tensor(be, c.batch, c.keys, heads, c.dq, r),
          v: tensor(be, c.batch, c.keys, heads, c.dv, r), out: tensor(be, c.batch, c.queries, maps, c.dv, () => Number.NaN),
          mapToK: Int32Array.from(c.mapToK), mapToV: Int32Array.from(c.mapToV), scale: 1 / Math.sqrt(c.dq) * 2,
          kvBytesPerElement: 2,
        };
        const counters = newCounters();
        be.attend(args, counters);
        expect(counters).toEqual(expectedCounters(c, 2));
        const want = reference(args);
        const got = new Float32Array(want.length);
        for (let b = 0; b < c.batch; b++) {
          for (let i = 0; i < c.queries; i++) {
            for (let m = 0; m < maps; m++) {
              for (let e = 0; e < c.dv; e++) got[((b * c.queries + i) * maps + m) * c.dv + e] = args.out.data[at(args.out, b, i, m, e)]!;
            }
          }
        }
        expect(maxRelErr(got, want)).toBeLessThanOrEqual(1e-5);
        outs.push(got);
      }
      expect(outs[1]).toEqual(outs[0]);
    });
  }

  it('does not count KV bytes for activations (kvBytesPerElement 0)', () => {
    const be = backend(1);
    const r = rng(5);
    const args: AttendArgs = {
      batch: 1, queries: 3, keys: 5, maps: 1, dq: 8, dv: 8, q: tensor(be, 1, 3, 1, 8, r), k: tensor(be, 1, 5, 1, 8, r),
      v: tensor(be, 1, 5, 1, 8, r), out: tensor(be, 1, 3, 1, 8, r), mapToK: Int32Array.of(0), mapToV: Int32Array.of(0),
      scale: 0.3, kvBytesPerElement: 0,
    };
    const counters = newCounters();
    be.attend(args, counters);
    expect(counters.kvBytesRead).toBe(0);
    expect(counters.expEvaluations).toBe(3 + 4 + 5);
  });

  it('keeps earlier views valid when the shared memory grows', () => {
    const be = backend(2);
    const first = be.alloc(16).fill(3);
    be.alloc(64 << 20); // forces memory.grow
    first[5] = 7;
    expect(first[0]).toBe(3);
    expect(first[5]).toBe(7);
  });

  it('plain SIMD build (no relaxed FMA) gives the same accuracy', async () => {
    const be = await createFastBackend({ threads: 2, relaxedSimd: false });
    try {
      expect(be.relaxedSimd).toBe(false);
      const r = rng(9);
      const c: Case = { name: 'plain', batch: 2, queries: 70, keys: 75, dq: 24, dv: 40, mapToK: [0, 0, 1], mapToV: [0, 1, 1] };
      const args: AttendArgs = {
        batch: 2, queries: 70, keys: 75, maps: 3, dq: 24, dv: 40, q: tensor(be, 2, 70, 3, 24, r), k: tensor(be, 2, 75, 2, 24, r),
        v: tensor(be, 2, 75, 2, 40, r), out: tensor(be, 2, 70, 3, 40, r), mapToK: Int32Array.of(0, 0, 1), mapToV: Int32Array.of(0, 1, 1),
        scale: 0.2, kvBytesPerElement: 1,
      };
      const counters = newCounters();
      be.attend(args, counters);
      expect(counters).toEqual(expectedCounters(c, 1));
      const want = reference(args);
      const got = new Float32Array(want.length);
      for (let b = 0; b < 2; b++) {
        for (let i = 0; i < 70; i++) {
          for (let m = 0; m < 3; m++) for (let e = 0; e < 40; e++) got[((b * 70 + i) * 3 + m) * 40 + e] = args.out.data[at(args.out, b, i, m, e)]!;
        }
      }
      expect(maxRelErr(got, want)).toBeLessThanOrEqual(1e-5);
    } finally {
      be.dispose();
    }
  });

  it('reset frees the buffers allocated since keep(), and only those', async () => {
    const be = await createFastBackend({ threads: 1 });
    try {
      const kept = be.alloc(1000).fill(5);
      be.keep();
      const freed = be.alloc(1000).fill(6);
      be.reset();
      const next = be.alloc(2000).fill(7);
      expect(next.byteOffset).toBe(freed.byteOffset); // the freed space is reused …
      expect(next.byteOffset).toBeGreaterThanOrEqual(kept.byteOffset + kept.byteLength); // … and the kept is not
      expect(kept.every((x) => x === 5)).toBe(true);
    } finally {
      be.dispose();
    }
  });

  it('reports its probes as positive rates', () => {
    const be = backend(2);
    expect(be.measureGemmFlopPerSecond(64)).toBeGreaterThan(0);
    expect(be.measureReadBytesPerSecond(1 << 20)).toBeGreaterThan(0);
    expect(be.measureExpPerSecond(1 << 16)).toBeGreaterThan(0);
  });
});

describe('fast element-wise steps', () => {
  // Each step on padded, offset views with odd widths, against the plain-loop implementation in float64.
  const rows = 5;
  const cols = 13;
  const ld = 17;
  function pair(seed: number, n: number): { f32: Float32Array; f64: Float64Array } {
    const r = rng(seed);
    const f32 = backend(1).alloc(n) as Float32Array;
    for (let i = 0; i < n; i++) f32[i] = r() * 3;
    return { f32, f64: Float64Array.from(f32) };
  }
  const m = (data: Float32Array | Float64Array, offset: number, r: number, c: number, stride: number): Mat => ({ data, offset, rows: r, cols: c, rowStride: stride });
  const check = (got: Float32Array, want: Float64Array): void => { expect(maxRelErr(got, want)).toBeLessThanOrEqual(1e-6); };

  it('addBias, copy, rmsNorm, tileAdd and gate match the float64 loops', () => {
    const be = backend(1);
    const n = 3 + rows * ld;
    const x = pair(1, n);
    const bias = pair(2, cols);
    be.addBias(m(x.f32, 3, rows, cols, ld), bias.f32);
    jsElementwise.addBias(m(x.f64, 3, rows, cols, ld), bias.f64);
    check(x.f32, x.f64);

    const dst = pair(3, n);
    be.copy(m(dst.f32, 2, rows, cols, ld), m(x.f32, 3, rows, cols, ld));
    jsElementwise.copy(m(dst.f64, 2, rows, cols, ld), m(x.f64, 3, rows, cols, ld));
    check(dst.f32, dst.f64);

    const scale = pair(4, cols);
    be.rmsNorm(m(x.f32, 3, rows, cols, ld), scale.f32);
    jsElementwise.rmsNorm(m(x.f64, 3, rows, cols, ld), scale.f64);
    check(x.f32, x.f64);

    const u = pair(5, 1 + rows * 30);
    const a = pair(6, rows * 7);
    be.tileAdd(m(u.f32, 1, rows, 15, 30), m(a.f32, 2, rows, 5, 7));
    jsElementwise.tileAdd(m(u.f64, 1, rows, 15, 30), m(a.f64, 2, rows, 5, 7));
    check(u.f32, u.f64);

    const g = pair(7, n);
    g.f32[5] = -200; // e^200 overflows f32: the gate must still give 0, not NaN
    g.f64[5] = -200;
    be.gate(m(x.f32, 3, rows, cols, ld), m(g.f32, 3, rows, cols, ld));
    jsElementwise.gate(m(x.f64, 3, rows, cols, ld), m(g.f64, 3, rows, cols, ld));
    check(x.f32, x.f64);
    expect(x.f32.every(Number.isFinite)).toBe(true);
  });

  it('rope matches the float64 loops for odd and even widths, at an offset within each head, from a later start', () => {
    for (const dim of [6, 9, 16]) {
      const be = backend(1);
      const [batch, tokens, heads, at] = [2, 3, 2, 1];
      const headStride = dim + 2;
      const tokenStride = heads * headStride + 1;
      const batchStride = tokens * tokenStride + 3;
      const x = pair(dim, 4 + batch * batchStride);
      const v = (data: Float32Array | Float64Array): View => ({ data, offset: 4, batchStride, tokenStride, headStride });
      be.rope(v(x.f32), batch, tokens, heads, at, ropeTable(be, 10, dim), 5);
      jsElementwise.rope(v(x.f64), batch, tokens, heads, at, ropeTable(createReferenceBackend(), 10, dim), 5);
      check(x.f32, x.f64);
      expect(() => { be.rope(v(x.f32), batch, tokens, heads, at, ropeTable(be, 7, dim), 5); }).toThrow(/positions up to 8/);
    }
  });
});
