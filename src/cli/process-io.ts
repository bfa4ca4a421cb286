/**
 * Where the CLI writes when it runs as a process (bin/fencedep.js): fd 1 and fd 2.
 *
 * A pipe, a socket (what node's `spawn` gives a child for `stdio: 'pipe'`), a regular file or
 * the null device (where a benchmark such as hyperfine sends the output) is written with
 * write(2) on its fd: the first use of process.stdout or process.stderr builds a stream, which
 * loads node's stream internals (and for a pipe its net internals), a cost of every start of a
 * check that prints a line. A terminal, another device or whatever else keeps node's stream (a
 * terminal's `isTTY` and colour come with it; telling a terminal from another device is what
 * loads them). None of the written kinds is a terminal, so `isTTY` is what node's stream would
 * say of it.
 *
 * - A write that would block (a pipe made non-blocking by whoever shares it, EAGAIN) hands the
 *   rest of that output, from the first byte not written, to node's stream, which waits for the
 *   reader: nothing is lost or reordered.
 * - A reader that stopped early (`fencedep check fixtures | head -1`, EPIPE) gets nothing
 *   more, without a word; the exit code stays the run's, as other command-line tools do.
 * - Any other failure to write stdout is one line on stderr and exit 2, never a stack trace.
 */
import { fstatSync, statSync, type Stats, writeSync } from 'node:fs';
import { terminalText as t } from '../model/escape.js';
import { type CliIO, EXIT_ERROR } from './shared.js';

/** The CLI run as a process: its outputs and environment, and how it ends. */
export interface ProcessIO extends CliIO {
  /** Exit with `code` once everything written has been handed to the operating system. */
  exit(code: number): void;
}

interface Output {
  write(text: string): boolean;
  readonly isTTY?: boolean;
  /** `done` once every write so far is out of the process. */
  flushed(done: () => void): void;
}

type Fd = 1 | 2;
/** What to do when a write fails for a reason other than a gone reader. */
type Failed = (err: NodeJS.ErrnoException) => void;

const errnoOf = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | null)?.code;

/** Node's stream of `fd`, built on first use; a gone reader ends its output quietly. */
function processStream(fd: Fd, failed: Failed): NodeJS.WriteStream {
  const stream = fd === 1 ? process.stdout : process.stderr;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') failed(err);
  });
  return stream;
}

/** Output through node's stream (a terminal, a device, an unknown kind of fd). */
function streamOutput(fd: Fd, failed: Failed): Output {
  const stream = processStream(fd, failed);
  return { write: (text) => stream.write(text), isTTY: stream.isTTY, flushed: (done) => stream.write('', done) };
}

/** Output by write(2) on `fd`, until a write would block: then node's stream, for the rest. */
function fdOutput(fd: Fd, failed: Failed): Output {
  let stream: NodeJS.WriteStream | null = null;
  let readerGone = false;
  return {
    isTTY: false,
    write(text) {
      if (stream) return stream.write(text);
      if (readerGone) return true;
      const bytes = Buffer.from(text);
      let done = 0;
      try {
        while (done < bytes.length) done += writeSync(fd, bytes, done); // a pipe may take part of it
      } catch (err) {
        const code = errnoOf(err);
        if (code === 'EAGAIN') {
          stream = processStream(fd, failed);
          return stream.write(bytes.subarray(done));
        }
        if (code === 'EPIPE') readerGone = true;
        else failed(err as NodeJS.ErrnoException);
      }
      return true;
    },
    flushed: (done) => (stream ? stream.write('', done) : done()),
  };
}

const NULL_DEVICE = '/dev/null';

/** Is `st` the null device (the one device known not to be a terminal without asking the terminal layer)? */
function isNullDevice(st: Stats): boolean {
  if (!st.isCharacterDevice()) return false;
  const dev = statSync(NULL_DEVICE, { throwIfNoEntry: false }); // none on Windows
  return dev !== undefined && dev.isCharacterDevice() && dev.rdev === st.rdev;
}

/** Is `fd` written with write(2): a pipe, a socket, a regular file or the null device (never a terminal). */
function writtenDirectly(fd: Fd): boolean {
  try {
    const st = fstatSync(fd);
    return st.isFIFO() || st.isSocket() || st.isFile() || isNullDevice(st);
  } catch {
    return false; // closed: node's stream says what it does with that
  }
}

function output(fd: Fd, failed: Failed): Output {
  return writtenDirectly(fd) ? fdOutput(fd, failed) : streamOutput(fd, failed);
}

/** The process's own outputs and environment. */
export function processIO(): ProcessIO {
  const stderr = output(2, () => process.exit(EXIT_ERROR)); // nowhere left to say why
  const stdout = output(1, (err) => {
    stderr.write(`fencedep: cannot write the output: ${t(err.message)}\n`);
    process.exit(EXIT_ERROR);
  });
  return {
    stdout,
    stderr,
    env: process.env,
    // The process exits once its output is flushed rather than when its event loop empties:
    // the run is over, and V8 would spend that last turn on a scavenge of the start's garbage.
    exit(code) {
      process.exitCode = code;
      let pending = 2;
      const flushed = (): void => {
        if (--pending === 0) process.exit();
      };
      stdout.flushed(flushed);
      stderr.flushed(flushed);
    },
  };
}
