/**
 * `fencedep graph PATH`: one scenario's (or stream's) dependency graph, `--format
 * dot|mermaid|json|svg`, `--cycles` to keep only what lies on a cycle, `-o FILE`.
 * Exit 0 when the graph was written, 2 for a usage or input error (the input errors are
 * printed as `file:line:column: error: …`; a stream with broken lines still gets its graph).
 */
import { stat, writeFile } from 'node:fs/promises';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { inspectFile, type CheckOptions } from '../check/run.js';
import { buildGraph, cyclesOnly } from '../graph/index.js';
import { didYouMean } from '../load/errors.js';
import { jsonText, terminalText as t } from '../model/escape.js';
import type { InputErrorInfo } from '../model/finding.js';
import type { FenceModel, KernelProfile } from '../model/scenario.js';
import { defaultFormat, formatHelp, formatNames, outputFormat } from '../report/registry.js';
import type { CliIO } from './main.js';

const OK = 0;
const ERROR = 2;

export const FENCE_MODEL_CHOICES: readonly FenceModel[] = ['lockdep', 'precise'];
export const KERNEL_CHOICES: readonly KernelProfile[] = ['5.10', '6.13'];

/** An option argument parser accepting one of `values`, with a "did you mean" otherwise. */
export function choice<T extends string>(what: string, values: readonly T[]): (value: string) => T {
  return (value) => {
    if ((values as readonly string[]).includes(value)) return value as T;
    throw new InvalidArgumentError(`unknown ${what} ${jsonText(value)}${didYouMean(value, values)}; expected one of: ${values.join(', ')}.`);
  };
}

/** `--kernel` and `--fence-model`, as `check` has them. */
export function addReplayOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--fence-model <model>', 'fence model, overriding the scenarios: lockdep or precise').argParser(
        choice('fence model', FENCE_MODEL_CHOICES),
      ),
    )
    .addOption(
      new Option('--kernel <version>', 'kernel profile, overriding the scenarios: 5.10 or 6.13').argParser(
        choice('kernel profile', KERNEL_CHOICES),
      ),
    );
}

/** `file:line:column: error: message` */
export function inputErrorLine(e: InputErrorInfo, file: string): string {
  let at = t(e.file ?? file);
  if (e.line !== undefined) at += `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
  return `${at}: error: ${t(e.message)}\n`;
}

/** Write `text` to `-o FILE` or stdout; false (after saying why) if the file cannot be written. */
export async function emit(text: string, output: string | undefined, io: CliIO): Promise<boolean> {
  if (output === undefined) {
    io.stdout.write(text);
    return true;
  }
  try {
    await writeFile(output, text);
    return true;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    io.stderr.write(`fencedep: cannot write to ${jsonText(output)}: ${t(reason)}\n`);
    return false;
  }
}

export interface GraphFlags {
  readonly format: string;
  readonly cycles?: boolean;
  readonly output?: string;
  readonly kernel?: KernelProfile;
  readonly fenceModel?: FenceModel;
}

export async function runGraph(file: string, flags: GraphFlags, io: CliIO): Promise<number> {
  try {
    if ((await stat(file)).isDirectory()) {
      io.stderr.write(`fencedep: ${jsonText(file)} is a directory: graph takes one scenario file (.yaml, .yml, .json or .jsonl)\n`);
      return ERROR;
    }
  } catch {
    // Not readable: inspectFile says so with the file's name.
  }
  const opts: CheckOptions = { kernel: flags.kernel, fenceModel: flags.fenceModel };
  const { result, graph } = await inspectFile(file, opts);
  for (const e of result.errors) io.stderr.write(inputErrorLine(e, file));
  if (graph === null) return ERROR;
  let g = buildGraph({ file, scenario: result.scenario, graph, findings: result.findings });
  if (flags.cycles === true) g = cyclesOnly(g);
  const writer = outputFormat('graph', flags.format);
  if (!writer) throw new Error(`no writer for graph format "${flags.format}"`); // validated by the option parser
  const text = await writer.write(g);
  if (!(await emit(text, flags.output, io))) return ERROR;
  return result.errors.length > 0 ? ERROR : OK;
}

/** Add `graph` to the program; `setCode` receives its exit code. */
export function registerGraphCommand(program: Command, io: CliIO, setCode: (code: number) => void): void {
  const cmd = program
    .command('graph')
    .description('the dependency graph of one scenario (or stream): DOT, Mermaid, JSON or SVG, cycle edges highlighted')
    .argument('<path>', 'a scenario file (.yaml, .yml, .json) or a stream (.jsonl)')
    .addOption(
      new Option('--format <format>', formatHelp('graph'))
        .default(defaultFormat('graph'))
        .argParser(choice('format', formatNames('graph'))),
    )
    .option('--cycles', 'keep only the classes and dependencies that lie on a cycle')
    .option('-o, --output <file>', 'write the graph to a file instead of stdout');
  addReplayOptions(cmd).action(async (file: string, flags: GraphFlags) => {
    setCode(await runGraph(file, flags, io));
  });
}
