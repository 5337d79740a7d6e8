/**
 * Output as a user hits it: --out targets refused before any work, links followed, modes kept, no temporary file
 * after a signal, a closed pipe ending quietly, and `reproduce` writing all its files or none.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { cli, ROOT } from '../helpers/cli.js';

const BIN = fileURLToPath(new URL('../../bin/llm-roofline.js', import.meta.url));
const fresh = (): string => mkdtempSync(join(tmpdir(), 'llmr-out-'));
const seq = (n: number): string => Array.from({ length: n }, (_, i) => String(i + 1)).join(',');
/** A sweep of 1000 × 1000 = 1M points (about 500 MB of JSON): long enough to be interrupted in the middle. */
const LONG_SWEEP = ['sweep', '--phase', 'decode', '--batch', seq(1000), '--context', seq(1000)];

function expectOneLine(args: string[], status: number, pattern: RegExp): void {
  const r = cli(args);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr.trimEnd()).toMatch(pattern);
  expect(r.status).toBe(status);
  expect(r.stdout).toBe('');
}

describe('--out that cannot be a file fails in one line (exit 2) before any work', () => {
  // run, calibrate and validate would time kernels for seconds to minutes if the check came after the work.
  const commands: [string, string[]][] = [
    ['analyze', ['analyze']],
    ['sweep', ['sweep']],
    ['compare', ['compare', '--model', 'paper/gqa-1b,paper/gta-1b']],
    ['run', ['run']],
    ['calibrate', ['calibrate']],
    ['validate', ['validate']],
  ];
  it.each(commands)('%s --out FOLDER', (_, args) => {
    const dir = fresh();
    expectOneLine([...args, '--out', dir], 2, new RegExp(`^--out: ${dir} is a folder, expected a file name \\(the output replaces a regular file\\)$`));
    expect(readdirSync(dir)).toEqual([]);
  });

  it.each(commands)('%s --out ""', (_, args) => {
    expectOneLine([...args, '--out', ''], 2, /^--out: expected a file name \(got ""\)$/);
  });

  it('a device is not replaced', () => {
    // As root the old code replaced the device, so root tests a private node (1, 3 is null) and never /dev/null;
    // anyone else cannot create files in /dev, so /dev/null is safe to aim at.
    const device = process.getuid?.() === 0 ? join(fresh(), 'null') : '/dev/null';
    if (device !== '/dev/null') execFileSync('mknod', ['-m', '666', device, 'c', '1', '3']);
    const before = statSync(device);
    expectOneLine(['sweep', '--out', device], 2, new RegExp(`^--out: ${device} is a character device, expected a file name`));
    const after = statSync(device);
    expect(after.isCharacterDevice()).toBe(true);
    expect(after.ino).toBe(before.ino);
  });

  it('a FIFO is refused, not opened (which would block until a reader came)', () => {
    const fifo = join(fresh(), 'fifo');
    execFileSync('mkfifo', [fifo]);
    expectOneLine(['analyze', '--out', fifo], 2, /^--out: \S+\/fifo is a named pipe \(FIFO\), expected a file name/);
  });

  it('a missing folder', () => {
    const dir = fresh();
    expectOneLine(['analyze', '--out', join(dir, 'no', 'r.json')], 2, new RegExp(`^--out: cannot write ${dir}/no/r\\.json: folder ${dir}/no does not exist$`));
  });

  it('validate --calibrate PROFILE is checked the same way', () => {
    const dir = fresh();
    expectOneLine(['validate', '--calibrate', dir], 2, new RegExp(`^--calibrate: ${dir} is a folder, expected a file name`));
  });
});

