/**
 * `--format github`: GitHub Actions workflow commands, which the runner turns into pull
 * request annotations (docs/cli.md §6):
 *
 *   ::error file=fixtures/x.yaml,line=31,col=13,title=WARNING%3A possible circular locking dependency detected [circular-dependency]::possible circular …%0Apattern: …
 *
 * - `::error` for each unexpected error finding, unmet expectation and input error;
 *   `::warning` for each unexpected warning. Expected findings are not annotated.
 * - GitHub shows about 10 error and 10 warning annotations per step: at most `maxErrors`
 *   and `maxWarnings` (10 each) are written, then one `::notice::` says how many more there
 *   are and where to read them (the SARIF upload, or the markdown summary).
 * - Escaping as the runner's toolkit does it (`%` and line breaks in the message, also `:` and
 *   `,` in property values), after the terminal escaper (escape.ts): a CR or any other control
 *   from input is visible text, never a line of its own the runner would read as a command.
 * - File names relative to the working directory, forward slashes; a finding whose step is in
 *   the built-in kernel model is annotated at the checked file's step that led there (the
 *   model's line is named in the message).
 * The log ends with the run's summary line, as the text format prints it.
 */
import { closestText, type FileResult, type Finding, type InputErrorInfo, type RunResult, type UnmetExpectation } from '../model/finding.js';
import { painter } from './color.js';
import { commandData, commandProperty } from './escape.js';
import { isFailing, isUnexpectedWarning, mapFiles, plural, userLocation } from './findings.js';
import { formatLoc } from '../model/location.js';
import { relativeFile } from './paths.js';
import { summaryLine } from './text.js';
import type { ReportOptions } from './types.js';

export interface GithubLimits {
  readonly maxErrors: number;
  readonly maxWarnings: number;
}

/** What GitHub annotates per step (community discussions #26680, #68471). */
export const GITHUB_LIMITS: GithubLimits = { maxErrors: 10, maxWarnings: 10 };

export interface Annotation {
  readonly level: 'error' | 'warning';
  readonly file: string;
  readonly line?: number;
  readonly col?: number;
  readonly title: string;
  readonly message: string;
}

/** `::level file=…,line=…,col=…,title=…::message` */
export function workflowCommand(a: Annotation): string {
  const props: string[] = [`file=${commandProperty(a.file)}`];
  if (a.line !== undefined && a.line >= 1) {
    props.push(`line=${a.line}`);
    if (a.col !== undefined && a.col >= 1) props.push(`col=${a.col}`);
  }
  props.push(`title=${commandProperty(a.title)}`);
  return `::${a.level} ${props.join(',')}::${commandData(a.message)}`;
}

function findingAnnotation(f: Finding): Annotation {
  const lines = [f.message];
  if (f.pattern !== undefined) lines.push(`pattern: ${f.pattern} (fencedep explain ${f.pattern})`);
  if (f.remedy !== undefined) lines.push(`remedy: ${f.remedy}`);
  if (f.path !== '') lines.push(`path: "${f.path}"`);
  const at = userLocation(f);
  if (at !== f.location) lines.push(`in the kernel model at ${formatLoc(f.location)}`);
  return {
    level: f.severity === 'error' ? 'error' : 'warning',
    // Revision 1.1: the step's `at:` in the C code, where it has one.
    file: at.at?.file ?? at.file,
    line: at.at?.line ?? at.line,
    col: at.at ? at.at.column : at.column,
    title: `${f.heading} [${f.rule}]`,
    message: lines.join('\n'),
  };
}

function unmetAnnotation(u: UnmetExpectation): Annotation {
  const involves = u.involves.length > 0 ? ` involving ${u.involves.join(', ')}` : '';
  const on = u.path !== null ? ` on path "${u.path}"` : '';
  return {
    level: 'error',
    file: u.location.file,
    line: u.location.line,
    col: u.location.column,
    title: `expectation unmet [${u.rule}]`,
    message: `the scenario expects a ${u.rule} finding${involves}${on}, but none was reported${closestText(u)}`,
  };
}

function errorAnnotation(e: InputErrorInfo, r: FileResult): Annotation {
  return { level: 'error', file: e.file ?? r.file, line: e.line, col: e.column, title: 'fencedep: input error', message: e.message };
}

/** Every annotation of the run, in file order (findings, unmet expectations, input errors). */
export function annotations(run: RunResult): Annotation[] {
  const out: Annotation[] = [];
  for (const r of run.results) {
    for (const f of r.findings) if (isFailing(f) || isUnexpectedWarning(f)) out.push(findingAnnotation(f));
    for (const u of r.unmet) out.push(unmetAnnotation(u));
    for (const e of r.errors) out.push(errorAnnotation(e, r));
  }
  return out;
}

/** The workflow commands, capped per level, then a notice for the rest. */
export function githubCommands(run: RunResult, cwd: string, limits: GithubLimits = GITHUB_LIMITS): string[] {
  const all = annotations(mapFiles(run, (f) => relativeFile(f, cwd)));
  const lines: string[] = [];
  let errors = 0;
  let warnings = 0;
  let moreErrors = 0;
  let moreWarnings = 0;
  for (const a of all) {
    if (a.level === 'error') {
      if (errors < limits.maxErrors) {
        errors++;
        lines.push(workflowCommand(a));
      } else moreErrors++;
    } else if (warnings < limits.maxWarnings) {
      warnings++;
      lines.push(workflowCommand(a));
    } else moreWarnings++;
  }
  if (moreErrors + moreWarnings > 0) {
    const more = [moreErrors > 0 ? plural(moreErrors, 'more error') : '', moreWarnings > 0 ? plural(moreWarnings, 'more warning') : '']
      .filter((s) => s !== '')
      .join(' and ');
    lines.push(
      `::notice title=${commandProperty('fencedep: annotations capped')}::` +
        commandData(
          `${more} not annotated (GitHub shows about ${limits.maxErrors} errors and ${limits.maxWarnings} warnings per step); ` +
            'read them all in the code scanning alerts (--format sarif) or the job summary (--format markdown)',
        ),
    );
  }
  return lines;
}

/** `--quiet` changes nothing: only what fails (and unexpected warnings) is annotated anyway. */
export function formatGithub(run: RunResult, opts: ReportOptions): string {
  const lines = githubCommands(run, opts.cwd ?? process.cwd());
  lines.push(summaryLine(run.summary, painter(false)));
  return `${lines.join('\n')}\n`;
}
