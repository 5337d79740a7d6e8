/** One self-contained HTML report of an analysis: header, roofline and latency charts, sortable operator table. */
import type { Report } from '../core/report.js';
import { latencySvg } from './latency-svg.js';
import { modelTitle, rooflineSvg, workloadLine } from './roofline-svg.js';
import { htmlHead } from './html-page.js';
import { esc } from './svg.js';
import { parametersText, percent, seconds, si } from './units.js';

// Inline, so the file works offline and from a CI artefact; no fonts, images or scripts are fetched.
const CSS = `
body { font-family: 'DejaVu Sans', Arial, sans-serif; color: #333; margin: 24px auto; max-width: 860px; padding: 0 12px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; }
p.workload { color: #555; margin: 0 0 16px; }
dl.summary { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0; }
dl.summary dt { font-weight: bold; }
dl.summary dd { margin: 0; }
figure { margin: 0; }
figure svg { max-width: 100%; height: auto; }
table#ops { border-collapse: collapse; width: 100%; font-size: 13px; }
table#ops th, table#ops td { border-bottom: 1px solid #ddd; padding: 3px 8px; }
table#ops th { background: #f3f3f3; text-align: left; white-space: nowrap; }
table#ops td.num, table#ops th.num { text-align: right; }
table#ops th[data-sort] { cursor: pointer; }
table#ops th[aria-sort=ascending]::after { content: ' \\25B2'; }
table#ops th[aria-sort=descending]::after { content: ' \\25BC'; }
td.compute { color: #d55e00; }
td.memory { color: #0072b2; }
.fits { color: #007a3d; font-weight: bold; }
.nofit { color: #c00000; font-weight: bold; }
ul.notes { color: #555; font-size: 13px; }
`;

// Sorts on each cell's data-v (numbers) or its text; a second click on the same header reverses the order.
const SCRIPT = `
(function () {
  var table = document.getElementById('ops');
  if (!table) return;
  var heads = table.querySelectorAll('thead th');
  heads.forEach(function (th, col) {
    th.setAttribute('data-sort', '');
    th.setAttribute('tabindex', '0');
    function sort() {
      var dir = th.getAttribute('aria-sort') === 'ascending' ? -1 : 1;
      heads.forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', dir === 1 ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      var numeric = th.classList.contains('num');
      rows.sort(function (a, b) {
        var x = a.cells[col], y = b.cells[col];
        var d = numeric ? Number(x.getAttribute('data-v')) - Number(y.getAttribute('data-v')) : x.textContent.localeCompare(y.textContent);
        return d !== 0 ? d * dir : Number(a.getAttribute('data-i')) - Number(b.getAttribute('data-i'));
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sort(); } });
  });
})();
`;

/** A numeric cell that shows `shown` and sorts on `value`. */
function num(value: number, shown: string): string {
  return `<td class="num" data-v="${String(value)}">${esc(shown)}</td>`;
}

/** The operator table; values per occurrence as in the text report, plus the Σ count × time column the share uses. */
function opsTable(r: Report): string {
  const total = r.totals.timeSeconds;
  const heads = ['operator', 'count', 'FLOPs', 'bytes', 'FLOP/B', 'bound', 'time', 'count × time', 'share'];
  const numeric = new Set(['count', 'FLOPs', 'bytes', 'FLOP/B', 'time', 'count × time', 'share']);
  const th = heads.map((h) => `<th scope="col"${numeric.has(h) ? ' class="num"' : ''}>${esc(h)}</th>`).join('');
  const rows = r.ops.map((o, i) => {
    const all = o.count * o.timeSeconds;
    const share = total > 0 ? all / total : 0;
    return [
      `<tr data-i="${String(i)}">`,
      `<td>${esc(o.name)}</td>`,
      num(o.count, String(o.count)),
      num(o.flops, si(o.flops, 'FLOP')),
      num(o.bytes.total, si(o.bytes.total, 'B')),
      num(o.intensityFlopPerByte, o.intensityFlopPerByte.toPrecision(3)),
      `<td class="${o.bound}">${o.bound}</td>`,
      num(o.timeSeconds, seconds(o.timeSeconds)),
      num(all, seconds(all)),
      num(share, percent(share)),
      '</tr>',
    ].join('');
  });
  return `<table id="ops">\n<thead><tr>${th}</tr></thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>`;
}

/** Renders a report as one self-contained HTML page (inline CSS, SVG and script; byte-identical on re-run). */
export function renderHtmlReport(r: Report): string {
  const m = r.memory;
  const title = `${modelTitle(r)} on ${r.hardware.name}`;
  const summary: [string, string][] = [
    ['model', `${r.model.name} (${r.model.id}), ${r.model.attention.kind.toUpperCase()}, ${String(r.model.layers)} layers, hidden ${String(r.model.hiddenSize)}, ${parametersText(r)}`],
    ['device', `${r.hardware.name} (${r.hardware.id}): ${si(r.hardware.memoryBandwidthBytesPerSecond, 'B/s')}, ${r.workload.computeDtype} peak ${si(r.hardware.peakFlopPerSecond[r.workload.computeDtype] ?? 0, 'FLOP/s')}, ${si(r.hardware.memoryBytes, 'B')}`],
    ['predicted time', r.totals.overheadSeconds === undefined ? seconds(r.totals.timeSeconds) : `${seconds(r.totals.timeSeconds)}, of which ${seconds(r.totals.overheadSeconds)} fixed overheads (efficiency ${r.workload.efficiency}; see the notes)`],
    ['work', `${si(r.totals.flops, 'FLOP')}, ${si(r.totals.bytes, 'B')} moved`],
    ['KV cache', `${si(m.kvCacheBytesPerToken, 'B')} per token (all layers), ${si(m.kvCacheBytes, 'B')} for the batch`],
    ['weights', `${si(m.weightBytes, 'B')}; largest activation ${si(m.activationBytes, 'B')}`],
  ];
  const fits = m.fitsDevice ? '<span class="fits">fits</span>' : '<span class="nofit">does not fit</span>';
  const dl = summary.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('\n');
  return [
    ...htmlHead(`Roofline report: ${title}`, CSS),
    '<header id="summary">',
    `<h1>${esc(title)}</h1>`,
    `<p class="workload">${esc(workloadLine(r))}</p>`,
    `<dl class="summary">\n${dl}\n<dt>memory</dt><dd>${esc(`${si(m.totalBytes, 'B')} of ${si(r.hardware.memoryBytes, 'B')}: `)}${fits}</dd>\n</dl>`,
    '</header>',
    '<section id="roofline">',
    '<h2>Roofline</h2>',
    `<figure>\n${rooflineSvg(r).trimEnd()}\n</figure>`,
    '</section>',
    '<section id="latency">',
    '<h2>Time per operator</h2>',
    `<figure>\n${latencySvg(r).trimEnd()}\n</figure>`,
    '</section>',
    '<section id="operators">',
    '<h2>Operators</h2>',
    '<p>Values per occurrence; totals are Σ count × value; a multiply-add is 2 FLOPs. Click a header to sort.</p>',
    opsTable(r),
    '</section>',
    '<section id="notes">',
    '<h2>Notes</h2>',
    `<ul class="notes">\n${r.notes.map((n) => `<li>${esc(n)}</li>`).join('\n')}\n</ul>`,
    '</section>',
    `<script>${SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
