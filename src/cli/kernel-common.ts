/** The calibrated host profile, as run and validate load it. */
import { existsSync } from 'node:fs';
import type { Hardware } from '../core/hardware.js';
import { UserError } from '../io/errors.js';
import { HOST_PROFILE } from '../io/host-profile.js';
import { loadHardware } from '../io/load-hardware.js';

/** The calibrated host profile; a clear error when `calibrate` has not run. */
export function hostHardware(ref: string | undefined): Hardware {
  if (ref !== undefined) return loadHardware(ref).hardware;
  if (!existsSync(HOST_PROFILE)) throw new UserError(HOST_PROFILE, '', 'missing: run `llm-roofline calibrate` first (or pass --hardware)');
  return loadHardware('host').hardware;
}
