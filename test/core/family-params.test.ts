/**
 * Parameter counts of real model families, from their unmodified config.json, against published totals.
 *
 * Counting rules (the lead's, in src/core/model.ts): RMSNorm = H; per layer attention (+ 2·d_h q/k norms, + n_h
 * sinks) + norms·H + MLP; dense MLP 3·H·I (+ 2I + H biased); MoE router H·E (+ E biased) + E·(3·H·I_e (+ 2·I_e + H
 * biased)) + n_s·3·H·I_s (+ H gate); active counts k experts instead of E; plus V·H embedding, H final norm and V·H
 * lm_head unless tied. GQA attention = H·n_h·d + 2·H·n_kv·d + n_h·d·H (+ n_h·d + 2·n_kv·d q/k/v biases, + H o bias).
 * MLA = H·r_q + r_q + r_q·n_h·(d_nope + d_rope) [or H·n_h·(d_nope + d_rope) when r_q = 0] + H·(r_kv + d_rope) + r_kv
 * + r_kv·n_h·(d_nope + d_v) + n_h·d_v·H.
 *
 * `total` and `active` are exact hand counts under those rules (worked below each entry). `published` is the model
 * card's figure, checked to its own rounding. DeepSeek and OpenAI quote active counts without the input embedding
 * (V·H: a lookup, not a matmul); Qwen and Mistral include it. `activeExcludesEmbedding` says which.
 */
import { describe, expect, it } from 'vitest';
import { modelParameters } from '../../src/core/model.js';
import { loadModel } from '../../src/io/load-model.js';
import { expectRel } from '../helpers/rel.js';

interface Case {
  readonly fixture: string;
  readonly total: number;
  readonly active: number;
  readonly mtp?: number;
  /** Published total and active, in parameters, with the relative tolerance their rounding allows. */
  readonly published: { readonly total: number; readonly active?: number; readonly tol: number; readonly source: string };
  readonly activeExcludesEmbedding?: boolean;
  readonly embedding: number;
}

