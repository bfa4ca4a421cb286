/**
 * `fencedep check [paths...]`, the default command: check scenario files and streams
 * (src/check), with what the command does around checking and reporting: the config file,
 * the baseline, `--shard`, `--stats` and progress. `runCheck` calls `prepareGate` first,
 * checks with the options it returns, passes the run through `finish` (the analyze stage's
 * severities and baseline), reports, and lets the gate add its lines and decide the exit code.
 *
 * Precedence: the command line, then the config file, then each scenario's own `options`.
 */
import type { KernelRelease } from '../model/kernel-release.js';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { applyBaseline, applySeverities } from '../analyze/index.js';
import { buildBaseline, DEFAULT_BASELINE, formatBaseline, readBaseline } from '../baseline/index.js';
import { checkInputs, type RunOptions } from '../check/run.js';
import { parseShard, type Shard } from '../check/shard.js';
import { displayPath, enabledOptInRules, resolveConfig, type Config } from '../config/index.js';
import { didYouMean, InputErrors } from '../load/errors.js';
import type { BaselineEntry, CheckStats, RunResult } from '../model/finding.js';
import { painter } from '../report/color.js';
import { terminalText as t } from '../model/escape.js';
import { getReporter } from '../report/index.js';
import type { FenceModel } from '../model/scenario.js';
import {
  addColorOption, addOutputOption, addReplayOptions, type CliIO, EXIT_ERROR, EXIT_FAILED, EXIT_OK, fileErrorLine, formatOption,
  inputErrorLines, Progress, progressWanted, type ProgressStream, reportColor, writeOutput,
} from './shared.js';

export interface GateFlags {
  readonly format?: string;
  /** Whether --format was given (else the config's format, else text). */
  readonly formatGiven: boolean;
  readonly fenceModel?: FenceModel;
  readonly kernel?: KernelRelease;
  readonly lockdepOnly?: boolean;
  /** `--config FILE`, or false for `--no-config`. */
  readonly config?: string | false;
  readonly baseline?: string;
  readonly updateBaseline?: boolean;
  readonly failOnStaleBaseline?: boolean;
  readonly shard?: Shard;
  readonly stats?: boolean;
}

export interface GateIO {
  readonly stderr: ProgressStream;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd?: string;
}

export interface Gate {
  /** The inputs to check (the config's `inputs` when none were given). */
  readonly paths: readonly string[];
  readonly format: string;
  readonly options: RunOptions;
  readonly config: Config | null;
  /** After checking: severities, then the baseline (unless it is being written). */
  finish(run: RunResult): Promise<RunResult>;
  /** `--update-baseline`: write the baseline of `run`; returns the exit code. */
  readonly updateBaseline: boolean;
  writeBaseline(run: RunResult, out: { write(s: string): unknown }): Promise<number>;
  /** The report with the gate's own lines (text: baseline and stats after the summary). */
  decorate(report: string, run: RunResult, color: boolean): string;
  /** After the report is written: what goes to stderr (non-text formats). */
  afterReport(run: RunResult): void;
  /** The exit code, given the report's. */
  exitCode(run: RunResult, code: number): number;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** The `--stats` table: one row per file, then the total. */
export function statsTable(run: RunResult): string {
  const rows = run.results.filter((r) => r.stats).map((r) => [t(r.file), r.stats!] as const);
  if (rows.length === 0) return '';
  const total = run.summary.stats;
  const all: (readonly [string, CheckStats])[] = total ? [...rows, ['total', total] as const] : rows;
  const heads = ['classes', 'dependencies', 'chains', 'SCCs', 'events', 'time'];
  const cells = all.map(([file, s]) => [file, String(s.classes), String(s.dependencies), String(s.chains), String(s.sccs), String(s.events), `${s.timeMs.toFixed(1)} ms`]);
  const widths = [Math.max(4, ...cells.map((c) => c[0].length)), ...heads.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i + 1].length)))];
  const line = (c: readonly string[]) => [c[0].padEnd(widths[0]), ...c.slice(1).map((x, i) => x.padStart(widths[i + 1]))].join('  ').trimEnd();
  // Revision 1.1: what the model leaves out, per file.
  const opaque = rows.filter(([, s]) => s.extern?.length).map(([file, s]) => `opaque (extern) calls in ${file}: ${s.extern!.map(t).join(', ')}`);
  return [line(['file', ...heads]), ...cells.map(line), ...opaque].map((l) => `${l}\n`).join('');
}

