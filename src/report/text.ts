/**
 * `--format text` (the default): each finding as a clickable ESLint-style header line, followed
 * for an unexpected finding by the lockdep report it corresponds to
 * (docs/kernel-semantics.md §1.14), rendered from the finding's report blocks; then a status
 * line for each file with something unexpected (a file whose findings are all expected says
 * nothing more) and a summary line: a run where everything passes is one line per expected
 * finding and the summary. `verbose` prints every finding's report and every file's line;
 * `quiet` only what fails. The other findings one step triggered (a group,
 * src/analyze/groups.ts) are `also:` header lines under the first, without a report of their
 * own; a group is shown in full when any of its findings is unexpected.
 *
 *   fixtures/abba.yaml:12:9: error: possible circular locking dependency: B -> A -> B [circular-dependency]
 *
 *   ======================================================
 *   WARNING: possible circular locking dependency detected
 *   ------------------------------------------------------
 *   …
 *   FAIL fixtures/abba.yaml: 1 finding, 1 unexpected
 *
 *   ✖ 1 file: 0 passed, 1 failed, 0 errors; 1 finding
 *
 * Lockdep's instance pointers become instance names, its stack traces the scenario steps
 * (`file:line:col  step`, outermost first), `<comm>/<pid>` the path name. Every string that
 * came from input goes through the terminal escaper (escape.ts).
 */
import type { ChalkInstance } from 'chalk';
import {
  closestText,
  type FileResult,
  type Finding,
  type InputErrorInfo,
  type LockLine,
  type ReportBlock,
  type RunResult,
  type RunSummary,
  type TraceStep,
  type UnmetExpectation,
} from '../model/finding.js';
import { formatCodeLoc, formatLoc } from '../model/location.js';
import { painter } from './color.js';
import { terminalText as t } from './escape.js';
import { isFailing, userLocation } from './findings.js';
import type { ReportOptions } from './types.js';

/** Where lockdep's second CPU column starts (`"                               lock("`). */
const CPU_COLUMN = 31;
/** Indent of the CPU headers and of stack lines (`"       CPU0"`, `"       __might_fault+0x…"`). */
const INDENT = '       ';

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

const braced = (s: string): string => (s.startsWith('{') ? s : `{${s}}`);

/**
 * A trace step: its place in the scenario, or its `at:` C location with the scenario position
 * after the step; `[model rule]` when a model's documented rule, not the kernel, puts it there.
 */
const stepText = (s: TraceStep, sep: string): string =>
  (s.at ? `${t(formatCodeLoc(s.at))}${sep}${t(s.step)}${sep}(${t(s.file)}:${s.line}:${s.column})` : `${t(s.file)}:${s.line}:${s.column}${sep}${t(s.step)}`) +
  (s.modelRule !== undefined ? `${sep}[model rule]` : '');

/** `(lockdep){usage}-{wait}`: a lock class as lockdep names it. */
function classText(l: LockLine): string {
  return `(${t(l.lockdep)})${braced(l.usage)}-${braced(l.wait)}`;
}

/** print_lock(): the instance (lockdep's pointer) when the scenario named one, the class, where it was taken. */
export function lockText(l: LockLine): string {
  const who = l.instance !== null ? `${t(l.name)}[${t(l.instance)}] ` : '';
  const at = l.at ? `, at: ${stepText(l.at, ' ')}` : '';
  return `${who}${classText(l)}${at}`;
}

function stackLines(pathName: string, stack: readonly TraceStep[]): string[] {
  const out: string[] = [];
  if (pathName !== '') out.push(`${INDENT}path "${t(pathName)}"`);
  for (const s of stack) out.push(`${INDENT}${stepText(s, '  ')}`);
  return out;
}

/** A row of the "Possible unsafe locking scenario" table, column k starting where lockdep puts it. */
function scenarioRow(cells: readonly string[], start: (k: number) => number): string {
  let line = '';
  cells.forEach((cell, k) => {
    if (cell === '') return;
    const at = start(k);
    if (line.length > 0 && line.length >= at) line += ' ';
    else line = line.padEnd(at);
    line += cell;
  });
  return line.trimEnd();
}

