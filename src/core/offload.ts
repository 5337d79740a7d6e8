/**
 * KV-cache offload (transformers' OffloadedStaticCache, the GTA paper's Fig. 6 and Fig. 17 runs): every layer's cache
 * lives in host memory and the device holds two layers' worth (the layer being computed and the next one arriving).
 * The transfers are operators of the graph, kind `collective` on the group `host` (the card's PCIe link, one
 * direction each): a decode step fetches each layer's whole cache host → device (`kv_fetch`, the bytes its attention
 * reads) and writes the new tokens' K/V back device → host (`kv_store`); a prefill only writes its cache back.
 *
 * Layer by layer the next layer's fetch runs while the current one computes, and the previous layer's write-back runs
 * on the other direction at the same time, so with c_l, f_l, w_l layer l's compute, fetch and write-back seconds
 * (f_{L+1} = w_0 = 0) a pass takes
 *
 *   f_1 + Σ_{l=1..L} max(c_l, f_{l+1}, w_{l−1}) + w_L + (the embedding and head, which overlap nothing).
 */
import { product } from './formula.js';
import { distinctLayers, type Scope, type Segment } from './model.js';
import type { ModelConfig } from './model-config.js';
import { op, type OpDef } from './op.js';
import { isSplit, type Parallelism } from './parallelism.js';
import { variantOf } from './variants/index.js';
import type { CostModel, Phase } from './workload.js';

/** Layers' caches the device holds under offload: the one computed and the one prefetched. */
export const RESIDENT_LAYERS = 2;

/** The settings offload cannot be modelled under, with the reason; undefined when it can. */
export function offloadProblem(s: { scope: Scope; costModel?: CostModel | undefined; parallel?: Parallelism | undefined; mtp?: boolean | undefined }): { flag: string; reason: string } | undefined {
  if (s.scope !== 'model') return { flag: '--scope', reason: `the cache streams layer after layer through a whole pass, so it needs --scope model (got --scope ${s.scope})` };
  if ((s.costModel ?? 'exact') !== 'exact') return { flag: '--cost-model', reason: `LLM-Viewer has no host link or transfer overlap; use --cost-model exact (got ${s.costModel ?? 'exact'})` };
  if (s.parallel !== undefined && isSplit(s.parallel)) return { flag: '--tp/--pp/--ep', reason: 'split devices share their hosts\' PCIe switches and overlap collectives with the stream, which is not modelled; use one device (--dp replicas are fine)' };
  if (s.mtp === true) return { flag: '--mtp', reason: 'where the multi-token-prediction layer\'s cache streams in the layer order is not modelled; leave out --mtp' };
  return undefined;
}

/** A transfer of `bytes` over the host link: one hop (its latency once), the bytes once. */
function transfer(name: string, bytes: string): OpDef {
  return op('collective', name, { network: bytes, hops: '1', group: 'host' });
}

/**
 * The host transfers of one layer in a phase: decode fetches B × (K − T + 1) tokens, the K − T its T new queries
 * find cached plus one, so that a decode step (T = 1) fetches the K it reads (K is capped at a windowed layer's
 * W + T − 1); a pass of several new tokens (a prefill chunk, a verification) computes them on the device and does not
 * fetch them. It writes the B × T new ones back; prefill writes the B × T prompt tokens back.
 */
export function hostTransferOps(m: ModelConfig, phase: Phase): OpDef[] {
  const elems = variantOf(m.attention).cacheElems(m.attention);
  const store = transfer('kv_store', product('B', 'T', elems, 'kv'));
  return phase === 'decode' ? [transfer('kv_fetch', product('B', '(K - T + 1)', elems, 'kv')), store] : [store];
}

/** The model's segments with each layer's host transfers appended to its operators. */
export function withHostTransfers(segments: readonly Segment[], m: ModelConfig, phase: Phase): Segment[] {
  const ops = hostTransferOps(m, phase);
  return segments.map((s) => (s.perLayer ? { ...s, ops: [...s.ops, ...(s.label === '' ? ops : ops.map((d) => ({ ...d, name: `${s.label}.${d.name}` })))] } : s));
}

