/** The opening of a self-contained HTML page: inline CSS, nothing fetched, so it works offline and from a CI artefact. */
import { esc } from './svg.js';

/** The lines from the doctype to the opening body tag, with `title` escaped and `css` inlined. */
export function htmlHead(title: string, css: string): string[] {
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${esc(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
  ];
}
