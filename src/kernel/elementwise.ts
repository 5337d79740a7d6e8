/** The element-wise steps in plain loops over any Buf: the float64 reference backend's implementation. */
import type { Buf, Elementwise, Mat, RopeTable, View } from './backend.js';

function rows(m: Mat, f: (at: number) => void): void {
  for (let r = 0; r < m.rows; r++) f(m.offset + r * m.rowStride);
}

/** Element-wise steps as plain TypeScript loops. */
export const jsElementwise: Elementwise = {
  addBias(c: Mat, bias: Buf): void {
    rows(c, (o) => {
      for (let j = 0; j < c.cols; j++) c.data[o + j]! += bias[j]!;
    });
  },
  copy(dst: Mat, src: Mat): void {
    for (let r = 0; r < src.rows; r++) {
      const s = src.offset + r * src.rowStride;
      dst.data.set(src.data.subarray(s, s + src.cols), dst.offset + r * dst.rowStride);
    }
  },
  rope(x: View, batch: number, tokens: number, heads: number, at: number, table: RopeTable, start: number): void {
    if (start + tokens > table.positions) throw new RangeError(`rope: positions up to ${start + tokens} but the table has ${table.positions}`);
    const half = table.half;
    const d = x.data;
    for (let b = 0; b < batch; b++) {
      for (let t = 0; t < tokens; t++) {
        const row = (start + t) * half;
        for (let h = 0; h < heads; h++) {
          const base = x.offset + b * x.batchStride + t * x.tokenStride + h * x.headStride + at;
          for (let j = 0; j < half; j++) {
            const c = table.cos[row + j]!;
            const s = table.sin[row + j]!;
            const x1 = d[base + j]!;
            const x2 = d[base + j + half]!;
            d[base + j] = x1 * c - x2 * s;
            d[base + j + half] = x2 * c + x1 * s;
          }
        }
      }
    }
  },
  rmsNorm(x: Mat, scale: Buf): void {
    rows(x, (o) => {
      let ss = 0;
      for (let e = 0; e < x.cols; e++) ss += x.data[o + e]! * x.data[o + e]!;
      const inv = 1 / Math.sqrt(ss / x.cols + 1e-6);
      for (let e = 0; e < x.cols; e++) x.data[o + e] = x.data[o + e]! * inv * scale[e]!;
    });
  },
  tileAdd(u: Mat, a: Mat): void {
    for (let r = 0; r < u.rows; r++) {
      const uo = u.offset + r * u.rowStride;
      const ao = a.offset + r * a.rowStride;
      for (let j = 0; j < u.cols; j++) u.data[uo + j]! += a.data[ao + (j % a.cols)]!;
    }
  },
  gate(u: Mat, g: Mat): void {
    for (let r = 0; r < u.rows; r++) {
      const uo = u.offset + r * u.rowStride;
      const go = g.offset + r * g.rowStride;
      for (let j = 0; j < u.cols; j++) u.data[uo + j] = u.data[uo + j]! / (1 + Math.exp(-g.data[go + j]!));
    }
  },
};
