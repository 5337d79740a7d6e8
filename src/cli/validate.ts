/** `llm-roofline validate`: predicted against measured times, on this machine's kernels or from a measurements file. */
import Table from 'cli-table3';
import { Plan } from '../core/engine.js';
import { BITS_EXPECTED, parseBits } from '../core/dtype.js';
import { firstNonFinite } from '../core/report.js';
import { mlaMode } from '../core/workload.js';
import type { Backend } from '../kernel/backend.js';
import { calibrator } from '../kernel/calibrate.js';
import { openBackend, type BackendKind, type Probes } from '../kernel/engines.js';
import { now } from '../kernel/measure.js';
import type { Hardware } from '../core/hardware.js';
import { calibrationSizing, capLines, withProbes, writeHostProfile, type CalibrationFlags } from './calibrate.js';
import { checkFits, ENGINE_BYTES_FOR_WORK } from '../kernel/memory.js';
import { errorPercent, FULL_GRID, gridPoints, largestPoint, QUICK_GRID, summarizeErrors, validate, type ValidationPoint } from '../kernel/validate.js';
import { UserError } from '../io/errors.js';
import { loadHardware } from '../io/load-hardware.js';
import { loadModel } from '../io/load-model.js';
import { HOST_PROFILE } from '../io/host-profile.js';
import { loadMeasurements } from '../io/measurements.js';
import { seconds } from '../render/units.js';
import { displayLines } from '../render/sanitize.js';
import { checkOut, emit, requirePeak } from './common.js';
import { hostHardware, refusingShortfall, THREADS_LIMIT } from './kernel-common.js';
import { oneOf, positiveInt } from './options.js';
import { startProgress } from './progress.js';
import { defaultThreads } from './run.js';

export interface ValidateOptions extends CalibrationFlags {
  quick: boolean;
  measurements?: string | undefined;
  threads?: string | undefined;
  passes?: string | undefined;
  calibrate?: boolean | string | undefined;
  backend: string;
  hardware?: string | undefined;
  format: string;
  out?: string | undefined;
}

/** The paper's 160M, 500M and 1B models and Llama-2-7B; --quick keeps one 160M model per variant. */
const FULL_MODELS = ['paper/160m-mha', 'paper/160m-gqa', 'paper/160m-mla', 'paper/160m-gta1', 'paper/160m-gta2', 'paper/500m-mha', 'paper/500m-gqa', 'paper/500m-mla', 'paper/500m-gta3', 'paper/500m-gta4', 'paper/gqa-1b', 'paper/gta-1b', 'llama-2-7b'];
const QUICK_MODELS = ['paper/160m-mha', 'paper/160m-gqa', 'paper/160m-mla', 'paper/160m-gta1'];

/**
 * Passes over the grid when --passes is not given: 5 for the full grid (on the 2-core development VM its 90th
 * percentile error was 19–21% in both 5-pass runs and 20–28% over six 3-pass runs), 3 for --quick, which must stay
 * under 30 seconds.
 */
const DEFAULT_PASSES = { full: 5, quick: 3 } as const;

/**
 * validate --calibrate: after a timed point, a calibration round runs whenever calibrating has so far taken less
 * than this share of the time since the runs began, which spreads the rounds evenly over the whole validation.
 */
const CALIBRATION_SHARE = 0.1;
/** Rounds --calibrate runs at least (a short grid gets its missing rounds after its last point). */
const MIN_CALIBRATION_ROUNDS = 9;

/**
 * Calibration rounds interleaved with the validation runs, so that on a shared machine the profile and the
 * measurements sample the same fast and slow spells; `hardware()` tops the rounds up, writes the host profile and
 * returns it.
 */
