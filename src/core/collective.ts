/**
 * Collectives as operators: what each device sends and how many link latencies it waits, for a message of `elems`
 * activation elements among the p devices of a group (p is the symbol `t` for tensor parallel, `e_p` for expert
 * parallel). Ring algorithms (NCCL's): an all-reduce is a reduce-scatter then an all-gather, 2(p − 1) steps of M/p
 * bytes each; an all-gather or an all-to-all sends (p − 1)/p of M in p − 1 steps; a pipeline send moves M once.
 */
import { product } from './formula.js';
import { op, type DeviceGroup, type OpDef } from './op.js';

/** Groups a ring collective runs among, and their size symbol in formulas. */
type RingGroup = Extract<DeviceGroup, 'tp' | 'ep'>;
const SIZE: Readonly<Record<RingGroup, string>> = { tp: 't', ep: 'e_p' };

/** Ring all-reduce of `elems` activations: each device sends 2(p − 1)/p of the message in 2(p − 1) steps. */
export function allReduce(name: string, elems: string, group: RingGroup = 'tp'): OpDef {
  const p = SIZE[group];
  return op('collective', name, { network: product('2', `(${p} - 1) / ${p}`, elems, 'a'), hops: product('2', `(${p} - 1)`), group });
}

/** Ring all-gather of a message of `elems` activations in all: each device sends (p − 1)/p of it in p − 1 steps. */
export function allGather(name: string, elems: string, group: RingGroup = 'tp'): OpDef {
  const p = SIZE[group];
  return op('collective', name, { network: product(`(${p} - 1) / ${p}`, elems, 'a'), hops: `${p} - 1`, group });
}

/**
 * All-to-all of `elems` activations a device holds for the whole group: (p − 1)/p of them go to other devices, in
 * p − 1 steps on a switched fabric.
 */
export function allToAll(name: string, elems: string, group: RingGroup = 'ep'): OpDef {
  const p = SIZE[group];
  return op('collective', name, { network: product(`(${p} - 1) / ${p}`, elems, 'a'), hops: `${p} - 1`, group });
}

/** A point-to-point send of `elems` activations to the next pipeline stage: one hop. */
export function send(name: string, elems: string, group: 'pp' | 'pp-network'): OpDef {
  return op('collective', name, { network: product(elems, 'a'), hops: '1', group });
}
