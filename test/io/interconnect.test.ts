import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect } from 'vitest';
import { LINK_DEFAULTS } from '../../src/core/hardware.js';
import { loadHardware, parseProfile } from '../../src/io/load-hardware.js';
import { HARDWARE_DIR } from '../../src/io/resolve.js';
import { cli } from '../helpers/cli.js';
import { userErrorMessage } from '../helpers/errors.js';
import { expectRel } from '../helpers/rel.js';

/** A fresh copy of a shipped profile's raw JSON. */
function raw(id: string): Record<string, unknown> {
  return JSON.parse(readFileSync(`${HARDWARE_DIR}/${id}.json`, 'utf8')) as Record<string, unknown>;
}

/** A quantity citing the toy source. */
const q = (value: number) => ({ value, source: 's' });

/** The smallest profile that parses, with the given interconnect (or none). */
function withInterconnect(interconnect: unknown): Record<string, unknown> {
  const base = { name: 'toy', kind: 'gpu', peakFlopPerSecond: { fp16: q(1e14) }, memoryBytes: q(1e10), memoryBandwidthBytesPerSecond: q(1e12), onChipMemoryBytes: q(1e5), sources: { s: { title: 'toy' } } };
  return interconnect === undefined ? base : { ...base, interconnect };
}

describe('interconnect in profiles', () => {
  it('halves a bidirectional figure and takes a per-direction one as is', () => {
    const hw = parseProfile(
      withInterconnect({
        devicesPerNode: { value: 8, source: 's' },
        scaleUp: { name: 'up', bidirectionalBytesPerSecond: q(9e11) },
        scaleOut: { name: 'out', perDirectionBytesPerSecond: q(5e10) },
      }),
      'toy.json',
      'toy',
    ).hardware;
    // 900 GB/s both directions added = 450 GB/s each way; the scale-out share is given per direction already.
    expectRel(hw.interconnect?.scaleUp?.bytesPerSecond ?? 0, 4.5e11);
    expectRel(hw.interconnect?.scaleOut?.bytesPerSecond ?? 0, 5e10);
    expect(hw.interconnect?.devicesPerNode).toBe(8);
  });

  it('fills latency and efficiency from LINK_DEFAULTS when a link omits them, and keeps them when given', () => {
    const hw = parseProfile(
      withInterconnect({
        scaleUp: { name: 'up', perDirectionBytesPerSecond: q(1e11) },
        scaleOut: { name: 'out', perDirectionBytesPerSecond: q(1e10), latencySeconds: q(2e-5), efficiency: q(0.6) },
      }),
      'toy.json',
      'toy',
    ).hardware;
    expect(LINK_DEFAULTS).toEqual({ inNodeLatencySeconds: 1e-6, acrossNodesLatencySeconds: 4e-6, efficiency: 0.8 });
    expect(hw.interconnect?.scaleUp).toEqual({ name: 'up', bytesPerSecond: 1e11, latencySeconds: 1e-6, efficiency: 0.8 });
    expect(hw.interconnect?.scaleOut).toEqual({ name: 'out', bytesPerSecond: 1e10, latencySeconds: 2e-5, efficiency: 0.6 });
    // devicesPerNode absent: one device per node.
    expect(hw.interconnect?.devicesPerNode).toBe(1);
  });

  it('a card without a scale-up link talks over its host link inside a node', () => {
    const hw = parseProfile(withInterconnect({ host: { name: 'PCIe', bidirectionalBytesPerSecond: q(6.4e10) } }), 'toy.json', 'toy').hardware;
    expect(hw.interconnect?.scaleUp?.name).toBe('PCIe');
    expectRel(hw.interconnect?.scaleUp?.bytesPerSecond ?? 0, 3.2e10);
    expect(hw.interconnect?.scaleOut).toBeUndefined();
  });

  it('a profile without interconnect has none', () => {
    expect(parseProfile(withInterconnect(undefined), 'toy.json', 'toy').hardware.interconnect).toBeUndefined();
    expect(loadHardware('apple-m2').hardware.interconnect).toBeUndefined();
  });

  it('refuses a link with both bandwidth fields, or neither, naming the link', () => {
    const both = withInterconnect({ scaleUp: { name: 'up', bidirectionalBytesPerSecond: q(9e11), perDirectionBytesPerSecond: q(4.5e11) } });
    expect(userErrorMessage(() => parseProfile(both, 'toy.json', 'toy'))).toBe(
      'toy.json: interconnect.scaleUp: needs exactly one of bidirectionalBytesPerSecond or perDirectionBytesPerSecond (got both)',
    );
    const neither = withInterconnect({ scaleOut: { name: 'out' } });
    expect(userErrorMessage(() => parseProfile(neither, 'toy.json', 'toy'))).toBe(
      'toy.json: interconnect.scaleOut: needs exactly one of bidirectionalBytesPerSecond or perDirectionBytesPerSecond (got neither)',
    );
  });

  it('refuses out-of-range latency, efficiency and devices per node', () => {
    const bad = (ic: unknown): string => userErrorMessage(() => parseProfile(withInterconnect(ic), 'toy.json', 'toy'));
    expect(bad({ scaleUp: { name: 'up', perDirectionBytesPerSecond: q(1e11), latencySeconds: q(0) } })).toMatch(/^toy\.json: interconnect\.scaleUp\.latencySeconds\.value: /);
    expect(bad({ scaleUp: { name: 'up', perDirectionBytesPerSecond: q(1e11), efficiency: q(1.5) } })).toMatch(/^toy\.json: interconnect\.scaleUp\.efficiency\.value: /);
    expect(bad({ devicesPerNode: q(2.5) })).toMatch(/^toy\.json: interconnect\.devicesPerNode\.value: /);
    expect(bad({ devicesPerNode: q(0) })).toMatch(/^toy\.json: interconnect\.devicesPerNode\.value: /);
  });

  it('a profile with both bandwidth fields exits 2 on the command line, naming interconnect.scaleUp', () => {
    const p = raw('h100-sxm');
    const ic = p.interconnect as { scaleUp: Record<string, unknown> };
    ic.scaleUp.perDirectionBytesPerSecond = { value: 4.5e11, source: 'datasheet' };
    const file = join(mkdtempSync(join(tmpdir(), 'llmr-ic-')), 'both.json');
    writeFileSync(file, JSON.stringify(p));
    const r = cli(['analyze', '--model', 'llama-2-7b', '--hardware', file, '--phase', 'decode', '--batch', '1', '--context', '128']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('interconnect.scaleUp: needs exactly one of bidirectionalBytesPerSecond or perDirectionBytesPerSecond (got both)');
  });

  it('shipped links: A800 SXM NVLink is 200 GB/s per direction against the H100 SXM\'s 450; both 8 per node', () => {
    // Datasheets: NVLink 4 900 GB/s and the A800's capped NVLink 3 400 GB/s, both directions added.
    const h100 = loadHardware('h100-sxm').hardware.interconnect;
    const a800 = loadHardware('a800-sxm').hardware.interconnect;
    expectRel(h100?.scaleUp?.bytesPerSecond ?? 0, 450e9);
    expectRel(a800?.scaleUp?.bytesPerSecond ?? 0, 200e9);
    expect([h100?.devicesPerNode, a800?.devicesPerNode]).toEqual([8, 8]);
    // Across nodes: 8 x 400 Gb/s NDR per 8-GPU node = 50 GB/s per GPU per direction; 8 x 200 Gb/s HDR = 25.
    expectRel(h100?.scaleOut?.bytesPerSecond ?? 0, (8 * 400e9) / 8 / 8); // 8 NICs x 400 Gb/s, / 8 bits per byte, / 8 GPUs
    expectRel(a800?.scaleOut?.bytesPerSecond ?? 0, (8 * 200e9) / 8 / 8);
  });

  it('shipped links: PCIe cards pair over the NVLink bridge and cross PCIe beyond the pair; the RTX 3060 has PCIe only', () => {
    const h100 = loadHardware('h100-pcie').hardware.interconnect;
    expect(h100?.devicesPerNode).toBe(2);
    expectRel(h100?.scaleUp?.bytesPerSecond ?? 0, 300e9);
    expectRel(h100?.scaleOut?.bytesPerSecond ?? 0, 64e9);
    const a800 = loadHardware('a800-pcie').hardware.interconnect;
    expect(a800?.devicesPerNode).toBe(2);
    expectRel(a800?.scaleOut?.bytesPerSecond ?? 0, 32e9);
    const rtx = loadHardware('rtx-3060').hardware.interconnect;
    expect(rtx?.devicesPerNode).toBe(1);
    expect(rtx?.scaleUp?.name).toBe('PCIe 4.0 x16');
    expect(rtx?.scaleOut).toBeUndefined();
  });
});
