/**
 * The command line: one program wiring each command to its module, `check` (the default),
 * `graph`, `diff`, `import`, `schema`, `init`, `rules` and `explain`. What the commands share
 * (exit codes, options, output, input-error lines) is in shared.ts; no command imports another.
 */
import path from 'node:path';
import { Argument, Command, CommanderError } from 'commander';
import { disarmCommands, terminalLines, terminalText } from '../model/escape.js';
import { PATTERNS } from '../patterns/index.js';
import { TOOL } from '../report/tool.js';
import { RULES } from '../rules/index.js';
import { registerCheckCommand } from './check.js';
import { registerDiffCommand } from './diff.js';
import { explain } from './explain.js';
import { registerGraphCommand } from './graph.js';
import { registerImport } from './import.js';
import { runInit } from './init.js';
import { schemaText } from './schema.js';
import { processIO } from './process-io.js';
import { type CliIO, EXIT_ERROR, EXIT_OK, SCHEMA_KINDS, type SchemaKind } from './shared.js';

export { processIO };

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

  registerCheckCommand(program, io, setCode, args);

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
    .action((dir: string, flags: { force?: boolean }) => {
      const cwd = io.cwd ?? process.cwd();
      const r = runInit(path.resolve(cwd, dir), flags.force === true, cwd);
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
    .description('what a rule or pattern means, why it deadlocks, a failing and a passing example, the remedies; what a step or a kernel hook does')
    .argument('<id>', "a rule or pattern id (see 'fencedep rules'), a step (kmalloc, dma_fence_wait...) or a kernel hook (shrinker.scan...)")
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
 * Returns the exit code; the bin exits with it (`processIO().exit`) once the output is flushed.
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
