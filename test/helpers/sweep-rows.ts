/** The byte-level sweep writers driven as the sweep command drives them, for tests that compare their bytes. */
import type { SweepBlock } from '../../src/core/sweep.js';
import { ByteChunk } from '../../src/render/byte-chunk.js';
import type { arrowSweepWriter } from '../../src/render/sweep-arrow.js';
import { csvRows, jsonRows, type RowWriter } from '../../src/render/sweep-rows.js';

type ArrowSweepWriter = ReturnType<typeof arrowSweepWriter>;

const decoder = new TextDecoder();

/**
 * Every row of every block through a chunk of `capacity` bytes, flushed whenever the next row might not fit; `split`
 * writes the CSV columns of a sweep with parallelism.
 */
export function written(blocks: Iterable<SweepBlock>, format: 'csv' | 'json', opts: { capacity?: number; split?: boolean } = {}): string {
  const out = new ByteChunk(opts.capacity ?? 1 << 16);
  let text = '';
  let first = true;
  for (const b of blocks) {
    const rows: RowWriter = format === 'json' ? jsonRows(b, first) : csvRows(b, opts.split === true);
    for (const batch of b.batches) {
      for (let i = 0; i < b.lengths.length; i++) {
        const { totals, memory } = b.summary(batch, b.lengths[i] ?? 0);
        if (!out.room(rows.maxRow)) {
          text += decoder.decode(out.filled());
          out.restart(false);
        }
        rows.row(out, batch, i, totals, memory);
        first = false;
      }
    }
  }
  return text + decoder.decode(out.filled());
}

/** Every row of every block through an Arrow writer, and its end: the bytes of the Arrow file. */
export function arrowBytes(blocks: Iterable<SweepBlock>, writer: ArrowSweepWriter): Buffer {
  const chunks: Uint8Array[] = [];
  for (const b of blocks) {
    for (const batch of b.batches) {
      for (let i = 0; i < b.lengths.length; i++) {
        const { totals, memory } = b.summary(batch, b.lengths[i] ?? 0);
        chunks.push(...writer.row(b, batch, i, totals, memory));
      }
    }
  }
  chunks.push(...writer.end());
  return Buffer.concat(chunks);
}
