/** Per-layer windows and MLPs of a config.json, merged into runs of identical layers. */
import { MODEL_LIMITS } from '../../core/limits.js';
import type { GatedActivation, LayerRun, LayerSpec, Mlp, MoeMlp } from '../../core/model-config.js';
import { describeValue } from '../errors.js';
import type { Family } from './families.js';
import type { Reader } from './reader.js';

/** Consecutive identical layers merged into one run. */
export function toRuns(layers: readonly LayerSpec[]): LayerRun[] {
  const runs: { count: number; layer: LayerSpec; key: string }[] = [];
  for (const layer of layers) {
    const key = JSON.stringify(layer);
    const last = runs[runs.length - 1];
    if (last?.key === key) last.count++;
    else runs.push({ count: 1, layer, key });
  }
  return runs.map(({ count, layer }) => ({ count, layer }));
}

/** An intermediate size, within the engine's bound. */
function intermediate(r: Reader, key: string): number {
  const v = r.int(key);
  const { max, unit } = MODEL_LIMITS.intermediateSize;
  if (v > max) throw r.fail(key, `must be at most ${String(max)} ${unit} (got ${String(v)})`);
  return v;
}

/** The gate activation: SiLU (SwiGLU) or tanh GELU (GeGLU); anything else is a different MLP and an error. */
export function activationOf(r: Reader, family: Family): GatedActivation {
  const key = family === 'gemma2' || family === 'gemma3_text' ? 'hidden_activation' : 'hidden_act';
  // Gemma configs carry both names; hidden_activation wins in the model code, hidden_act is a leftover there.
  const v = r.optString(key) ?? (key === 'hidden_activation' ? r.optString('hidden_act') : undefined);
  if (v === undefined) return key === 'hidden_activation' ? 'gelu' : 'silu';
  if (v === 'silu' || v === 'swish') return 'silu';
  if (v === 'gelu_pytorch_tanh' || v === 'gelu' || v === 'gelu_new') return 'gelu';
  throw r.fail(key, `only gated SiLU or GELU MLPs are modelled (got ${describeValue(v)}, expected "silu" or "gelu_pytorch_tanh")`);
}

type LayerKind = 'sliding_attention' | 'full_attention';

/** An explicit `layer_types` list, checked against the layer count; undefined when absent. */
function layerTypes(r: Reader, layers: number): LayerKind[] | undefined {
  const types = r.optStrings('layer_types');
  if (types === undefined) return undefined;
  if (types.length !== layers) throw r.fail('layer_types', `must list one type per layer (got ${String(types.length)} entries, expected ${String(layers)})`);
  const odd = types.find((t) => t !== 'sliding_attention' && t !== 'full_attention');
  if (odd !== undefined) throw r.fail('layer_types', `only "sliding_attention" and "full_attention" layers are modelled (got ${describeValue(odd)})`);
  return types as LayerKind[];
}

/** The window of each layer (0 = full attention), by the family's rule. */
export function windows(r: Reader, family: Family, layers: number): number[] {
  const full = Array.from({ length: layers }, () => 0);
  const explicit = layerTypes(r, layers);
  const w = r.optInt('sliding_window');
  const rule = (sliding: (i: number) => boolean): number[] => {
    const kinds = explicit ?? full.map((_, i) => (sliding(i) ? 'sliding_attention' : 'full_attention'));
    if (!kinds.includes('sliding_attention')) return full;
    if (w === undefined) throw r.fail('sliding_window', 'required when layers slide (got nothing, expected a positive integer)');
    return kinds.map((k) => (k === 'sliding_attention' ? w : 0));
  };
  switch (family) {
    // Mistral and Mixtral slide every layer whenever sliding_window is set (Mistral-7B-v0.1: 4096).
    // Phi-3 passes sliding_window to every layer's attention too: the 4k models attend to the last 2047 tokens,
    // so the window is real for cost at contexts past 2047; the 128k models set it past their context.
    case 'mistral':
    case 'mixtral':
    case 'phi3':
      return rule(() => w !== undefined);
    // Qwen uses sliding_window only when use_sliding_window is true, and then only from layer max_window_layers on.
    case 'qwen2':
    case 'qwen2_moe':
    case 'qwen3':
    case 'qwen3_moe': {
      const on = r.bool('use_sliding_window', false);
      const from = r.optNatural('max_window_layers') ?? 0;
      if (!on) return full;
      return rule((i) => i >= from);
    }
    // Gemma-2 alternates: even layers local, odd layers global.
    case 'gemma2':
      return rule((i) => i % 2 === 0);
    // Gemma-3: every sliding_window_pattern-th layer is global (Gemma3TextConfig default 6: 5 local : 1 global).
    case 'gemma3_text': {
      const pattern = r.optInt('sliding_window_pattern') ?? 6;
      return rule((i) => (i + 1) % pattern !== 0);
    }
    // GptOssConfig's default when layer_types is absent: sliding on even layers, full on odd ones.
    case 'gpt_oss':
      return rule((i) => i % 2 === 0);
    // Llama, DeepSeek and GTA have no sliding window.
    case 'llama':
    case 'deepseek':
    case 'gta':
      return full;
  }
}

