/** Chart axes and their tick labels: one number format and one choice of time unit for every chart the tool draws. */

export interface Tick {
  readonly v: number;
  readonly label: string;
}

/** An axis in transformed units (identity or log10) so projection is one linear map. */
export interface Axis {
  readonly t: (v: number) => number;
  readonly tLo: number;
  readonly tHi: number;
  readonly ticks: readonly Tick[];
}

const EPS = 1e-9;
const BIG: readonly [number, string][] = [[1e18, 'E'], [1e15, 'P'], [1e12, 'T'], [1e9, 'G'], [1e6, 'M'], [1e3, 'k']];
const SMALL: readonly [number, string][] = [[1e-3, 'm'], [1e-6, 'µ'], [1e-9, 'n'], [1e-12, 'p']];

/** Drops float noise (0.30000000000000004) from computed tick values before they are compared or printed. */
export function clean(v: number): number {
  return Number(v.toPrecision(12));
}

/** Up to 3 significant digits, no trailing zeros: 1.5, 12.5, 0.001. */
function digits(v: number): string {
  return String(Number(v.toPrecision(3)));
}

/**
 * The one tick format of every chart: plain from 0.001 to below 1000 (0.5, 20, 512), an SI prefix outside it
 * (1k, 10k, 2.5M, 100G; 500µ), 3 significant digits at most, locale-free and without a space.
 */
export function tickLabel(v: number): string {
  const r = clean(v);
  const a = Math.abs(r);
  if (a === 0) return '0';
  if (a >= 1e3) {
    const [scale, prefix] = BIG.find(([s]) => a >= s * (1 - EPS)) ?? [1e3, 'k'];
    // 999 950 rounds to "1e+3k" at 3 digits; step up a prefix instead.
    const m = Number((r / scale).toPrecision(3));
    if (Math.abs(m) >= 1000 && scale < 1e18) return tickLabel(Math.sign(r) * 1000 * scale);
    return a >= 1e21 ? r.toExponential(2).replace('e+', 'e') : `${digits(m)}${prefix}`;
  }
  if (a >= 1e-3) return digits(r);
  const [scale, prefix] = SMALL.find(([s]) => a >= s * (1 - EPS)) ?? [1e-12, 'p'];
  return a < 1e-12 ? r.toExponential(2) : `${digits(r / scale)}${prefix}`;
}

/** Min and max without spreading, so long series cannot overflow the call stack. */
export function extent(values: readonly number[]): [number, number] | undefined {
  if (values.length === 0) return undefined;
  return values.reduce<[number, number]>(([lo, hi], v) => [Math.min(lo, v), Math.max(hi, v)], [Infinity, -Infinity]);
}

/** Nice linear ticks (1, 2, 2.5, 5 × 10^k, about five intervals), range padded out to whole steps. */
export function linearAxis(values: readonly number[], fromZero: boolean): Axis {
  let [lo, hi] = extent(values) ?? [0, 1];
  if (fromZero && lo >= 0) lo = 0;
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) / 2;
    if (fromZero && lo === 0) hi = 1;
    else [lo, hi] = [lo - pad, hi + pad];
  }
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5].find((m) => m * mag >= raw * (1 - EPS)) ?? 10) * mag;
  const first = Math.floor(lo / step + EPS);
  const last = Math.ceil(hi / step - EPS);
  const ticks: Tick[] = [];
  for (let i = first; i <= last; i++) {
    const v = clean(i * step);
    ticks.push({ v, label: tickLabel(v) });
  }
  return { t: (v) => v, tLo: clean(first * step), tHi: clean(last * step), ticks };
}

// Tick mantissas from coarse to fine: decades when three fit in range, else 1-2-5 when two do, else every digit.
const LOG_STEPS: readonly (readonly number[])[] = [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]];

/**
 * Base-10 log axis with ticks at 1, 2, 5 × 10^k (or only 10^k over many decades, thinned past nine).
 * `bounded`: the range is exactly the data's (no axis running past the first and last point); otherwise it is
 * padded out to the powers of ten around the data.
 */
export function logAxis(values: readonly number[], bounded: boolean): Axis {
  const e = extent(values) ?? [1, 10];
  let [tLo, tHi] = [Math.log10(e[0]), Math.log10(e[1])];
  if (tHi - tLo < EPS) [tLo, tHi] = bounded ? [tLo - 0.5, tHi + 0.5] : [Math.floor(tLo + EPS) - 1, Math.ceil(tHi - EPS) + 1];
  else if (!bounded) [tLo, tHi] = [Math.floor(tLo + EPS), Math.ceil(tHi - EPS)];
  const inRange = (mantissas: readonly number[]): number[] => {
    const out: number[] = [];
    for (let k = Math.floor(tLo) ; k <= Math.ceil(tHi); k++) {
      for (const m of mantissas) {
        const v = clean(m * 10 ** k);
        const tv = Math.log10(v);
        if (tv >= tLo - EPS && tv <= tHi + EPS) out.push(v);
      }
    }
    return out;
  };
  const [decades = [], oneTwoFive = [], all = []] = LOG_STEPS.map(inRange);
  let vs = decades.length >= 3 ? decades : oneTwoFive.length >= 2 ? oneTwoFive : all;
  if (vs.length > 9) {
    const every = Math.ceil(vs.length / 9);
    vs = vs.filter((_, i) => i % every === 0);
  }
  // A range too narrow for any round value still gets its two ends labelled, so the reader has a scale.
  if (vs.length < 2) vs = [clean(10 ** tLo), clean(10 ** tHi)];
  return { t: Math.log10, tLo, tHi, ticks: vs.map((v) => ({ v, label: tickLabel(v) })) };
}

/** A time unit for a whole chart, so every panel of it reads in the same unit. */
export interface TimeUnit {
  readonly name: 's' | 'ms' | 'µs' | 'ns';
  readonly scale: number;
}

/** The unit in which the chart's largest time is between 1 and 1000, so tick labels stay short. */
export function timeUnit(seconds: readonly number[]): TimeUnit {
  const max = seconds.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
  if (max >= 1) return { name: 's', scale: 1 };
  if (max >= 1e-3) return { name: 'ms', scale: 1e3 };
  if (max >= 1e-6) return { name: 'µs', scale: 1e6 };
  return { name: 'ns', scale: 1e9 };
}