export function renderBlock(block: ReportBlock): string[] {
  switch (block.kind) {
    case 'text':
      return [t(block.text)];
    case 'lock':
      return [`  ${lockText(block.lock)}`];
    case 'chain': {
      const out: string[] = [];
      block.entries.forEach((e, i) => {
        if (i > 0) out.push('');
        out.push(`-> #${e.index} ${classText(e.lock)}:`);
        for (const l of stackLines(e.path, e.stack)) out.push(l);
      });
      return out;
    }
    case 'scenario': {
      const header = (k: number) => INDENT.length + (CPU_COLUMN - INDENT.length) * k;
      const cell = (k: number) => (k === 0 ? 0 : header(k));
      const columns = block.columns.map(t);
      const out = [t(block.title), ''];
      out.push(scenarioRow(columns, header));
      out.push(scenarioRow(columns.map((c) => '-'.repeat(c.length)), header));
      for (const row of block.rows) out.push(scenarioRow(row.map((c, k) => (k === 0 && c !== '' ? `  ${t(c)}` : t(c))), cell));
      return out;
    }
    case 'held': {
      if (block.locks.length === 0) return [`no locks held by ${t(block.owner)}.`];
      return [
        `${plural(block.locks.length, 'lock')} held by ${t(block.owner)}:`,
        ...block.locks.map((l, i) => ` #${i}: ${lockText(l)}`),
      ];
    }
    case 'trace':
      return [t(block.title), ...stackLines(block.path, block.stack)];
  }
}

function severityWord(f: Finding, c: ChalkInstance): string {
  return f.severity === 'error' ? c.red('error') : c.yellow('warning');
}

/**
 * `file:line:col: error: message [rule]`, and ` (expected)` when the file expects it. The place
 * is in the user's files: a finding triggered inside a built-in model is shown at the scenario
 * step that led there (the model's step is in the report below).
 */
export function findingHeader(f: Finding, c: ChalkInstance): string {
  const expected = f.expected ? ` ${c.green('(expected)')}` : '';
  return `${c.dim(t(formatLoc(userLocation(f))))}: ${severityWord(f, c)}: ${t(f.message)} ${c.dim(`[${f.rule}]`)}${expected}`;
}

/** Another finding of a group, under its first. */
const alsoLine = (g: Finding, c: ChalkInstance): string => `  also: ${findingHeader(g, c)}`;

/**
 * The header line (and the pattern, if any), an `also:` header per other finding of its group
 * (`also`: the findings the same step triggered), then the lockdep banner and report.
 */
export function renderFinding(f: Finding, c: ChalkInstance, also: readonly Finding[] = []): string[] {
  const out = [findingHeader(f, c)];
  if (f.pattern !== undefined) out.push(`  pattern: ${f.pattern} (fencedep explain ${f.pattern})`);
  if (f.remedy !== undefined) out.push(`  remedy: ${t(f.remedy)}`);
  // What lockdep alone would not say: a section a model adds from a documented rule.
  for (const r of f.modelRules ?? []) out.push(`  model rule, not a kernel annotation (--lockdep-only for lockdep's view): ${t(r)}`);
  for (const g of also) {
    out.push(alsoLine(g, c));
    // Its diagnosis, when the first finding's is not the same: often the one that explains the bug.
    if (g.pattern !== undefined && g.pattern !== f.pattern) {
      out.push(`    pattern: ${g.pattern} (fencedep explain ${g.pattern})`);
      if (g.remedy !== undefined) out.push(`    remedy: ${t(g.remedy)}`);
    }
  }
  out.push('', '='.repeat(f.heading.length), f.heading);
  // Where the kernel prints its release: the release the scenario names, and the lockdep
  // profile whose rules applied when they differ.
  if (f.kernel !== undefined) out.push(f.release === undefined || f.release === f.kernel ? `${f.kernel} kernel profile (fencedep)` : `${f.release} kernel, ${f.kernel} lockdep profile (fencedep)`);
  out.push('-'.repeat(f.heading.length));
  // One line at a time: a block of a 100,000-class cycle is too many arguments for push(...).
  for (const block of f.report) for (const l of renderBlock(block)) out.push(l);
  return out;
}

