/**
 * Achieved fractions of a device's roofs, per kind of operator, and the fixed costs a plain roofline leaves out. An
 * efficiency profile scales each kind's compute peak by its own fraction and the memory bandwidth by one streaming
 * fraction, then adds a fixed overhead per layer and one per pass (step). `peak` is the pure roofline: every fraction
 * 1, no overhead, so its numbers are today's exactly (x · 1 and x + 0 are exact in floating point).
 */
import type { OpKind } from './op.js';

/** The terms of a profile, in the order reports list them. */
export const EFFICIENCY_TERMS = ['gemm', 'attention', 'elementwise', 'gather', 'collective', 'memory', 'layerOverheadSeconds', 'stepOverheadSeconds'] as const;
export type EfficiencyTerm = (typeof EFFICIENCY_TERMS)[number];

export interface EfficiencyProfile {
  /** What reports call it: `peak`, `typical:<family>` or the file it was read from. */
  readonly label: string;
  /**
   * Fraction of the compute peak each kind of operator reaches (of a calibrated rate where the profile measured one).
   * For `collective` it multiplies the link's own efficiency (hardware profile or the 0.8 default), which already is
   * NCCL's achieved share of the link: a typical profile leaves it at 1.
   */
  readonly kinds: Readonly<Record<OpKind, number>>;
  /** Fraction of the memory bandwidth a streaming operator reaches. */
  readonly memory: number;
  /** Seconds added once per transformer layer of a pass (kernel launches, synchronisation between kernels). */
  readonly layerOverheadSeconds: number;
  /** Seconds added once per pass over the model (scheduler, sampler, the step's synchronisation). */
  readonly stepOverheadSeconds: number;
  /** The key of the source each term cites (a key of `references`). */
  readonly sources?: Readonly<Partial<Record<EfficiencyTerm, string>>> | undefined;
  /** The cited documents' titles, by key. */
  readonly references?: Readonly<Record<string, string>> | undefined;
  /** Why the profile is what it is when that needs saying (e.g. a calibrated device gets nothing applied). */
  readonly note?: string | undefined;
}

/** The datasheet roofline: every fraction 1, no overhead. */
export const PEAK_EFFICIENCY: EfficiencyProfile = {
  label: 'peak',
  kinds: { gemm: 1, attention: 1, elementwise: 1, gather: 1, collective: 1 },
  memory: 1,
  layerOverheadSeconds: 0,
  stepOverheadSeconds: 0,
};

/** Whether a profile changes nothing: every fraction 1 and no overhead. */
export function isPeak(e: EfficiencyProfile): boolean {
  return Object.values(e.kinds).every((k) => k === 1) && e.memory === 1 && e.layerOverheadSeconds === 0 && e.stepOverheadSeconds === 0;
}

/** A term's value as the note prints it: a fraction as ×0.77, an overhead in microseconds. */
function termText(e: EfficiencyProfile, t: EfficiencyTerm): string {
  if (t === 'layerOverheadSeconds') return `+${microseconds(e.layerOverheadSeconds)} per layer`;
  if (t === 'stepOverheadSeconds') return `+${microseconds(e.stepOverheadSeconds)} per pass`;
  const name = t === 'memory' ? 'memory bandwidth' : t === 'collective' ? 'collective (× the link\'s efficiency)' : t;
  return `${name} ×${String(t === 'memory' ? e.memory : e.kinds[t])}`;
}

function microseconds(s: number): string {
  return `${String(Math.round(s * 1e9) / 1e3)} us`;
}

/**
 * The report's note on the efficiency in effect: its label, each term with its source, and how the overheads enter
 * the totals.
 */
export function efficiencyNote(e: EfficiencyProfile, overheadSeconds: number): string {
  if (isPeak(e)) return `efficiency ${e.label}: datasheet roofline (every operator at 100% of its peak and of memory bandwidth, no fixed overheads)${e.note === undefined ? '' : `; ${e.note}`}.`;
  const terms = EFFICIENCY_TERMS.map((t) => {
    const source = e.sources?.[t];
    return source === undefined ? termText(e, t) : `${termText(e, t)} [${source}]`;
  });
  const cited = [...new Set(EFFICIENCY_TERMS.flatMap((t) => e.sources?.[t] ?? []))];
  const sources = cited.length === 0 ? '' : `. Sources: ${cited.map((k) => `[${k}] ${e.references?.[k] ?? k}`).join('; ')}`;
  const overhead = overheadSeconds > 0 ? `; totals.overheadSeconds = ${String(overheadSeconds)} s of fixed overheads, so totals.timeSeconds = Σ count × ops[].timeSeconds + totals.overheadSeconds` : '';
  return `efficiency ${e.label}: each operator's compute peak is scaled by its kind's fraction and the memory bandwidth by the memory fraction: ${terms.join('; ')}${overhead}${e.note === undefined ? '' : `; ${e.note}`}${sources}.`;
}
