/**
 * `fencedep graph PATH`: one scenario's (or stream's) dependency graph, `--format
 * dot|mermaid|json|svg`, `--cycles` to keep only what lies on a cycle, `--hide-model` to
 * leave out the built-in models' own classes and dependencies, `--finding N|ID` to draw one
 * finding's chain, `-o FILE`. File names in labels are relative to the working directory.
 * Exit 0 when the graph was written, 2 for a usage or input error (the input errors are
 * printed as `file:line:column: error: …`; a stream with broken lines still gets its graph).
 */
import type { KernelRelease } from '../model/kernel-release.js';
import { statSync } from 'node:fs';
import type { Command } from 'commander';
import { inspectFile, type CheckOptions } from '../check/run.js';
import { jsonText, terminalText } from '../model/escape.js';
import type { Finding } from '../model/finding.js';
import { findingFingerprint } from '../model/fingerprint.js';
import { formatLoc } from '../model/location.js';
import type { FenceModel } from '../model/scenario.js';
import { outputFormat } from '../report/registry.js';
import { addOutputOption, addReplayOptions, type CliIO, EXIT_ERROR, EXIT_OK, fileErrorLine, formatOption, writeOutput } from './shared.js';

export interface GraphFlags {
  readonly format: string;
  readonly cycles?: boolean;
  readonly hideModel?: boolean;
  readonly finding?: string;
  readonly output?: string;
  readonly kernel?: KernelRelease;
  readonly fenceModel?: FenceModel;
  readonly lockdepOnly?: boolean;
}

export async function runGraph(file: string, flags: GraphFlags, io: CliIO): Promise<number> {
  try {
    if (statSync(file).isDirectory()) {
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
  let chosen: { index: number; finding: Finding; fingerprint: string } | undefined;
  if (flags.finding !== undefined) {
    const pick = chooseFinding(result.findings, flags.finding);
    if (typeof pick === 'string') {
      io.stderr.write(`fencedep: ${jsonText(file)}: ${pick}\n`);
      return EXIT_ERROR;
    }
    chosen = pick;
  }
  const findings = chosen ? [chosen.finding] : result.findings;
  // Imported here, not at the top: graphology is then evaluated only by a command that builds a
  // graph, never at the start of a check (the CLI's bundle turns this into a lazy require).
  const { buildGraph, cyclesOnly, findingOnly, modelHidden } = await import('../graph/model.js');
  let g = buildGraph({ file, scenario: result.scenario, graph, findings, cwd: process.cwd() });
  if (chosen) g = findingOnly(g, { index: chosen.index, rule: chosen.finding.rule, fingerprint: chosen.fingerprint });
  if (flags.cycles === true) g = cyclesOnly(g);
  if (flags.hideModel === true) g = modelHidden(g);
  const writer = outputFormat('graph', flags.format);
  if (!writer) throw new Error(`no writer for graph format "${flags.format}"`); // validated by the option parser
  const text = await writer.write(g);
  if (!writeOutput(text, flags.output, io, 'the graph')) return EXIT_ERROR;
  return result.errors.length > 0 ? EXIT_ERROR : EXIT_OK;
}

/** The shortest id prefix `--finding` takes. */
const MIN_PREFIX = 4;

/**
 * The finding `--finding` names: its number among the file's findings (1-based, the order of
 * the JSON report), or its fingerprint (the id of a group is its first finding's), or a
 * prefix of one of at least MIN_PREFIX characters that names a single finding. A finding
 * without a dependency chain has nothing to draw. A string: what is wrong.
 */
function chooseFinding(findings: readonly Finding[], id: string): { index: number; finding: Finding; fingerprint: string } | string {
  const all = findings.map((finding, i) => ({ index: i + 1, finding, fingerprint: findingFingerprint(finding) }));
  const list = (): string =>
    all.length === 0 ? 'it has no finding' : `its findings: ${all.map((x) => `${x.index} ${x.finding.rule} ${x.fingerprint}`).join('; ')}`;
  let hits: typeof all;
  if (/^\d+$/.test(id)) {
    const n = Number(id);
    hits = all.filter((x) => x.index === n);
    if (hits.length === 0) return `there is no finding ${n}; ${list()}`;
  } else {
    const want = id.toLowerCase();
    if (!/^[0-9a-f]+$/.test(want)) return `--finding ${terminalText(JSON.stringify(id))}: expected a finding's number (1, 2, ...) or its id (a fingerprint, hexadecimal); ${list()}`;
    if (want.length < MIN_PREFIX) return `--finding ${want}: an id prefix needs at least ${MIN_PREFIX} characters; ${list()}`;
    const ids = new Set(all.filter((x) => x.fingerprint.startsWith(want)).map((x) => x.fingerprint));
    if (ids.size === 0) return `no finding has the id ${want}; ${list()}`;
    if (ids.size > 1) return `the id prefix ${want} names several findings; ${list()}`;
    hits = all.filter((x) => ids.has(x.fingerprint));
  }
  const hit = hits[0]!;
  if (hit.finding.chain.length === 0) {
    return `finding ${hit.index} (${hit.finding.rule}, at ${terminalText(formatLoc(hit.finding.location))}) has no dependency chain to draw`;
  }
  return hit;
}

/** Add `graph` to the program; `setCode` receives its exit code. */
export function registerGraphCommand(program: Command, io: CliIO, setCode: (code: number) => void): void {
  const cmd = program
    .command('graph')
    .description('the dependency graph of one scenario (or stream): DOT, Mermaid, JSON or SVG, cycle edges highlighted')
    .argument('<path>', 'a scenario file (.yaml, .yml, .json) or a stream (.jsonl)')
    .addOption(formatOption('graph'))
    .option('--cycles', 'keep only the classes and dependencies that lie on a cycle')
    .option('--hide-model', "leave out the built-in models' own dependencies (their priming) and the classes only they touch; a finding's chain stays whole")
    .option('--finding <n|id>', "draw only this finding's dependency chain: its number in the file (1, 2, ... as the JSON report lists them) or its id (fingerprint or group id, or a prefix of 4+ characters)");
  addOutputOption(cmd, 'the graph');
  addReplayOptions(cmd).action(async (file: string, flags: GraphFlags) => {
    setCode(await runGraph(file, flags, io));
  });
}
