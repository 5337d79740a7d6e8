/** What a reader of a generate run should know: what is integrated, which efficiencies, what energy and cost mean. */
import type { ModelConfig } from './model-config.js';
import type { Workload } from './workload.js';

/** What the notes read of generate's options (structural, so that generate.ts and this file do not import each other). */
interface NoteOptions {
  readonly powerWatts?: number | undefined;
  readonly pricePerDeviceHour?: number | undefined;
  readonly memoryReserve: number;
  readonly disaggregation?: { readonly link: string; readonly decodeHardware: { readonly id: string }; readonly decodePowerWatts?: number | undefined } | undefined;
}

/** The notes of a run with `output` tokens under these settings. */
export function generateNotes(
  model: ModelConfig,
  s: Pick<Workload, 'parallelism' | 'overlap' | 'efficiency'>,
  o: NoteOptions,
  output: number,
): string[] {
  const notes = [
    'generate: TTFT is the prefill of the input, which yields the first output token; then output − 1 decode steps, step j attending input + j keys; E2E = TTFT + Σ steps, TPOT = (E2E − TTFT) / (output − 1). No queueing, scheduling, sampling or detokenization time.',
    energyNote(o),
    `memory: the device that holds the most, at input + output cached tokens (weights, KV cache, the largest decode activation; the prefill's activations are not in it); maxBatch at that context, maxContext at the run's batch, with ${String(Number((o.memoryReserve * 100).toPrecision(12)))}% of the memory kept for the serving engine.`,
  ];
  const d = o.disaggregation;
  if (d !== undefined) {
    notes.push(
      `disaggregation: the prefill runs on one pool of devices and the decode on another (${d.decodeHardware.id}), each with the run's parallelism; after the prefill each prefill device sends its share of the batch's KV cache to its decode counterpart over one hop of the ${d.link} link (latency + bytes / (bandwidth × efficiency), as a pipeline send), so E2E = TTFT + the move + the decode steps and TPOT includes the move. The first token comes from the prefill pool. Energy and cost count each pool for its own part: the prefill pool for TTFT, the decode pool for the rest. The pools serving other requests meanwhile (their steady-state ratio) is not modelled.`,
    );
  }
  const e = s.efficiency;
  if (e !== undefined && (e.layerOverheadSeconds > 0 || e.stepOverheadSeconds > 0)) {
    notes.splice(1, 0, 'overheads: every pass (the prefill and each decode step) adds the efficiency profile\'s fixed seconds per layer and per pass; breakdown.prefill.overhead and breakdown.decode.overhead hold them, so each phase\'s kinds and overhead add up to its time.');
  }
  if (output === 1) notes.splice(1, 0, 'output 1: the prefill yields the only token; there is no decode step and no TPOT.');
  if (o.pricePerDeviceHour !== undefined) notes.push(`cost: ${String(o.pricePerDeviceHour)} USD per device-hour × devices × E2E, per million output tokens.`);
  const p = s.parallelism;
  if (p !== undefined) {
    notes.push(`parallelism: tp ${String(p.tp)} × pp ${String(p.pp)} × ep ${String(p.ep)} per replica, dp ${String(p.dp)} replicas; times are one replica's, tokens/s counts every replica, energy and cost every device.`);
    if (p.pp > 1) notes.push('pipeline: each step takes the batch through the stages one after another (the sum of the stages); micro-batches in flight are not modelled by generate.');
    if (s.overlap === true) notes.push('--overlap: a step takes the longer of compute and communication, so the breakdown by kind adds up to more than the phase\'s time.');
  }
  if (model.attention.kind === 'mla') notes.push('MLA: the prefill computed naive and the decode absorbed unless --mla names one form for both.');
  return notes;
}

/** What joulesPerOutputToken means, or why it is absent: disaggregated, each pool draws its own power for its part. */
function energyNote(o: NoteOptions): string {
  if (o.powerWatts === undefined) return 'energy: the profile gives no powerWatts, so joulesPerOutputToken is absent.';
  const d = o.disaggregation;
  if (d === undefined) return `energy: every device at the profile's power, ${String(o.powerWatts)} W (its TDP), for the whole E2E: an upper bound (a device below full load draws less).`;
  if (d.decodePowerWatts === undefined) return 'energy: the decode devices\' profile gives no powerWatts, so joulesPerOutputToken is absent.';
  return `energy: each pool's devices at their profile's power (its TDP), the prefill pool's ${String(o.powerWatts)} W for TTFT and the decode pool's ${String(d.decodePowerWatts)} W for the rest: an upper bound (a device below full load draws less).`;
}
