/** SVG figures of the GTA reproduction: GTA solid, GQA dashed, as in the paper. */
import type { DeploymentPoint, TimePoint } from '../core/reproduce/gta-paper.js';
import { lineChartSvg, type Panel, type Series } from './svg.js';

/** One colour per batch size (a colour-blind-safe ordering). */
const BATCH_COLORS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
const MODELS = [
  { id: 'paper/gqa-1b', name: 'GQA-1B', dashed: true },
  { id: 'paper/gta-1b', name: 'GTA-1B', dashed: false },
] as const;

/** Time against length per batch, prefill and decode panels, for one cost-model setting. */
export function simulationFigure(points: readonly TimePoint[], setting: { costModel: string; flash: boolean }, batches: readonly number[], title: string, detail: string): string {
  const panels: Panel[] = (['prefill', 'decode'] as const).map((phase) => ({
    title: phase === 'prefill' ? 'prefill (whole prompt)' : 'decode (one step)',
    xLabel: phase === 'prefill' ? 'prompt length (tokens)' : 'context length (tokens)',
    yLabel: 'time (ms)',
    logX: true,
    logY: true,
    series: batches.flatMap((batch, bi) =>
      MODELS.map(
        (m): Series => ({
          label: `${m.name}, batch ${String(batch)}`,
          color: BATCH_COLORS[bi % BATCH_COLORS.length] ?? '#000000',
          dashed: m.dashed,
          points: points
            .filter((p) => p.costModel === setting.costModel && p.flash === setting.flash && p.phase === phase && p.model === m.id && p.batch === batch)
            .map((p) => [p.length, p.timeSeconds * 1e3] as const),
        }),
      ),
    ),
  }));
  return lineChartSvg({ title, subtitle: `${detail}; GTA-1B solid, GQA-1B dashed; one colour per batch size; w16a16kv16`, panels, columns: 2, panelWidth: 420, panelHeight: 280 });
}

/** One column per device: prefill time on top, time to generate 128 tokens below (the paper's Figs. 5 and 16). */
export function deploymentFigure(points: readonly DeploymentPoint[], devices: readonly { id: string; name: string }[], precision: 'fp32' | 'fp16'): string {
  const series = (device: string, value: (p: DeploymentPoint) => number): Series[] =>
    MODELS.map((m) => ({
      label: m.name,
      color: m.dashed ? '#e69f00' : '#0072b2',
      dashed: m.dashed,
      points: points.filter((p) => p.hardware === device && p.precision === precision && p.model === m.id).map((p) => [p.length, value(p) * 1e3] as const),
    }));
  const top: Panel[] = devices.map((d) => ({ title: `${d.name}: prefill`, xLabel: 'input length (tokens)', yLabel: 'time (ms)', logX: true, series: series(d.id, (p) => p.prefillSeconds) }));
  const bottom: Panel[] = devices.map((d) => ({ title: `${d.name}: 128 tokens`, xLabel: 'starting context (tokens)', yLabel: 'time (ms)', logX: true, series: series(d.id, (p) => p.generateSeconds) }));
  return lineChartSvg({
    title: `Predicted deployment times, ${precision.toUpperCase()} (exact cost model, unfused attention)`,
    subtitle: 'GTA-1B solid blue, GQA-1B dashed orange; batch sizes as in the paper (prefill 32/32/4/1/1, decode 64/64/16/1/1)',
    panels: [...top, ...bottom],
    columns: devices.length,
    panelWidth: 260,
    panelHeight: 220,
  });
}
