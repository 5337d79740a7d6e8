/** Bad input: one line naming the file and field and what was expected, exit code 2, no output file. */
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';

const fx = (name: string): string => `test/fixtures/models/${name}`;

function expectUserError(args: string[], pattern: RegExp): void {
  const out = join(mkdtempSync(join(tmpdir(), 'llmr-')), 'report.json');
  const r = cli([...args, '--out', out, '--format', 'json']);
  expect(r.status).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  expect(existsSync(out)).toBe(false);
}

describe('bad model files', () => {
  it.each([
    ['missing-layers.json', /^test\/fixtures\/models\/missing-layers\.json: layers: required field is missing$/],
    ['misspelled.json', /^test\/fixtures\/models\/misspelled\.json: hiddenSzie: unknown field/],
    ['negative-layers.json', /^test\/fixtures\/models\/negative-layers\.json: layers: .*(>0|positive).*\(got -2\)$/],
    ['fractional-hidden.json', /^test\/fixtures\/models\/fractional-hidden\.json: hiddenSize: .*int.*\(got 256\.5\)$/],
    ['heads-dont-divide.json', /^test\/fixtures\/models\/heads-dont-divide\.json: attention\.kvHeads: must divide heads \(got kvHeads 3, heads 8\)$/],
    ['gta-bad-expansion.json', /^test\/fixtures\/models\/gta-bad-expansion\.json: attention\.valueDim: queryHeads × e × valueDim must equal hiddenSize/],
    ['unknown-kind.json', /^test\/fixtures\/models\/unknown-kind\.json: attention\.kind: .*\(got "mqa"\)$/],
    ['malformed.json', /^test\/fixtures\/models\/malformed\.json: malformed JSON: /],
  ])('%s', (file, pattern) => {
    expectUserError(['analyze', '--model', fx(file)], pattern);
  });

  it('a missing file', () => {
    expectUserError(['analyze', '--model', 'no/such/file.json'], /^no\/such\/file\.json: file not found$/);
  });
});

describe('bad ids and flags', () => {
  it('unknown model id lists the shipped ones', () => {
    expectUserError(['analyze', '--model', 'paper/gta-2b'], /^--model: unknown model "paper\/gta-2b" \(expected a path to a \.json file or one of: .*paper\/gta-1b/);
  });
  it('unknown hardware id', () => {
    expectUserError(['analyze', '--hardware', 'h200'], /^--hardware: unknown hardware "h200" \(expected .*h100-sxm/);
  });
  it('unknown bit width in --bits', () => {
    expectUserError(['analyze', '--bits', 'w3a16kv16'], /^--bits: expected w<bits>a<bits>kv<bits> with widths 4, 8, 16 or 32.*\(got "w3a16kv16"\)$/);
  });
  it('a dtype the device has no peak for', () => {
    expectUserError(['analyze', '--hardware', 'a800-sxm', '--bits', 'w16a8kv16'], /^hardware-profiles\/a800-sxm\.json: peakFlopPerSecond\.fp8: missing: w16a8kv16 computes at the fp8 peak/);
  });
  it.each([['--batch', '0'], ['--batch', '1.5'], ['--seq', '-3'], ['--context', 'abc']])('%s %s', (flag, value) => {
    expectUserError(['analyze', flag, value, '--phase', 'prefill'], new RegExp(`^${flag}: expected a positive integer \\(got "${value}"\\)$`));
  });
  it('an unknown dtype in a hardware profile', () => {
    const dir = mkdtempSync(join(tmpdir(), 'llmr-'));
    const file = join(dir, 'hw.json');
    writeFileSync(file, JSON.stringify({ name: 'x', kind: 'gpu', peakFlopPerSecond: { fp12: { value: 1, source: 's' } }, memoryBytes: { value: 1, source: 's' }, memoryBandwidthBytesPerSecond: { value: 1, source: 's' }, onChipMemoryBytes: { value: 1, source: 's' }, sources: { s: { title: 't' } } }));
    expectUserError(['analyze', '--hardware', file], /hw\.json: peakFlopPerSecond\.fp12: /);
  });
  it('a sweep with one bad value writes nothing', () => {
    expectUserError(['sweep', '--hardware', 'h100-sxm,a800-sxm', '--bits', 'w16a16kv16,w16a8kv16'], /a800-sxm\.json: peakFlopPerSecond\.fp8: missing/);
  });
});
