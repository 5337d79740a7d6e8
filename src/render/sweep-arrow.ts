/**
 * Sweep points as an Apache Arrow IPC file (Feather v2: pandas `read_feather`, polars `read_ipc`): one typed column
 * per CSV column, in `sweepHeader` order, written as record batches of ROWS_PER_BATCH points so memory stays flat.
 * Text columns hold the same cleaned text as the CSV (control characters removed), without CSV quoting; the busiest
 * device's two columns are null where the CSV's cells are blank.
 */
import type * as ArrowModule from 'apache-arrow';
import type { Totals } from '../core/engine.js';
import { isSplit } from '../core/parallelism.js';
import type { SweepBlock, SweepMemory } from '../core/sweep.js';
import { utf8 } from './byte-chunk.js';
import { EFFICIENCY_HEADER, OFFLOAD_HEADER, PARALLEL_HEADER, SWEEP_HEADER, sweepHeader } from './csv.js';
import { displayText } from './sanitize.js';

type Arrow = typeof ArrowModule;
const NONE: readonly Uint8Array[] = [];

/** Rows per record batch: big enough that batch overhead vanishes, small enough to keep memory at a few MiB. */
export const ROWS_PER_BATCH = 1 << 16;

/** Loads apache-arrow when an Arrow sweep asks for it: its start-up cost is not paid by any other command. */
export async function loadArrow(): Promise<Arrow> {
  return import('apache-arrow');
}

type Kind = 'utf8' | 'int' | 'float' | 'bool';
/** The type of each column of SWEEP_HEADER, PARALLEL_HEADER, OFFLOAD_HEADER and EFFICIENCY_HEADER. */
const KINDS: Record<(typeof SWEEP_HEADER)[number] | (typeof PARALLEL_HEADER)[number] | (typeof OFFLOAD_HEADER)[number] | (typeof EFFICIENCY_HEADER)[number], Kind> = {
  model: 'utf8', hardware: 'utf8', phase: 'utf8', batch: 'int', seqLen: 'int', contextLen: 'int', bits: 'utf8', flash: 'bool', pairs: 'utf8',
  scope: 'utf8', costModel: 'utf8', flops: 'float', bytes: 'float', timeSeconds: 'float', weightBytes: 'float', kvCacheBytes: 'float',
  kvCacheBytesPerToken: 'float', activationBytes: 'float', totalBytes: 'float', fitsDevice: 'bool',
  tp: 'int', pp: 'int', ep: 'int', dp: 'int', communicationSeconds: 'float', perDeviceTotalBytes: 'float', perDeviceFits: 'bool',
  hostTransferSeconds: 'float', hostKvCacheBytes: 'float',
  efficiency: 'utf8',
};
/** Columns that may be null: what the busiest device holds, under a cost model that cannot tell. */
const NULLABLE = new Set(['perDeviceTotalBytes', 'perDeviceFits']);
/**
 * Typed columns of each kind a sweep without parallelism has; a sweep with it has PARALLEL_COLUMNS more, one with
 * `--kv-offload` OFFLOAD_FLOATS more floats (after the parallel ones, as in the header).
 */
const COLUMNS = { int: 3, float: 8, bool: 2 };
const PARALLEL_COLUMNS = { int: 4, float: 2, bool: 1 };
const OFFLOAD_FLOATS = 2;

/** Writes sweep points as Arrow bytes: `row` per point, `end` once. Each returns the bytes ready to go out. */
export interface ArrowSweepWriter {
  row(b: SweepBlock, batch: number, i: number, totals: Totals, memory: SweepMemory): readonly Uint8Array[];
  end(): readonly Uint8Array[];
}

/** One record batch being filled: a typed array per column, text as offsets into one byte array. */
class Columns {
  n = 0;
  readonly ints;
  readonly floats;
  readonly bools;
  readonly texts;

  /** Validity of the nullable columns (1 = a value), kept only by a sweep with parallelism. */
  readonly valid;

  constructor(rows: number, parallel: boolean, texts: number, offload: boolean) {
    const more = (k: keyof typeof COLUMNS): number => COLUMNS[k] + (parallel ? PARALLEL_COLUMNS[k] : 0) + (offload && k === 'float' ? OFFLOAD_FLOATS : 0);
    const bits = (): Uint8Array => new Uint8Array((rows + 7) >> 3);
    this.ints = Array.from({ length: more('int') }, () => new Int32Array(rows));
    this.floats = Array.from({ length: more('float') }, () => new Float64Array(rows));
    this.bools = Array.from({ length: more('bool') }, bits);
    this.valid = bits();
    this.texts = Array.from({ length: texts }, () => ({ offsets: new Int32Array(rows + 1), bytes: new Uint8Array(16 * rows) }));
  }

