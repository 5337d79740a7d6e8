/**
 * The paper's Table 4 (theoretical efficiency, in multiply-accumulates with dense N² pairs) derived symbolically
 * from the engine's own operator formulas with mathjs: KV cache = cache elements × N; attention = (score + value
 * product FLOPs) / 2 with one sequence and P = N²; linear = Σ projection weights (biases dropped) × N.
 */
import type { MathNode } from 'mathjs';
import { scopeSegments } from '../core/model.js';
import type { ModelConfig } from '../core/model-config.js';
import { variantOf } from '../core/variants/index.js';

export interface Table4Row {
  readonly kind: string;
  readonly kvTex: string;
  readonly attentionTex: string;
  readonly linearTex: string;
  readonly kv: string;
  readonly attention: string;
  readonly linear: string;
}

const CORE = new Set(['qk_matmul', 'sv_matmul']);
// RMSNorm scales are weights but not matrix products; RoPE and the core carry no weights.
const NOT_LINEAR = new Set(['kv_norm', 'q_norm']);

/** LaTeX of a symbol: n_q → n_{q}, d_h → d_{h}. */
function texSymbol(name: string): string {
  // Braced so that `\cdot{N}` stays valid LaTeX.
  const [base, sub] = name.split('_');
  return sub === undefined ? `{${name}}` : `{${base ?? ''}_{${sub}}}`;
}

/** The three Table 4 expressions of a model's attention variant, as mathjs trees. */
async function derive(m: ModelConfig): Promise<{ kv: MathNode; attention: MathNode; linear: MathNode }> {
  const { parse, simplify } = await import('mathjs');
  const ops = scopeSegments(m, { phase: 'prefill', flash: false, pairs: 'dense', mla: 'naive' }, 'attention').flatMap((s) => s.ops);
  const common: Record<string, MathNode> = { B: parse('1'), w: parse('1'), b: parse('0'), b_qkv: parse('0'), b_o: parse('0'), P: parse('N^2'), T: parse('N') };
  // In the linear column the paper uses its models' identities: n_h·d_h = H, and for GTA n_q·e·d_l = H.
  const linearIds: Record<string, MathNode> = { ...common };
  if (m.attention.kind !== 'mla') linearIds.n_h = parse('H / d_h');
  if (m.attention.kind === 'gta') linearIds.e = parse('H / (n_q * d_l)');
  const sub = (f: string, ids = common): MathNode => simplify(parse(f), ids as unknown as Record<string, number>);
  const core = ops.filter((o) => CORE.has(o.name)).map((o) => `(${o.flops})`).join(' + ');
  const linear = ops.filter((o) => o.weight !== '0' && !NOT_LINEAR.has(o.name)).map((o) => `N * ${o.weight}`).join(' + ');
  return {
    kv: sub(`N * (${variantOf(m.attention).cacheElems(m.attention)})`),
    attention: sub(`(${core}) / 2`),
    linear: sub(linear, linearIds),
  };
}

/** Table 4 rows for one representative model per variant. */
export async function table4(models: readonly ModelConfig[]): Promise<Table4Row[]> {
  const rows: Table4Row[] = [];
  for (const m of models) {
    const d = await derive(m);
    const tex = (n: MathNode): string =>
      n.toTex({
        parenthesis: 'auto',
        implicit: 'hide',
        handler: (node: MathNode) => (node.type === 'SymbolNode' ? texSymbol((node as unknown as { name: string }).name) : undefined),
      });
    const text = (n: MathNode): string => n.toString({ parenthesis: 'auto' });
    rows.push({ kind: m.attention.kind, kvTex: tex(d.kv), attentionTex: tex(d.attention), linearTex: tex(d.linear), kv: text(d.kv), attention: text(d.attention), linear: text(d.linear) });
  }
  return rows;
}

/** Evaluates a derived Table 4 expression for a model (N = 1 gives the per-token or per-pair coefficient). */
export async function evaluateRow(expr: string, symbols: Readonly<Record<string, number>>): Promise<number> {
  const { evaluate } = await import('mathjs');
  return evaluate(expr, { ...symbols, N: 1 }) as number;
}
