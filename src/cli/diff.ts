/**
 * `fencedep diff BEFORE AFTER`: findings introduced, fixed and unchanged, and the dependencies
 * the change adds, removes or changes. Exit 1 when the change introduces a finding that would
 * fail `check` (an error AFTER does not expect) — the pre-review gate; 2 for a usage or input
 * error; 0 otherwise.
 */
import type { KernelRelease } from '../model/kernel-release.js';
import { statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { expandInputs, inspectFile, type CheckOptions } from '../check/run.js';
import { compareSides, gateFails, summarizeDiff, type CompareOptions, type DiffResult, type FileDiff, type Side } from '../diff/index.js';
import { byteOrder } from '../model/order.js';
import { jsonText, terminalText } from '../model/escape.js';
import type { FenceModel } from '../model/scenario.js';
import { outputFormat } from '../report/registry.js';
import {
  addColorOption, addOutputOption, addReplayOptions, type CliIO, EXIT_ERROR, EXIT_FAILED, EXIT_OK, formatOption, reportColor, writeOutput,
} from './shared.js';

/** A usage problem with the two inputs themselves (exit 2, nothing compared). */
export class DiffUsageError extends Error {}

/** One side: the file's check result and its graph. */
async function inspect(file: string, opts: CheckOptions): Promise<Side> {
  const { result, graph } = await inspectFile(file, opts);
  return { scenario: result.scenario, findings: result.findings, graph, errors: result.errors };
}


/** What an errno of stat() means for an input, in words (never the raw error string). */
const STAT_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'a loop of symbolic links (too many levels of symbolic links to resolve)',
  ENOTDIR: 'a component of the path is not a directory',
  ENAMETOOLONG: 'the file name is too long',
};

function kindOf(p: string, which: string): 'file' | 'dir' {
  try {
    return statSync(p).isDirectory() ? 'dir' : 'file';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | null)?.code ?? '';
    const why = STAT_ERRORS[code] ?? `it cannot be read${code !== '' ? ` (${code})` : ''}`;
    throw new DiffUsageError(`cannot read ${which} ${jsonText(p)}: ${why}; expected a scenario file or a directory`);
  }
}

/** The scenario files under `dir` by path relative to it (an empty directory has none). */
async function filesUnder(dir: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const input of expandInputs([dir])) {
    if ('error' in input) {
      if (input.error.startsWith('no scenario files')) continue;
      throw new DiffUsageError(`cannot read ${jsonText(input.file)}: ${terminalText(input.error)}`);
    }
    out.set(path.relative(dir, input.file).split(path.sep).join('/'), input.file);
  }
  return out;
}

/** `fencedep diff BEFORE AFTER`: two files, or two directories paired by relative path. */
export async function diffInputs(before: string, after: string, opts: CheckOptions = {}, compare: CompareOptions = {}): Promise<DiffResult> {
  const kb = kindOf(before, 'BEFORE');
  const ka = kindOf(after, 'AFTER');
  if (kb !== ka) {
    throw new DiffUsageError(
      `BEFORE and AFTER must both be scenario files or both directories (${jsonText(before)} is a ${kb === 'dir' ? 'directory' : 'file'}, ${jsonText(after)} a ${ka === 'dir' ? 'directory' : 'file'})`,
    );
  }
  if (kb === 'file') {
    const [b, a] = [await inspect(before, opts), await inspect(after, opts)];
    return summarizeDiff(before, after, [compareSides(after, before, b, after, a, compare)]);
  }
  const [bf, af] = [await filesUnder(before), await filesUnder(after)];
  const names = [...new Set([...bf.keys(), ...af.keys()])].sort(byteOrder);
  const files: FileDiff[] = [];
  for (const name of names) {
    const bp = bf.get(name) ?? null;
    const ap = af.get(name) ?? null;
    const b = bp !== null ? await inspect(bp, opts) : null;
    const a = ap !== null ? await inspect(ap, opts) : null;
    files.push(compareSides(name, bp, b, ap, a, compare));
  }
  return summarizeDiff(before, after, files);
}

export interface DiffFlags {
  readonly format: string;
  readonly output?: string;
  readonly kernel?: KernelRelease;
  readonly fenceModel?: FenceModel;
  readonly lockdepOnly?: boolean;
  readonly allDependencies?: boolean;
  readonly color: boolean;
}

export async function runDiff(before: string, after: string, flags: DiffFlags, io: CliIO): Promise<number> {
  const opts: CheckOptions = { kernel: flags.kernel, fenceModel: flags.fenceModel, lockdepOnly: flags.lockdepOnly };
  let diff;
  try {
    diff = await diffInputs(before, after, opts, { allDependencies: flags.allDependencies === true });
  } catch (err) {
    if (err instanceof DiffUsageError) {
      io.stderr.write(`fencedep: ${err.message}\n`); // its input strings are escaped where it is made
      return EXIT_ERROR;
    }
    throw err;
  }
  const color = reportColor(flags, io);
  const writer = outputFormat('diff', flags.format);
  if (!writer) throw new Error(`no writer for diff format "${flags.format}"`); // validated by the option parser
  if (!writeOutput(writer.write(diff, { color }), flags.output, io)) return EXIT_ERROR;
  if (diff.summary.errors > 0) return EXIT_ERROR;
  return gateFails(diff.summary) ? EXIT_FAILED : EXIT_OK;
}

/** Add `diff` to the program; `setCode` receives its exit code. */
export function registerDiffCommand(program: Command, io: CliIO, setCode: (code: number) => void): void {
  const cmd = program
    .command('diff')
    .description('compare two scenarios (or directories, paired by relative path): findings introduced, fixed, unchanged; dependencies added and removed')
    .argument('<before>', 'the scenario file or directory before the change')
    .argument('<after>', 'the scenario file or directory after the change')
    .addOption(formatOption('diff'))
    .option('--all-dependencies', "list the built-in models' own dependency changes too (by default only those the scenario records are listed, the others counted)");
  addOutputOption(cmd, 'the report');
  addReplayOptions(cmd);
  addColorOption(cmd).action(async (before: string, after: string, flags: DiffFlags) => {
    setCode(await runDiff(before, after, flags, io));
  });
}
