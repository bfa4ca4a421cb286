/**
 * `fencedep diff BEFORE AFTER`: findings introduced, fixed and unchanged, and the dependencies
 * the change adds, removes or changes. Exit 1 when the change introduces a finding that would
 * fail `check` (an error AFTER does not expect) — the pre-review gate; 2 for a usage or input
 * error; 0 otherwise.
 */
import { type Command, Option } from 'commander';
import type { CheckOptions } from '../check/run.js';
import { DIFF_FORMATS, diffInputs, DiffUsageError, formatDiff, gateFails, type DiffFormat } from '../diff/index.js';
import type { FenceModel, KernelProfile } from '../model/scenario.js';
import { useColor } from '../report/color.js';
import { addReplayOptions, choice, emit } from './graph.js';
import type { CliIO } from './main.js';

const OK = 0;
const FAILED = 1;
const ERROR = 2;

export interface DiffFlags {
  readonly format: DiffFormat;
  readonly output?: string;
  readonly kernel?: KernelProfile;
  readonly fenceModel?: FenceModel;
  readonly color: boolean;
}

export async function runDiff(before: string, after: string, flags: DiffFlags, io: CliIO): Promise<number> {
  const opts: CheckOptions = { kernel: flags.kernel, fenceModel: flags.fenceModel };
  let diff;
  try {
    diff = await diffInputs(before, after, opts);
  } catch (err) {
    if (err instanceof DiffUsageError) {
      io.stderr.write(`fencedep: ${err.message}\n`);
      return ERROR;
    }
    throw err;
  }
  const color = useColor({ flag: flags.color, env: io.env, isTTY: flags.output === undefined && io.stdout.isTTY === true });
  if (!(await emit(formatDiff(diff, flags.format, { color }), flags.output, io))) return ERROR;
  if (diff.summary.errors > 0) return ERROR;
  return gateFails(diff.summary) ? FAILED : OK;
}

/** Add `diff` to the program; `setCode` receives its exit code. */
export function registerDiffCommand(program: Command, io: CliIO, setCode: (code: number) => void): void {
  const cmd = program
    .command('diff')
    .description('compare two scenarios (or directories, paired by relative path): findings introduced, fixed, unchanged; dependencies added and removed')
    .argument('<before>', 'the scenario file or directory before the change')
    .argument('<after>', 'the scenario file or directory after the change')
    .addOption(
      new Option('--format <format>', `output format: ${DIFF_FORMATS.join(', ')}`)
        .default('text')
        .argParser(choice('format', DIFF_FORMATS)),
    )
    .option('-o, --output <file>', 'write the report to a file instead of stdout');
  addReplayOptions(cmd)
    .option('--no-color', 'no colour (also NO_COLOR; FORCE_COLOR forces it)')
    .action(async (before: string, after: string, flags: DiffFlags) => {
      setCode(await runDiff(before, after, flags, io));
    });
}
