/** One self-contained HTML report of a generate document: settings, the serving charts, the runs, memory, notes. */
import type { GenerateDocument, GenerateRun } from '../core/generate.js';
import { renderGenerateTable, settingsLine } from './generate.js';
import { generateSvg } from './generate-svg.js';
import { displayText, shortModelId } from './sanitize.js';
import { htmlHead } from './html-page.js';
import { esc } from './svg.js';
import { seconds, si } from './units.js';

// Inline, so the file works offline and from a CI artefact; nothing is fetched.
const CSS = `
body { font-family: 'DejaVu Sans', Arial, sans-serif; color: #333; margin: 24px auto; max-width: 900px; padding: 0 12px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
p.settings { color: #555; margin: 0 0 16px; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; }
th, td { border-bottom: 1px solid #ddd; padding: 3px 8px; }
th { background: #f3f3f3; text-align: left; white-space: nowrap; }
td.num, th.num { text-align: right; white-space: nowrap; }
.fits { color: #007a3d; font-weight: bold; }
.nofit { color: #c00000; font-weight: bold; }
p.legend, ul.notes, section p { color: #555; font-size: 13px; }
`;

/** A column of a table: its head, whether it is numeric, and its cell text for a run. */
interface Column {
  readonly head: string;
  readonly num: boolean;
  readonly cell: (r: GenerateRun) => string;
}

/** The text table's columns, in its order and with its units (KV move only when disaggregated, cost only when priced). */
export function runColumns(d: GenerateDocument): Column[] {
  const priced = d.runs.some((r) => r.costPerMillionOutputTokens !== undefined);
  const moved = d.runs.some((r) => r.disaggregation !== undefined);
  const cols: (Column | false)[] = [
    { head: 'model', num: false, cell: (r) => r.model },
    { head: 'hardware', num: false, cell: (r) => r.hardware },
    { head: 'B', num: true, cell: (r) => String(r.workload.batch) },
    { head: 'N', num: true, cell: (r) => String(r.workload.input) },
    { head: 'M', num: true, cell: (r) => String(r.workload.output) },
    { head: 'TTFT', num: true, cell: (r) => seconds(r.ttftSeconds) },
    moved && { head: 'KV move', num: true, cell: (r) => (r.disaggregation === undefined ? '-' : seconds(r.disaggregation.seconds)) },
    { head: 'TPOT', num: true, cell: (r) => (r.tpotSeconds === undefined ? '-' : seconds(r.tpotSeconds)) },
    { head: 'E2E', num: true, cell: (r) => seconds(r.e2eSeconds) },
    { head: 'tokens/s', num: true, cell: (r) => si(r.outputTokensPerSecond, '').trim() },
    { head: 'J/token', num: true, cell: (r) => (r.joulesPerOutputToken === undefined ? '-' : si(r.joulesPerOutputToken, 'J')) },
    priced && { head: '$/M tokens', num: true, cell: (r) => (r.costPerMillionOutputTokens === undefined ? '-' : `$${r.costPerMillionOutputTokens.toPrecision(3)}`) },
    { head: 'max batch', num: true, cell: (r) => String(r.memory.maxBatch) },
  ];
  return cols.filter((c): c is Column => c !== false);
}

/** The memory answers of each run: the footprint at N + M cached tokens against the usable memory, and what fits. */
const MEMORY_COLUMNS: readonly Column[] = [
  { head: 'B', num: true, cell: (r) => String(r.workload.batch) },
  { head: 'N', num: true, cell: (r) => String(r.workload.input) },
  { head: 'M', num: true, cell: (r) => String(r.workload.output) },
  { head: 'cached tokens', num: true, cell: (r) => String(r.memory.cachedTokens) },
  { head: 'weights', num: true, cell: (r) => si(r.memory.weightBytes, 'B') },
  { head: 'KV cache', num: true, cell: (r) => si(r.memory.kvCacheBytes, 'B') },
  { head: 'activations', num: true, cell: (r) => si(r.memory.activationBytes, 'B') },
  { head: 'total', num: true, cell: (r) => si(r.memory.totalBytes, 'B') },
  { head: 'usable', num: true, cell: (r) => si(r.memory.usableBytes, 'B') },
  { head: 'fits', num: false, cell: (r) => (r.memory.fits ? 'yes' : 'no') },
  { head: 'max batch', num: true, cell: (r) => String(r.memory.maxBatch) },
  { head: 'max context', num: true, cell: (r) => String(r.memory.maxContext) },
];

/** An HTML table of the runs, one row each; a run that does not fit is marked on its row. */
function table(id: string, cols: readonly Column[], runs: readonly GenerateRun[]): string {
  const th = cols.map((c) => `<th scope="col"${c.num ? ' class="num"' : ''}>${esc(c.head)}</th>`).join('');
  const rows = runs.map((r) => {
    const cells = cols.map((c) => {
      const v = c.cell(r);
      const cls = c.head === 'fits' ? (r.memory.fits ? 'fits' : 'nofit') : c.num ? 'num' : '';
      return `<td${cls === '' ? '' : ` class="${cls}"`}>${esc(v)}</td>`;
    });
    return `<tr${r.memory.fits ? '' : ' class="nofit-row"'}>${cells.join('')}</tr>`;
  });
  return `<table id="${id}">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

/** The lines the text table prints above and below its box (settings; definitions), as it prints them. */
function tableFrame(d: GenerateDocument): { readonly above: string[]; readonly below: string[] } {
  const lines = renderGenerateTable(d, false).trimEnd().split('\n');
  const top = lines.findIndex((l) => l.startsWith('┌'));
  const bottom = lines.findIndex((l) => l.startsWith('└'));
  return { above: lines.slice(0, Math.max(0, top)), below: bottom < 0 ? [] : lines.slice(bottom + 1) };
}

/** Renders a generate document as one self-contained HTML page (inline CSS and SVG; byte-identical on re-run). */
export function renderGenerateHtml(d: GenerateDocument): string {
  const first = d.runs[0];
  if (first === undefined) throw new Error('internal: no runs to report');
  const title = `${shortModelId(first.model)} on ${displayText(first.hardware)}`;
  const frame = tableFrame(d);
  const notes = [...new Set(d.runs.flatMap((r) => r.notes))];
  const reserve = `${String(Number((first.memory.reserve * 100).toPrecision(12)))}%`;
  return [
    ...htmlHead(`Serving report: ${title}`, CSS),
    '<header id="summary">',
    `<h1>${esc(`Serving report: ${title}`)}</h1>`,
    `<p class="settings">${esc(frame.above.length > 0 ? frame.above.join(' ') : settingsLine(first))}</p>`,
    '</header>',
    '<section id="charts">',
    '<h2>TTFT and TPOT</h2>',
    `<figure>\n${generateSvg(d).trimEnd()}\n</figure>`,
    '</section>',
    '<section id="runs">',
    '<h2>Runs</h2>',
    table('runs', runColumns(d), d.runs),
    ...frame.below.map((l) => `<p class="legend">${esc(l)}</p>`),
    '</section>',
    '<section id="memory">',
    '<h2>Memory</h2>',
    `<p>One device's footprint at N + M cached tokens a sequence against its usable memory (the device's ${esc(si(first.memory.deviceBytes, 'B'))} less ${esc(reserve)} kept for the engine); max batch at N + M, max context at the run's batch.</p>`,
    table('memory', MEMORY_COLUMNS, d.runs),
    '</section>',
    '<section id="notes">',
    '<h2>Notes</h2>',
    `<ul class="notes">\n${notes.map((n) => `<li>${esc(n)}</li>`).join('\n')}\n</ul>`,
    '</section>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
