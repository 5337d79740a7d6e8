/**
 * Sweep points as CSV or JSON rows written straight into bytes, for big sweeps. Each block's constant text (names,
 * workload settings, keys) is formatted once; per point only the numbers are written. The bytes equal the
 * row-at-a-time renderings (`sweepCsvLine`, `JSON.stringify(point)`): the first row of every block is checked against
 * them, and a block whose row differs (a field the template does not know) is written the slow way instead.
 */
import type { MemoryFootprint, Totals } from '../core/engine.js';
import { pointAt, type SweepBlock, type SweepPoint } from '../core/sweep.js';
import { ByteChunk, utf8 } from './byte-chunk.js';
import { csvFields, sweepCsvLine } from './csv.js';

/** The most bytes a number takes as text (e.g. -1.2345678901234567e-300), with room to spare. */
const NUMBER_BYTES = 32;
const NUMBERS_PER_ROW = 11;
const decoder = new TextDecoder();

/** Writes one block's points, one row each, into a ByteChunk. */
export interface RowWriter {
  /** Bytes to have room for before each `row` (the chunk grows if a row is longer still). */
  readonly maxRow: number;
  row(out: ByteChunk, batch: number, i: number, totals: Totals, memory: MemoryFootprint): void;
}

/** A block's row two ways: `fast` writes bytes, `slow` is the row-at-a-time text those bytes must equal. */
interface Template {
  readonly constantBytes: number;
  fast(out: ByteChunk, batch: number, i: number, t: Totals, m: MemoryFootprint): void;
  slow(p: SweepPoint): string;
}

/** Checks the first row against the slow rendering; a mismatch sends the whole block through the slow one. */
function checked(b: SweepBlock, tpl: Template): RowWriter {
  let mode: 'first' | 'fast' | 'slow' = 'first';
  return {
    maxRow: tpl.constantBytes + NUMBERS_PER_ROW * NUMBER_BYTES,
    row(out, batch, i, t, m) {
      if (mode === 'fast') {
        tpl.fast(out, batch, i, t, m);
        return;
      }
      const start = out.pos;
      const slow = tpl.slow(pointAt(b, batch, i, t, m));
      if (mode === 'first') {
        tpl.fast(out, batch, i, t, m);
        if (decoder.decode(out.since(start)) === slow) {
          mode = 'fast';
          return;
        }
        mode = 'slow';
        out.pos = start;
      }
      out.bytes(utf8(slow));
    },
  };
}

/** Bytes of a part of a row that depends on one number, made again only when the number changes. */
function keyed(make: (x: number) => string): (x: number) => Uint8Array {
  let last = NaN;
  let bytes: Uint8Array = new Uint8Array(0);
  return (x) => {
    if (x !== last) {
      last = x;
      bytes = utf8(make(x));
    }
    return bytes;
  };
}

/** Bytes per length index of a block (the list of lengths is the user's, so this is as big as the command line). */
function perLength(b: SweepBlock, make: (seqLen: number, contextLen: number) => string): (i: number) => Uint8Array {
  const all = b.reported.map((l) => utf8(make(l.seqLen, l.contextLen)));
  return (i) => {
    const bytes = all[i];
    if (bytes === undefined) throw new Error(`internal: no length at index ${String(i)}`);
    return bytes;
  };
}

/** The longest of some byte arrays. */
const longest = (xs: readonly Uint8Array[]): number => xs.reduce((n, x) => Math.max(n, x.length), 0);