function interleavedCalibration(backend: Backend & Probes, threads: number, out: string | undefined, sizing: ReturnType<typeof calibrationSizing>, reserveBytes: number): { afterRun: () => void; hardware: () => Hardware } {
  const cal = refusingShortfall('validate', '--calibrate', () => calibrator(backend, threads, { ...sizing.opts, reserveBytes }));
  const start = now();
  let spent = 0;
  const round = (): void => {
    const t0 = now();
    cal.round();
    spent += now() - t0;
  };
  return {
    afterRun: () => {
      if (spent < CALIBRATION_SHARE * (now() - start)) round();
    },
    hardware: () => {
      while (cal.rounds < MIN_CALIBRATION_ROUNDS) round();
      const c = cal.result();
      const path = writeHostProfile(c, out, sizing.cacheSource);
      process.stderr.write(capLines('validate', c));
      process.stderr.write(`wrote ${path}: calibrated during the runs, medians of ${String(cal.rounds)} rounds\n`);
      return hostHardware(out);
    },
  };
}

/** Predictions for timings measured elsewhere. */
function fromMeasurements(file: string): ValidationPoint[] {
  return loadMeasurements(file).map((m, i) => {
    const bits = parseBits(m.bits);
    if (bits === undefined) throw new UserError(file, `measurements.${String(i)}.bits`, `expected ${BITS_EXPECTED} (got "${m.bits}")`);
    const model = loadModel(m.model);
    const profile = loadHardware(m.hardware);
    requirePeak(profile, bits, 'exact');
    const hw = profile.hardware;
    const plan = new Plan(model, hw, { phase: m.phase, flash: m.flash, pairs: 'causal', mla: mlaMode({ phase: m.phase }), scope: m.scope });
    const predicted = plan.summary({ batch: m.batch, seqLen: m.seqLen, contextLen: m.contextLen, bits }).totals.timeSeconds;
    return { model: model.id, hardware: hw.id, phase: m.phase, batch: m.batch, seqLen: m.phase === 'prefill' ? m.seqLen : 1, contextLen: m.phase === 'prefill' ? m.seqLen : m.contextLen, predictedSeconds: predicted, measuredSeconds: m.measuredSeconds, errorPercent: errorPercent(predicted, m.measuredSeconds) };
  });
}

/** Flags that only shape timing on this machine: silently ignored with --measurements, they would mislead. */
function refuseWithMeasurements(o: ValidateOptions): void {
  const given: [string, boolean][] = [
    ['--quick', o.quick],
    ['--threads', o.threads !== undefined],
    ['--passes', o.passes !== undefined],
    ['--calibrate', o.calibrate !== undefined && o.calibrate !== false],
    ['--cache-bytes', o.cacheBytes !== undefined],
    ['--memory-limit', o.memoryLimit !== undefined],
    ['--backend', o.backend !== 'fast'],
  ];
  const flag = given.find(([, on]) => on)?.[0];
  if (flag !== undefined) throw new UserError('validate', flag, 'times kernels on this machine, which --measurements does not: leave one of them out');
  if (o.hardware !== undefined) throw new UserError('validate', '--hardware', 'each --measurements row names its hardware: leave out --hardware');
}

