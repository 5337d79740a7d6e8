/**
 * The two primitives every attention variant is built from, behind one interface so the same variant code runs
 * on the float64 reference backend (plain TypeScript, the numerical reference) and on the fast FP32 backend
 * (WebAssembly SIMD on worker threads). Backends count the work their own loops do.
 */

/** Storage of a backend: Float64Array for the reference, Float32Array for the fast path. */
export type Buf = Float32Array | Float64Array;

/** Work counted by the kernels' loops (not by formulas). */
export interface Counters {
  multiplyAdds: number;
  expEvaluations: number;
  kvBytesRead: number;
  kvBytesWritten: number;
}

/** Fresh zeroed counters. */
export function newCounters(): Counters {
  return { multiplyAdds: 0, expEvaluations: 0, kvBytesRead: 0, kvBytesWritten: 0 };
}

/** A dense row-major matrix view into a buffer: element (r, c) is data[offset + r·rowStride + c]. */
export interface Mat {
  readonly data: Buf;
  readonly offset: number;
  readonly rows: number;
  readonly cols: number;
  readonly rowStride: number;
}

/** A strided 4-D tensor view [batch][token][head][element]: element at offset + b·batch + t·token + h·head + e. */
export interface View {
  readonly data: Buf;
  readonly offset: number;
  readonly batchStride: number;
  readonly tokenStride: number;
  readonly headStride: number;
}

/**
 * Causal attention of `queries` query tokens per sequence over `keys` key tokens, where query i sits at position
 * keys − queries + i and sees keys 0 … that position. `maps` attention maps (query heads with their own softmax)
 * read key head mapToK[m] and value head mapToV[m]; several maps may share one head.
 * out[b][i][m][0..dv) = Σ_j softmax_j(scale · q[b][i][m] · k[b][j][mapToK[m]]) · v[b][j][mapToV[m]].
 */
export interface AttendArgs {
  readonly batch: number;
  readonly queries: number;
  readonly keys: number;
  readonly maps: number;
  readonly dq: number;
  readonly dv: number;
  readonly q: View;
  readonly k: View;
  readonly v: View;
  readonly out: View;
  readonly mapToK: Int32Array;
  readonly mapToV: Int32Array;
  readonly scale: number;
  /** Bytes per K/V element when K and V are the KV cache (counted as KV reads); 0 when they are activations. */
  readonly kvBytesPerElement: number;
}

/** Element offsets between consecutive products of a gemmBatch. */
export interface BatchStrides {
  readonly a: number;
  readonly b: number;
  readonly c: number;
}

/** The i-th matrix of a batch: the view moved by i · stride elements. */
export function nth(m: Mat, i: number, stride: number): Mat {
  return { ...m, offset: m.offset + i * stride };
}

/** cos and sin of every (position, frequency) a RoPE step can need, in a backend's storage: [position][dim / 2]. */
export interface RopeTable {
  readonly cos: Buf;
  readonly sin: Buf;
  /** Rotated elements per head: element j pairs with j + half, half = ⌊dim / 2⌋ (an odd last element stays put). */
  readonly dim: number;
  readonly half: number;
  readonly positions: number;
}

/**
 * The element-wise steps of a layer. Not counted: they are neither matrix products nor score exps (the exact model
 * charges them as memory traffic).
 */
export interface Elementwise {
  /** c[r][j] += bias[j]. */
  addBias(c: Mat, bias: Buf): void;
  /** dst = src (same rows and cols; the two must not overlap). */
  copy(dst: Mat, src: Mat): void;
  /**
   * Rotate-half RoPE in place on table.dim elements at `at` within each of `heads` heads of `tokens` tokens of every
   * sequence of x; token t sits at position start + t.
   */
  rope(x: View, batch: number, tokens: number, heads: number, at: number, table: RopeTable, start: number): void;
  /** RMSNorm (ε = 1e-6) in place on each row of x, times scale. */
  rmsNorm(x: Mat, scale: Buf): void;
  /** u[r][j] += a[r][j mod a.cols] (u.cols a multiple of a.cols): GTA's tiled latent. */
  tileAdd(u: Mat, a: Mat): void;
  /** u ·= sigmoid(g), element by element. */
  gate(u: Mat, g: Mat): void;
}

/** What a backend provides. */
export interface Backend extends Elementwise {
  readonly name: string;
  readonly precision: 'fp64' | 'fp32';
  /** A zeroed buffer of n elements in the backend's storage (shared memory for threaded backends). */
  alloc(n: number): Buf;
  /** C = A · B (C overwritten); counts rows(A) · cols(A) · cols(B) multiply-adds. */
  gemm(a: Mat, b: Mat, c: Mat, counters: Counters): void;
  /**
   * `count` independent products C_i = A_i · B_i, where X_i is the view X with its offset moved by i · strides.x
   * elements: per-head GEMMs (GTA's decoder, MLA's absorbed projections) as one call. Counts like `count` gemms.
   */
  gemmBatch(a: Mat, b: Mat, c: Mat, count: number, strides: BatchStrides, counters: Counters): void;
  /**
   * Causal attention as described on AttendArgs. Counts one multiply-add per (pair, map, element) of both
   * products, one exp per (pair, map), and, when kvBytesPerElement > 0, the bytes of every K and V row it loads.
   */
  attend(args: AttendArgs, counters: Counters): void;
  /** Releases threads and memory. */
  dispose(): void;
}
