/** Every formula the engine can evaluate, gathered by walking each variant's, MLP's and layer's structures under every setting. */
import { PAIR_MODES, shapeFormulas, tileDim } from './attention-core.js';
import type { Formula } from './formula.js';
import { COST_MODEL_DEFS } from './cost-models/index.js';
import { FIELDS } from './evaluate/fields.js';
import { cacheFormula, layerParamFormula, MTP_EXTRA_PARAMS, OUTER_PARAMS } from './model.js';
import { denseLayer, type LayerSpec, type Mlp, type ModelConfig } from './model-config.js';
import { MLPS } from './mlp/index.js';
import { hostTransferOps } from './offload.js';
import type { Parallelism } from './parallelism.js';
import { VARIANTS, variantOf, type OpsContext } from './variants/index.js';
import { PHASES, pairsFormula, TILE_COUNT, TILE_ROWS } from './workload.js';

/** All settings that choose operators. */
export function allContexts(): OpsContext[] {
  return PHASES.flatMap((phase) =>
    [false, true].flatMap((flash) =>
      PAIR_MODES.flatMap((pairs) => (['naive', 'absorbed'] as const).map((mla) => ({ phase, flash, pairs, mla }))),
    ),
  );
}

/** Every kind of layer: each MLP structure, full and windowed, with two and four norms. */
function allLayers(): LayerSpec[] {
  const mlps: Mlp[] = [...MLPS.dense.structures, ...MLPS.moe.structures];
  return mlps.flatMap((mlp) => [0, 16].flatMap((window) => ([2, 4] as const).map((norms) => ({ mlp, window, norms }))));
}

/** A model around an attention structure holding the given layers, for enumeration only. */
function shell(attention: ModelConfig['attention'], layers: readonly LayerSpec[], extras: { logitSoftcap: boolean; attentionSinks: boolean }): ModelConfig {
  const [first] = layers;
  return { id: 'catalog', name: 'catalog', layers: layers.length, hiddenSize: 32, vocabSize: 100, tiedEmbeddings: true, attention, blocks: layers.map((layer) => ({ count: 1, layer })), ...extras, ...(first === undefined ? {} : { mtp: { count: 1, layer: first } }) };
}

/**
 * Splits that reach every collective and every split formula: tensor parallel with a pipeline whose sends stay in a
 * node and cross nodes (2 devices per node), and expert parallel.
 */
const PARALLEL_SHAPES: readonly (Parallelism | undefined)[] = [undefined, { tp: 2, pp: 3, ep: 1, dp: 1 }, { tp: 1, pp: 3, ep: 2, dp: 1 }];

/** A cost model without collectives (LLM-Viewer) splits only by tensor parallelism: its split linear layers. */
const TENSOR_SHAPES: readonly (Parallelism | undefined)[] = [undefined, { tp: 2, pp: 1, ep: 1, dp: 1 }];

/** Sorted, de-duplicated list of every formula string. */
export function allFormulas(): Formula[] {
  const out = new Set<Formula>([TILE_ROWS, TILE_COUNT, OUTER_PARAMS, MTP_EXTRA_PARAMS]);
  for (const phase of PHASES) for (const pairs of PAIR_MODES) for (const window of [false, true]) out.add(pairsFormula(phase, pairs, window));
  const layers = allLayers();
  for (const variant of Object.values(VARIANTS)) {
    for (const a of variant.structures) {
      out.add(variantOf(a).params(a));
      out.add(variantOf(a).cacheElems(a));
      const models = [true, false].map((on) => shell(a, layers, { logitSoftcap: on, attentionSinks: on }));
      // What the llm-viewer cost models accept: one plain dense layer.
      const plain = shell(a, [denseLayer(64)], { logitSoftcap: false, attentionSinks: false });
      for (const m of [...models, plain]) {
        out.add(cacheFormula(m));
        for (const phase of PHASES) for (const def of hostTransferOps(m, phase)) for (const f of FIELDS) out.add(def[f]);
        for (const layer of layers) for (const [active, device] of [[false, false], [true, false], [false, true]] as const) out.add(layerParamFormula(m, layer, active, device));
      }
      for (const ctx of allContexts()) {
        const core = variantOf(a).core(a, ctx);
        out.add(tileDim(core));
        for (const f of shapeFormulas(core)) out.add(f);
        for (const cost of Object.values(COST_MODEL_DEFS)) {
          for (const m of [...models, plain]) {
            if (cost.unsupported(m) !== undefined) continue;
            for (const parallel of cost.communication ? PARALLEL_SHAPES : TENSOR_SHAPES) {
              for (const s of cost.scopeSegments(m, ctx, 'model', { mtp: true, parallel, devicesPerNode: 2 })) for (const def of s.ops) for (const f of [...FIELDS, 'cols' as const]) out.add(def[f]);
            }
          }
        }
      }
    }
  }
  return [...out].sort();
}
