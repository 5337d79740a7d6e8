import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { renderTable } from '../../src/render/table.js';
import { DEFAULT_WORKLOAD, TOY_HW } from '../helpers/engine.js';
import { GTA_1B } from '../helpers/models.js';

const report = buildReport(GTA_1B, TOY_HW, DEFAULT_WORKLOAD, 'model', { name: 'llm-roofline', version: 'test' });

describe('terminal table', () => {
  it('colours the bound column only when asked (a TTY without NO_COLOR)', () => {
    expect(renderTable(report, true)).toContain('\u001b[36mmemory\u001b[39m');
    expect(renderTable(report, false)).not.toContain('\u001b[');
  });
  it('has one row per operator and shares that add up to 100%', () => {
    const text = renderTable(report, false);
    const shares = [...text.matchAll(/│\s+([\d.]+)% │$/gm)].map((m) => Number(m[1]));
    expect(shares).toHaveLength(report.ops.length);
    expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThan(0.1 * report.ops.length);
  });
});
