/**
 * The command line: `fencedep check [paths...]` (the default command), `fencedep rules` and
 * `fencedep explain <rule|pattern>`.
 * Exit codes (cli-and-output.md): 0 every file passed, 1 some file failed its expectations,
 * 2 a usage error or some file could not be checked (2 wins over 1). Nothing ends in a stack
 * trace: commander's errors are usage errors, anything unexpected is "internal error" (with
 * the stack only when FENCEDEP_DEBUG=1).
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { checkInputs } from '../check/run.js';
import { didYouMean } from '../load/errors.js';
import type { RunResult } from '../model/finding.js';
import type { FenceModel, KernelProfile } from '../model/scenario.js';
import { disarmCommands, jsonText, terminalLines, terminalText } from '../model/escape.js';
import { useColor } from '../report/color.js';
import { getReporter } from '../report/index.js';
import { defaultFormat, formatHelp, formatNames } from '../report/registry.js';
import { TOOL } from '../report/tool.js';
import { PATTERNS } from '../patterns/index.js';
import { RULES } from '../rules/index.js';
import { explain } from './explain.js';
import { registerDiffCommand } from './diff.js';
import { registerGraphCommand } from './graph.js';
import { registerImport } from './import.js';
import { parseShard, type Shard } from '../check/shard.js';
import { prepareGate, type GateFlags } from './gate.js';
import { runInit } from './init.js';
import { schemaText, SCHEMA_KINDS, type SchemaKind } from './schema.js';

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

const processIO = (): CliIO => ({ stdout: process.stdout, stderr: process.stderr, env: process.env });

const FENCE_MODELS: readonly FenceModel[] = ['lockdep', 'precise'];
const KERNELS: readonly KernelProfile[] = ['5.10', '6.13'];

/** An option argument parser accepting one of `values`, with a "did you mean" otherwise. */
function oneOf<T extends string>(what: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    if ((values as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(
      `unknown ${what} ${jsonText(value)}${didYouMean(value, values)}; expected one of: ${values.join(', ')}.`,
    );
  };
}

interface CheckFlags extends Omit<GateFlags, 'formatGiven' | 'format'> {
  readonly format: string;
  readonly output?: string;
  readonly fenceModel?: FenceModel;
  readonly kernel?: KernelProfile;
  readonly quiet?: boolean;
  readonly color: boolean;
}

/** The exit code of a run: 2 if any file is in error, else 1 if any failed, else 0. */
export function exitCodeOf(run: RunResult): number {
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
  // Config file, baseline, shard, stats, progress: src/cli/gate.ts.
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
  const color = useColor({ flag: flags.color, env: io.env, isTTY: flags.output === undefined && io.stdout.isTTY === true });
  const text = gate.decorate(reporter(run, { color, quiet: flags.quiet === true }), run, color);
  if (flags.output !== undefined) {
    try {
      await writeFile(flags.output, text);
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      io.stderr.write(`fencedep: cannot write the report to ${jsonText(flags.output)}: ${terminalText(reason)}\n`);
      return EXIT_ERROR;
    }
  } else {
    io.stdout.write(text);
  }
  gate.afterReport(run);
  return gate.exitCode(run, exitCodeOf(run));
}

/** The rules with their heading, then the diagnosis patterns (in priority order) with their summary. */
function rulesText(): string {
  const width = Math.max(0, ...RULES.map((r) => r.meta.id.length), ...PATTERNS.map((p) => p.meta.id.length));
  return (
    RULES.map((r) => `${r.meta.id.padEnd(width)}  ${r.meta.heading}\n`).join('') +
    PATTERNS.map((p) => `${p.meta.id.padEnd(width)}  pattern: ${p.meta.summary}\n`).join('')
  );
}

/** `args`: the command line after `node fencedep`. */
function buildProgram(io: CliIO, setCode: (code: number) => void, args: readonly string[]): Command {
  const program = new Command('fencedep');
  program
    .description('A lockdep-style deadlock checker for dma_fence signalling, mmu notifiers, reclaim and dma_resv locks')
    .version(TOOL.version, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(terminalLines(s)), // commander echoes arguments
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showSuggestionAfterError(true)
    .showHelpAfterError("(run 'fencedep --help' for usage)");

  program
    .command('check', { isDefault: true })
    .description('check scenario files; a directory is searched recursively for *.yaml, *.yml, *.json, *.jsonl')
    .argument('[paths...]', 'scenario files and directories')
    .addOption(
      new Option('--format <format>', formatHelp('check'))
        .default(defaultFormat('check'))
        .argParser(oneOf('format', formatNames('check'))),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fence-model <model>', 'fence model, overriding the scenarios: lockdep or precise').argParser(
        oneOf('fence model', FENCE_MODELS),
      ),
    )
    .addOption(
      new Option('--kernel <version>', 'kernel profile, overriding the scenarios: 5.10 or 6.13').argParser(
        oneOf('kernel profile', KERNELS),
      ),
    )
    .option('--quiet', 'report only failing files: unexpected errors, unmet expectations, input errors')
    .option('--no-color', 'no colour (also NO_COLOR; FORCE_COLOR forces it)')
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
    .action(async (paths: string[], flags: CheckFlags, cmd: Command) => {
      // Only when check was not named: `fencedep check graph` means a path called graph.
      const named = args.includes('check');
      const typo = named ? null : mistypedCommand(paths[0], program.commands.map((c) => c.name()));
      if (typo) {
        io.stderr.write(`fencedep: ${typo}\n(run 'fencedep --help' for usage)\n`);
        setCode(EXIT_ERROR);
        return;
      }
      setCode(await runCheck(paths, flags, io, cmd.getOptionValueSource('format') !== 'default'));
    });

  program
    .command('schema')
    .description('print the JSON Schema (draft-07) of the scenario format, or of the config file')
    .addArgument(new Argument('[kind]', 'scenario or config').choices(SCHEMA_KINDS).default('scenario'))
    .action((kind: SchemaKind) => {
      io.stdout.write(schemaText(kind));
      setCode(EXIT_OK);
    });

  program
    .command('init')
    .description('write a starter fencedep.config.yaml and scenarios/example.yaml (never overwriting without --force)')
    .argument('[dir]', 'where to write them', '.')
    .option('--force', 'overwrite existing files')
    .action(async (dir: string, flags: { force?: boolean }) => {
      const cwd = io.cwd ?? process.cwd();
      const r = await runInit(path.resolve(cwd, dir), flags.force === true, cwd);
      io.stdout.write(r.out);
      io.stderr.write(r.err);
      setCode(r.code);
    });

  program
    .command('rules')
    .description('list the rules, one a line, with their lockdep heading, then the diagnosis patterns')
    .action(() => {
      io.stdout.write(rulesText());
      setCode(EXIT_OK);
    });

  program
    .command('explain')
    .description('what a rule or pattern means, why it deadlocks, a failing and a passing example, the remedies')
    .argument('<id>', "a rule or pattern id (see 'fencedep rules')")
    .action((id: string) => {
      const r = explain(id);
      if (r.ok) {
        io.stdout.write(r.text);
        setCode(EXIT_OK);
      } else {
        io.stderr.write(`fencedep: ${r.message}\n`);
        setCode(EXIT_ERROR);
      }
    });

  registerGraphCommand(program, io, setCode);
  registerDiffCommand(program, io, setCode);
  registerImport(program, io, setCode);

  return program;
}

/**
 * Run the CLI. `argv` is in process.argv form (`[node, script, ...args]`).
 * Returns the exit code; the bin sets `process.exitCode` to it.
 */
export async function main(argv: readonly string[], given: CliIO = processIO()): Promise<number> {
  // stderr is read by a CI runner too: no line of it may read as a workflow command.
  const stderr = given.stderr;
  const io: CliIO = { ...given, stderr: { write: (s: string) => stderr.write(disarmCommands(s)), get isTTY() { return stderr.isTTY; } } };
  let code = EXIT_OK;
  try {
    const program = buildProgram(io, (c) => {
      code = c;
    }, argv.slice(2));
    await program.parseAsync([...argv], { from: 'node' });
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; every other commander error is a usage error.
      return err.exitCode === 0 ? EXIT_OK : EXIT_ERROR;
    }
    const message = terminalText(err instanceof Error ? err.message : String(err));
    io.stderr.write(`fencedep: internal error: ${message}\n`);
    if (io.env.FENCEDEP_DEBUG === '1' && err instanceof Error && err.stack) io.stderr.write(`${err.stack}\n`);
    return EXIT_ERROR;
  }
}