/** A block's points as CSV rows in SWEEP_HEADER order. */
export function csvRows(b: SweepBlock): RowWriter {
  const f = b.fixed;
  const head = csvFields([b.model, b.hardware, f.phase]);
  const mid = csvFields([f.bitsLabel, f.flash, f.pairs, f.scope, f.costModel]);
  // Batch, lengths, and the two memory figures that stay the same across a block are formatted once.
  const batchPart = keyed((batch) => `${head},${String(batch)},`);
  const lengthPart = perLength(b, (seqLen, contextLen) => `${String(seqLen)},${String(contextLen)},${mid},`);
  const weightPart = keyed((x) => `${String(x)},`);
  const perTokenPart = keyed((x) => `${String(x)},`);
  const comma = utf8(',');
  const fitsPart = [utf8('false\n'), utf8('true\n')] as const;
  return checked(b, {
    constantBytes: utf8(head).length + 32 + longest(b.reported.map((_, i) => lengthPart(i))) + 8,
    fast(out, batch, i, t, m) {
      out.bytes(batchPart(batch));
      out.bytes(lengthPart(i));
      out.number(t.flops);
      out.bytes(comma);
      out.number(t.bytes);
      out.bytes(comma);
      out.number(t.timeSeconds);
      out.bytes(comma);
      out.bytes(weightPart(m.weightBytes));
      out.number(m.kvCacheBytes);
      out.bytes(comma);
      out.bytes(perTokenPart(m.kvCacheBytesPerToken));
      out.number(m.activationBytes);
      out.bytes(comma);
      out.number(m.totalBytes);
      out.bytes(comma);
      out.bytes(fitsPart[m.fitsDevice ? 1 : 0]);
    },
    slow: sweepCsvLine,
  });
}

/**
 * A block's points as the members of a `llm-roofline.sweep/v1` points array, each on its own line after "\n" (the
 * sweep's first point) or ",\n" (every later one), as `JSON.stringify(point)` writes them.
 */
export function jsonRows(b: SweepBlock, firstOfSweep: boolean): RowWriter {
  const f = b.fixed;
  const j = JSON.stringify;
  const mla = f.mla === undefined ? '' : `,"mla":${j(f.mla)}`;
  const head = `{"model":${j(b.model)},"hardware":${j(b.hardware)},"workload":{"phase":${j(f.phase)},"batch":`;
  const imbalance = f.moeImbalance === undefined ? '' : `,"moeImbalance":${j(f.moeImbalance)}`;
  const settings = `,"bits":${j(f.bits)},"bitsLabel":${j(f.bitsLabel)},"computeDtype":${j(f.computeDtype)},"flash":${j(f.flash)},"pairs":${j(f.pairs)}${mla},"scope":${j(f.scope)},"costModel":${j(f.costModel)}${imbalance}}`;
  const batchPart = keyed((batch) => head + String(batch));
  const lengthPart = perLength(b, (seqLen, contextLen) => `,"seqLen":${String(seqLen)},"contextLen":${String(contextLen)}${settings},"totals":{"flops":`);
  const bytesKey = utf8(',"bytes":');
  const timeKey = utf8(',"timeSeconds":');
  const weightPart = keyed((x) => `},"memory":{"weightBytes":${String(x)},"kvCacheBytes":`);
  const perTokenPart = keyed((x) => `,"kvCacheBytesPerToken":${String(x)},"activationBytes":`);
  const totalKey = utf8(',"totalBytes":');
  const fitsPart = [utf8(',"fitsDevice":false}}'), utf8(',"fitsDevice":true}}')] as const;
  const firstSep = utf8('\n');
  const sep = utf8(',\n');
  let first = firstOfSweep;
  return checked(b, {
    constantBytes: utf8(head).length + longest(b.reported.map((_, i) => lengthPart(i))) + 256,
    fast(out, batch, i, t, m) {
      out.bytes(first ? firstSep : sep);
      first = false;
      out.bytes(batchPart(batch));
      out.bytes(lengthPart(i));
      out.number(t.flops);
      out.bytes(bytesKey);
      out.number(t.bytes);
      out.bytes(timeKey);
      out.number(t.timeSeconds);
      out.bytes(weightPart(m.weightBytes));
      out.number(m.kvCacheBytes);
      out.bytes(perTokenPart(m.kvCacheBytesPerToken));
      out.number(m.activationBytes);
      out.bytes(totalKey);
      out.number(m.totalBytes);
      out.bytes(fitsPart[m.fitsDevice ? 1 : 0]);
    },
    slow: (p) => (first ? '\n' : ',\n') + j(p),
  });
}
