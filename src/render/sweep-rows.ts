/**
 * Sweep points as CSV or JSON rows written straight into bytes, for big sweeps. Each block's constant text (names,
 * workload settings, keys) is formatted once; per point only the numbers are written. The bytes equal the
 * row-at-a-time renderings (`sweepCsvLine`, `JSON.stringify(point)`): the first row of every block is checked against
 * them, and a block whose row differs (a field the template does not know) is written the slow way instead.
 */
import type { Totals } from '../core/engine.js';
import { isSplit } from '../core/parallelism.js';
import { pointAt, type SweepBlock, type SweepMemory, type SweepPoint } from '../core/sweep.js';
import { ByteChunk, utf8 } from './byte-chunk.js';
import { csvFields, efficiencySweepCsvLine, offloadSweepCsvLine, parallelSweepCsvLine, sweepCsvLine } from './csv.js';

/** The most bytes a number takes as text (e.g. -1.2345678901234567e-300), with room to spare. */
const NUMBER_BYTES = 32;
/**
 * Numbers per row: 11, plus the collectives' seconds and the busiest device's five numbers of a split point, plus
 * the host transfers' seconds and the host-side cache under offload.
 */
const NUMBERS_PER_ROW = 19;
const decoder = new TextDecoder();

/** Writes one block's points, one row each, into a ByteChunk. */
export interface RowWriter {
  /** Bytes to have room for before each `row` (the chunk grows if a row is longer still). */
  readonly maxRow: number;
  row(out: ByteChunk, batch: number, i: number, totals: Totals, memory: SweepMemory): void;
}

