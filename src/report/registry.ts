/**
 * The output registry: every format of every command that writes a report — `check`, `diff`
 * and `graph` — registered once, with its writer and a one-line summary. The CLI's `--format`
 * choices, their help, their "did you mean", the config file's `format` and the README's
 * usage lines (a test compares them) all derive from this table; adding a format is one entry
 * here and one writer module.
 *
 * A writer only formats: it is a function of what the command computed (a check run, a diff, a
 * dependency graph) and the options; it never reads a file or replays a scenario.
 */
import { formatDiffJson, formatDiffMarkdown, formatDiffText } from '../diff/format.js';
import type { DiffResult } from '../diff/compute.js';
import { formatDot } from '../graph/dot.js';
import { formatGraphJson, renderSvg } from '../graph/render.js';
import { formatMermaid } from '../graph/mermaid.js';
import type { FenceGraph } from '../graph/model.js';
import { disarmCommands } from '../model/escape.js';
import type { RunResult } from '../model/finding.js';
import { formatGithub } from './github.js';
import { formatJson } from './json.js';
import { formatJunit } from './junit.js';
import { formatMarkdown } from './markdown.js';
import { formatSarif } from './sarif.js';
import { formatText } from './text.js';
import type { ReportOptions } from './types.js';

/** What `diff`'s writers receive besides the diff. */
export interface DiffOutputOptions {
  readonly color: boolean;
}

/** What each command's writers receive: the command's result and its options. */
export interface OutputInputs {
  readonly check: readonly [RunResult, ReportOptions];
  readonly diff: readonly [DiffResult, DiffOutputOptions];
  readonly graph: readonly [FenceGraph];
}

/** What they return: text, or for `graph` (SVG is drawn by a WebAssembly Graphviz) its promise. */
export interface OutputTexts {
  readonly check: string;
  readonly diff: string;
  readonly graph: string | Promise<string>;
}

export type OutputCommand = keyof OutputInputs;

export interface OutputFormat<C extends OutputCommand> {
  readonly name: string;
  /** What the format is for, one line (help text and docs). */
  readonly summary: string;
  readonly write: (...args: OutputInputs[C]) => OutputTexts[C];
}

type Registry = { readonly [C in OutputCommand]: readonly OutputFormat<C>[] };

/**
 * A writer whose output no GitHub runner reads as a workflow command (disarmCommands): every
 * format but `github`, whose own lines are the commands (and escape everything inside them).
 */
function disarmed<A extends readonly unknown[]>(write: (...args: A) => string): (...args: A) => string {
  return (...args) => disarmCommands(write(...args));
}

/** Every command's formats, its default first. */
export const OUTPUTS: Registry = Object.freeze({
  check: Object.freeze([
    { name: 'text', summary: "lockdep's report layout, one clickable file:line:column line per finding", write: disarmed(formatText) },
    { name: 'json', summary: 'the JSON report contract', write: disarmed(formatJson) },
    { name: 'sarif', summary: 'SARIF 2.1.0 for GitHub code scanning', write: disarmed(formatSarif) },
    { name: 'junit', summary: 'JUnit XML for CI dashboards', write: disarmed(formatJunit) },
    { name: 'github', summary: 'GitHub Actions workflow commands (pull request annotations)', write: formatGithub },
    { name: 'markdown', summary: 'a review comment or job summary, cycles drawn in Mermaid', write: disarmed(formatMarkdown) },
  ]),
  diff: Object.freeze([
    { name: 'text', summary: 'findings introduced, fixed, unchanged and dependencies added, removed, changed', write: disarmed(formatDiffText) },
    { name: 'json', summary: 'the same as JSON', write: disarmed((d: DiffResult) => formatDiffJson(d)) },
    { name: 'markdown', summary: 'a review comment', write: disarmed((d: DiffResult) => formatDiffMarkdown(d)) },
  ]),
  graph: Object.freeze([
    { name: 'dot', summary: 'Graphviz DOT', write: disarmed(formatDot) },
    { name: 'mermaid', summary: 'a Mermaid flowchart', write: disarmed(formatMermaid) },
    { name: 'json', summary: "graphology's serialization", write: disarmed(formatGraphJson) },
    { name: 'svg', summary: 'drawn in-process by Graphviz (WebAssembly)', write: async (g: FenceGraph) => disarmCommands(await renderSvg(formatDot(g))) },
  ]),
});

/** The format names of a command, in registry order (the default first). */
export function formatNames(command: OutputCommand): readonly string[] {
  return OUTPUTS[command].map((f) => f.name);
}

/** The default format of a command. */
export function defaultFormat(command: OutputCommand): string {
  return OUTPUTS[command][0]!.name;
}

/** A command's format by name, or undefined. */
export function outputFormat<C extends OutputCommand>(command: C, name: string): OutputFormat<C> | undefined {
  return (OUTPUTS[command] as readonly OutputFormat<C>[]).find((f) => f.name === name);
}

/** The help text of `--format` for a command: `output format: text, json, …`. */
export function formatHelp(command: OutputCommand): string {
  return `output format: ${formatNames(command).join(', ')}`;
}
