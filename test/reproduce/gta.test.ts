/** `reproduce gta`: the committed report is exactly what the command writes, and its numbers are pinned. */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { reproduceGta } from '../../src/cli/reproduce.js';

const COMMITTED = new URL('../../reports/gta/', import.meta.url);
const out = mkdtempSync(join(tmpdir(), 'llmr-gta-'));
const written = await reproduceGta(out);
const read = (dir: string | URL, name: string): string => readFileSync(new URL(name, typeof dir === 'string' ? `file://${dir}/` : dir), 'utf8');

describe('reports/gta', () => {
  it('holds exactly the files the command writes', () => {
    expect(readdirSync(COMMITTED).sort()).toEqual(written);
  });
  it.each(written)('%s is current (rerun `npx llm-roofline reproduce gta --out reports/gta` after a change)', (name) => {
    expect(read(COMMITTED, name)).toBe(read(out, name));
  });
  it('a second run is byte-identical', async () => {
    const again = mkdtempSync(join(tmpdir(), 'llmr-gta-'));
    await reproduceGta(again);
    for (const name of written) expect(read(again, name)).toBe(read(out, name));
  });
});

describe('numbers in the report', () => {
  const table4 = JSON.parse(read(out, 'table4.json')) as { perModel: { id: string; kv: number; attention: number; linear: number }[] };
  // spec/attention.md §5 worked values (FLOPs, so twice the MACs): cache, attention FLOPs per pair (MLA naive),
  // linear FLOPs per token.
  const worked: Record<string, [number, number, number]> = {
    'paper/160m-mha': [1536, 3072, 4_718_592],
    'paper/160m-gqa': [384, 3072, 2_949_120],
    'paper/160m-mla': [288, 3840, 4_177_920],
    'paper/160m-gta1': [192, 1152, 3_145_728],
    'paper/160m-gta2': [192, 2304, 3_440_640],
    'paper/500m-mha': [2560, 5120, 13_107_200],
    'paper/500m-gqa': [512, 5120, 7_864_320],
    'paper/500m-mla': [352, 6400, 10_731_520],
    'paper/500m-gta3': [192, 1920, 8_192_000],
    'paper/500m-gta4': [320, 3840, 9_338_880],
    'paper/gqa-1b': [640, 5120, 8_192_000],
    'paper/gta-1b': [192, 1920, 8_192_000],
  };
  it.each(Object.entries(worked))('Table 4 evaluated for %s matches the hand-derived worked values', (id, [kv, attn, linear]) => {
    const row = table4.perModel.find((r) => r.id === id)!;
    expect([row.kv, 2 * row.attention, 2 * row.linear]).toEqual([kv, attn, linear]);
  });
  it('Table 4 prints the paper\'s GTA row: attention n_q (d_h + d_l) N², linear 2NH² + (n_q d_h + n_k d_h + n_c d_l + d_l) N H', () => {
    const tex = read(out, 'table4.tex');
    expect(tex).toContain('${{N}}^{2}\\cdot{n_{q}}\\cdot\\left({d_{h}}+{d_{l}}\\right)$');
    expect(tex).toContain('+2\\cdot{{H}}^{2}');
  });
  it('headline ratios are 0.375 and 0.3', () => {
    const h = JSON.parse(read(out, 'headline.json')) as { attentionComputeRatio: number; kvCacheRatio: number };
    expect(h.attentionComputeRatio).toBe(0.375);
    expect(h.kvCacheRatio).toBeCloseTo(0.3, 15);
  });
  it('the simulation grid has 6 batches × 6 lengths × 2 phases × 2 models × 3 settings, and reproduces the recorded B=1 times', () => {
    const sim = JSON.parse(read(out, 'h100-simulation.json')) as { points: { costModel: string; model: string; phase: string; batch: number; length: number; timeSeconds: number }[] };
    expect(sim.points).toHaveLength(6 * 6 * 2 * 2 * 3);
    const at = (model: string, phase: string, length: number): string =>
      (sim.points.find((p) => p.costModel === 'llm-viewer-gta' && p.model === model && p.phase === phase && p.batch === 1 && p.length === length)!.timeSeconds * 1e3).toFixed(5);
    expect(at('paper/gqa-1b', 'prefill', 2048)).toBe('17.47829');
    expect(at('paper/gta-1b', 'prefill', 2048)).toBe('9.14241');
    expect(at('paper/gta-1b', 'decode', 128)).toBe('0.73755');
  });
  it('deployment covers five devices × 2 models × 2 precisions × 4 lengths; every figure has the GQA and GTA lines', () => {
    const dep = JSON.parse(read(out, 'deployment.json')) as { points: unknown[] };
    expect(dep.points).toHaveLength(5 * 2 * 2 * 4);
    for (const svg of written.filter((n) => n.endsWith('.svg'))) {
      const text = read(out, svg);
      expect(text).toContain('GQA-1B');
      expect(text).toContain('GTA-1B');
      expect(text).toContain('stroke-dasharray');
    }
  });
});
