/**
 * Prefill/decode disaggregation: the prefill runs on one set of devices, the decode on another, and the KV cache of a
 * finished prefill moves between them. Each prefill device sends its share of the cache to its decode counterpart at
 * once, so the transfer takes as long as the busiest device's share over one hop of the named link, costed as the
 * engine costs a pipeline send (latency + bytes at the link's reachable rate).
 */
import { linkRateOf, linkSeconds } from './evaluate/cost.js';
import type { Hardware, Link } from './hardware.js';

/** The link tiers a cache can move over: within a node (NVLink, or PCIe where there is none) or across nodes. */
export const DISAGGREGATION_LINKS = ['scale-up', 'scale-out'] as const;
export type DisaggregationLink = (typeof DISAGGREGATION_LINKS)[number];

/** A device without the tier asked for, for the message. */
export class MissingTierError extends Error {}

/** A link tier of a device, or a MissingTierError saying which profile lacks it. */
export function tierOf(hw: Hardware, tier: DisaggregationLink): Link {
  const link = tier === 'scale-up' ? hw.interconnect?.scaleUp : hw.interconnect?.scaleOut;
  if (link === undefined) throw new MissingTierError(`${hw.id} has no ${tier} link (${tier === 'scale-up' ? 'interconnect.scaleUp or interconnect.host' : 'interconnect.scaleOut'})`);
  return link;
}

/**
 * The link a cache crosses from a prefill device to a decode device: the slower end's rate and the longer latency
 * (one profile's link when both ends are the same device). Across device types only `scale-out` is accepted: a
 * scale-up domain (NVLink) joins devices of one kind.
 */
export function transferLink(prefill: Hardware, decode: Hardware, tier: DisaggregationLink): Link {
  const a = tierOf(prefill, tier);
  if (prefill.id === decode.id) return a;
  if (tier === 'scale-up') throw new MissingTierError(`a scale-up link joins devices of one kind, but the prefill runs on ${prefill.id} and the decode on ${decode.id}; use scale-out`);
  const b = tierOf(decode, tier);
  const slower = linkRateOf(a, 1) <= linkRateOf(b, 1) ? a : b;
  return { name: `${a.name} → ${b.name}`, bytesPerSecond: slower.bytesPerSecond, efficiency: slower.efficiency, latencySeconds: Math.max(a.latencySeconds, b.latencySeconds) };
}

/** The cache's move: the busiest prefill device's bytes over one hop of the link. */
export interface KvTransfer {
  readonly link: DisaggregationLink;
  /** The link's name as the profiles give it. */
  readonly linkName: string;
  /** Bytes the busiest prefill device sends: its share of the batch's cache at the input length. */
  readonly bytesPerDevice: number;
  readonly seconds: number;
}

/** Seconds to move `bytesPerDevice` over one hop of `link`, the profile's collective fraction applied as for collectives. */
export function kvTransfer(tier: DisaggregationLink, link: Link, bytesPerDevice: number, collectiveFraction: number): KvTransfer {
  return { link: tier, linkName: link.name, bytesPerDevice, seconds: linkSeconds(1, link.latencySeconds, bytesPerDevice, linkRateOf(link, collectiveFraction)) };
}
