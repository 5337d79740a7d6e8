/** Names and other user-supplied text made safe for every output: terminal, Markdown, CSV, LaTeX, SVG and HTML. */

// Terminal escape sequences are removed whole, so no stray "[31m" survives: CSI (ESC [ or U+009B, parameters,
// intermediates, one final byte), OSC/DCS/SOS/PM/APC strings up to BEL or ST, and two-character ESC sequences.
// eslint-disable-next-line no-control-regex
const ESCAPES = /(?:\u001b\[|\u009b)[\u0030-\u003f]*[\u0020-\u002f]*[\u0040-\u007e]?|(?:\u001b[\]PX^_]|[\u0090\u0098\u009d-\u009f])[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|\u001b[\u0020-\u007e]?/g;
// Line breaks and tabs separate words, so they become a space rather than gluing the words together.
const SPACES = /[\t\n\v\f\r\u0085\u2028\u2029]+/g;
// What is left of C0, DEL and C1, plus what XML 1.0 forbids (lone surrogates, U+FFFE, U+FFFF), is dropped.
// eslint-disable-next-line no-control-regex
const INVALID = /[\u0000-\u001f\u007f-\u009f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** A display name with terminal escape sequences, control characters and XML-invalid characters removed. */
export function displayText(s: string): string {
  return s.replace(ESCAPES, '').replace(SPACES, ' ').replace(INVALID, '');
}

/**
 * Plain multi-line terminal text (no colours of its own) with every line passed through `displayText`: for outputs
 * assembled from names and notes in files, where one hostile field must not drive the terminal.
 */
export function displayLines(text: string): string {
  return text.split('\n').map(displayText).join('\n');
}

/** Escapes text for XML (SVG, HTML) after `displayText`, so labels can never break the document. */
export function xmlText(s: string): string {
  return displayText(s).replace(/[&<>"']/g, (c) => `&${({ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' } as Record<string, string>)[c] ?? ''};`);
}

const LATEX: Record<string, string> = {
  '\\': '\\textbackslash{}', '~': '\\textasciitilde{}', '^': '\\textasciicircum{}',
  _: '\\_', '%': '\\%', '&': '\\&', '#': '\\#', $: '\\$', '{': '\\{', '}': '\\}',
  µ: '$\\mu$', '÷': '$\\div$', '×': '$\\times$',
};

/** Escapes text for LaTeX after `displayText`: TeX's special characters and the few non-ASCII symbols reports use. */
export function latexText(s: string): string {
  return displayText(s).replace(/[\\_%&#${}~^µ÷×]/g, (c) => LATEX[c] ?? c);
}

/** A Markdown table cell: `displayText`, with pipes escaped so a name cannot split the row. */
export function markdownCell(s: string): string {
  return displayText(s).replace(/\|/g, '\\|');
}

/** A model id as charts and titles show it: a path to a config file shortens to its file or folder name. */
export function shortModelId(id: string): string {
  if (!/\.json$/i.test(id)) return displayText(id);
  const parts = id.split(/[\\/]+/).filter((p) => p !== '');
  const file = parts[parts.length - 1] ?? id;
  const stem = /^config\.json$/i.test(file) && parts.length > 1 ? (parts[parts.length - 2] ?? file) : file.replace(/\.json$/i, '');
  return displayText(stem);
}

/** Short ids for a set of models, falling back to the full id for any whose short form collides with another's. */
export function shortModelIds(ids: readonly string[]): Map<string, string> {
  const short = ids.map(shortModelId);
  return new Map(ids.map((id, i) => [id, short.filter((s) => s === short[i]).length > 1 ? displayText(id) : (short[i] ?? id)]));
}
