/** The degrees a model is split by; a leaf module, so that configs, MLPs and workloads can name it without cycles. */

/** Degrees of each kind of parallelism (1 = not split that way). */
export interface Parallelism {
  readonly tp: number;
  readonly pp: number;
  readonly ep: number;
  readonly dp: number;
}

/** One device. */
export const SINGLE: Parallelism = { tp: 1, pp: 1, ep: 1, dp: 1 };

/** The largest degree accepted for any kind (a 72-GPU rack is 72; clusters reach 1e5 devices in all). */
export const MAX_DEGREE = 1024;

/** Devices of one replica (t × e × s). */
export function replicaDevices(p: Parallelism): number {
  return p.tp * p.ep * p.pp;
}

/** Whether the model is split at all within a replica (data parallel alone leaves each replica on one device). */
export function isSplit(p: Parallelism | undefined): p is Parallelism {
  return p !== undefined && replicaDevices(p) > 1;
}