const CASES: Readonly<Record<string, Case>> = {
  // 32·(H²·2 + 2·H·1024 + 3·H·14336 + 2H) + 2·V·H + H with H = 4096, V = 128256: 32·218,112,000 + 1,050,673,152 + 4096.
  'Llama-3.1-8B': { fixture: 'llama-3.1-8b.json', total: 8_030_261_248, active: 8_030_261_248, embedding: 525_336_576,
    published: { total: 8_030_261_248, tol: 0, source: 'safetensors total on the Hugging Face model page' } },
  // 126·(2·16384² + 2·16384·1024 + 3·16384·53248 + 2·16384) + 2·128256·16384 + 16384 = 126·3,187,703,808 + 4,202,708,992.
  'Llama-3.1-405B': { fixture: 'llama/llama-3.1-405b.json', total: 405_853_388_800, active: 405_853_388_800, embedding: 2_101_346_304,
    published: { total: 405.9e9, tol: 0.0003, source: 'Llama 3 paper / model card, 405.9B rounded to 0.1B' } },
  // Tied: 16·(2·2048² + 2·2048·512 + 3·2048·8192 + 2·2048) + 128256·2048 + 2048.
  'Llama-3.2-1B': { fixture: 'llama/llama-3.2-1b.json', total: 1_235_814_400, active: 1_235_814_400, embedding: 262_668_288,
    published: { total: 1.23e9, tol: 0.005, source: 'model card "1.23B"' } },
  // 40·(5120·4096·2 + 2·5120·1024 + 3·5120·14336 + 2·5120) + 2·131072·5120 + 5120 (head_dim 128: q is 5120 → 4096).
  'Mistral-Nemo-12B': { fixture: 'mistral/mistral-nemo-12b.json', total: 12_247_782_400, active: 12_247_782_400, embedding: 671_088_640,
    published: { total: 12.2e9, tol: 0.005, source: 'Mistral NeMo announcement "12B", Hugging Face page 12.2B' } },
  // 48·(attention 2048·4096·2 + 2·2048·512 + 2·128 q/k norms + 2·2048 + router 2048·128 + 128·3·2048·768) + 2·V·H + H.
  'Qwen3-30B-A3B': { fixture: 'qwen3-moe/qwen3-30b-a3b.json', total: 30_532_122_624, active: 3_353_032_704, embedding: 311_164_928,
    published: { total: 30.5e9, active: 3.3e9, tol: 0.02, source: 'Qwen3 model card: 30.5B total, 3.3B activated' } },
  // 94 layers, H = 4096, 64 heads and 4 KV heads of 128, 128 experts of 1536, top 8.
  'Qwen3-235B-A22B': { fixture: 'qwen3-moe/qwen3-235b-a22b.json', total: 235_093_634_560, active: 22_190_763_520, embedding: 622_329_856,
    published: { total: 235e9, active: 22e9, tol: 0.01, source: 'Qwen3 model card: 235B total, 22B activated' } },
  // Shared expert 3·2048·5632 plus its sigmoid gate 2048, 60 experts of 1408, top 4, q/k/v biases.
  'Qwen1.5-MoE-A2.7B': { fixture: 'qwen2-moe/qwen1.5-moe-a2.7b-chat.json', total: 14_315_784_192, active: 2_689_173_504, embedding: 311_164_928,
    published: { total: 14.3e9, active: 2.7e9, tol: 0.005, source: 'Qwen1.5-MoE model card: 14.3B total, 2.7B activated' } },
  // Tied, four norms per layer: 46·(4608·4096·2 + 2·4608·2048 + 3·4608·36864 + 4·4608) + 256000·4608 + 4608.
  'Gemma-2-27B': { fixture: 'gemma2/gemma-2-27b.json', total: 27_227_128_320, active: 27_227_128_320, embedding: 1_179_648_000,
    published: { total: 27.2e9, tol: 0.002, source: 'Gemma 2 report / Hugging Face page 27.2B' } },
  // 42·(3584·4096·2 + 2·3584·2048 + 3·3584·14336 + 4·3584) + 256000·3584 + 3584.
  'Gemma-2-9B': { fixture: 'gemma2/gemma-2-9b.json', total: 9_241_705_984, active: 9_241_705_984, embedding: 917_504_000,
    published: { total: 9.24e9, tol: 0.001, source: 'Hugging Face page 9.24B' } },
  // Every expert is a full SwiGLU of intermediate_size: 56·(attention + 6144·8 + 8·3·6144·16384 + 2·6144) + 2·V·H + H.
  'Mixtral-8x22B': { fixture: 'mixtral/mixtral-8x22b.json', total: 140_620_634_112, active: 39_152_031_744, embedding: 196_608_000,
    published: { total: 141e9, active: 39e9, tol: 0.005, source: 'Mistral announcement: 141B total, 39B active' } },
  // MLA q_lora 1536, kv_lora 512; 1 dense layer (12288), 59 MoE layers of 160 experts (1536), top 6, 2 shared.
  'DeepSeek-V2': { fixture: 'deepseek/deepseek-v2.json', total: 235_741_434_880, active: 21_375_800_320, embedding: 524_288_000,
    activeExcludesEmbedding: true,
    published: { total: 236e9, active: 21e9, tol: 0.01, source: 'DeepSeek-V2 paper: 236B total, 21B activated' } },
  // 3 dense layers (18432), 58 MoE layers of 256 experts (2048), top 8, 1 shared, router bias 256 (noaux_tc).
  // MTP module: 3·7168 norms (enorm, hnorm and its head's own norm, shared_head.norm in the checkpoint) + 2·7168² eh_proj
  // + one MoE layer = 11,610,068,224; DeepSeek's README says "11.5B unique
  // parameters" for it (embedding and head shared, not counted), so the rule agrees to 1%.
  'DeepSeek-V3': { fixture: 'deepseek/deepseek-v3.json', total: 671_026_419_200, active: 37_552_297_472, mtp: 11_610_068_224, embedding: 926_679_040,
    activeExcludesEmbedding: true,
    published: { total: 671e9, active: 36.6e9, tol: 0.002, source: 'DeepSeek-V3 README_WEIGHTS: 671B total, 36.6B activated incl. the 0.9B head' } },
  // 24 layers: attention with q/k/v/o biases and 64 sinks; 32 experts of 2880 with biases, router 2880·32 + 32; top 4.
  'GPT-OSS-20b': { fixture: 'gpt-oss/gpt-oss-20b.json', total: 20_914_757_184, active: 4_187_440_704, embedding: 579_133_440,
    activeExcludesEmbedding: true,
    published: { total: 20.91e9, active: 3.61e9, tol: 0.002, source: 'gpt-oss model card table: 20.91B total, 3.61B active' } },
  // 36 layers, 128 experts.
  'GPT-OSS-120b': { fixture: 'gpt-oss/gpt-oss-120b.json', total: 116_829_156_672, active: 5_711_982_912, embedding: 579_133_440,
    activeExcludesEmbedding: true,
    published: { total: 116.83e9, active: 5.13e9, tol: 0.002, source: 'gpt-oss model card table: 116.83B total, 5.13B active' } },
};

const fixture = (name: string): string => new URL(`../fixtures/hf/${name}`, import.meta.url).pathname;

describe('published parameter counts of real families', () => {
  it.each(Object.entries(CASES))('%s', (_name, c) => {
    const p = modelParameters(loadModel(fixture(c.fixture)));
    // Exact under the counting rules.
    expect(p.total).toBe(c.total);
    expect(p.active).toBe(c.active);
    expect(p.mtp).toBe(c.mtp ?? 0);
    // And the hand count agrees with the published figure to its rounding.
    expectRel(c.total, c.published.total, c.published.tol);
    if (c.published.active !== undefined) {
      expectRel(c.activeExcludesEmbedding === true ? c.active - c.embedding : c.active, c.published.active, c.published.tol);
    }
  });

  it('a dense model has active = total and no MTP', () => {
    const p = modelParameters(loadModel(fixture('gemma2/gemma-2-9b.json')));
    expect(p.active).toBe(p.total);
    expect(p.mtp).toBe(0);
  });
});