function staleLine(e: BaselineEntry): string {
  return `  ${t(e.file)}: ${t(e.rule)} ${e.locks.map(t).join(', ')} (${t(e.fingerprint.slice(0, 12))})`;
}

/** The baseline's lines: how many findings it hid, then its stale entries. */
export function baselineLines(run: RunResult, failOnStale: boolean, color: boolean): string[] {
  const b = run.baseline;
  if (!b) return [];
  const c = painter(color);
  const lines: string[] = [];
  if (b.ignored > 0) lines.push(c.yellow(`‼ ${plural(b.ignored, 'known finding')} ignored (baseline ${t(b.file)})`));
  if (b.stale.length > 0) {
    const head = `${plural(b.stale.length, 'stale baseline entry', 'stale baseline entries')} (no longer found; rewrite the baseline with --update-baseline)`;
    lines.push(failOnStale ? c.red(`✖ ${head}`) : c.yellow(`⚠ ${head}`));
    for (const e of b.stale) lines.push(staleLine(e));
  }
  return lines;
}

/** Read the config and work out what the run does; on a problem, report it and return an exit code. */
export async function prepareGate(given: readonly string[], flags: GateFlags, io: GateIO): Promise<Gate | { exit: number }> {
  const cwd = io.cwd ?? process.cwd();
  if (flags.updateBaseline && flags.shard && flags.shard.count > 1) {
    io.stderr.write('fencedep: --update-baseline writes the baseline of the whole suite; run it without --shard\n');
    return { exit: EXIT_ERROR };
  }
  let config: Config | null;
  try {
    config = await resolveConfig(flags.config, cwd);
  } catch (e) {
    if (e instanceof InputErrors) {
      io.stderr.write(inputErrorLines(e));
      io.stderr.write('fencedep: the config file is not valid (pass --no-config to run without it)\n');
      return { exit: EXIT_ERROR };
    }
    throw e;
  }
  const format = flags.formatGiven ? flags.format ?? 'text' : config?.format ?? flags.format ?? 'text';
  const paths = given.length > 0 || !config?.inputs ? given : config.inputs.map((p) => displayPath(p, process.cwd()));

  // The baseline: --baseline (relative to the working directory), else the config's; when
  // writing one with neither, fencedep-baseline.json in the working directory.
  let baselineAbs: string | undefined;
  let baselineShown: string | undefined;
  if (flags.baseline !== undefined) {
    baselineAbs = path.resolve(cwd, flags.baseline);
    baselineShown = flags.baseline;
  } else if (config?.baseline !== undefined) {
    baselineAbs = config.baseline;
    baselineShown = displayPath(config.baseline, cwd);
  } else if (flags.updateBaseline) {
    baselineAbs = path.resolve(cwd, DEFAULT_BASELINE);
    baselineShown = DEFAULT_BASELINE;
  }
  const failOnStale = flags.failOnStaleBaseline ?? config?.failOnStaleBaseline ?? false;

  let baseline = null;
  if (baselineAbs !== undefined && !flags.updateBaseline) {
    try {
      baseline = readBaseline(baselineAbs, baselineShown!);
    } catch (e) {
      if (e instanceof InputErrors) {
        io.stderr.write(inputErrorLines(e));
        return { exit: EXIT_ERROR };
      }
      throw e;
    }
  }

  const rules = config?.rules ?? new Map();
  const progress = progressWanted(io.stderr, io.env) ? new Progress(io.stderr) : null;
  const enable = enabledOptInRules(rules);
  const options: RunOptions = {
    kernel: flags.kernel ?? config?.kernel,
    fenceModel: flags.fenceModel ?? config?.fenceModel,
    lockdepOnly: flags.lockdepOnly ?? config?.lockdepOnly,
    ...(config && config.include.length > 0 ? { include: config.include } : {}),
    ...(enable.length > 0 ? { enable } : {}),
    ...(flags.stats ? { stats: true } : {}),
    ...(flags.shard ? { shard: flags.shard } : {}),
    ...(progress ? { onProgress: progress.files, onTraceProgress: progress.trace } : {}),
  };
  const baseDir = baselineAbs !== undefined ? path.dirname(baselineAbs) : cwd;
  const runCwd = process.cwd(); // results name files relative to the process's directory

  return {
    paths,
    format,
    options,
    config,
    updateBaseline: flags.updateBaseline === true,
    async finish(run) {
      progress?.clear();
      let out = applySeverities(run, rules);
      if (baseline) out = applyBaseline(out, baseline, baseDir, runCwd, baselineShown!);
      return out;
    },
    async writeBaseline(run, out) {
      const b = buildBaseline(run, baseDir, runCwd);
      try {
        writeFileSync(baselineAbs!, formatBaseline(b));
      } catch (e) {
        io.stderr.write(`fencedep: cannot write the baseline to "${t(baselineShown!)}": ${t(e instanceof Error ? e.message : String(e))}\n`);
        return EXIT_ERROR;
      }
      const files = new Set(b.findings.map((f) => f.file)).size;
      out.write(`✔ wrote ${t(baselineShown!)}: ${plural(b.findings.length, 'known finding')} in ${plural(files, 'file')}\n`);
      const unmet = run.results.filter((r) => r.unmet.length > 0);
      if (unmet.length > 0) {
        io.stderr.write(`fencedep: a baseline cannot hold unmet expectations; still failing: ${unmet.map((r) => t(r.file)).join(', ')}\n`);
      }
      const errors = run.results.filter((r) => r.status === 'error');
      if (errors.length > 0) {
        io.stderr.write(`fencedep: not in the baseline, could not be checked: ${plural(errors.length, 'file')}\n`);
        for (const r of errors) for (const e of r.errors) io.stderr.write(fileErrorLine(e, r.file));
        return EXIT_ERROR;
      }
      return EXIT_OK;
    },
    decorate(report, run, color) {
      if (format !== 'text') return report;
      const extra = [...baselineLines(run, failOnStale, color), ...lockdepOnlyNote(run, options.lockdepOnly)];
      const table = flags.stats ? statsTable(run) : '';
      if (extra.length === 0 && table === '') return report;
      return `${report}${extra.map((l) => `${l}\n`).join('')}${table ? `\n${table}` : ''}`;
    },
    afterReport(run) {
      if (format === 'text') return;
      const extra = [...baselineLines(run, failOnStale, false), ...lockdepOnlyNote(run, options.lockdepOnly)];
      if (extra.length > 0) io.stderr.write(extra.map((l) => `${l}\n`).join(''));
      if (flags.stats && format !== 'json') io.stderr.write(statsTable(run));
    },
    exitCode(run, code) {
      if (code === EXIT_OK && failOnStale && (run.baseline?.stale.length ?? 0) > 0) return EXIT_FAILED;
      return code;
    },
  };
}

