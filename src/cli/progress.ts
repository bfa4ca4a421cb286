/**
 * Progress on stderr (`checked 120/356 files`, `reading trace.jsonl: 1,200,000 events`),
 * rewritten in place, only when stderr is a terminal and not in CI, and only once a run has
 * taken long enough to be worth it: a quick run never flashes a line. Cleared before the
 * report is written.
 */

export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Is progress wanted: stderr a terminal, not CI, not a dumb terminal. */
export function progressWanted(stderr: ProgressStream, env: Readonly<Record<string, string | undefined>>): boolean {
  if (stderr.isTTY !== true) return false;
  const ci = env.CI;
  if (ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false') return false;
  if (env.GITHUB_ACTIONS === 'true' || env.TERM === 'dumb') return false;
  return true;
}

export interface ProgressTiming {
  /** Nothing is shown before the run has lasted this long (ms). */
  readonly delayMs: number;
  /** At most one redraw per this many ms. */
  readonly intervalMs: number;
  readonly now: () => number;
}

const DEFAULT_TIMING: ProgressTiming = { delayMs: 250, intervalMs: 100, now: () => performance.now() };

export class Progress {
  private readonly started: number;
  private last = -Infinity;
  private shown = false;
  private filesDone = 0;
  private filesTotal = 0;

  constructor(
    private readonly out: ProgressStream,
    private readonly timing: ProgressTiming = DEFAULT_TIMING,
  ) {
    this.started = timing.now();
  }

  /** After each file. */
  files = (done: number, total: number): void => {
    this.filesDone = done;
    this.filesTotal = total;
    this.draw(`checked ${done}/${total} files`, done === total);
  };

  /** While a stream is read. */
  trace = (file: string, events: number): void => {
    const of = this.filesTotal > 1 ? ` (file ${this.filesDone + 1}/${this.filesTotal})` : '';
    this.draw(`reading ${file}: ${events.toLocaleString('en-US')} events${of}`, false);
  };

  /** Erase the line, if one was drawn. */
  clear(): void {
    if (this.shown) this.out.write('\r\u001b[K');
    this.shown = false;
  }

  private draw(text: string, force: boolean): void {
    const now = this.timing.now();
    if (now - this.started < this.timing.delayMs) return;
    if (!force && now - this.last < this.timing.intervalMs) return;
    this.last = now;
    this.shown = true;
    this.out.write(`\r\u001b[K${text}`);
  }
}
