/** A progress bar on stderr, shown only in a terminal and only once a run has taken more than a second. */
import type { SingleBar } from 'cli-progress';

export interface Progress {
  tick(done: number): Promise<void>;
  stop(): void;
}

/** Starts timing; the bar appears on the first tick after one second when stderr is a TTY (`immediate` skips the wait). */
export function startProgress(total: number, label = 'sweep', unit = 'points'): Progress {
  const started = Date.now();
  let bar: SingleBar | undefined;
  let loading = false;
  return {
    async tick(done) {
      if (!process.stderr.isTTY || Date.now() - started < 1000) return;
      if (bar === undefined && !loading) {
        loading = true;
        const { default: cliProgress } = await import('cli-progress');
        bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label} [{bar}] {percentage}% {value}/{total} ${unit}, eta {eta}s` }, cliProgress.Presets.shades_classic);
        bar.start(total, done);
      }
      bar?.update(done);
    },
    stop() {
      if (bar !== undefined) {
        bar.update(total);
        bar.stop();
      }
    },
  };
}