interface CheckFlags extends Omit<GateFlags, 'formatGiven' | 'format'> {
  readonly format: string;
  readonly output?: string;
  readonly fenceModel?: FenceModel;
  readonly kernel?: KernelRelease;
  readonly quiet?: boolean;
  readonly verbose?: boolean;
  readonly color: boolean;
}

/**
 * Under --lockdep-only an expectation met only through a model's rule goes unmet: say why once,
 * rather than leave the user to guess that the option, not the design, changed.
 */
function lockdepOnlyNote(run: RunResult, lockdepOnly: boolean | undefined): string[] {
  if (!lockdepOnly || !run.results.some((r) => r.unmet.length > 0)) return [];
  return ['note: --lockdep-only skipped the steps the models mark model_rule (their documented rules): an expectation met only through such a rule is unmet in lockdep\'s view'];
}

/** The exit code of a run: 2 if any file is in error, else 1 if any failed, else 0. */
function exitCodeOf(run: RunResult): number {
  if (run.summary.errors > 0) return EXIT_ERROR;
  if (run.summary.failed > 0) return EXIT_FAILED;
  return EXIT_OK;
}

/**
 * `fencedep chekc fixtures` runs the default command, check, on a file "chekc": when the first
 * path does not exist and is a bare word close to a command's name, that is the mistake.
 */
