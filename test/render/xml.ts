/** A strict XML 1.0 well-formedness check for tests (saxes: the parser jsdom uses), naming the first error. */
import { SaxesParser } from 'saxes';

/** Throws with the parser's message (line and column) when `xml` is not well-formed XML 1.0. */
export function assertWellFormedXml(xml: string, what: string): void {
  const parser = new SaxesParser({ xmlns: true });
  let first: Error | undefined;
  parser.on('error', (e) => {
    first ??= e;
  });
  parser.write(xml).close();
  if (first !== undefined) throw new Error(`${what} is not well-formed XML: ${first.message}`);
}

/** The standalone `<svg>…</svg>` documents inside an HTML page. */
export function svgsIn(html: string): string[] {
  return [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
}
