/** Recognises what kind of llm-roofline input a parsed JSON file is, so that a file given to the wrong flag says so. */

/** The kind of input `json` looks like, in words with the flag it belongs to; undefined when it is none of them. */
export function inputKind(json: unknown): string | undefined {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return undefined;
  const has = (k: string): boolean => Object.hasOwn(json, k);
  const schema = (json as { schema?: unknown }).schema;
  if (typeof schema === 'string' && schema.startsWith('llm-roofline.')) return `an ${schema} output file`;
  if (has('peakFlopPerSecond') && has('memoryBandwidthBytesPerSecond')) return 'a hardware profile (for --hardware)';
  if (has('attention') && has('hiddenSize')) return 'a model config (for --model)';
  if (has('attention') && Object.keys(json).every((k) => k === 'attention' || k === '$schema')) return 'an attention overlay (for --attention)';
  if (has('model_type') || has('num_hidden_layers')) return 'a Hugging Face config.json (for --model)';
  if (has('measurements')) return 'a measurements file (for validate --measurements)';
  return undefined;
}