  text(col: number, value: Uint8Array): void {
    const t = this.texts[col];
    if (t === undefined) throw new Error(`internal: no text column ${String(col)}`);
    const start = t.offsets[this.n] ?? 0;
    if (start + value.length > t.bytes.length) {
      const bigger = new Uint8Array(2 * (start + value.length));
      bigger.set(t.bytes.subarray(0, start));
      t.bytes = bigger;
    }
    t.bytes.set(value, start);
    t.offsets[this.n + 1] = start + value.length;
  }

  /** Empties the columns for the next batch, keeping their arrays. */
  reset(): this {
    this.n = 0;
    for (const bits of this.bools) bits.fill(0);
    this.valid.fill(0);
    return this;
  }

  bool(col: number, value: boolean): void {
    const bits = this.bools[col];
    if (bits === undefined) throw new Error(`internal: no bool column ${String(col)}`);
    setBit(bits, this.n, value);
  }

  /** Marks the row's nullable columns as holding a value. */
  present(): void {
    setBit(this.valid, this.n, true);
  }
}

/** Sets bit `n` of a bitmap when `value` (bitmaps start cleared). */
function setBit(bits: Uint8Array, n: number, value: boolean): void {
  const at = n >> 3;
  if (value) bits[at] = (bits[at] ?? 0) | (1 << (n & 7));
}

/**
 * The Arrow writer for sweep points; `arrow` is the module `loadArrow` returned. The bytes a record batch returns
 * are views of its column arrays: `reusable` says, when the next batch starts, whether whoever took them is done
 * with them (then the arrays are filled again; else new ones are made).
 */
