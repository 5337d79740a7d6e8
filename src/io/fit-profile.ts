/**
 * The efficiency profile file a fit writes: the same format as efficiency-profiles/*.json, so `--efficiency FILE`
 * loads it. Fitted terms cite the fit; terms the measurements do not determine cite what the base profile cited.
 */
import type { EfficiencyProfile, EfficiencyTerm } from '../core/efficiency.js';
import type { FitResult } from '../core/fit/fit.js';
import type { EfficiencyProfileFile } from './efficiency-schema.js';
import { parseEfficiency } from './load-efficiency.js';

/** What the fit was run on, for the file's sources and notes. */
export interface FitProvenance {
  /** The measurements file, as the user named it. */
  readonly file: string;
  readonly hardware: string;
  /** The profile's `name` (default: the hardware and the file). */
  readonly name?: string | undefined;
}

/** The source key of the fit itself. */
const FIT = 'fit';

/** A term's value and its source key in the base profile (`peak` has no sources: a key of its own). */
function baseSource(base: EfficiencyProfile, t: EfficiencyTerm): { key: string; title: string } {
  const key = base.sources?.[t];
  if (key !== undefined) return { key, title: base.references?.[key] ?? key };
  return { key: 'base', title: `the base profile ${base.label}${base.label === 'peak' ? ' (the datasheet roofline: fraction 1, no overhead)' : ''}` };
}

/** The fitted profile as a file's JSON, checked by loading it back as `--efficiency FILE` would. */
export function fittedProfileFile(fit: FitResult, base: EfficiencyProfile, p: FitProvenance): EfficiencyProfileFile {
  const n = fit.residuals.length;
  const sources: Record<string, { title: string }> = {
    [FIT]: { title: `fitted by llm-roofline fit from ${p.file}, ${String(n)} measurement${n === 1 ? '' : 's'}` },
  };
  const entry = (t: EfficiencyTerm) => {
    const term = fit.terms.find((x) => x.term === t);
    if (term === undefined) throw new Error(`internal: the fit has no term ${t}`);
    if (!term.determined) {
      const s = baseSource(base, t);
      sources[s.key] = { title: s.title };
      return { value: term.fitted, source: s.key, note: `not determined by the measurements (${term.why ?? ''}): the base profile's value` };
    }
    const limit = term.atLimit === true ? '; the fit stopped at the format\'s limit' : '';
    return { value: term.fitted, source: FIT, flags: ['derived' as const], note: `fitted (base ${base.label}: ${String(term.base)})${limit}` };
  };
  const file: EfficiencyProfileFile = {
    name: p.name ?? `${p.hardware}: fitted from ${p.file}`,
    kinds: { gemm: entry('gemm'), attention: entry('attention'), elementwise: entry('elementwise'), gather: entry('gather'), collective: entry('collective') },
    memory: entry('memory'),
    layerOverheadSeconds: entry('layerOverheadSeconds'),
    stepOverheadSeconds: entry('stepOverheadSeconds'),
    sources,
    notes: [
      `Fitted on ${p.hardware} to ${String(n)} measured times: median |relative error| ${pct(fit.medianAbsError.base)} at ${base.label}, ${pct(fit.medianAbsError.fitted)} fitted (${String(fit.iterations)} iteration${fit.iterations === 1 ? '' : 's'}${fit.settled ? '' : ', bounds still changing at the cap'}).`,
      'Terms marked derived are fitted; the others were not determined by the measurements and keep the base profile\'s values.',
    ],
  };
  try {
    parseEfficiency(file, p.file, 'fitted');
  } catch (e) {
    throw new Error(`internal: the fitted profile does not load back: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return file;
}

/** A relative error as a percentage with one decimal. */
function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
