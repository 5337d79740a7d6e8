/** `--kv-offload`: the checks that offload can be modelled for the settings and that the device has a host link. */
import type { Scope } from '../core/model.js';
import type { ModelConfig } from '../core/model-config.js';
import { offloadProblem } from '../core/offload.js';
import type { Workload } from '../core/workload.js';
import { UserError } from '../io/errors.js';
import type { LoadedProfile } from '../io/load-hardware.js';

/**
 * Under `--kv-offload`, refuses the settings it cannot be modelled under (naming the flag and why) and a profile
 * without `interconnect.host` (naming the profile's file and the field); does nothing without it.
 */
export function requireOffload(model: ModelConfig, profile: LoadedProfile, w: Pick<Workload, 'kvOffload' | 'costModel' | 'parallelism' | 'mtp'>, scope: Scope): void {
  if (w.kvOffload !== true) return;
  const problem = offloadProblem({ scope, costModel: w.costModel, parallel: w.parallelism, mtp: w.mtp });
  if (problem !== undefined) throw new UserError('--kv-offload', '', `${problem.reason} (${problem.flag})`);
  if (profile.hardware.interconnect?.host === undefined) {
    throw new UserError(profile.file, 'interconnect.host', `${profile.id} gives no host link (PCIe), which --kv-offload streams ${model.id}'s KV cache over (expected interconnect.host with perDirectionBytesPerSecond or bidirectionalBytesPerSecond)`);
  }
}
