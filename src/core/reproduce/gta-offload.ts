/**
 * The GTA paper's offload runs (Fig. 6 FP32, Fig. 17 FP16): the KV cache in host memory (OffloadedStaticCache), on the
 * deployment devices that have a host link, at the paper's batch sizes: the prefill, and the time to generate 128
 * tokens from each starting context, beside the same without offload, and GTA-1B / GQA-1B with and without it.
 */
import type { Bits } from '../dtype.js';
import { Plan } from '../engine.js';
import type { ModelConfig } from '../model-config.js';
import { DEPLOYMENT_LENGTHS, GENERATED_TOKENS, type DeploymentDevice, type DeploymentPoint } from './gta-paper.js';

/** One offloaded deployment point: the deployment fields (times with offload) and the decode time without it. */
export interface OffloadPoint extends DeploymentPoint {
  /** The same 128 tokens with the cache on the device (deployment.json's generateSeconds). */
  readonly onDeviceGenerateSeconds: number;
  /** The whole cache at the last step, held in host memory, bytes. */
  readonly hostKvCacheBytes: number;
}

/** GTA-1B time / GQA-1B time to generate 128 tokens, with and without offload, at one device, precision and length. */
export interface OffloadRatio {
  readonly hardware: string;
  readonly precision: 'fp32' | 'fp16';
  readonly length: number;
  readonly onDevice: number;
  readonly offloaded: number;
}

/** Sums 128 decode steps from a starting context (step i attends length + i + 1 keys), with the device's fit. */
function generate(decode: Plan, batch: number, length: number, bits: Bits): { seconds: number; fits: boolean; host: number } {
  let seconds = 0;
  let fits = true;
  let host = 0;
  for (let i = 0; i < GENERATED_TOKENS; i++) {
    const step = decode.summary({ batch, seqLen: 1, contextLen: length + i + 1, bits });
    seconds += step.totals.timeSeconds;
    fits = fits && step.memory.fitsDevice;
    host = step.memory.hostKvCacheBytes ?? step.memory.kvCacheBytes;
  }
  return { seconds, fits, host };
}

/** Every offloaded point: each device with a host link, each model, FP32 and FP16, each starting length. */
export function offloadDeployment(models: readonly ModelConfig[], devices: readonly DeploymentDevice[]): OffloadPoint[] {
  const out: OffloadPoint[] = [];
  for (const d of devices) {
    if (d.hardware.interconnect?.host === undefined) continue;
    for (const m of models) {
      for (const precision of ['fp32', 'fp16'] as const) {
        const w = precision === 'fp32' ? 32 : 16;
        const bits = { weight: w, activation: w, kv: w } as const;
        const spec = { flash: false, pairs: 'causal', mla: 'absorbed', scope: 'model', costModel: 'exact' } as const;
        const prefill = new Plan(m, d.hardware, { phase: 'prefill', ...spec, kvOffload: true });
        const decode = new Plan(m, d.hardware, { phase: 'decode', ...spec, kvOffload: true });
        const onDevice = new Plan(m, d.hardware, { phase: 'decode', ...spec });
        for (const length of DEPLOYMENT_LENGTHS) {
          const p = prefill.summary({ batch: d.prefillBatch, seqLen: length, contextLen: length, bits });
          const g = generate(decode, d.decodeBatch, length, bits);
          const base = generate(onDevice, d.decodeBatch, length, bits);
          out.push({ hardware: d.hardware.id, model: m.id, precision, length, prefillBatch: d.prefillBatch, decodeBatch: d.decodeBatch, prefillSeconds: p.totals.timeSeconds, generateSeconds: g.seconds, fitsDevice: p.memory.fitsDevice && g.fits, onDeviceGenerateSeconds: base.seconds, hostKvCacheBytes: g.host });
        }
      }
    }
  }
  return out;
}

/** GTA / GQA generation-time ratios with and without offload, for every device, precision and length offloaded. */
export function offloadRatios(points: readonly OffloadPoint[], gqa: string, gta: string): OffloadRatio[] {
  const out: OffloadRatio[] = [];
  for (const a of points) {
    if (a.model !== gta) continue;
    const b = points.find((p) => p.model === gqa && p.hardware === a.hardware && p.precision === a.precision && p.length === a.length);
    if (b === undefined) continue;
    out.push({ hardware: a.hardware, precision: a.precision, length: a.length, onDevice: a.onDeviceGenerateSeconds / b.onDeviceGenerateSeconds, offloaded: a.generateSeconds / b.generateSeconds });
  }
  return out;
}
