/**
 * What every command of the CLI shares, so that no command imports another: the exit codes,
 * where the CLI reads and writes, the common options, writing a report to `--output` or
 * stdout, the lines input errors are printed as, the progress line of a long run, and where
 * the package keeps its JSON Schemas. `main.ts` wires the commands into one program.
 *
 * Exit codes: 0 every file passed, 1 some file failed its expectations, 2 a usage error or
 * some file could not be checked (2 wins over 1). Nothing ends in a stack trace: commander's
 * errors are usage errors, anything unexpected is "internal error" (with the stack only when
 * FENCEDEP_DEBUG=1).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { didYouMean, type InputErrors } from '../load/errors.js';
import { packageRoot } from '../load/models.js';
import { jsonText, terminalText as t } from '../model/escape.js';
import type { InputErrorInfo } from '../model/finding.js';
import { KERNEL_PROFILES, parseRelease } from '../model/kernel-release.js';
import type { FenceModel } from '../model/scenario.js';
import { useColor } from '../report/color.js';
import { defaultFormat, formatHelp, formatNames, type OutputCommand } from '../report/registry.js';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_ERROR = 2;

/** Where the CLI reads and writes; the real process by default, buffers in tests. */
export interface CliIO {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the config file is looked for and relative option paths start (default: process.cwd()). */
  readonly cwd?: string;
}

// ------------------------------------------------------------------ options

export const FENCE_MODELS: readonly FenceModel[] = ['lockdep', 'precise'];

/** An option argument parser accepting one of `values`, with a "did you mean" otherwise. */
export function choice<T extends string>(what: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    if ((values as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`unknown ${what} ${jsonText(value)}${didYouMean(value, values)}; expected one of: ${values.join(', ')}.`);
  };
}

/** `--format` of a command, with its choices and default from the output registry. */
export function formatOption(command: OutputCommand): Option {
  return new Option('--format <format>', formatHelp(command)).default(defaultFormat(command)).argParser(choice('format', formatNames(command)));
}

/** `-o, --output <file>`. */
export function addOutputOption(cmd: Command, what: string): Command {
  return cmd.option('-o, --output <file>', `write ${what} to a file instead of stdout`);
}

/** `--fence-model` and `--kernel`: what the replay runs with, overriding the scenarios. */
export function addReplayOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--fence-model <model>', 'fence model, overriding the scenarios: lockdep or precise').argParser(
        choice('fence model', FENCE_MODELS),
      ),
    )
    .option('--lockdep-only', "lockdep's view only: the models' documented rules that the kernel does not annotate (steps marked model_rule) are not replayed")
    .addOption(
      new Option('--kernel <release>', `kernel release, overriding the scenarios: lockdep's profile (${KERNEL_PROFILES.join(' or ')}) and the models' version`).argParser(
        (value: string) => {
          const r = parseRelease(value);
          if ('error' in r) throw new InvalidArgumentError(`${r.error}.`);
          return r.release;
        },
      ),
    );
}

/** `--no-color`. */
export function addColorOption(cmd: Command): Command {
  return cmd.option('--no-color', 'no colour (also NO_COLOR; FORCE_COLOR forces it)');
}

// ------------------------------------------------------------------ output

/** Whether a report is coloured: `--no-color`, FORCE_COLOR, NO_COLOR, then stdout being a terminal (not with `-o`). */
export function reportColor(flags: { readonly color: boolean; readonly output?: string }, io: CliIO): boolean {
  return useColor({ flag: flags.color, env: io.env, isTTY: flags.output === undefined && io.stdout.isTTY === true });
}

/**
 * Write `text` to `-o FILE` or stdout; false (after saying why, naming `what` was to be
 * written) if the file cannot be written.
 */
export function writeOutput(text: string, output: string | undefined, io: CliIO, what = 'the report'): boolean {
  if (output === undefined) {
    io.stdout.write(text);
    return true;
  }
  try {
    writeFileSync(output, text);
    return true;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    io.stderr.write(`fencedep: cannot write ${what} to ${jsonText(output)}: ${t(reason)}\n`);
    return false;
  }
}

// ------------------------------------------------------------------ input errors

/** A checked file's error: `file:line:column: error: message` (`file` when it names none). */
export function fileErrorLine(e: InputErrorInfo, file: string): string {
  let at = t(e.file ?? file);
  if (e.line !== undefined) at += `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
  return `${at}: error: ${t(e.message)}\n`;
}

/** Errors of the command's own inputs (config, baseline): `file:line:column: error: message`, or `fencedep: message` without a position. */
export function inputErrorLines(e: InputErrors): string {
  return e.errors
    .map((x) => (x.loc ? `${t(x.loc.file)}:${x.loc.line}:${x.loc.column}: error: ${t(x.message)}` : `fencedep: ${t(x.message)}`))
    .map((l) => `${l}\n`)
    .join('');
}

// ------------------------------------------------------------------ progress

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
    this.draw(`reading ${t(file)}: ${events.toLocaleString('en-US')} events${of}`, false);
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

// ------------------------------------------------------------------ schema files

export const SCHEMA_KINDS = ['scenario', 'config'] as const;
export type SchemaKind = (typeof SCHEMA_KINDS)[number];

/** Where the repository (and the package) keeps each schema, relative to its root. */
export const SCHEMA_FILES: Readonly<Record<SchemaKind, string>> = {
  scenario: 'schema/scenario.schema.json',
  config: 'schema/config.schema.json',
};

/** The installed package's copy of a schema (absolute), or null if the package root is unknown. */
export function installedSchemaFile(kind: SchemaKind): string | null {
  const root = packageRoot();
  return root ? path.join(root, ...SCHEMA_FILES[kind].split('/')) : null;
}
