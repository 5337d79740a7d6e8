/** What a reader of a generate run with chunked prefill or speculative decoding should know. */
import type { Speculative } from './speculative.js';

/** The notes of --chunk and of speculative decoding (none without them). */
export function multiTokenNotes(o: { readonly chunk?: number | undefined; readonly speculative?: Speculative | undefined }, output: number): string[] {
  const notes: string[] = [];
  if (o.chunk !== undefined) {
    notes.push(`chunked prefill: the prompt runs in ⌈input / ${String(o.chunk)}⌉ decode-form passes, chunk i with min(${String(o.chunk)}, input − i·${String(o.chunk)}) new tokens attending every earlier token and itself (causal); each pass reads the weights again and samples one position; TTFT is their sum. Not modelled: mixing the chunks with other requests' decode steps under a token budget.`);
  }
  const s = o.speculative;
  if (s !== undefined && output === 1) notes.push('speculative decoding: output 1, so the prefill yields the only token and nothing is drafted.');
  else if (s !== undefined) {
    const who = s.draft.kind === 'mtp' ? 'the MTP module alone (its operators in the target\'s pass, its own layer and per-pass overheads)' : `${s.draft.model.id} on one device, unsplit, at the target's widths and efficiency`;
    notes.push(
      `speculative decoding: each step drafts k = ${String(s.draftTokens)} tokens, one decode pass each, with ${who}, then the target verifies k + 1 positions in one pass of k + 1 queries (their logits included); E = (1 − a^(k+1)) / (1 − a) tokens per step at acceptance a = ${String(s.acceptance)}; output − 1 tokens take ⌈(output − 1) / E⌉ steps, step s starting at input + ⌊s·E⌋ cached tokens; TPOT = decode time / (output − 1). The draft's prefill of the prompt counts in TTFT (breakdown.draft.prefill). Not modelled: the draft's weights and cache in memory, rejected tokens' cache rollback, sampling time.`,
    );
  }
  return notes;
}
