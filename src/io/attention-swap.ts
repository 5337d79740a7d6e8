/**
 * `--attention`: another attention design for every layer of a model, given inline (`gta:heads=128,headDim=56,…`)
 * or as a JSON overlay file (`{ "attention": { … } }`), checked by the same rules as a model file.
 */
import { z } from 'zod';
import type { Attention, AttentionKind, ModelConfig } from '../core/model-config.js';
import { checkModel } from './check-model.js';
import { fromZod, UserError } from './errors.js';
import { inputKind } from './file-kind.js';
import { AttentionSchema } from './model-schema.js';
import { readJson } from './read-json.js';
import { isPath } from './resolve.js';

const FLAG = '--attention';

/** A parsed `--attention`: the design, where it came from and how its fields are named in errors. */
export interface AttentionSwap {
  readonly attention: Attention;
  /** `--attention` for the inline form, the file for an overlay. */
  readonly source: string;
  /** Prefix of the attention's fields in `source`: '' inline, `attention.` in a file. */
  readonly prefix: string;
}

/** The overlay file: the attention and nothing else, so a whole model file given here fails clearly. */
const OverlaySchema = z
  .object({ $schema: z.string().optional(), attention: AttentionSchema })
  .strict()
  .describe('an --attention overlay: the attention design every layer of the model gets');

const KINDS = AttentionSchema.options.map((o) => o.shape.kind.value);

/**
 * Inline defaults of the flags a design needs: bias-free projections (as in Llama, Mistral, DeepSeek), and GTA's
 * biases as its released code has them. Numbers never default: each must be given.
 */
const INLINE_DEFAULTS: Readonly<Record<AttentionKind, Readonly<Record<string, boolean>>>> = {
  mha: { qkvBias: false, outBias: false },
  gqa: { qkvBias: false, outBias: false },
  mla: {},
  gta: { bias: true },
};

const isKind = (s: string): s is AttentionKind => (KINDS as readonly string[]).includes(s);

/** Parses the value of `--attention`: `kind:key=value,…` or a path to a JSON overlay file. */
export function readAttentionSwap(spec: string): AttentionSwap {
  const inline = /^([A-Za-z]+):(.*)$/s.exec(spec);
  if (inline !== null && !isPath(spec)) return inlineSwap(inline[1] ?? '', inline[2] ?? '');
  if (isPath(spec)) {
    const json = readJson(spec);
    const parsed = OverlaySchema.safeParse(json);
    if (!parsed.success) {
      const kind = inputKind(json);
      if (kind !== undefined && !kind.startsWith('an attention overlay')) throw new UserError(spec, '', `this is ${kind}, expected a file with { "attention": { … } } and nothing else`);
      throw fromZod(spec, parsed.error, json);
    }
    return { attention: parsed.data.attention, source: spec, prefix: 'attention.' };
  }
  throw new UserError(FLAG, '', `expected kind:key=value,… with kind one of ${KINDS.join(', ')}, e.g. gqa:heads=32,kvHeads=8,headDim=128, or a path to a .json file with { "attention": { … } } (got "${spec}")`);
}

function inlineSwap(kind: string, body: string): AttentionSwap {
  if (!isKind(kind)) throw new UserError(FLAG, '', `unknown attention kind "${kind}" (expected one of ${KINDS.join(', ')})`);
  // Null prototype: a "__proto__" key is then a field the schema refuses by name, not the object's prototype.
  const fields: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, { kind });
  for (const item of body === '' ? [] : body.split(',')) {
    const eq = item.indexOf('=');
    const key = item.slice(0, eq).trim();
    if (eq < 0 || key === '') throw new UserError(FLAG, '', `expected key=value items separated by commas (got "${item}")`);
    if (Object.hasOwn(fields, key)) throw new UserError(FLAG, key, `given twice (got "${item}")`);
    fields[key] = value(item.slice(eq + 1).trim());
  }
  const input = { ...INLINE_DEFAULTS[kind], ...fields };
  const schema = AttentionSchema.options.find((o) => o.shape.kind.value === kind);
  // Every field zod would call missing, listed at once: a person fills them in one go rather than one per run.
  const missing = Object.entries(schema?.shape ?? {}).filter(([key, s]) => !Object.hasOwn(input, key) && !(s as z.ZodType).safeParse(undefined).success).map(([key]) => key);
  if (missing.length > 0) throw new UserError(FLAG, '', `${kind} is missing ${missing.join(', ')} (expected key=value for each)`);
  const parsed = AttentionSchema.safeParse(input);
  if (!parsed.success) throw fromZod(FLAG, parsed.error, input);
  return { attention: parsed.data, source: FLAG, prefix: '' };
}

/** true and false as booleans, digits as numbers, anything else as text for the schema to refuse by name. */
function value(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  return /^\d+$/.test(text) ? Number(text) : text;
}

/**
 * The model with `swap`'s attention in every layer, its id and name suffixed (`deepseek-v3+gta`) so reports show
 * the swap, checked by the model rules; a problem names the swap's source and field.
 */
export function swapAttention(model: ModelConfig, swap: AttentionSwap): ModelConfig {
  const kind = swap.attention.kind;
  const swapped: ModelConfig = { ...model, id: `${model.id}+${kind}`, name: `${model.name}+${kind}`, attention: swap.attention };
  checkModel(swapped, swap.source, (field) => (field.startsWith('attention.') ? `${swap.prefix}${field.slice('attention.'.length)}` : field));
  return swapped;
}
