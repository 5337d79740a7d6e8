/**
 * LLM-Viewer's per-operator accounting (github.com/hahnyuan/LLM-Viewer @472f71f; fused attention as in upstream
 * df2cba9), and the GTA authors' fork of it for GTA. Formulas are written in LLM-Viewer's own terms so that they
 * can be read against its source: T = query tokens (prefill S, decode 1), K = keys (LLM-Viewer's `seqlen`).
 * Each quirk is reproduced on purpose and named here; the `exact` model does the correct thing instead.
 */
import type { Formula } from '../formula.js';
import { op, type OpDef } from '../op.js';
import type { AttentionKind } from '../model-config.js';
import type { OpsContext } from '../variants/index.js';

/** LLM-Viewer's linear layer: OPs 2·ic·oc·tokens; k/v outputs are "stored to the cache" at the KV width. */
function lvLinear(name: string, ic: Formula, oc: Formula, sink: 'act' | 'kv' = 'act'): OpDef {
  return op('gemm', name, {
    flops: `2 * ${ic} * ${oc} * B * T`,
    cols: oc,
    weight: `${ic} * ${oc} * w`,
    actRead: `${ic} * B * T * a`,
    ...(sink === 'kv' ? { kvWrite: `${oc} * B * T * kv` } : { actWrite: `${oc} * B * T * a` }),
  });
}

/** Norms and residual adds: `perElem` OPs per hidden element; one load and one store (no weight counted). */
function lvElementwise(name: string, perElem: string): OpDef {
  const io = 'B * H * T * a';
  return op('elementwise', name, { flops: perElem === '1' ? 'B * H * T' : `${perElem} * B * H * T`, actRead: io, actWrite: io });
}

/** The attention core's shape in LLM-Viewer's terms (per token: query dim, maps, cached key/value elements). */
interface LvCore {
  /** Query/key dimension of a score. */
  readonly dq: Formula;
  /** Value dimension. */
  readonly dv: Formula;
  /** Attention maps (heads with their own softmax). */
  readonly maps: Formula;
  /** Key-cache elements per token; quirk 1 also loads Q with this count in prefill. */
  readonly kCache: Formula;
  /** Value-cache elements per token. */
  readonly vCache: Formula;
}

function lvAttention(c: LvCore, ctx: OpsContext): OpDef[] {
  const qk = `2 * T * K * ${c.dq} * ${c.maps} * B`;
  const sv = `2 * T * K * ${c.dv} * ${c.maps} * B`;
  const softmax = `5 * B * ${c.maps} * T * K`;
  if (ctx.flash) {
    // Quirk 5: K/V reloaded ceil(T / Br) times with Br = min(ceil(onchip / (kv · d)), d), not FlashAttention's IO.
    // Finite: d ≥ 1 (GTA's d_h is a positive integer; the cost model refuses hiddenSize < heads, where H // n_h = 0),
    // kv ≥ 0.5 and onchip ≥ 1e3 B (hardware-schema), so Br ≥ 1.
    const tiles = `ceil(T / min(ceil(M / (kv * ${c.dq})), ${c.dq}))`;
    return [
      op('attention', 'fused_attention', {
        flops: `${qk} + ${sv} + ${softmax}`,
        actRead: `T * ${c.dq} * B * ${c.maps} * a`,
        actWrite: `2 * T * ${c.dv} * B * ${c.maps} * a`,
        kvRead: `${tiles} * K * B * (${c.kCache} + ${c.vCache}) * kv`,
      }),
    ];
  }
  const scores = `T * K * B * ${c.maps} * a`;
  return [
    op('attention', 'qk_matmul', {
      flops: qk,
      // Quirk 1: in prefill Q is loaded with the key-cache width (KV heads) instead of the query heads.
      actRead: ctx.phase === 'prefill' ? `T * B * ${c.kCache} * a` : `T * ${c.dq} * B * ${c.maps} * a`,
      actWrite: scores,
      kvRead: `K * B * ${c.kCache} * kv`,
    }),
    op('attention', 'sv_matmul', { flops: sv, actRead: scores, actWrite: `T * ${c.dv} * B * ${c.maps} * a`, kvRead: `K * B * ${c.vCache} * kv` }),
    op('attention', 'softmax', { flops: softmax, actRead: scores, actWrite: scores }),
  ];
}

/**
 * A dimension as one of t tensor-parallel devices holds it when `split` (newer LLM-Viewer's `get_linear_layers(…,
 * tp_size)` divides q/k/v/gate/up by output columns and out/down by input rows; the checks make every division exact).
 */
function perDevice(dim: Formula, split: boolean): Formula {
  return split ? `${dim} / t` : dim;
}

function mlp(split: boolean): OpDef[] {
  return [lvLinear('gate_proj', 'H', perDevice('I', split)), lvLinear('up_proj', 'H', perDevice('I', split)), lvLinear('down_proj', perDevice('I', split), 'H')];
}
const NORMS_ADDS: OpDef[] = [lvElementwise('attn_norm', '7'), lvElementwise('mlp_norm', '7'), lvElementwise('attn_add', '1'), lvElementwise('mlp_add', '1')];
/** Which LLM-Viewer: upstream (hahnyuan/LLM-Viewer) or the GTA repository's fork, whose MLP activation differs. */
export type LvFlavour = 'upstream' | 'gta-fork';

