/** Every formula the engine can evaluate, gathered by walking each variant's structures under every setting. */
import { PAIR_MODES, shapeFormulas, tileDim } from './attention-core.js';
import type { Formula } from './formula.js';
import { COST_MODEL_DEFS } from './cost-models/index.js';
import { cacheFormula, parameterFormula } from './model.js';
import type { ModelConfig } from './model-config.js';
import { COUNT_FIELDS, OP_FIELDS } from './op.js';
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

/** A model wrapped around an attention structure, for enumeration only. */
function shell(attention: ModelConfig['attention']): ModelConfig {
  return { id: 'catalog', name: 'catalog', layers: 1, hiddenSize: 32, intermediateSize: 64, vocabSize: 100, tiedEmbeddings: true, mlpBias: false, attention };
}

/** Sorted, de-duplicated list of every formula string. */
export function allFormulas(): Formula[] {
  const out = new Set<Formula>([TILE_ROWS, TILE_COUNT]);
  for (const phase of PHASES) for (const pairs of PAIR_MODES) out.add(pairsFormula(phase, pairs));
  for (const variant of Object.values(VARIANTS)) {
    for (const a of variant.structures) {
      const m = shell(a);
      out.add(parameterFormula(m));
      out.add(cacheFormula(m));
      out.add(variantOf(a).params(a));
      out.add(variantOf(a).cacheElems(a));
      for (const ctx of allContexts()) {
        const core = variantOf(a).core(a, ctx);
        out.add(tileDim(core));
        for (const f of shapeFormulas(core)) out.add(f);
        for (const cost of Object.values(COST_MODEL_DEFS)) {
          if (cost.unsupported(m) !== undefined) continue;
          for (const { def } of cost.scopeOps(m, ctx, 'model')) for (const f of [...OP_FIELDS, ...COUNT_FIELDS]) out.add(def[f]);
        }
      }
    }
  }
  return [...out].sort();
}