/** `file:line:column: error: message` (`error: message` when there is no file). */
export function errorLine(e: InputErrorInfo, file: string, c: ChalkInstance): string {
  let where = t(e.file ?? file);
  if (e.line !== undefined) where += `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
  return `${where !== '' ? `${c.dim(where)}: ` : ''}${c.red('error')}: ${t(e.message)}`;
}

function unmetLine(u: UnmetExpectation, c: ChalkInstance): string {
  const involves = u.involves.length > 0 ? ` involving ${u.involves.map(t).join(', ')}` : '';
  const on = u.path !== null ? ` on path "${t(u.path)}"` : '';
  return `  ${c.dim(t(formatLoc(u.location)))}: ${c.red('expectation unmet')}: ${u.rule}${involves}${on}${t(closestText(u))}`;
}

function fileLine(r: FileResult, c: ChalkInstance): string {
  const scenario = r.scenario !== '' ? ` (${t(r.scenario)})` : '';
  const file = t(r.file);
  if (r.status === 'pass') {
    const n = r.findings.length;
    const extra = n > 0 ? `: ${plural(n, 'finding')}, all expected or warnings` : '';
    return `${c.green('PASS')} ${file}${scenario}${extra}`;
  }
  if (r.status === 'error') return `${c.red('ERROR')} ${file}${scenario}: ${plural(r.errors.length, 'input error')}`;
  if (r.status === 'library') return `${c.dim('LIBRARY')} ${file}${scenario}: only included by other files, not checked alone`;
  const unexpected = r.findings.filter(isFailing).length;
  const parts = [plural(r.findings.length, 'finding'), `${unexpected} unexpected`];
  if (r.unmet.length > 0) parts.push(plural(r.unmet.length, 'expectation unmet', 'expectations unmet'));
  return `${c.red('FAIL')} ${file}${scenario}: ${parts.join(', ')}`;
}

export function summaryLine(s: RunSummary, c: ChalkInstance): string {
  const ok = s.failed === 0 && s.errors === 0;
  const text =
    `${plural(s.files, 'file')}: ${s.passed} passed, ${s.failed} failed, ${plural(s.errors, 'error')}${s.libraries ? `, ${plural(s.libraries, 'library', 'libraries')}` : ''}; ` +
    plural(s.findings, 'finding');
  return ok ? c.green(`✔ ${text}`) : c.red(`✖ ${text}`);
}

/** Whether a group (a finding and the others its step triggered) is shown with its report, or as header lines. */
function inFull(group: readonly Finding[], opts: ReportOptions): boolean {
  return opts.quiet || opts.verbose === true || group.some((f) => !f.expected);
}

/**
 * Whether the file's status line is printed: a failing or erroneous file's always; a passing
 * file's (or a library's, not checked alone) only if something in it was unexpected, or verbose.
 */
function showsFile(r: FileResult, opts: ReportOptions): boolean {
  return r.status === 'fail' || r.status === 'error' || opts.verbose === true || r.findings.some((f) => !f.expected);
}

export function formatText(run: RunResult, opts: ReportOptions): string {
  const c = painter(opts.color);
  const lines: string[] = [];
  const gap = (): void => {
    if (lines.length > 0 && lines[lines.length - 1] !== '') lines.push('');
  };
  // Whether the last file printed its status line: a header line after it starts a new paragraph.
  let afterFileLine = false;
  for (const r of run.results) {
    if (opts.quiet && r.status !== 'fail' && r.status !== 'error') continue;
    const shown = opts.quiet ? r.findings.filter(isFailing) : r.findings;
    // The other findings of a group are `also:` lines under its first.
    const led = new Set<string>();
    for (const f of shown) {
      if (f.group !== undefined && led.has(f.group)) continue;
      const also = f.group === undefined ? [] : shown.filter((g) => g !== f && g.group === f.group);
      if (f.group !== undefined) led.add(f.group);
      if (inFull([f, ...also], opts)) {
        gap();
        for (const l of renderFinding(f, c, also)) lines.push(l);
        lines.push('');
        continue;
      }
      if (afterFileLine) gap();
      afterFileLine = false;
      lines.push(findingHeader(f, c));
      for (const g of also) lines.push(alsoLine(g, c));
    }
    for (const e of r.errors) lines.push(errorLine(e, r.file, c));
    afterFileLine = showsFile(r, opts);
    if (afterFileLine) lines.push(fileLine(r, c));
    for (const u of r.unmet) lines.push(unmetLine(u, c));
  }
  gap();
  lines.push(summaryLine(run.summary, c));
  return `${lines.join('\n')}\n`;
}
