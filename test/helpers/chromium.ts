/** Headless Chromium for end-to-end tests: whether it is there, whether it must be (CI), and one run of it. */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
/** Whether the browser exists on this machine. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM);
// CI systems set CI (to "true", some to "1"), and .ci/run exports CI=true after installing Chromium: there a missing
// browser is a broken set-up, not a reason to skip, so the tests run and fail with what is missing.
/** Whether this is a CI run, where a missing browser fails the tests instead of skipping them. */
export const IN_CI = (process.env.CI ?? '') !== '' && process.env.CI !== 'false' && process.env.CI !== '0';
const MISSING = `${CHROMIUM} not found: install Chromium (apt-get install -y chromium) or set CHROMIUM to its path; with CI=${process.env.CI ?? ''} this test must run, so it fails instead of skipping`;

/** Fails the calling test with what is missing when Chromium is absent (only reached under CI; elsewhere the suite is skipped). */
export function requireChromium(): void {
  if (!HAVE_CHROMIUM) throw new Error(MISSING);
}

/** Runs headless Chromium on a file with extra flags (its profile under `tmp`), returns stdout; kills its whole process group whatever happens. */
export async function chromium(flags: readonly string[], file: string, tmp: string): Promise<string> {
  const profile = mkdtempSync(join(tmp, 'profile-'));
  const child = spawn(CHROMIUM, [
    '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--hide-scrollbars', `--user-data-dir=${profile}`, ...flags, pathToFileURL(file).href,
  ], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error(`chromium timed out after 45 s; stderr:\n${stderr}`)); }, 45_000);
      child.on('error', reject);
      child.on('exit', (c) => { clearTimeout(timer); resolve(c); });
    });
    if (code !== 0) throw new Error(`chromium exited with ${String(code)}; stderr:\n${stderr}`);
    return stdout;
  } finally {
    // The browser's helper processes share its group; end the group we started, by its id.
    try {
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** How many times `needle` occurs in `haystack`. */
export const count = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

/** The part of a rendered document from `start` to the next `end`, inclusive ('' when `start` is absent). */
export const part = (dom: string, start: string, end: string): string => {
  const i = dom.indexOf(start);
  return i < 0 ? '' : dom.slice(i, dom.indexOf(end, i) + end.length);
};