/** A routed-expert MLP; the caller fills in what its family adds. */
function moe(experts: number, expertsPerToken: number, expertIntermediateSize: number, activation: GatedActivation, extra: Partial<MoeMlp> = {}): MoeMlp {
  return {
    kind: 'moe', experts, expertsPerToken, expertIntermediateSize, sharedExperts: 0, sharedIntermediateSize: 0,
    sharedGate: false, routerBias: false, expertBias: false, activation, ...extra,
  };
}

/** Routed experts per token, which may not exceed the experts there are. */
function topK(r: Reader, key: string, experts: number): number {
  const k = r.int(key);
  if (k > experts) throw r.fail(key, `must not exceed the number of experts (got ${String(k)}, experts ${String(experts)})`);
  return k;
}

/** The MLP of each layer, by the family's rule for where the MoE layers are. */
export function mlps(r: Reader, family: Family, layers: number, activation: GatedActivation, mlpBias: boolean): Mlp[] {
  const dense = (): Mlp => ({ kind: 'dense', intermediateSize: intermediate(r, 'intermediate_size'), bias: mlpBias, activation });
  const each = (f: (i: number) => Mlp): Mlp[] => Array.from({ length: layers }, (_, i) => f(i));
  switch (family) {
    // Mixtral's intermediate_size is the size of each expert; every layer is MoE.
    case 'mixtral': {
      const e = r.int('num_local_experts');
      const m = moe(e, topK(r, 'num_experts_per_tok', e), intermediate(r, 'intermediate_size'), activation);
      return each(() => m);
    }
    case 'gpt_oss': {
      const e = r.int('num_local_experts');
      const k = topK(r, 'num_experts_per_tok', e);
      // experts_per_token is the original checkpoint's name for the same number.
      const alias = r.optInt('experts_per_token');
      if (alias !== undefined && alias !== k) throw r.fail('experts_per_token', `must equal num_experts_per_tok (got ${String(alias)}, expected ${String(k)})`);
      // The router is a biased linear and every expert projection carries a bias.
      const m = moe(e, k, intermediate(r, 'intermediate_size'), activation, { routerBias: true, expertBias: true });
      return each(() => m);
    }
    // Qwen-MoE: layer i is sparse unless listed in mlp_only_layers, and only every decoder_sparse_step-th layer.
    case 'qwen2_moe':
    case 'qwen3_moe': {
      const e = r.optNatural('num_experts') ?? 0;
      const only = new Set(r.indices('mlp_only_layers'));
      // transformers would ignore an index past the last layer; here it is a typo that leaves the intended layer MoE.
      const past = [...only].find((i) => i >= layers);
      if (past !== undefined) throw r.fail('mlp_only_layers', `every index must name a layer (got ${String(past)}, expected 0 to ${String(layers - 1)})`);
      const step = r.optInt('decoder_sparse_step') ?? 1;
      if (e === 0) return each(dense);
      const shared = family === 'qwen2_moe' ? r.optNatural('shared_expert_intermediate_size') ?? 0 : 0;
      // Qwen2-MoE's one shared expert is scaled by sigmoid(H → 1).
      const extra = shared > 0 ? { sharedExperts: 1, sharedIntermediateSize: shared, sharedGate: true } : {};
      const m = moe(e, topK(r, 'num_experts_per_tok', e), intermediate(r, 'moe_intermediate_size'), activation, extra);
      return each((i) => (!only.has(i) && (i + 1) % step === 0 ? m : dense()));
    }
    // DeepSeek: the first first_k_dense_replace layers are dense, then every moe_layer_freq-th layer is MoE.
    case 'deepseek': {
      const e = r.optNatural('n_routed_experts') ?? 0;
      if (e === 0) return each(dense);
      const firstMoe = r.optNatural('first_k_dense_replace') ?? 0;
      const freq = r.optInt('moe_layer_freq') ?? 1;
      const shared = r.optNatural('n_shared_experts') ?? 0;
      const size = intermediate(r, 'moe_intermediate_size');
      // V3's noaux_tc routing adds e_score_correction_bias, a bias of E on the router.
      const routerBias = r.optString('topk_method') === 'noaux_tc';
      const m = moe(e, topK(r, 'num_experts_per_tok', e), size, activation, { sharedExperts: shared, sharedIntermediateSize: shared > 0 ? size : 0, routerBias });
      return each((i) => (i >= firstMoe && i % freq === 0 ? m : dense()));
    }
    case 'llama':
    case 'mistral':
    case 'qwen2':
    case 'qwen3':
    case 'gemma2':
    case 'gemma3_text':
    case 'phi3':
    case 'gta':
      return each(dense);
  }
}