const MLP_ACT = {
  // Quirk 2 (upstream): the SwiGLU activation is charged over the hidden size H, 2 OPs per element.
  upstream: op('elementwise', 'mlp_act', { flops: '2 * B * H * T', actRead: '2 * B * H * T * a', actWrite: 'B * H * T * a' }),
  // The fork charges 5 OPs per intermediate element and loads gate and up (2·I) but stores only H per token.
  'gta-fork': op('elementwise', 'mlp_act', { flops: '5 * B * I * T', actRead: '2 * B * I * T * a', actWrite: 'B * H * T * a' }),
} as const satisfies Record<LvFlavour, OpDef>;

/**
 * Stock LLM-Viewer (Llama-style MHA/GQA): head size H // n_h, q and out (H, H), k and v (H, H · n_kv / n_h). Split
 * over t devices only the seven linear layers shrink; attention keeps every head, as newer LLM-Viewer has it.
 */
function stock(kv: 'n_h' | 'n_kv', ctx: OpsContext, flavour: LvFlavour, split: boolean): OpDef[] {
  const d = 'floor(H / n_h)';
  const kvOut = perDevice(kv === 'n_h' ? 'H' : `H * ${kv} / n_h`, split);
  return [
    lvLinear('q_proj', 'H', perDevice('H', split)),
    lvLinear('k_proj', 'H', kvOut, 'kv'),
    lvLinear('v_proj', 'H', kvOut, 'kv'),
    lvLinear('out_proj', perDevice('H', split), 'H'),
    ...mlp(split),
    ...lvAttention({ dq: d, dv: d, maps: 'n_h', kCache: `${d} * ${kv}`, vCache: `${d} * ${kv}` }, ctx),
    ...NORMS_ADDS,
    MLP_ACT[flavour],
  ];
}

/**
 * The GTA authors' fork (plm-team/GTA llm_viewer/, configs/gla.py): n_q maps over n_k key heads and n_c latent
 * heads; the decoder `v2o_proj` is a (n_q·d_l, H/n_q) linear, so it stores H/n_q outputs per token, not H (a quirk);
 * `g_proj` is the gate projection, `gate_act` the sigmoid and multiply, `output_add` the decoder's tile add.
 */
function gtaFork(ctx: OpsContext): OpDef[] {
  return [
    lvLinear('q_proj', 'H', 'n_q * d_h'),
    lvLinear('k_proj', 'H', 'n_k * d_h', 'kv'),
    lvLinear('v_proj', 'H', 'n_c * d_l', 'kv'),
    lvLinear('out_proj', 'H', 'H'),
    lvLinear('v2o_proj', 'n_q * d_l', 'H / n_q'),
    lvLinear('g_proj', 'H', 'H'),
    ...mlp(false),
    ...lvAttention({ dq: 'd_h', dv: 'd_l', maps: 'n_q', kCache: 'n_k * d_h', vCache: 'n_c * d_l' }, ctx),
    ...NORMS_ADDS,
    MLP_ACT['gta-fork'],
    lvElementwise('output_add', '1'),
    // The recorded fork outputs charge the sigmoid gate 2 OPs per element (HEAD's config says 5; times are equal).
    op('elementwise', 'gate_act', { flops: '2 * B * H * T', actRead: '2 * B * H * T * a', actWrite: 'B * H * T * a' }),
  ];
}

type LayerOps = (ctx: OpsContext, flavour: LvFlavour, split: boolean) => OpDef[];

/**
 * The per-layer operators of each attention kind, `split` over t tensor-parallel devices; MLA has none (LLM-Viewer
 * does not model it).
 */
export const LLM_VIEWER_LAYER_OPS = {
  mha: (ctx, flavour, split) => stock('n_h', ctx, flavour, split),
  gqa: (ctx, flavour, split) => stock('n_kv', ctx, flavour, split),
  mla: undefined,
  // GTA exists only in the fork, so both flavours use the fork's rules for it. The fork's configs/gla.py takes a TP
  // size and ignores it, so GTA is never split (the cost models refuse --tp for it).
  gta: (ctx) => gtaFork(ctx),
} as const satisfies Record<AttentionKind, LayerOps | undefined>;

/**
 * Quirk 3: lm_head counts one OP per multiply-add, for one token per sequence even in prefill, and loads one row
 * of activations and stores one row of logits whatever the batch.
 */
export const LV_LM_HEAD = op('gemm', 'lm_head', { cols: 'V', flops: 'B * H * V', weight: 'H * V * w', actRead: 'H * a', actWrite: 'V * a' });

/** Names of the attention operators among a layer's (for `--scope attention`). */
export const LV_ATTENTION_OPS: ReadonlySet<string> = new Set(['q_proj', 'k_proj', 'v_proj', 'out_proj', 'v2o_proj', 'g_proj', 'qk_matmul', 'sv_matmul', 'softmax', 'fused_attention', 'output_add', 'gate_act']);
