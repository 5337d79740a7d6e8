/** A model and device whose names carry control characters and escape sequences render cleanly in every format. */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { compareModels } from '../../src/core/compare-models.js';
import { buildReport } from '../../src/core/report.js';
import { sweep, type SweepGrid } from '../../src/core/sweep.js';
import { renderCompareCsv, renderCompareLatex, renderCompareMarkdown, renderCompareTable } from '../../src/render/compare-models.js';
import { renderCsv, sweepCsvLine } from '../../src/render/csv.js';
import { renderHtmlReport } from '../../src/render/html-report.js';
import { latencySvg } from '../../src/render/latency-svg.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { rooflineSvg } from '../../src/render/roofline-svg.js';
import { compareSvg, sweepSvg } from '../../src/render/sweep-svg.js';
import { renderTable } from '../../src/render/table.js';
import { cli } from '../helpers/cli.js';
import { DEFAULT_WORKLOAD, TOY_HW } from '../helpers/engine.js';
import { GQA_1B, GTA_1B } from '../helpers/models.js';
import { assertWellFormedXml, svgsIn } from './xml.js';

const HOSTILE = 'a\u0007b\u001b[31mred\u0000';
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

const model = { ...GTA_1B, id: `${HOSTILE}/id`, name: HOSTILE };
const other = { ...GQA_1B, id: `b${HOSTILE}`, name: `b${HOSTILE}` };
const hardware = { ...TOY_HW, id: `hw${HOSTILE}`, name: HOSTILE };
const built = buildReport(model, hardware, DEFAULT_WORKLOAD, 'model', { name: 'llm-roofline', version: 'test' });
// A variant defined in a config file names its own operators, so an operator name can be hostile too.
const report = { ...built, ops: built.ops.map((o, i) => (i === 2 ? { ...o, name: `op${HOSTILE}` } : o)) };
const grid: SweepGrid = {
  models: [model, other], hardware: [hardware], phases: ['prefill', 'decode'], batches: [1, 8], seqLens: [512, 2048], contextLens: [1024, 4096],
  bits: [{ weight: 16, activation: 16, kv: 16 }], flash: [false], pairs: 'causal', scope: 'model', costModel: 'exact',
};
const points = [...sweep(grid)];
const doc = compareModels(grid);

const OUTPUTS: Record<string, string> = {
  'analyze table': renderTable(report, false),
  'analyze md': renderMarkdown(report),
  'analyze csv': renderCsv(report),
  'analyze svg': rooflineSvg(report),
  'analyze html': renderHtmlReport(report),
  'latency svg': latencySvg(report),
  'sweep csv': points.map(sweepCsvLine).join(''),
  'sweep svg': sweepSvg(points),
  'compare table': renderCompareTable(doc, false),
  'compare md': renderCompareMarkdown(doc),
  'compare csv': renderCompareCsv(doc),
  'compare latex': renderCompareLatex(doc),
  'compare svg': compareSvg(doc),
};

describe('names with control characters', () => {
  it.each(Object.entries(OUTPUTS))('%s: no control character, the name shown without them', (_format, out) => {
    expect(out).not.toMatch(CONTROL_BUT_NEWLINE);
    expect(out).not.toContain('[31m');
    expect(out).toContain('abred');
  });

  it('the terminal table keeps its own colours and only those', () => {
    const coloured = renderTable(report, true);
    // eslint-disable-next-line no-control-regex
    expect(coloured.replace(/\u001b\[(?:1|22|31|32|36|39)m/g, '')).not.toMatch(CONTROL_BUT_NEWLINE);
  });

  it.each(['analyze svg', 'latency svg', 'sweep svg', 'compare svg'])('%s is well-formed XML', (format) => {
    assertWellFormedXml(OUTPUTS[format] ?? '', format);
  });

  it('the HTML report escapes the name and its embedded charts are well-formed XML', () => {
    const html = OUTPUTS['analyze html'] ?? '';
    expect(html).toContain('<h1>abred (abred/id) on abred</h1>');
    const svgs = svgsIn(html);
    expect(svgs).toHaveLength(2);
    svgs.forEach((s, i) => {
      assertWellFormedXml(s, `html chart ${String(i)}`);
    });
  });

  it('the checker rejects what XML 1.0 forbids, so the checks above can fail', () => {
    expect(() => {
      assertWellFormedXml('<svg>\u0007</svg>', 'bell');
    }).toThrow(/not well-formed/);
    expect(() => {
      assertWellFormedXml('<svg><text>a & b</text></svg>', 'ampersand');
    }).toThrow(/not well-formed/);
    expect(() => {
      assertWellFormedXml('<svg><g></svg>', 'unclosed');
    }).toThrow(/not well-formed/);
  });
});

describe('every SVG the tool ships or is checked against', () => {
  const dirs = ['../golden/', '../../reports/gta/'].map((d) => fileURLToPath(new URL(d, import.meta.url)));
  const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.svg') || f.endsWith('.html')).map((f) => `${d}${f}`));
  it('finds the golden charts and the reproduction figures', () => {
    expect(files.filter((f) => f.endsWith('.svg')).length).toBeGreaterThanOrEqual(9);
  });
  it.each(files)('%s is well-formed XML', (file) => {
    const text = readFileSync(file, 'utf8');
    for (const svg of file.endsWith('.html') ? svgsIn(text) : [text]) assertWellFormedXml(svg, file);
  });
});

describe('terminal text the commands assemble from files', () => {
  it('models show --format text and hardware show print a hostile name without control characters', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmr-hostile-'));
    const modelFile = join(dir, 'model.json');
    writeFileSync(modelFile, JSON.stringify({ ...JSON.parse(readFileSync(fileURLToPath(new URL('../fixtures/models/good-gqa.json', import.meta.url)), 'utf8')) as object, name: HOSTILE }));
    const profile = JSON.parse(readFileSync(fileURLToPath(new URL('../../hardware-profiles/h100-sxm.json', import.meta.url)), 'utf8')) as Record<string, unknown>;
    const profileFile = join(dir, 'hw.json');
    writeFileSync(profileFile, JSON.stringify({ ...profile, $schema: undefined, name: HOSTILE }));
    for (const args of [['models', 'show', modelFile, '--format', 'text'], ['hardware', 'show', profileFile]]) {
      const r = cli(args);
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('abred');
      expect(r.stdout).not.toMatch(CONTROL_BUT_NEWLINE);
    }
  });
});
