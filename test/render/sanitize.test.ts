/** Names sanitised for every output: no control character or escape sequence survives, XML stays well-formed. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayText, latexText, markdownCell, shortModelId, shortModelIds, xmlText } from '../../src/render/sanitize.js';
import { assertWellFormedXml } from './xml.js';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const HOSTILE = 'a\u0007b\u001b[31mred\u0000';

describe('displayText', () => {
  it('removes escape sequences whole and drops other control characters', () => {
    expect(displayText(HOSTILE)).toBe('abred');
    expect(displayText('x\u001b[1;31;48;5;196mY\u001b[0m')).toBe('xY');
    expect(displayText('\u001b]0;pwned title\u0007name')).toBe('name');
    expect(displayText('\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\')).toBe('link');
    expect(displayText('c1\u009b2Jcsi\u0085next')).toBe('c1csi next');
    expect(displayText('tab\tand\r\nline')).toBe('tab and line');
    expect(displayText('bad \ufffe\uffff \ud800 ok \ud83d\ude80')).toBe('bad   ok \ud83d\ude80');
  });

  it('leaves ordinary names, Unicode included, untouched', () => {
    for (const s of ['GTA-1B', 'paper/gta-1b', 'NVIDIA H100 SXM5 80 GB', 'Llama 3.1 8B (µ-test) ÷ × ≥', 'モデル']) expect(displayText(s)).toBe(s);
  });

  it('never outputs a control character or an XML-invalid one, whatever the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 60 }), (s) => {
        const out = displayText(s);
        expect(out).not.toMatch(CONTROL);
        assertWellFormedXml(`<t a="${xmlText(s)}">${xmlText(s)}</t>`, JSON.stringify(s));
        expect(displayText(out)).toBe(out);
      }),
    );
  });
});

describe('escapers for each format', () => {
  it('XML escapes markup after sanitising', () => {
    expect(xmlText(`<a href="x">&'${HOSTILE}`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&apos;abred');
  });
  it('LaTeX escapes every special character once', () => {
    expect(latexText(`50% of $x_1 & #2 {a} ~ ^ \\ µs ÷ ×${HOSTILE}`)).toBe(
      '50\\% of \\$x\\_1 \\& \\#2 \\{a\\} \\textasciitilde{} \\textasciicircum{} \\textbackslash{} $\\mu$s $\\div$ $\\times$abred',
    );
  });
  it('a Markdown cell escapes pipes', () => {
    expect(markdownCell(`a|b${HOSTILE}`)).toBe('a\\|babred');
  });
});

describe('shortModelId', () => {
  it('shortens a path to a config file and leaves shipped ids alone', () => {
    expect(shortModelId('paper/gta-1b')).toBe('paper/gta-1b');
    expect(shortModelId('/home/me/models/Llama-3-8B/config.json')).toBe('Llama-3-8B');
    expect(shortModelId('./test/fixtures/hf/llama-2-7b.json')).toBe('llama-2-7b');
    expect(shortModelId('C:\\models\\qwen\\config.json')).toBe('qwen');
    expect(shortModelId('config.json')).toBe('config');
  });
  it('falls back to the full id where two short ids would collide', () => {
    const m = shortModelIds(['a/m/config.json', 'b/m/config.json', 'x/other.json']);
    expect([...m.values()]).toEqual(['a/m/config.json', 'b/m/config.json', 'other']);
  });
});