/** What a report of an offloaded pass says about its transfers and their overlap. */
export function offloadNote(phase: Phase): string {
  const what = phase === 'decode' ? 'each layer fetches its whole cache for the batch host → device (kv_fetch) and writes the new token\'s K/V back (kv_store)' : 'each layer writes its prompt\'s K/V device → host (kv_store)';
  return `--kv-offload: the KV cache lives in host memory (memory.hostKvCacheBytes); the device holds ${String(RESIDENT_LAYERS)} layers' cache (memory.kvCacheBytes). Per pass ${what} over the host link, one hop's latency + bytes / (per-direction bandwidth × the link's efficiency). Layer by layer the next fetch and the previous write-back overlap the current layer's compute: a pass takes f_1 + Σ_l max(c_l, f_{l+1}, w_{l−1}) + w_L + the embedding and head; totals.hostTransferSeconds is the link's busy time.`;
}

/** What a generate run under offload should say: every pass streams, and what its breakdown and memory mean. */
export function generateOffloadNotes(): string[] {
  return [
    `--kv-offload: the prefill writes each layer's cache device → host and every decode step fetches each layer's whole cache host → device and writes the new token back, over the host link, overlapped layer by layer with compute (a pass takes f_1 + Σ_l max(c_l, f_{l+1}, w_{l−1}) + w_L + the embedding and head); breakdown.*.collective holds the transfers' full seconds, so the kinds add up to more than the phase's time where compute hides them.`,
    `--kv-offload memory: kvCacheBytes, maxBatch and maxContext count the ${String(RESIDENT_LAYERS)} layers' cache the device holds; the whole cache sits in host memory, whose size is not checked.`,
  ];
}

/** Roles of an operator in the overlapped pass. */
const COMPUTE = 0, FETCH = 1, STORE = 2;

/** How a plan's operators fall into layers for the overlapped pass (see the module comment). */
export class OffloadSchedule {
  /** Each operator's layer segment (−1: outside the layers), by operator index. */
  private readonly segmentOf: Int32Array;
  private readonly role: Uint8Array;
  /** The segment of each of the model's layers, in layer order. */
  private readonly order: Int32Array;
  private readonly compute: Float64Array;
  private readonly fetch: Float64Array;
  private readonly store: Float64Array;
  /** Indices of the transfer operators. */
  readonly transfers: Int32Array;

  constructor(segments: readonly Segment[], m: ModelConfig) {
    const segmentOf: number[] = [];
    const role: number[] = [];
    let layerSegment = 0;
    const layerSegments = segments.map((s) => (s.perLayer ? layerSegment++ : -1));
    segments.forEach((s, k) => {
      for (const d of s.ops) {
        segmentOf.push(layerSegments[k]!);
        role.push(d.group === 'host' ? (d.name.endsWith('kv_fetch') ? FETCH : STORE) : COMPUTE);
      }
    });
    this.segmentOf = Int32Array.from(segmentOf);
    this.role = Uint8Array.from(role);
    this.transfers = Int32Array.from(role.flatMap((r, i) => (r === COMPUTE ? [] : [i])));
    // The layer segments follow distinctLayers' order; each of the model's layers is one of them.
    const keys = distinctLayers(m).map((d) => JSON.stringify(d.layer));
    this.order = Int32Array.from(m.blocks.flatMap((b) => Array.from({ length: b.count }, () => keys.indexOf(JSON.stringify(b.layer)))));
    this.compute = new Float64Array(layerSegment);
    this.fetch = new Float64Array(layerSegment);
    this.store = new Float64Array(layerSegment);
  }

  /** A pass's seconds from every operator's seconds (one occurrence each) and counts, overlapped layer by layer. */
  passSeconds(seconds: Float64Array, counts: Float64Array): number {
    const { compute, fetch, store, order } = this;
    compute.fill(0);
    fetch.fill(0);
    store.fill(0);
    let outer = 0;
    for (let i = 0; i < seconds.length; i++) {
      const s = this.segmentOf[i]!;
      if (s < 0) outer += counts[i]! * seconds[i]!;
      else (this.role[i] === FETCH ? fetch : this.role[i] === STORE ? store : compute)[s]! += seconds[i]!;
    }
    const L = order.length;
    let t = fetch[order[0]!]!;
    for (let l = 0; l < L; l++) {
      const next = l + 1 < L ? fetch[order[l + 1]!]! : 0;
      const previous = l > 0 ? store[order[l - 1]!]! : 0;
      t += Math.max(compute[order[l]!]!, next, previous);
    }
    return outer + t + store[order[L - 1]!]!;
  }

  /** Σ count × seconds of the transfers: the time the host link is busy in a pass, hidden or not. */
  transferSeconds(seconds: Float64Array, counts: Float64Array): number {
    let s = 0;
    for (let j = 0; j < this.transfers.length; j++) s += counts[this.transfers[j]!]! * seconds[this.transfers[j]!]!;
    return s;
  }
}
