/** `llm-roofline fit`: an efficiency profile fitted to timings measured on one device, with its residuals. */
import { BITS_EXPECTED, parseBits } from '../core/dtype.js';
import type { EfficiencyProfile } from '../core/efficiency.js';
import { Plan } from '../core/engine.js';
import { fitEfficiency, type FitMeasurement } from '../core/fit/fit.js';
import type { ModelConfig } from '../core/model-config.js';
import { firstNonFinite } from '../core/report.js';
import { mlaMode } from '../core/workload.js';
import { UserError } from '../io/errors.js';
import { fittedProfileFile } from '../io/fit-profile.js';
import type { FitDocument } from '../io/fit-schema.js';
import { resolveEfficiency } from '../io/load-efficiency.js';
import { loadHardware, type LoadedProfile } from '../io/load-hardware.js';
import { loadModel } from '../io/load-model.js';
import { loadMeasurements, type Measurement } from '../io/measurements.js';
import { displayPath } from '../io/resolve.js';
import { fitTable } from '../render/fit.js';
import { COST_MODEL_DEFS } from '../core/cost-models/index.js';
import { checkOut, emit } from './common.js';
import { oneOf } from './options.js';

export interface FitOptions {
  measurements: string;
  base: string;
  name?: string | undefined;
  format: string;
  out?: string | undefined;
}

/** The one hardware profile every measurement names (by the file it resolves to); a second one is refused. */
function oneDevice(file: string, ms: readonly Measurement[]): LoadedProfile {
  const first = loadHardware(ms[0]!.hardware);
  ms.forEach((m, i) => {
    if (m.hardware === ms[0]!.hardware) return;
    const other = loadHardware(m.hardware);
    if (other.file !== first.file) throw new UserError(file, `measurements.${String(i)}.hardware`, `names a second hardware profile (got "${m.hardware}", expected "${ms[0]!.hardware}" as measurements.0.hardware: a fit is for one device)`);
  });
  // A calibrated profile's kernel rates are measured already: a fitted profile on top would count the shortfall twice.
  if (first.hardware.extras !== undefined) throw new UserError(file, 'measurements.0.hardware', `${first.id} (${first.file}) is a calibrated profile: its measured rates are achieved figures already (expected a datasheet profile)`);
  return first;
}

/** Each measurement with its plan under any profile; plans are built once per (model, phase, flash, scope, profile). */
function fitInputs(file: string, ms: readonly Measurement[], device: LoadedProfile): FitMeasurement[] {
  const models = new Map<string, ModelConfig>();
  const plans = new Map<EfficiencyProfile, Map<string, Plan>>();
  return ms.map((m, i) => {
    const bits = parseBits(m.bits);
    if (bits === undefined) throw new UserError(file, `measurements.${String(i)}.bits`, `expected ${BITS_EXPECTED} (got "${m.bits}")`);
    const dtype = COST_MODEL_DEFS.exact.computeDtype(bits);
    if (device.hardware.peakFlopPerSecond[dtype] === undefined) {
      throw new UserError(file, `measurements.${String(i)}.bits`, `${m.bits} computes at the ${dtype} peak, which ${device.id} (${device.file}) does not list (expected one of its peaks: ${Object.keys(device.hardware.peakFlopPerSecond).join(', ')})`);
    }
    const model = models.get(m.model) ?? loadModel(m.model);
    models.set(m.model, model);
    const key = JSON.stringify([m.model, m.phase, m.flash, m.scope]);
    const plan = (e: EfficiencyProfile): Plan => {
      const byKey = plans.get(e) ?? new Map<string, Plan>();
      plans.set(e, byKey);
      const found = byKey.get(key);
      if (found !== undefined) return found;
      const made = new Plan(model, device.hardware, { phase: m.phase, flash: m.flash, pairs: 'causal', mla: mlaMode({ phase: m.phase }), scope: m.scope, efficiency: e });
      byKey.set(key, made);
      return made;
    };
    return { plan, point: { batch: m.batch, seqLen: m.seqLen, contextLen: m.contextLen, bits }, measuredSeconds: m.measuredSeconds };
  });
}

/** Runs the command. */
export function runFit(o: FitOptions): void {
  checkOut(o.out);
  const format = oneOf('--format', o.format, ['table', 'json'] as const);
  const file = displayPath(o.measurements);
  const ms = loadMeasurements(o.measurements);
  const device = oneDevice(file, ms);
  const base = resolveEfficiency(o.base, device, '--base');
  const label = o.out === undefined ? 'fitted' : displayPath(o.out);
  const fit = fitEfficiency(fitInputs(file, ms, device), { base, label });
  const profile = fittedProfileFile(fit, base, { file, hardware: device.id, name: o.name });
  const doc: FitDocument = {
    schema: 'llm-roofline.fit/v1',
    measurements: file,
    hardware: device.id,
    base: base.label,
    profile,
    terms: fit.terms.map((t) => ({ ...t })),
    residuals: fit.residuals.map((r, i) => {
      const m = ms[i]!;
      const prefill = m.phase === 'prefill';
      return { model: m.model, phase: m.phase, batch: m.batch, seqLen: prefill ? m.seqLen : 1, contextLen: prefill ? m.seqLen : m.contextLen, scope: m.scope, ...r };
    }),
    medianAbsError: fit.medianAbsError,
    iterations: fit.iterations,
    settled: fit.settled,
    undetermined: fit.terms.filter((t) => !t.determined).map((t) => t.term),
  };
  // Inputs are range-checked, so a non-finite number here is a bug: fail before writing anything.
  const bad = firstNonFinite(doc);
  if (bad !== undefined) throw new Error(`internal: ${bad} is not a finite number`);
  if (o.out !== undefined) emit(o.out, JSON.stringify(profile, null, 2) + '\n');
  emit(undefined, format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : fitTable(doc));
}
