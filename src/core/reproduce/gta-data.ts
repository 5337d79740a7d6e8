/** Everything the `reproduce gta` report shows, computed from loaded models and devices (pure). */
import type { Hardware } from '../hardware.js';
import type { ModelConfig } from '../model-config.js';
import { attentionMacsPerPair, scoreTraffic, type ScoreTraffic } from './gta-analysis.js';
import { deployment, simulation, table5, type DeploymentDevice, type DeploymentPoint, type SimulationSetting, type Table5Row, type TimePoint } from './gta-paper.js';
import { evaluate } from '../compile.js';
import { offloadDeployment, offloadRatios, type OffloadPoint, type OffloadRatio } from './gta-offload.js';
import { cacheFormula, modelSymbols } from '../model.js';

export interface GtaInputs {
  /** The twelve Table 5 models, in the paper's order. */
  readonly paperModels: readonly ModelConfig[];
  readonly gqa1b: ModelConfig;
  readonly gta1b: ModelConfig;
  /** LLM-Viewer's nvidia_H100 constants (for the paper's simulation). */
  readonly lvH100: Hardware;
  /** The H100 SXM datasheet profile (for the exact model). */
  readonly h100: Hardware;
  readonly devices: readonly DeploymentDevice[];
}

export interface Headline {
  readonly gqaMacsPerPair: number;
  readonly gtaMacsPerPair: number;
  readonly attentionComputeRatio: number;
  readonly gqaCachePerTokenPerLayer: number;
  readonly gtaCachePerTokenPerLayer: number;
  readonly kvCacheRatio: number;
}

export interface GtaData {
  readonly table5: readonly Table5Row[];
  readonly headline: Headline;
  readonly simulationSettings: readonly { costModel: string; flash: boolean; hardware: string }[];
  readonly simulation: readonly TimePoint[];
  readonly deployment: readonly DeploymentPoint[];
  /** The deployment with the KV cache offloaded (Fig. 6 / Fig. 17), on the devices with a host link. */
  readonly offload: readonly OffloadPoint[];
  /** GTA-1B / GQA-1B time to generate 128 tokens, with and without offload. */
  readonly offloadRatios: readonly OffloadRatio[];
  /** Unfused prefill at batch 1, S = 2048: the score-matrix share under the paper's accounting and under exact. */
  readonly scoreTraffic: { readonly llmViewerGta: readonly ScoreTraffic[]; readonly exact: readonly ScoreTraffic[] };
}

/** Computes the whole reproduction. */
export function gtaData(i: GtaInputs): GtaData {
  const cache = (m: ModelConfig): number => evaluate(cacheFormula(m), modelSymbols(m)) / m.layers;
  const gqaMacs = attentionMacsPerPair(i.gqa1b, i.h100);
  const gtaMacs = attentionMacsPerPair(i.gta1b, i.h100);
  const settings: SimulationSetting[] = [
    { costModel: 'llm-viewer-gta', flash: false, hardware: i.lvH100 },
    { costModel: 'exact', flash: false, hardware: i.h100 },
    { costModel: 'exact', flash: true, hardware: i.h100 },
  ];
  const pair = [i.gqa1b, i.gta1b];
  const offload = offloadDeployment(pair, i.devices);
  return {
    table5: table5(i.paperModels),
    headline: {
      gqaMacsPerPair: gqaMacs,
      gtaMacsPerPair: gtaMacs,
      attentionComputeRatio: gtaMacs / gqaMacs,
      gqaCachePerTokenPerLayer: cache(i.gqa1b),
      gtaCachePerTokenPerLayer: cache(i.gta1b),
      kvCacheRatio: cache(i.gta1b) / cache(i.gqa1b),
    },
    simulationSettings: settings.map((s) => ({ costModel: s.costModel, flash: s.flash, hardware: s.hardware.id })),
    simulation: simulation(pair, settings),
    deployment: deployment(pair, i.devices),
    offload,
    offloadRatios: offloadRatios(offload, i.gqa1b.id, i.gta1b.id),
    scoreTraffic: {
      llmViewerGta: pair.map((m) => scoreTraffic(m, i.lvH100, 'llm-viewer-gta', 2048)),
      exact: pair.map((m) => scoreTraffic(m, i.h100, 'exact', 2048)),
    },
  };
}