/** A block's row two ways: `fast` writes bytes, `slow` is the row-at-a-time text those bytes must equal. */
interface Template {
  readonly constantBytes: number;
  fast(out: ByteChunk, batch: number, i: number, t: Totals, m: SweepMemory): void;
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

/** A split point whose cost model does not say what one device holds: its two busiest-device cells are blank. */
const noDevice = utf8(',\n');
/** The last cell of a row that ends in a fit. */
const fitsEnd = [utf8('false\n'), utf8('true\n')] as const;

/**
 * A block's points as CSV rows in `sweepHeader(parallel, efficiency, offload)` order: a sweep with any parallelism
 * adds its degrees, the collectives' seconds and the busiest device's total and fit (see `parallelCells`); one with
 * `--kv-offload` the host transfers' seconds and the host-side cache; one with any efficiency other than `peak` ends
 * each row with the block's efficiency label.
 */
export function csvRows(b: SweepBlock, parallel = false, efficiency = false, offload = false): RowWriter {
  const plain = csvRowsWithout(b, parallel);
  const rows = offload ? withOffload(b, plain, parallel) : plain;
  if (!efficiency) return rows;
  // The row ends in a line break: step back over it and end with the label instead.
  const label = utf8(`,${csvFields([b.fixed.efficiency])}\n`);
  return checked(b, {
    constantBytes: rows.maxRow + label.length,
    fast(out, batch, i, t, m) {
      rows.row(out, batch, i, t, m);
      out.pos -= 1;
      out.bytes(label);
    },
    slow: (p) => efficiencySweepCsvLine(p, parallel, offload),
  });
}

/** CSV rows with the two offload cells after the rest (the row's line break is stepped back over, then written again). */
function withOffload(b: SweepBlock, rows: RowWriter, parallel: boolean): RowWriter {
  const comma = utf8(',');
  const end = utf8('\n');
  return checked(b, {
    constantBytes: rows.maxRow + 4,
    fast(out, batch, i, t, m) {
      rows.row(out, batch, i, t, m);
      out.pos -= 1;
      out.bytes(comma);
      out.number(t.hostTransferSeconds ?? 0);
      out.bytes(comma);
      out.number(m.hostKvCacheBytes ?? 0);
      out.bytes(end);
    },
    slow: (p) => offloadSweepCsvLine(p, parallel),
  });
}

/** A block's CSV rows without the efficiency column. */
function csvRowsWithout(b: SweepBlock, parallel: boolean): RowWriter {
  const f = b.fixed;
  const head = csvFields([b.model, b.hardware, f.phase]);
  const mid = csvFields([f.bitsLabel, f.flash, f.pairs, f.scope, f.costModel]);
  // Batch, lengths, and the two memory figures that stay the same across a block are formatted once.
  const batchPart = keyed((batch) => `${head},${String(batch)},`);
  const lengthPart = perLength(b, (seqLen, contextLen) => `${String(seqLen)},${String(contextLen)},${mid},`);
  const weightPart = keyed((x) => `${String(x)},`);
  const perTokenPart = keyed((x) => `${String(x)},`);
  const comma = utf8(',');
  const fitsPart = parallel ? ([utf8('false,'), utf8('true,')] as const) : fitsEnd;
  const par = b.fixed.parallelism;
  const degrees = utf8(`${String(par?.tp ?? 1)},${String(par?.pp ?? 1)},${String(par?.ep ?? 1)},${String(par?.dp ?? 1)},`);
  const split = isSplit(par);
  return checked(b, {
    constantBytes: utf8(head).length + 32 + longest(b.reported.map((_, i) => lengthPart(i))) + 8 + (parallel ? degrees.length + 16 : 0),
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
      if (!parallel) return;
      out.bytes(degrees);
      out.number(t.communicationSeconds ?? 0);
      out.bytes(comma);
      const d = m.perDevice;
      if (d === undefined && split) {
        out.bytes(noDevice);
        return;
      }
      out.number(d === undefined ? m.totalBytes : d.totalBytes);
      out.bytes(comma);
      out.bytes(fitsEnd[(d === undefined ? m.fitsDevice : d.fits) ? 1 : 0]);
    },
    slow: parallel ? parallelSweepCsvLine : sweepCsvLine,
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
  const micro = f.microBatches === undefined ? '' : `,"microBatches":${j(f.microBatches)}`;
  const split = f.parallelism === undefined ? '' : `,"parallelism":${j(f.parallelism)},"overlap":${j(f.overlap === true)}${micro}`;
  const offload = f.kvOffload === true ? ',"kvOffload":true' : '';
  const settings = `,"bits":${j(f.bits)},"bitsLabel":${j(f.bitsLabel)},"computeDtype":${j(f.computeDtype)},"flash":${j(f.flash)},"pairs":${j(f.pairs)}${mla},"scope":${j(f.scope)},"costModel":${j(f.costModel)}${imbalance}${split}${offload},"efficiency":${j(f.efficiency)}}`;
  const batchPart = keyed((batch) => head + String(batch));
  const lengthPart = perLength(b, (seqLen, contextLen) => `,"seqLen":${String(seqLen)},"contextLen":${String(contextLen)}${settings},"totals":{"flops":`);
  const bytesKey = utf8(',"bytes":');
  const timeKey = utf8(',"timeSeconds":');
  const weightPart = keyed((x) => `},"memory":{"weightBytes":${String(x)},"kvCacheBytes":`);
  const perTokenPart = keyed((x) => `,"kvCacheBytesPerToken":${String(x)},"activationBytes":`);
  const totalKey = utf8(',"totalBytes":');
  const fitsPart = [utf8(',"fitsDevice":false}}'), utf8(',"fitsDevice":true}}')] as const;
  const commKey = utf8(',"communicationSeconds":');
  const hostKey = utf8(',"hostTransferSeconds":');
  const overheadKey = utf8(',"overheadSeconds":');
  const fitsHost = [utf8(',"fitsDevice":false,"hostKvCacheBytes":'), utf8(',"fitsDevice":true,"hostKvCacheBytes":')] as const;
  const hostEnd = utf8('}}');
  const fitsOpen = [utf8(',"fitsDevice":false,"perDevice":{"weightBytes":'), utf8(',"fitsDevice":true,"perDevice":{"weightBytes":')] as const;
  const deviceKv = utf8(',"kvCacheBytes":');
  const deviceAct = utf8(',"activationBytes":');
  const deviceFits = [utf8(',"fits":false,"stage":'), utf8(',"fits":true,"stage":')] as const;
  const deviceEnd = utf8('}}}');
  const firstSep = utf8('\n');
  const sep = utf8(',\n');
  let first = firstOfSweep;
  return checked(b, {
    // Keys and the two memory numbers kept as text; a split point's communication and busiest-device keys besides, an
    // offloaded point's host keys.
    constantBytes: utf8(head).length + longest(b.reported.map((_, i) => lengthPart(i))) + 256 + (f.parallelism === undefined ? 0 : 192) + (f.kvOffload === true ? 64 : 0),
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
      if (t.communicationSeconds !== undefined) {
        out.bytes(commKey);
        out.number(t.communicationSeconds);
      }
      if (t.hostTransferSeconds !== undefined) {
        out.bytes(hostKey);
        out.number(t.hostTransferSeconds);
      }
      if (t.overheadSeconds !== undefined) {
        out.bytes(overheadKey);
        out.number(t.overheadSeconds);
      }
      out.bytes(weightPart(m.weightBytes));
      out.number(m.kvCacheBytes);
      out.bytes(perTokenPart(m.kvCacheBytesPerToken));
      out.number(m.activationBytes);
      out.bytes(totalKey);
      out.number(m.totalBytes);
      const d = m.perDevice;
      if (d === undefined) {
        if (m.hostKvCacheBytes === undefined) {
          out.bytes(fitsPart[m.fitsDevice ? 1 : 0]);
          return;
        }
        out.bytes(fitsHost[m.fitsDevice ? 1 : 0]);
        out.number(m.hostKvCacheBytes);
        out.bytes(hostEnd);
        return;
      }
      out.bytes(fitsOpen[m.fitsDevice ? 1 : 0]);
      out.number(d.weightBytes);
      out.bytes(deviceKv);
      out.number(d.kvCacheBytes);
      out.bytes(deviceAct);
      out.number(d.activationBytes);
      out.bytes(totalKey);
      out.number(d.totalBytes);
      out.bytes(deviceFits[d.fits ? 1 : 0]);
      out.number(d.stage);
      out.bytes(deviceEnd);
    },
    slow: (p) => (first ? '\n' : ',\n') + j(p),
  });
}
