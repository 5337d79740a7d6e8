/** SVG figures of the GTA reproduction: GTA solid, GQA dashed, as in the paper. */
import type { DeploymentPoint, TimePoint } from '../core/reproduce/gta-paper.js';
import { timeUnit } from './axes.js';
import { COLORS, lineChartSvg, type Panel, type Series } from './svg.js';

// GTA solid with circles, GQA dashed with squares, as in the paper; colour names the batch size.
const MODELS = [
  { id: 'paper/gqa-1b', name: 'GQA-1B', dash: 1, marker: 'square' },
  { id: 'paper/gta-1b', name: 'GTA-1B', dash: 0, marker: 'circle' },
] as const;

/** Time against length per batch, prefill and decode panels, for one cost-model setting. */
export function simulationFigure(points: readonly TimePoint[], setting: { costModel: string; flash: boolean }, batches: readonly number[], title: string, detail: string): string {
  if (batches.length > COLORS.length) throw new Error(`internal: ${String(batches.length)} batch sizes, only ${String(COLORS.length)} colours`);
  const mine = points.filter((p) => p.costModel === setting.costModel && p.flash === setting.flash);
  const unit = timeUnit(mine.map((p) => p.timeSeconds));
  const panels: Panel[] = (['prefill', 'decode'] as const).map((phase) => ({
    title: phase === 'prefill' ? 'prefill (whole prompt)' : 'decode (one step)',
    xLabel: phase === 'prefill' ? 'prompt length (tokens)' : 'context length (tokens)',
    yLabel: `time (${unit.name})`,
    logX: true,
    logY: true,
    series: batches.flatMap((batch, bi) =>
      MODELS.map(
        (m): Series => ({
          label: `${m.name}, batch ${String(batch)}`,
          color: COLORS[bi] ?? '#000000',
          dash: m.dash,
          marker: m.marker,
          points: mine.filter((p) => p.phase === phase && p.model === m.id && p.batch === batch).map((p) => [p.length, p.timeSeconds * unit.scale] as const),
        }),
      ),
    ),
  }));
  return lineChartSvg({ title, subtitle: `${detail}; GTA-1B solid with circles, GQA-1B dashed with squares; one colour per batch size; w16a16kv16`, panels, columns: 2, panelWidth: 420, panelHeight: 280 });
}

/** One column per device: prefill time on top, time to generate 128 tokens below (the paper's Figs. 5 and 16). */
export function deploymentFigure(points: readonly DeploymentPoint[], devices: readonly { id: string; name: string }[], precision: 'fp32' | 'fp16', offloaded = false): string {
  const mine = points.filter((p) => p.precision === precision);
  const unit = timeUnit(mine.flatMap((p) => [p.prefillSeconds, p.generateSeconds]));
  const series = (device: string, value: (p: DeploymentPoint) => number): Series[] =>
    MODELS.map((m) => ({
      label: m.name,
      color: m.dash === 0 ? '#0072b2' : '#e69f00',
      dash: m.dash,
      marker: m.marker,
      points: mine.filter((p) => p.hardware === device && p.model === m.id).map((p) => [p.length, value(p) * unit.scale] as const),
    }));
  const yLabel = `time (${unit.name})`;
  const top: Panel[] = devices.map((d) => ({ title: `${d.name}: prefill`, xLabel: 'input length (tokens)', yLabel, logX: true, series: series(d.id, (p) => p.prefillSeconds) }));
  const bottom: Panel[] = devices.map((d) => ({ title: `${d.name}: 128 tokens`, xLabel: 'starting context (tokens)', yLabel, logX: true, series: series(d.id, (p) => p.generateSeconds) }));
  return lineChartSvg({
    title: `Predicted deployment times${offloaded ? ' with the KV cache offloaded to host memory' : ''}, ${precision.toUpperCase()} (exact cost model, unfused attention)`,
    subtitle: offloaded
      ? 'GTA-1B solid blue with circles, GQA-1B dashed orange with squares; cache streamed over PCIe layer by layer, two layers resident (OffloadedStaticCache); prefill 32/32/4, decode 64/64/16'
      : 'GTA-1B solid blue with circles, GQA-1B dashed orange with squares; batch sizes as in the paper (prefill 32/32/4/1/1, decode 64/64/16/1/1)',
    panels: [...top, ...bottom],
    columns: devices.length,
    panelWidth: 260,
    panelHeight: 220,
  });
}