function mistypedCommand(first: string | undefined, commands: readonly string[]): string | null {
  if (first === undefined || !/^[a-z]+$/.test(first) || existsSync(first)) return null;
  const hint = didYouMean(first, commands);
  return hint ? `unknown command "${first}"${hint}, and no file or directory is called so` : null;
}

async function runCheck(given: readonly string[], flags: CheckFlags, io: CliIO, formatGiven = true): Promise<number> {
  const gate = await prepareGate(given, { ...flags, formatGiven }, io);
  if ('exit' in gate) return gate.exit;
  const paths = gate.paths;
  if (paths.length === 0) {
    io.stderr.write(
      'fencedep: no input: pass the scenario files or directories to check (for example: fencedep check fixtures)\n',
    );
    return EXIT_ERROR;
  }
  const reporter = getReporter(gate.format);
  if (!reporter) throw new Error(`no reporter for format "${gate.format}"`); // validated by the option parser and the config
  const run = await gate.finish(await checkInputs(paths, gate.options));
  if (gate.updateBaseline) return gate.writeBaseline(run, io.stdout);
  const color = reportColor(flags, io);
  const text = gate.decorate(reporter(run, { color, quiet: flags.quiet === true, verbose: flags.verbose === true }), run, color);
  if (!writeOutput(text, flags.output, io)) return EXIT_ERROR;
  gate.afterReport(run);
  return gate.exitCode(run, exitCodeOf(run));
}

/**
 * Add `check`, the default command, to the program; `setCode` receives its exit code.
 * `args` is the command line after `node fencedep`.
 */
export function registerCheckCommand(program: Command, io: CliIO, setCode: (code: number) => void, args: readonly string[]): void {
  const cmd = program
    .command('check', { isDefault: true })
    .description('check scenario files; a directory is searched recursively for *.yaml, *.yml, *.json, *.jsonl')
    .argument('[paths...]', 'scenario files and directories')
    .addOption(formatOption('check'));
  addOutputOption(cmd, 'the report');
  addReplayOptions(cmd);
  cmd.option('--quiet', 'report only failing files: unexpected errors, unmet expectations, input errors');
  cmd.addOption(
    new Option('--verbose', 'text: the full lockdep report of expected findings too, and a line for every file').conflicts('quiet'),
  );
  addColorOption(cmd);
  cmd
    .option('--config <file>', 'config file (default: fencedep.config.json, .yaml or .yml, found upward from here)')
    .option('--no-config', 'ignore config files')
    .option('--baseline <file>', 'ignore the known findings listed in this file; report its stale entries')
    .option('--update-baseline', 'write the failing findings to the baseline (--baseline FILE, the config\'s, or fencedep-baseline.json) and exit 0 (2 if a file could not be checked)')
    .option('--fail-on-stale-baseline', 'exit 1 when the baseline lists findings no longer found')
    .addOption(
      new Option('--shard <K/N>', 'check only share K of N of the inputs (for a CI matrix)').argParser((v: string): Shard => {
        const r = parseShard(v);
        if ('error' in r) throw new InvalidArgumentError(`${r.error}.`);
        return r;
      }),
    )
    .option('--stats', 'per file and in total: classes, dependencies, chains, SCCs, events, time')
    .action(async (paths: string[], flags: CheckFlags, command: Command) => {
      // Only when check was not named: `fencedep check graph` means a path called graph.
      const named = args.includes('check');
      const typo = named ? null : mistypedCommand(paths[0], program.commands.map((c) => c.name()));
      if (typo) {
        io.stderr.write(`fencedep: ${typo}\n(run 'fencedep --help' for usage)\n`);
        setCode(EXIT_ERROR);
        return;
      }
      setCode(await runCheck(paths, flags, io, command.getOptionValueSource('format') !== 'default'));
    });
}
