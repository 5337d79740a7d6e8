/** Bad input: one line naming the file and field and what was expected, exit code 2, no output file. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from 'node:fs';
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

/** Runs the CLI and expects exit 2, nothing on stdout, and exactly these stderr lines. */
function expectLines(args: string[], lines: (string | RegExp)[]): void {
  const r = cli(args);
  expect(r.stdout).toBe('');
  const got = r.stderr.trimEnd().split('\n');
  expect(got).toHaveLength(lines.length);
  lines.forEach((l, i) => {
    if (typeof l === 'string') expect(got[i]).toBe(l);
    else expect(got[i]).toMatch(l);
  });
  expect(r.status).toBe(2);
}

describe('parser errors: exit 2, the problem and where the options are, no help dump', () => {
  // Every kind on every command is pinned in process by parse-errors.test.ts; these check what the user sees.
  it.each([
    [['analyze', '--bogus'], "llm-roofline analyze: unknown option '--bogus'", 'analyze'],
    [['sweep', '--scope', 'all'], "llm-roofline sweep: option '--scope <scope>' argument 'all' is invalid. Allowed choices are attention, layer, model.", 'sweep'],
    [['models', 'show'], "llm-roofline models show: missing required argument 'id|path'", 'models show'],
  ])('%j', (args, line, cmd) => {
    expectLines(args, [line, `run 'llm-roofline ${cmd} --help' to see the options`]);
  });
  it('an unknown command, and none at all', () => {
    expectLines(['analyse'], ["llm-roofline: unknown command 'analyse' (Did you mean analyze?)", "run 'llm-roofline --help' to see the commands"]);
    expectLines([], [/^llm-roofline: missing command \(expected one of: analyze, sweep, /, "run 'llm-roofline --help' to see the commands"]);
  });
  it.each([[['analyze', '--help']], [['--version']]])('%j prints to stdout and exits 0', (args) => {
    const r = cli(args);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(args[0] === '--version' ? /^\d+\.\d+\.\d+\n$/ : /^Usage: llm-roofline analyze/);
  });
});

describe('names that Object.prototype has are unknown like any other', () => {
  // In process, own-keys.test.ts and core/own.test.ts try each name on each look-up; here one name per command.
  it.each(['toString', 'constructor', '__proto__', 'hasOwnProperty'])('formulas %s', (name) => {
    expectLines(['formulas', name], [new RegExp(`^formulas: unknown model or variant "${name}" \\(expected a variant: mha, gqa, mla, gta; a path to a \\.json file; or a model id: .*paper/gta-1b`)]);
  });
  it('a flag value with a newline and an escape sequence stays on one line', () => {
    expectLines(['analyze', '--model', 'pa\nper\u001b[31m'], [/^--model: unknown model "pa\\nper\\u001b\[31m" \(expected a path/]);
  });
  it('ids, choices, a paper, a --fail-if metric', () => {
    expectLines(['models', 'show', 'toString'], [/^--model: unknown model "toString" \(expected/]);
    expectLines(['hardware', 'show', '__proto__'], [/^--hardware: unknown hardware "__proto__" \(expected/]);
    expectLines(['reproduce', 'constructor'], ['reproduce: unknown paper "constructor" (expected: gta)']);
    expectLines(['analyze', '--cost-model', 'hasOwnProperty'], ["llm-roofline analyze: option '--cost-model <name>' argument 'hasOwnProperty' is invalid. Allowed choices are exact, llm-viewer, llm-viewer-gta.", "run 'llm-roofline analyze --help' to see the options"]);
    const report = join(mkdtempSync(join(tmpdir(), 'llmr-own-')), 'report.json');
    expect(cli(['analyze', '--format', 'json', '--out', report]).status).toBe(0);
    expectLines(['compare', '--baseline', report, '--candidate', report, '--fail-if', 'constructor > 5%'], [/^--fail-if: "constructor > 5%": unknown metric constructor \(numeric fields: totals\.timeSeconds, /]);
  });
});

describe('input files that are not plain JSON files of sane size', () => {
  const dir = mkdtempSync(join(tmpdir(), 'llmr-input-'));
  it('a model file nested 100 000 deep', () => {
    const file = join(dir, 'deep.json');
    writeFileSync(file, '['.repeat(100_000) + ']'.repeat(100_000));
    expectUserError(['analyze', '--model', file], /deep\.json: nested too deeply \(more than 256 levels of arrays and objects\)$/);
  });
  it.skipIf(!existsSync('/dev/zero'))('/dev/zero as a model and as measurements', () => {
    expectUserError(['analyze', '--model', '/dev/zero'], /^\/dev\/zero: expected a regular file \(got a character device\)$/);
    expectLines(['validate', '--measurements', '/dev/zero'], ['/dev/zero: expected a regular file (got a character device)']);
  });
  it('a directory', () => {
    const folder = join(dir, 'folder.json');
    mkdirSync(folder);
    expectUserError(['analyze', '--model', folder], /folder\.json: expected a regular file \(got a directory\)$/);
  });
  it.skipIf(process.platform === 'win32')('a FIFO, as a model and as a compare baseline, without hanging', () => {
    const fifo = join(dir, 'pipe.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    expectUserError(['analyze', '--model', fifo], /pipe\.json: expected a regular file \(got a named pipe\)$/);
    expectLines(['compare', '--baseline', fifo, '--candidate', fifo], [`${fifo}: expected a regular file (got a named pipe)`]);
  });
  it('a file over the 64 MiB cap (sparse: nothing is written)', () => {
    const big = join(dir, 'big.csv');
    writeFileSync(big, '');
    truncateSync(big, 100 * 2 ** 20);
    expectLines(['validate', '--measurements', big], [`${big}: file too large (got 104857600 bytes, expected at most 67108864 bytes = 64 MiB)`]);
  });
});

describe('a file given to the wrong flag says what it is', () => {
  it.each([
    [['analyze', '--model', 'hardware-profiles/h100-sxm.json'], 'hardware-profiles/h100-sxm.json: this is a hardware profile (for --hardware), expected a model config or a Hugging Face config.json'],
    [['analyze', '--hardware', 'configs/paper/gta-1b.json'], 'configs/paper/gta-1b.json: this is a model config (for --model), expected a hardware profile'],
    [['sweep', '--hardware', 'test/fixtures/hf/llama-2-7b.json'], 'test/fixtures/hf/llama-2-7b.json: this is a Hugging Face config.json (for --model), expected a hardware profile'],
    [['formulas', 'test/fixtures/measurements/h100.json'], 'test/fixtures/measurements/h100.json: this is a measurements file (for validate --measurements), expected a model config or a Hugging Face config.json'],
  ])('%j', (args, line) => {
    // Before, the first key the schema did not know was named as a misspelling ("kind: unknown field").
    expectLines(args, [line]);
    expect(cli(args).status).toBe(2);
  });
});
