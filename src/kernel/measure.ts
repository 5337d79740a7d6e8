/** Timing of executed layers: warm-up, then the median of repeats with their spread. */
import { newCounters, type Counters } from './backend.js';
import type { AttentionLayer } from './layers/layer.js';
import { randomArray, seeded } from './random.js';

export interface Timing {
  readonly medianSeconds: number;
  readonly minSeconds: number;
  readonly maxSeconds: number;
  readonly repeats: number;
}

export interface LayerRun extends Timing {
  /** What one run counted (the last repeat's counters; every repeat does the same work). */
  readonly counted: Counters;
  /** Mean seconds of the timed runs (the median is the figure reported; the mean is what per-part times add up to). */
  readonly meanSeconds: number;
}

/** Median, min and max of samples. */
export function summarize(samples: readonly number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  const median = s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
  return { medianSeconds: median, minSeconds: s[0]!, maxSeconds: s[s.length - 1]!, repeats: s.length };
}

/** Seconds since an arbitrary origin, high resolution. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e9;
}

export interface RunPlan {
  readonly phase: 'prefill' | 'decode';
  readonly batch: number;
  readonly seqLen: number;
  readonly contextLen: number;
  /** Warm-up runs before timing … */
  readonly warmup: number;
  /**
   * … and more until the warm-up has taken this many seconds. A short step needs hundreds of runs: the first layer
   * of a process ran a 160M decode step at 0.9 ms after 50 runs and at 0.25–0.3 ms after 500 (V8 compiling the
   * layer's code), and a new layer in a warm process still ran 20–50% slow for its first 10–50 runs.
   */
  readonly warmupSeconds?: number | undefined;
  /** At least this many timed runs … */
  readonly minRepeats: number;
  /** … and more, up to maxRepeats, while the total stays under this many seconds. */
  readonly budgetSeconds: number;
  readonly maxRepeats: number;
  /** Called once, after the warm-up and before the first timed run. */
  readonly onTimed?: (() => void) | undefined;
  /** The clock runs are timed with (seconds); `now` unless a test supplies one, so its outcome is the machine's. */
  readonly clock?: (() => number) | undefined;
}

/**
 * Times one layer step: prefill of seqLen tokens from an empty cache, or one decode step attending contextLen keys
 * (contextLen − 1 cached tokens plus the new one).
 */
export function timeLayer(layer: AttentionLayer, p: RunPlan): LayerRun {
  const tokens = p.phase === 'prefill' ? p.seqLen : 1;
  const x = randomArray(seeded(17), p.batch * tokens * layer.hidden, 1);
  if (p.phase === 'decode') layer.prime(p.contextLen - 1);
  // The input is loaded once: the layer never writes it, and copying it is not part of the layer's work.
  layer.load(x, tokens);
  const clock = p.clock ?? now;
  const once = (): { seconds: number; counted: Counters } => {
    if (p.phase === 'prefill') layer.reset();
    else layer.rewind(p.contextLen - 1);
    const counted = newCounters();
    const t0 = clock();
    layer.run(tokens, counted);
    return { seconds: clock() - t0, counted };
  };
  let warm = 0;
  for (let i = 0; i < p.warmup || warm < (p.warmupSeconds ?? 0); i++) warm += once().seconds;
  p.onTimed?.();
  const samples: number[] = [];
  let counted = newCounters();
  let spent = 0;
  while (samples.length < p.minRepeats || (samples.length < p.maxRepeats && spent < p.budgetSeconds)) {
    const r = once();
    samples.push(r.seconds);
    counted = r.counted;
    spent += r.seconds;
  }
  return { ...summarize(samples), counted, meanSeconds: spent / samples.length };
}
