/**
 * Sweep points as an Apache Arrow IPC file (Feather v2: pandas `read_feather`, polars `read_ipc`): one typed column
 * per CSV column, in SWEEP_HEADER order, written as record batches of ROWS_PER_BATCH points so memory stays flat.
 * Text columns hold the same cleaned text as the CSV (control characters removed), without CSV quoting.
 */
import type * as ArrowModule from 'apache-arrow';
import type { MemoryFootprint, Totals } from '../core/engine.js';
import type { SweepBlock } from '../core/sweep.js';
import { utf8 } from './byte-chunk.js';
import { SWEEP_HEADER } from './csv.js';
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
/** The type of each SWEEP_HEADER column. */
const KINDS: Record<(typeof SWEEP_HEADER)[number], Kind> = {
  model: 'utf8', hardware: 'utf8', phase: 'utf8', batch: 'int', seqLen: 'int', contextLen: 'int', bits: 'utf8', flash: 'bool', pairs: 'utf8',
  scope: 'utf8', costModel: 'utf8', flops: 'float', bytes: 'float', timeSeconds: 'float', weightBytes: 'float', kvCacheBytes: 'float',
  kvCacheBytesPerToken: 'float', activationBytes: 'float', totalBytes: 'float', fitsDevice: 'bool',
};

/** Writes sweep points as Arrow bytes: `row` per point, `end` once. Each returns the bytes ready to go out. */
export interface ArrowSweepWriter {
  row(b: SweepBlock, batch: number, i: number, totals: Totals, memory: MemoryFootprint): readonly Uint8Array[];
  end(): readonly Uint8Array[];
}

/** One record batch being filled: a typed array per column, text as offsets into one byte array. */
class Columns {
  n = 0;
  readonly ints;
  readonly floats;
  readonly bools;
  readonly texts;

  constructor(rows: number) {
    this.ints = [new Int32Array(rows), new Int32Array(rows), new Int32Array(rows)] as const;
    this.floats = [0, 1, 2, 3, 4, 5, 6, 7].map(() => new Float64Array(rows)) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    this.bools = [new Uint8Array((rows + 7) >> 3), new Uint8Array((rows + 7) >> 3)] as const;
    this.texts = Array.from({ length: 7 }, () => ({ offsets: new Int32Array(rows + 1), bytes: new Uint8Array(16 * rows) }));
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
    return this;
  }

  bool(col: 0 | 1, value: boolean): void {
    const bits = this.bools[col];
    const at = this.n >> 3;
    if (value) bits[at] = (bits[at] ?? 0) | (1 << (this.n & 7));
  }
}

/**
 * The Arrow writer for sweep points; `arrow` is the module `loadArrow` returned. The bytes a record batch returns
 * are views of its column arrays: `reusable` says, when the next batch starts, whether whoever took them is done
 * with them (then the arrays are filled again; else new ones are made).
 */
export function arrowSweepWriter(arrow: Arrow, reusable: () => boolean, rowsPerBatch = ROWS_PER_BATCH): ArrowSweepWriter {
  const fields = SWEEP_HEADER.map((name) => {
    const kind = KINDS[name];
    const type = kind === 'utf8' ? new arrow.Utf8() : kind === 'int' ? new arrow.Int32() : kind === 'float' ? new arrow.Float64() : new arrow.Bool();
    return new arrow.Field(name, type, false);
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

  let cols = new Columns(rowsPerBatch);
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
    for (const f of fields) {
      const kind = KINDS[f.name];
      if (kind === 'int') children.push(arrow.makeData({ type: new arrow.Int32(), length: n, data: c.ints[int++ as 0 | 1 | 2].subarray(0, n) }));
      else if (kind === 'float') children.push(arrow.makeData({ type: new arrow.Float64(), length: n, data: (c.floats[float++] ?? new Float64Array(0)).subarray(0, n) }));
      else if (kind === 'bool') children.push(arrow.makeData({ type: new arrow.Bool(), length: n, data: c.bools[bool++ as 0 | 1].subarray(0, (n + 7) >> 3) }));
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
        text = [b.model, b.hardware, f.phase, f.bitsLabel, f.pairs, f.scope, f.costModel].map((s) => utf8(displayText(s)));
      }
      const lens = b.reported[i];
      if (lens === undefined) throw new Error(`internal: no length at index ${String(i)}`);
      if (handedOver) {
        handedOver = false;
        cols = reusable() ? cols.reset() : new Columns(rowsPerBatch);
      }
      const c = cols;
      const n = c.n;
      for (let k = 0; k < text.length; k++) c.text(k, text[k] ?? new Uint8Array(0));
      c.ints[0][n] = batch;
      c.ints[1][n] = lens.seqLen;
      c.ints[2][n] = lens.contextLen;
      const [flops, bytes, time, weight, kv, perToken, act, total] = c.floats;
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