describe('--out through a symbolic link, over an existing file', () => {
  it('the link stays, its target is replaced and keeps mode 0640', () => {
    const dir = fresh();
    const target = join(dir, 'report.json');
    writeFileSync(target, 'old');
    chmodSync(target, 0o640);
    symlinkSync('report.json', join(dir, 'latest.json'));
    const r = cli(['analyze', '--format', 'json', '--out', join(dir, 'latest.json')]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(lstatSync(join(dir, 'latest.json')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(dir, 'latest.json'))).toBe('report.json');
    expect((JSON.parse(readFileSync(target, 'utf8')) as { schema: string }).schema).toBe('llm-roofline.report/v1');
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readdirSync(dir).sort()).toEqual(['latest.json', 'report.json']);
  });

  it('sweep --out keeps a private file private (0600)', () => {
    const path = join(fresh(), 'sweep.csv');
    writeFileSync(path, 'old');
    chmodSync(path, 0o600);
    const r = cli(['sweep', '--format', 'csv', '--batch', '1,2', '--out', path]);
    expect(r.status).toBe(0);
    expect(readFileSync(path, 'utf8').split('\n')).toHaveLength(4); // Header, two points, final newline.
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

describe('--out naming a file the command reads is refused, and the input is left as it was', () => {
  it('analyze --model m.json --out m.json', () => {
    const dir = fresh();
    const model = join(dir, 'm.json');
    const text = readFileSync(join(ROOT, 'configs/paper/gta-1b.json'), 'utf8');
    writeFileSync(model, text);
    expectOneLine(['analyze', '--model', model, '--format', 'json', '--out', model], 2, new RegExp(`^--out: ${model} is an input of this command; expected a different file \\(writing it would replace the input\\)$`));
    expect(readFileSync(model, 'utf8')).toBe(text);
    expect(readdirSync(dir)).toEqual(['m.json']);
  });

  it('sweep --hardware hw.json --out LINK, the link pointing at hw.json', () => {
    const dir = fresh();
    const hw = join(dir, 'hw.json');
    const text = readFileSync(join(ROOT, 'hardware-profiles/h100-sxm.json'), 'utf8');
    writeFileSync(hw, text);
    symlinkSync(hw, join(dir, 'link'));
    expectOneLine(['sweep', '--hardware', hw, '--out', join(dir, 'link')], 2, new RegExp(`^--out: ${join(dir, 'link')} is the input file ${hw}; expected a different file`));
    expect(readFileSync(hw, 'utf8')).toBe(text);
    expect(readdirSync(dir).sort()).toEqual(['hw.json', 'link']);
  });

  it('validate --measurements m.json --out m.json', () => {
    const dir = fresh();
    const m = join(dir, 'm.json');
    const text = readFileSync(join(ROOT, 'test/fixtures/measurements/h100.json'), 'utf8');
    writeFileSync(m, text);
    expectOneLine(['validate', '--measurements', m, '--out', m], 2, /is an input of this command; expected a different file/);
    expect(readFileSync(m, 'utf8')).toBe(text);
  });
  it('validate --calibrate P --out P, also through a link: refused before anything runs, P untouched', () => {
    const dir = fresh();
    const p = join(dir, 'p.json');
    writeFileSync(p, 'old');
    symlinkSync(p, join(dir, 'link'));
    expectOneLine(['validate', '--quick', '--calibrate', p, '--out', join(dir, 'link')], 2, new RegExp(`^validate: --out: is the file --calibrate writes the profile to \\(${join(dir, 'link')}\\): name another file$`));
    expect(readFileSync(p, 'utf8')).toBe('old');
  });
});

/** Starts a long sweep into `dir/out.json`, waits for its temporary file, sends `signal`, returns the exit. */
async function interrupt(dir: string, signal: NodeJS.Signals): Promise<{ code: number | null; stderr: string; sawTemp: boolean }> {
  const child = spawn(process.execPath, [BIN, ...LONG_SWEEP, '--out', join(dir, 'out.json')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { resolve(code); }));
  let sawTemp = false;
  for (let i = 0; i < 600 && !sawTemp; i++) {
    sawTemp = readdirSync(dir).some((f) => f.endsWith('.tmp'));
    if (!sawTemp) await new Promise((r) => setTimeout(r, 50));
  }
  child.kill(signal);
  return { code: await exited, stderr, sawTemp };
}

describe('a signal during a long sweep to a file', () => {
  it.each([['SIGTERM', 143], ['SIGINT', 130]] as const)('%s: exit %i, no temporary file, no output file', async (signal, code) => {
    const dir = fresh();
    const r = await interrupt(dir, signal);
    expect(r.sawTemp).toBe(true);
    expect(r.code).toBe(code);
    expect(r.stderr).toBe('');
    expect(readdirSync(dir)).toEqual([]);
  }, 60_000);
});

describe('a pipe closed early', () => {
  it('sweep | head -c 100: exit 0, nothing on stderr', () => {
    const dir = fresh();
    const script = `"$0" "$1" ${LONG_SWEEP.map((a) => `'${a}'`).join(' ')} 2>"$2" | head -c 100 >"$3"; echo "\${PIPESTATUS[0]}"`;
    const r = spawnSync('bash', ['-c', script, process.execPath, BIN, join(dir, 'err'), join(dir, 'head')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stdout.trim()).toBe('0');
    expect(readFileSync(join(dir, 'err'), 'utf8')).toBe('');
    expect(readFileSync(join(dir, 'head'), 'utf8')).toBe('{"schema":"llm-roofline.sweep/v1","points":[\n{"model":"paper/gta-1b","hardware":"h100-sxm","workload');
  }, 60_000);
});

describe('reproduce writes all its files or none', () => {
  it('a folder where one of its files goes: exit 2, nothing written, the old files untouched', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'table4.tex'), 'old');
    mkdirSync(join(dir, 'table5.json'));
    expectOneLine(['reproduce', 'gta', '--out', dir], 2, new RegExp(`^--out: ${dir}/table5\\.json is a folder, expected a file name`));
    expect(readdirSync(dir).sort()).toEqual(['table4.tex', 'table5.json']);
    expect(readFileSync(join(dir, 'table4.tex'), 'utf8')).toBe('old');
    expect(readdirSync(join(dir, 'table5.json'))).toEqual([]);
  });

  it('--out a file: exit 2 before any work', () => {
    const file = join(fresh(), 'file');
    writeFileSync(file, 'x');
    expectOneLine(['reproduce', 'gta', '--out', join(file, 'gta')], 2, new RegExp(`^--out: cannot write in ${file}/gta: ${file} is a file, not a folder$`));
  });
});