export function arrowSweepWriter(arrow: Arrow, reusable: () => boolean, rowsPerBatch = ROWS_PER_BATCH, parallel = false, efficiency = false, offload = false): ArrowSweepWriter {
  const kindOf = (name: string): Kind => {
    const kind = (KINDS as Partial<Record<string, Kind>>)[name];
    if (kind === undefined) throw new Error(`internal: no Arrow type for column ${name}`);
    return kind;
  };
  // Text columns: model, hardware, phase, bits, pairs, scope, costModel, and the efficiency label last when shown.
  const texts = efficiency ? 8 : 7;
  const fields = sweepHeader(parallel, efficiency, offload).map((name) => {
    const kind = kindOf(name);
    const type = kind === 'utf8' ? new arrow.Utf8() : kind === 'int' ? new arrow.Int32() : kind === 'float' ? new arrow.Float64() : new arrow.Bool();
    return new arrow.Field(name, type, NULLABLE.has(name));
  });
  const schema = new arrow.Schema(fields);
  // The writer queues its bytes for an async reader; this queue hands them over as soon as they are written instead.
  class Collected extends arrow.AsyncByteQueue {
    chunks: Uint8Array[] = [];
    override write(value: Parameters<ArrowModule.AsyncByteQueue['write']>[0]): void {
      if (value instanceof Uint8Array) this.chunks.push(value);
      else throw new Error('internal: the Arrow writer wrote something other than bytes');
    }
  }
  const sink = new Collected();
  const writer = new arrow.RecordBatchFileWriter();
  writer.reset(sink, schema);
  const take = (): Uint8Array[] => sink.chunks.splice(0);

  let cols = new Columns(rowsPerBatch, parallel, texts, offload);
  // The last batch's bytes went out as views of `cols`: check `reusable` before writing over them.
  let handedOver = false;
  let block: SweepBlock | undefined;
  let text: Uint8Array[] = [];
  const flush = (): void => {
    const c = cols;
    const n = c.n;
    if (n === 0) return;
    const children: ArrowModule.Data[] = [];
    let int = 0;
    let float = 0;
    let bool = 0;
    let str = 0;
    const missing = nulls(c.valid, n);
    const validity = (f: ArrowModule.Field): { nullBitmap?: Uint8Array; nullCount?: number } => (f.nullable && missing > 0 ? { nullBitmap: c.valid.subarray(0, (n + 7) >> 3), nullCount: missing } : {});
    for (const f of fields) {
      const kind = kindOf(f.name);
      if (kind === 'int') children.push(arrow.makeData({ type: new arrow.Int32(), length: n, data: (c.ints[int++] ?? new Int32Array(0)).subarray(0, n) }));
      else if (kind === 'float') children.push(arrow.makeData({ type: new arrow.Float64(), length: n, data: (c.floats[float++] ?? new Float64Array(0)).subarray(0, n), ...validity(f) }));
      else if (kind === 'bool') children.push(arrow.makeData({ type: new arrow.Bool(), length: n, data: (c.bools[bool++] ?? new Uint8Array(0)).subarray(0, (n + 7) >> 3), ...validity(f) }));
      else {
        const t = c.texts[str++];
        if (t === undefined) throw new Error('internal: a text column per utf8 field');
        children.push(arrow.makeData({ type: new arrow.Utf8(), length: n, valueOffsets: t.offsets.subarray(0, n + 1), data: t.bytes.subarray(0, t.offsets[n] ?? 0) }));
      }
    }
    const data = arrow.makeData({ type: new arrow.Struct(fields), length: n, nullCount: 0, children });
    writer.write(new arrow.RecordBatch(schema, data));
    handedOver = true;
  };

  return {
    row(b, batch, i, t, m) {
      if (b !== block) {
        block = b;
        const f = b.fixed;
        text = [b.model, b.hardware, f.phase, f.bitsLabel, f.pairs, f.scope, f.costModel, ...(efficiency ? [f.efficiency] : [])].map((s) => utf8(displayText(s)));
      }
      const lens = b.reported[i];
      if (lens === undefined) throw new Error(`internal: no length at index ${String(i)}`);
      if (handedOver) {
        handedOver = false;
        cols = reusable() ? cols.reset() : new Columns(rowsPerBatch, parallel, texts, offload);
      }
      const c = cols;
      const n = c.n;
      for (let k = 0; k < text.length; k++) c.text(k, text[k] ?? new Uint8Array(0));
      const [batches, seqLens, contextLens] = c.ints as [Int32Array, Int32Array, Int32Array];
      batches[n] = batch;
      seqLens[n] = lens.seqLen;
      contextLens[n] = lens.contextLen;
      const [flops, bytes, time, weight, kv, perToken, act, total] = c.floats as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
      flops[n] = t.flops;
      bytes[n] = t.bytes;
      time[n] = t.timeSeconds;
      weight[n] = m.weightBytes;
      kv[n] = m.kvCacheBytes;
      perToken[n] = m.kvCacheBytesPerToken;
      act[n] = m.activationBytes;
      total[n] = m.totalBytes;
      c.bool(0, b.fixed.flash);
      c.bool(1, m.fitsDevice);
      if (parallel) parallelRow(c, b, t, m);
      if (offload) {
        // The offload floats follow the base floats and, in a sweep with parallelism, the parallel ones.
        const at = COLUMNS.float + (parallel ? PARALLEL_COLUMNS.float : 0);
        c.floats[at]![n] = t.hostTransferSeconds ?? 0;
        c.floats[at + 1]![n] = m.hostKvCacheBytes ?? 0;
      }
      c.n = n + 1;
      if (c.n < rowsPerBatch) return NONE;
      flush();
      return take();
    },
    end() {
      flush();
      writer.finish();
      return take();
    },
  };
}

/** Nulls among the first `n` rows of a validity bitmap. */
function nulls(valid: Uint8Array, n: number): number {
  let set = 0;
  for (let r = 0; r < n; r++) set += (valid[r >> 3]! >> (r & 7)) & 1;
  return n - set;
}

/** A row's parallel columns (see `parallelCells`): degrees, the collectives' seconds, the busiest device. */
function parallelRow(c: Columns, b: SweepBlock, t: Totals, m: SweepMemory): void {
  const n = c.n;
  const par = b.fixed.parallelism;
  const [, , , tp, pp, ep, dp] = c.ints as Int32Array[];
  const [, , , , , , , , comm, device] = c.floats as Float64Array[];
  tp![n] = par?.tp ?? 1;
  pp![n] = par?.pp ?? 1;
  ep![n] = par?.ep ?? 1;
  dp![n] = par?.dp ?? 1;
  comm![n] = t.communicationSeconds ?? 0;
  const d = m.perDevice;
  if (d === undefined && isSplit(par)) return;
  c.present();
  device![n] = d === undefined ? m.totalBytes : d.totalBytes;
  c.bool(2, d === undefined ? m.fitsDevice : d.fits);
}
