/** A profile's links as collectives see them: per-direction bandwidth, latency and efficiency, defaults filled in. */
import { LINK_DEFAULTS, type Interconnect, type Link } from '../core/hardware.js';
import { UserError } from './errors.js';
import type { HardwareProfile } from './hardware-schema.js';

type ProfileInterconnect = NonNullable<HardwareProfile['interconnect']>;
type ProfileLink = NonNullable<ProfileInterconnect['scaleUp']>;

/** One profile link reduced to numbers; exactly one of its two bandwidth fields must be given. */
function linkOf(l: ProfileLink, file: string, field: string, defaultLatency: number): Link {
  const both = l.bidirectionalBytesPerSecond;
  const one = l.perDirectionBytesPerSecond;
  if ((both === undefined) === (one === undefined)) {
    const got = both === undefined ? 'neither' : 'both';
    throw new UserError(file, field, `needs exactly one of bidirectionalBytesPerSecond or perDirectionBytesPerSecond (got ${got})`);
  }
  return {
    name: l.name,
    // Datasheets add both directions; a collective's bytes move one way per hop.
    bytesPerSecond: one !== undefined ? one.value : (both?.value ?? 0) / 2,
    latencySeconds: l.latencySeconds?.value ?? defaultLatency,
    efficiency: l.efficiency?.value ?? LINK_DEFAULTS.efficiency,
  };
}

/**
 * The profile's interconnect, or undefined when it has none. Inside a node the devices talk over `scaleUp`, or over
 * `host` (PCIe) when the card has no scale-up link; every link is checked, the host link too.
 */
export function interconnectOf(profile: HardwareProfile, file: string): Interconnect | undefined {
  const ic = profile.interconnect;
  if (ic === undefined) return undefined;
  const scaleUp = ic.scaleUp === undefined ? undefined : linkOf(ic.scaleUp, file, 'interconnect.scaleUp', LINK_DEFAULTS.inNodeLatencySeconds);
  const host = ic.host === undefined ? undefined : linkOf(ic.host, file, 'interconnect.host', LINK_DEFAULTS.inNodeLatencySeconds);
  const scaleOut = ic.scaleOut === undefined ? undefined : linkOf(ic.scaleOut, file, 'interconnect.scaleOut', LINK_DEFAULTS.acrossNodesLatencySeconds);
  return { devicesPerNode: ic.devicesPerNode?.value ?? 1, scaleUp: scaleUp ?? host, scaleOut, ...(host === undefined ? {} : { host }) };
}
