/** The `llm-viewer` cost model: LLM-Viewer's accounting (and the GTA fork's), quirks included, for reproduction. */
import type { Bits, DType } from '../dtype.js';
import { distinctLayers, layerSymbols, modelSymbols, type Scope, type Segment, type SegmentOptions } from '../model.js';
import type { ModelConfig } from '../model-config.js';
import type { OpsContext } from '../variants/index.js';
import type { OpDef } from '../op.js';
import { LLM_VIEWER_LAYER_OPS, LV_ATTENTION_OPS, LV_LM_HEAD, type LvFlavour } from './llm-viewer-ops.js';
import { lvSplitNotes, lvSplitProblem } from './llm-viewer-split.js';
import type { CostModelDef } from './types.js';

/**
 * LLM-Viewer's peak rule: INT8 when weights, activations and KV are all 8 bit or narrower, else FP16. A format the
 * user named (`--bits fp8`) is outside LLM-Viewer's two-peak table, so it computes at that format's own peak.
 */
function lvComputeDtype(bits: Bits): DType {
  if (bits.dtype !== undefined) return bits.dtype;
  return bits.weight <= 8 && bits.activation <= 8 && bits.kv <= 8 ? 'int8' : 'fp16';
}

/**
 * LLM-Viewer's model: every layer the same (a window is ignored, as LLM-Viewer has none). Under tensor parallelism
 * the layer's symbols keep the whole model's heads and sizes and add t, which only the split linear layers use.
 */
function lvScopeSegments(m: ModelConfig, ctx: OpsContext, scope: Scope, flavour: LvFlavour, opts: SegmentOptions): Segment[] {
  const build = LLM_VIEWER_LAYER_OPS[m.attention.kind];
  const first = m.blocks[0];
  if (build === undefined || first === undefined) throw new Error(`internal: llm-viewer has no ${m.attention.kind} operators`);
  const tp = opts.parallel?.tp ?? 1;
  const layer = build(ctx, flavour, tp > 1);
  const symbols = { ...layerSymbols(m, { ...first.layer, window: 0 }), ...(tp > 1 ? { t: tp } : {}) };
  const segment = (ops: OpDef[], count: number): Segment => ({ label: '', count, perLayer: true, window: 0, symbols, ops });
  switch (scope) {
    case 'attention':
      return [segment(layer.filter((d) => LV_ATTENTION_OPS.has(d.name)), 1)];
    case 'layer':
      return [segment(layer, 1)];
    case 'model':
      // Quirk 6: no embedding or final-norm operator; the lm_head runs once.
      return [segment(layer, m.layers), { label: '', count: 1, perLayer: false, window: 0, symbols: modelSymbols(m), ops: [LV_LM_HEAD] }];
  }
}

/** Why LLM-Viewer's accounting cannot express this model's layers, or undefined when it can. */
function lvLayerProblem(m: ModelConfig): string | undefined {
  const a = m.attention;
  if ((a.kind === 'mha' || a.kind === 'gqa') && a.qkNorm === true) return 'q/k norms';
  if (m.logitSoftcap) return 'soft-capped attention logits';
  if (m.attentionSinks) return 'attention sinks';
  const layers = distinctLayers(m).map((d) => d.layer);
  for (const l of layers) {
    if (l.mlp.kind !== 'dense') return 'mixture-of-experts layers';
    if (l.mlp.activation !== 'silu') return 'GeGLU MLPs';
    if (l.norms !== 2) return 'four norms per layer';
  }
  if (new Set(layers.map((l) => JSON.stringify({ ...l, window: 0 }))).size > 1) return 'layers of different sizes';
  return undefined;
}

/** An LLM-Viewer cost model of the given flavour. */
function lvCostModel(flavour: LvFlavour, title: string, source: string): CostModelDef {
  return {
    title,
    unsupported: (m) => {
      if (LLM_VIEWER_LAYER_OPS[m.attention.kind] === undefined) return `LLM-Viewer has no accounting for ${m.attention.kind.toUpperCase()} attention; use --cost-model exact`;
      const layers = lvLayerProblem(m);
      if (layers !== undefined) return `LLM-Viewer has no accounting for ${layers}; use --cost-model exact`;
      // LLM-Viewer's head size is hiddenSize // heads: 0 below one per head, which would zero its attention and
      // divide its FlashAttention tile count by 0.
      if (m.hiddenSize < m.attention.heads) return `LLM-Viewer takes the head size as hiddenSize // attention.heads, which is 0 here (hiddenSize ${String(m.hiddenSize)} < attention.heads ${String(m.attention.heads)}); use --cost-model exact`;
      return undefined;
    },
    splitProblem: (m, p) => lvSplitProblem(title, m, p),
    splitNotes: (p) => lvSplitNotes(title, p),
    scopeSegments: (m, ctx, scope, opts) => lvScopeSegments(m, ctx, scope, flavour, opts),
    mtp: false,
    modelNotes: (m) =>
      m.blocks.some((b) => b.layer.window > 0)
        ? [`${title}: LLM-Viewer has no sliding windows, so windowed layers are costed as full attention (the exact cost model caps their keys and cache at the window).`]
        : [],
    computeDtype: lvComputeDtype,
    // Quirk 4: prefill attention counts all S² (query, key) pairs.
    pairMode: () => 'dense',
    // Quirk 6: weights are the per-layer loads (no lm_head, embedding or norm weights); the activation footprint is
    // the sum of one layer's stores.
    windows: false,
    communication: false,
    footprint: { weights: 'layer-loads', activation: 'layer-stores' },
    notes: [
      `cost model ${title}: ${source}, quirks included (see README, "The llm-viewer cost models"); totals map to its total_results (flops = OPs, bytes = memory_access, timeSeconds = inference_time, kvCacheBytes = memory_consumption_kv_cache).`,
    ],
  };
}

/** Upstream LLM-Viewer (472f71f; fused attention as in df2cba9); GTA by the fork's rules, the only ones there are. */
export const llmViewer = lvCostModel('upstream', 'llm-viewer', 'LLM-Viewer\'s accounting (hahnyuan/LLM-Viewer 472f71f, fused attention from df2cba9; GTA from the GTA repository\'s fork)');

/** The GTA repository's fork of LLM-Viewer for every model: what the GTA paper's H100 simulation used. */
export const llmViewerGta = lvCostModel('gta-fork', 'llm-viewer-gta', 'the GTA repository\'s fork of LLM-Viewer (plm-team/GTA llm_viewer/), as used for the GTA paper\'s H100 figure');
