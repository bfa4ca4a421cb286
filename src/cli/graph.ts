/**
 * `fencedep graph PATH`: one scenario's (or stream's) dependency graph, `--format
 * dot|mermaid|json|svg`, `--cycles` to keep only what lies on a cycle, `-o FILE`.
 * Exit 0 when the graph was written, 2 for a usage or input error (the input errors are
 * printed as `file:line:column: error: …`; a stream with broken lines still gets its graph).
 */
import type { KernelRelease } from '../model/kernel-release.js';
import { stat } from 'node:fs/promises';
import type { Command } from 'commander';
import { inspectFile, type CheckOptions } from '../check/run.js';
import { buildGraph, cyclesOnly } from '../graph/index.js';
import { jsonText } from '../model/escape.js';
import type { FenceModel } from '../model/scenario.js';
import { outputFormat } from '../report/registry.js';
import { addOutputOption, addReplayOptions, type CliIO, EXIT_ERROR, EXIT_OK, fileErrorLine, formatOption, writeOutput } from './shared.js';

export interface GraphFlags {
  readonly format: string;
  readonly cycles?: boolean;
  readonly output?: string;
  readonly kernel?: KernelRelease;
  readonly fenceModel?: FenceModel;
  readonly lockdepOnly?: boolean;
}

export async function runGraph(file: string, flags: GraphFlags, io: CliIO): Promise<number> {
  try {
    if ((await stat(file)).isDirectory()) {
      io.stderr.write(`fencedep: ${jsonText(file)} is a directory: graph takes one scenario file (.yaml, .yml, .json or .jsonl)\n`);
      return EXIT_ERROR;
    }
  } catch {
    // Not readable: inspectFile says so with the file's name.
  }
  const opts: CheckOptions = { kernel: flags.kernel, fenceModel: flags.fenceModel, lockdepOnly: flags.lockdepOnly };
  const { result, graph } = await inspectFile(file, opts);
  for (const e of result.errors) io.stderr.write(fileErrorLine(e, file));
  if (graph === null) return EXIT_ERROR;
  let g = buildGraph({ file, scenario: result.scenario, graph, findings: result.findings });
  if (flags.cycles === true) g = cyclesOnly(g);
  const writer = outputFormat('graph', flags.format);
  if (!writer) throw new Error(`no writer for graph format "${flags.format}"`); // validated by the option parser
  const text = await writer.write(g);
  if (!(await writeOutput(text, flags.output, io, 'the graph'))) return EXIT_ERROR;
  return result.errors.length > 0 ? EXIT_ERROR : EXIT_OK;
}

/** Add `graph` to the program; `setCode` receives its exit code. */
export function registerGraphCommand(program: Command, io: CliIO, setCode: (code: number) => void): void {
  const cmd = program
    .command('graph')
    .description('the dependency graph of one scenario (or stream): DOT, Mermaid, JSON or SVG, cycle edges highlighted')
    .argument('<path>', 'a scenario file (.yaml, .yml, .json) or a stream (.jsonl)')
    .addOption(formatOption('graph'))
    .option('--cycles', 'keep only the classes and dependencies that lie on a cycle');
  addOutputOption(cmd, 'the graph');
  addReplayOptions(cmd).action(async (file: string, flags: GraphFlags) => {
    setCode(await runGraph(file, flags, io));
  });
}