/** Runs the command. */
export async function runValidate(o: ValidateOptions): Promise<void> {
  const outAt = checkOut(o.out);
  const profileAt = o.calibrate === undefined || o.calibrate === false ? undefined : checkOut(o.calibrate === true ? HOST_PROFILE : o.calibrate, '--calibrate');
  // Both are written, the profile first: one file for both would lose the profile after the whole run.
  if (outAt !== undefined && outAt === profileAt) throw new UserError('validate', '--out', `is the file --calibrate writes the profile to (${o.out ?? ''}): name another file`);
  const format = oneOf('--format', o.format, ['table', 'json'] as const);
  let points: ValidationPoint[];
  // Passes over the grid when the points were timed here (none when they came from a measurements file).
  let passesRun: number | undefined;
  if (o.measurements !== undefined) {
    refuseWithMeasurements(o);
    points = fromMeasurements(o.measurements);
  } else {
    const kind: BackendKind = oneOf('--backend', o.backend, ['fast', 'reference'] as const);
    const threads = o.threads === undefined ? defaultThreads() : positiveInt('--threads', o.threads, THREADS_LIMIT);
    const calibrating = o.calibrate !== undefined && o.calibrate !== false;
    if (calibrating && o.hardware !== undefined) throw new UserError('validate', '--calibrate', 'predicts with the profile it measures: leave out --hardware');
    if (calibrating && kind !== 'fast') throw new UserError('validate', '--calibrate', 'measures the fast kernels: leave out --backend reference');
    for (const [flag, value] of [['--cache-bytes', o.cacheBytes], ['--memory-limit', o.memoryLimit]] as const) {
      if (!calibrating && value !== undefined) throw new UserError('validate', flag, 'sizes the calibration probes: use it with --calibrate');
    }
    const hw = calibrating ? undefined : hostHardware(o.hardware);
    const grid = o.quick ? QUICK_GRID : FULL_GRID;
    const models = (o.quick ? QUICK_MODELS : FULL_MODELS).map(loadModel);
    const passes = o.passes === undefined ? DEFAULT_PASSES[o.quick ? 'quick' : 'full'] : positiveInt('--passes', o.passes);
    const sizing = calibrationSizing(o);
    // The largest point is checked before anything runs; with --calibrate, the probes leave room for it.
    const largest = largestPoint(models, grid, kind === 'fast');
    refusingShortfall('validate', '', () => {
      checkFits(`the largest point (${largest.point})`, largest.need, { engineBytes: kind === 'fast' ? ENGINE_BYTES_FOR_WORK : undefined, machineBytes: sizing.opts.machineBytes });
    });
    const backend = await openBackend(kind, threads);
    let progress: ReturnType<typeof startProgress> | undefined;
    try {
      const cal = hw === undefined ? interleavedCalibration(withProbes(backend, 'validate', '--calibrate'), threads, typeof o.calibrate === 'string' ? o.calibrate : undefined, sizing, largest.need.engineBytes) : undefined;
      // The probes' buffers stay theirs: the reset before each point frees only what the layers allocate.
      backend.keep?.();
      progress = startProgress(passes * models.length * gridPoints(grid).length, 'validate', 'timed points');
      const timing = cal === undefined ? { passes } : { passes, afterRun: cal.afterRun };
      points = validate(models, hw ?? cal!.hardware, grid, backend, kind === 'fast', () => undefined, timing, (done) => void progress?.tick(done));
      passesRun = passes;
    } finally {
      progress?.stop();
      backend.dispose();
    }
  }
  const summary = summarizeErrors(points);
  const doc = { schema: 'llm-roofline.validation/v1', ...(passesRun === undefined ? {} : { passes: passesRun }), points, summary };
  // Inputs are range-checked, so a non-finite number here is a bug: fail before printing anything.
  const bad = firstNonFinite(doc);
  if (bad !== undefined) throw new Error(`internal: ${bad} is not a finite number`);
  if (o.out !== undefined) emit(o.out, JSON.stringify(doc, null, 2) + '\n');
  if (format === 'json') {
    if (o.out === undefined) emit(undefined, JSON.stringify(doc, null, 2) + '\n');
    return;
  }
  const t = new Table({ head: ['model', 'hardware', 'phase', 'batch', 'length', 'predicted', 'measured', 'error'], style: { head: [], border: [], compact: true } });
  for (const p of points) t.push([p.model, p.hardware, p.phase, String(p.batch), String(p.phase === 'prefill' ? p.seqLen : p.contextLen), seconds(p.predictedSeconds), seconds(p.measuredSeconds), `${p.errorPercent >= 0 ? '+' : ''}${p.errorPercent.toFixed(1)}%`]);
  emit(undefined, `${displayLines(t.toString())}\n${String(summary.points)} points: median |error| ${summary.medianAbsErrorPercent.toFixed(1)}%, 90th percentile ${summary.p90AbsErrorPercent.toFixed(1)}%\n`);
}
