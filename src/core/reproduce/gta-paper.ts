/**
 * The GTA paper's efficiency section recomputed from the engine (arXiv 2506.17286 §5, App. A.1, App. C): Table 5's
 * parameter and cache columns, the headline ratios, the H100 simulation grid and the deployment devices.
 * Reference values printed in the paper are kept here beside what the engine computes, never in place of it.
 */
import { evaluate } from '../compile.js';
import { Plan } from '../engine.js';
import type { Hardware } from '../hardware.js';
import { cacheFormula, modelParameters, modelSymbols } from '../model.js';
import type { ModelConfig } from '../model-config.js';
import type { CostModel, Phase } from '../workload.js';

/** Table 5 as printed: Params (in units of 2^20) and the cache column (per token per layer). */
export const TABLE5_PRINTED: Readonly<Record<string, { paramsMi: number; cache: string }>> = {
  'paper/160m-mha': { paramsMi: 178.78, cache: '1536' },
  'paper/160m-mla': { paramsMi: 172.54, cache: '288' },
  'paper/160m-gqa': { paramsMi: 158.5, cache: '384' },
  'paper/160m-gta1': { paramsMi: 160.75, cache: '192' },
  'paper/160m-gta2': { paramsMi: 164.13, cache: '192' },
  'paper/500m-mha': { paramsMi: 543.27, cache: '2560' },
  'paper/500m-mla': { paramsMi: 516.0, cache: '342 (erratum: 320 + 32 = 352)' },
  'paper/500m-gqa': { paramsMi: 483.23, cache: '512' },
  'paper/500m-gta3': { paramsMi: 486.98, cache: '192' },
  'paper/500m-gta4': { paramsMi: 500.11, cache: '320' },
  'paper/gqa-1b': { paramsMi: 1076.38, cache: '640' },
  'paper/gta-1b': { paramsMi: 1076.48, cache: '192' },
};

export interface Table5Row {
  readonly id: string;
  readonly name: string;
  readonly kind: string;
  readonly parameters: number;
  readonly parametersMi: number;
  readonly printedParamsMi: number;
  readonly cachePerTokenPerLayer: number;
  readonly printedCache: string;
}

/** Table 5's parameter and cache columns, computed. */
export function table5(models: readonly ModelConfig[]): Table5Row[] {
  return models.map((m) => {
    const s = modelSymbols(m);
    const parameters = modelParameters(m).total;
    const printed = TABLE5_PRINTED[m.id];
    if (printed === undefined) throw new Error(`internal: ${m.id} is not one of the paper's Table 5 models`);
    return {
      id: m.id,
      name: m.name,
      kind: m.attention.kind,
      parameters,
      parametersMi: Math.round((parameters / 2 ** 20) * 100) / 100,
      printedParamsMi: printed.paramsMi,
      cachePerTokenPerLayer: evaluate(cacheFormula(m), s) / m.layers,
      printedCache: printed.cache,
    };
  });
}

/** One point of a time grid. */
export interface TimePoint {
  readonly costModel: CostModel;
  readonly flash: boolean;
  readonly hardware: string;
  readonly model: string;
  readonly phase: Phase;
  readonly batch: number;
  readonly length: number;
  readonly timeSeconds: number;
  readonly flops: number;
  readonly bytes: number;
}

/** A cost-model setting of the H100 simulation and the device it runs on. */
export interface SimulationSetting {
  readonly costModel: CostModel;
  readonly flash: boolean;
  readonly hardware: Hardware;
}

export const SIMULATION_BATCHES = [1, 2, 4, 8, 16, 32] as const;
export const SIMULATION_LENGTHS = [128, 256, 512, 1024, 2048, 4096] as const;

/** The paper's H100 figure grid (llm_viewer/cal.sh): batch × length, prefill and decode, for each setting. */
export function simulation(models: readonly ModelConfig[], settings: readonly SimulationSetting[]): TimePoint[] {
  const out: TimePoint[] = [];
  for (const s of settings) {
    for (const m of models) {
      for (const phase of ['prefill', 'decode'] as const) {
        // The paper's pair convention is dense; exact keeps its causal default, as a fused causal kernel computes.
        const plan = new Plan(m, s.hardware, { phase, flash: s.flash, pairs: 'causal', mla: 'absorbed', scope: 'model', costModel: s.costModel });
        for (const batch of SIMULATION_BATCHES) {
          for (const length of SIMULATION_LENGTHS) {
            const { totals } = plan.summary({ batch, seqLen: length, contextLen: length, bits: { weight: 16, activation: 16, kv: 16 } });
            out.push({ costModel: s.costModel, flash: s.flash, hardware: s.hardware.id, model: m.id, phase, batch, length, timeSeconds: totals.timeSeconds, flops: totals.flops, bytes: totals.bytes });
          }
        }
      }
    }
  }
  return out;
}

/** A deployment device with the paper's batch sizes (§5.3). */
export interface DeploymentDevice {
  readonly hardware: Hardware;
  readonly prefillBatch: number;
  readonly decodeBatch: number;
}

export const DEPLOYMENT_LENGTHS = [128, 512, 1024, 2048] as const;
export const GENERATED_TOKENS = 128;

export interface DeploymentPoint {
  readonly hardware: string;
  readonly model: string;
  readonly precision: 'fp32' | 'fp16';
  readonly length: number;
  readonly prefillBatch: number;
  readonly decodeBatch: number;
  readonly prefillSeconds: number;
  /** Time to generate 128 tokens after a context of `length`: Σ over steps of one decode at context length + i + 1. */
  readonly generateSeconds: number;
  readonly fitsDevice: boolean;
}

/** Predicted prefill time and 128-token generation time on each device, FP32 and FP16 (exact, unfused attention). */
export function deployment(models: readonly ModelConfig[], devices: readonly DeploymentDevice[]): DeploymentPoint[] {
  const out: DeploymentPoint[] = [];
  for (const d of devices) {
    for (const m of models) {
      for (const precision of ['fp32', 'fp16'] as const) {
        const w = precision === 'fp32' ? 32 : 16;
        const bits = { weight: w, activation: w, kv: w } as const;
        const spec = { flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model', costModel: 'exact' } as const;
        const prefill = new Plan(m, d.hardware, { phase: 'prefill', ...spec });
        const decode = new Plan(m, d.hardware, { phase: 'decode', ...spec });
        for (const length of DEPLOYMENT_LENGTHS) {
          const p = prefill.summary({ batch: d.prefillBatch, seqLen: length, contextLen: length, bits });
          let generateSeconds = 0;
          let fits = p.memory.fitsDevice;
          for (let i = 0; i < GENERATED_TOKENS; i++) {
            const step = decode.summary({ batch: d.decodeBatch, seqLen: 1, contextLen: length + i + 1, bits });
            generateSeconds += step.totals.timeSeconds;
            fits = fits && step.memory.fitsDevice;
          }
          out.push({ hardware: d.hardware.id, model: m.id, precision, length, prefillBatch: d.prefillBatch, decodeBatch: d.decodeBatch, prefillSeconds: p.totals.timeSeconds, generateSeconds, fitsDevice: fits });
        }
      }
    }
  }
  return out;
}
