/**
 * A fixed-size byte buffer that rows are formatted straight into. Big sweeps spend most of their time turning
 * numbers into text; writing digits as bytes skips building, concatenating and re-encoding a string per row.
 */

/** Integers up to this magnitude are written digit by digit; anything else goes through `String(x)`. */
const MAX_EXACT = Number.MAX_SAFE_INTEGER;
const HUNDRED_MILLION = 1e8;
/** More bytes than `String(x)` ever takes for a number (-0.0000012345678901234567 is 25). */
const NUMBER_BYTES = 32;

/** A byte buffer filled from the front; `take` hands the filled part over and starts a fresh buffer. */
export class ByteChunk {
  private buf: Uint8Array;
  /** Bytes written so far. */
  pos = 0;

  constructor(readonly capacity: number) {
    this.buf = new Uint8Array(capacity);
  }

  /** Whether `n` more bytes fit before the chunk is full. */
  room(n: number): boolean {
    return this.pos + n <= this.capacity;
  }

  /** The bytes from `start` to the end of what was written (a view, valid until more is written). */
  since(start: number): Uint8Array {
    return this.buf.subarray(start, this.pos);
  }

  /** The bytes written so far (a view, valid until the chunk is restarted). */
  filled(): Uint8Array {
    return this.buf.subarray(0, this.pos);
  }

  /**
   * Starts over at the front. `handedOver`: someone still holds the filled bytes (a stream writes them later), so a
   * fresh buffer is taken; otherwise the same one is reused, which keeps allocation, and garbage collection, out of
   * the loop.
   */
  restart(handedOver: boolean): void {
    if (handedOver || this.buf.length !== this.capacity) this.buf = new Uint8Array(this.capacity);
    this.pos = 0;
  }

  /** Makes room for `n` more bytes: past the capacity the buffer grows, so no write is ever cut short. */
  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = new Uint8Array(this.pos + n + this.capacity);
    bigger.set(this.buf.subarray(0, this.pos));
    this.buf = bigger;
  }

  /** Appends bytes (a constant part of a row, encoded once). */
  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    // A call into native code costs more than copying a few bytes by hand.
    if (b.length > 32) {
      this.buf.set(b, this.pos);
      this.pos += b.length;
      return;
    }
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < b.length; i++) buf[p++] = b[i] ?? 0;
    this.pos = p;
  }

  /** Appends text known to be ASCII (number text). */
  ascii(s: string): void {
    this.reserve(s.length);
    const buf = this.buf;
    let p = this.pos;
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i);
    this.pos = p;
  }

  /** Appends `String(x)`, byte for byte, without making the string when x is a safe integer. */
  number(x: number): void {
    this.reserve(NUMBER_BYTES);
    this.pos = writeNumber(this.buf, this.pos, x);
  }
}

/** Writes `String(x)` at `pos`; returns the end. */
function writeNumber(buf: Uint8Array, pos: number, x: number): number {
  if (Math.floor(x) === x && x <= MAX_EXACT && x >= -MAX_EXACT) {
    // -0 prints as "0", like String(-0).
    if (x < 0) {
      buf[pos++] = 45;
      x = -x;
    }
    if (x < HUNDRED_MILLION) return writeDigits(buf, pos, x | 0);
    // Two parts below 2^31, so the digit loops run on 32-bit integers: the high digits, then exactly 8 low ones.
    const hi = Math.floor(x / HUNDRED_MILLION);
    return writeEight(buf, writeDigits(buf, pos, hi | 0), (x - hi * HUNDRED_MILLION) | 0);
  }
  // For a finite number JSON.stringify prints what String does, and faster: String also files each result in
  // V8's number-to-string cache, which keeps every fresh string alive into the old generation, so a long sweep's
  // heap (and peak RSS) grew with its length.
  const s = Number.isFinite(x) ? JSON.stringify(x) : String(x);
  for (let i = 0; i < s.length; i++) buf[pos++] = s.charCodeAt(i);
  return pos;
}

/** Writes the decimal digits of 0 <= v < 2^31 at `pos`; returns the end. */
function writeDigits(buf: Uint8Array, pos: number, v: number): number {
  const end = pos + digitCount(v);
  let p = end;
  while (v >= 100) {
    const q = (v / 100) | 0;
    p = writePair(buf, p, v - q * 100);
    v = q;
  }
  if (v >= 10) writePair(buf, p, v);
  else buf[p - 1] = 48 + v;
  return end;
}

/** Writes 0 <= v < 10^8 as exactly 8 digits at `pos`; returns the end. */
function writeEight(buf: Uint8Array, pos: number, v: number): number {
  let p = pos + 8;
  for (let k = 0; k < 4; k++) {
    const q = (v / 100) | 0;
    p = writePair(buf, p, v - q * 100);
    v = q;
  }
  return pos + 8;
}

/** Writes the two digits of 0 <= r < 100 just before `end`; returns where they start. */
function writePair(buf: Uint8Array, end: number, r: number): number {
  const t = (r / 10) | 0;
  buf[end - 1] = 48 + r - t * 10;
  buf[end - 2] = 48 + t;
  return end - 2;
}

function digitCount(v: number): number {
  if (v < 10000) return v < 10 ? 1 : v < 100 ? 2 : v < 1000 ? 3 : 4;
  if (v < 100000000) return v < 100000 ? 5 : v < 1000000 ? 6 : v < 10000000 ? 7 : 8;
  return v < 1000000000 ? 9 : 10;
}

const encoder = new TextEncoder();

/** UTF-8 bytes of a constant part of a row. */
export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}
