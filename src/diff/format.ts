/**
 * The three views of a diff — text (coloured like the check report), JSON, Markdown (a review
 * comment). Pure functions of the DiffResult.
 */
import type { ChalkInstance } from 'chalk';
import type { Finding, InputErrorInfo } from '../model/finding.js';
import { formatLoc, type SourceLoc } from '../model/location.js';
import { painter } from '../report/color.js';
import { errorLine, findingHeader } from '../report/text.js';
import { jsonText, mdCode, mdText, terminalText } from '../report/escape.js';
import { findingJson } from '../report/json.js';
import { TOOL } from '../report/tool.js';
import type { ChangedDependency, DiffDependency, DiffFinding, DiffResult, DiffSummary, FileDiff } from './compute.js';

export const DIFF_JSON_VERSION = 1;

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/**
 * `1 finding introduced, 0 fixed, 0 unchanged; 1 dependency added, 0 removed, 0 changed`, and
 * how many of the models' own dependency changes were left out, if any.
 */
function counts(s: DiffSummary): string {
  const hidden = s.hidden > 0 ? `, ${hiddenText(s.hidden)}` : '';
  return (
    `${plural(s.introduced, 'finding')} introduced, ${s.fixed} fixed, ${s.unchanged} unchanged; ` +
    `${plural(s.added, 'dependency', 'dependencies')} added, ${s.removed} removed, ${s.changed} changed${hidden}`
  );
}

function filesCount(s: DiffSummary): string {
  const extra: string[] = [];
  if (s.addedFiles > 0) extra.push(`${s.addedFiles} added`);
  if (s.removedFiles > 0) extra.push(`${s.removedFiles} removed`);
  if (s.errors > 0) extra.push(plural(s.errors, 'error'));
  return `${plural(s.files, 'file')} compared${extra.length > 0 ? `: ${extra.join(', ')}` : ''}`;
}

/** `3 changes of the models' own dependencies not listed` */
const hiddenText = (n: number): string =>
  `${plural(n, "change of the models' own dependencies", "changes of the models' own dependencies")} not listed`;

/** Whether the change fails the pre-review gate (exit 1). */
export const gateFails = (s: DiffSummary): boolean => s.failing > 0;

const t = terminalText;

const where = (loc: SourceLoc | null, step: string | null): string =>
  loc === null ? '' : `${t(formatLoc(loc))}${step !== null ? ` ${t(step)}` : ''}`;

/** `a → b` */
const arrow = (d: Pick<DiffDependency, 'from' | 'to'>): string => `${t(d.from)} → ${t(d.to)}`;

// ---------------------------------------------------------------- text

function depText(d: DiffDependency): string {
  const kinds = d.kinds.length > 0 ? ` [${t(d.kinds.join(' '))}]` : '';
  const at = where(d.location, d.step);
  return `${arrow(d)}${kinds}: path "${t(d.path)}"${at !== '' ? `, ${at}` : ''}`;
}

function changedText(d: ChangedDependency): string {
  return `${arrow(d.after)} [${t(d.before.kinds.join(' '))} → ${t(d.after.kinds.join(' '))}]: path "${t(d.after.path)}"${d.after.location ? `, ${where(d.after.location, d.after.step)}` : ''}`;
}

function fileHeader(d: FileDiff, pair: boolean, c: ChalkInstance): string {
  const scenario = d.scenario !== '' ? ` (${t(d.scenario)})` : '';
  const file = t(d.file);
  if (pair) return c.bold(`${t(d.before ?? '')} → ${t(d.after ?? '')}${scenario}`);
  switch (d.status) {
    case 'added':
      return `${c.bold(`added ${file}${scenario}`)}: ${plural(d.introduced.length, 'finding')}, ${plural(d.dependencies, 'dependency', 'dependencies')}`;
    case 'removed':
      return `${c.bold(`removed ${file}${scenario}`)}: ${plural(d.fixed.length, 'finding')} gone, ${plural(d.dependencies, 'dependency', 'dependencies')}`;
    case 'error':
      return c.bold(c.red(`error ${file}${scenario}`));
    default:
      return c.bold(`${d.status} ${file}${scenario}`);
  }
}

/** Two files: always shown; directories: only the files that changed (the summary counts the rest). */
function shown(d: FileDiff, pair: boolean): boolean {
  return pair || d.status !== 'unchanged';
}

/** Whether the diff is of two files (not directories). */
const isPair = (diff: DiffResult): boolean =>
  diff.files.length === 1 && diff.files[0]!.before === diff.before && diff.files[0]!.after === diff.after;

function findingBlock(label: string, x: DiffFinding, paint: (s: string) => string, c: ChalkInstance): string[] {
  const out = [`  ${paint(label)} ${findingHeader(x.finding, c)}`];
  if (x.finding.pattern !== undefined) out.push(`      pattern: ${x.finding.pattern} (fencedep explain ${x.finding.pattern})`);
  return out;
}

export function formatDiffText(diff: DiffResult, opts: { readonly color: boolean }): string {
  const c = painter(opts.color);
  const pair = isPair(diff);
  const lines: string[] = [];
  for (const d of diff.files) {
    if (!shown(d, pair)) continue;
    lines.push(fileHeader(d, pair, c));
    for (const e of d.errors) lines.push(`  ${errorLine(e, '', c)}`);
    // One line at a time (push(...) of a huge block overflows the stack).
    for (const x of d.introduced) for (const l of findingBlock('introduced', x, c.red, c)) lines.push(l);
    for (const x of d.fixed) for (const l of findingBlock('fixed     ', x, c.green, c)) lines.push(l);
    for (const x of d.unchanged) for (const l of findingBlock('unchanged ', x, c.dim, c)) lines.push(c.dim(l));
    for (const dep of d.added) lines.push(`  ${c.yellow('adds')}      ${depText(dep)}`);
    for (const dep of d.removed) lines.push(`  ${c.green('removes')}   ${depText(dep)}`);
    for (const ch of d.changed) lines.push(`  ${c.yellow('changes')}   ${changedText(ch)}`);
    if (d.hidden > 0) lines.push(`  ${c.dim(`${hiddenText(d.hidden)} (--all-dependencies lists them)`)}`);
    else if (d.status === 'unchanged' && pair && d.unchanged.length === 0) lines.push(`  ${c.dim('no change')}`);
    lines.push('');
  }
  const s = diff.summary;
  const text = `${counts(s)} (${filesCount(s)})`;
  if (s.errors > 0) lines.push(c.red(`✖ ${text}`));
  else if (gateFails(s)) lines.push(c.red(`✖ ${text}`));
  else lines.push(c.green(`✔ ${text}`));
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------- JSON

const loc = (l: SourceLoc | null) => (l === null ? null : { file: l.file, line: l.line, column: l.column });

function depJson(d: DiffDependency) {
  return {
    from: d.from,
    to: d.to,
    fromName: d.fromName,
    toName: d.toName,
    kinds: [...d.kinds],
    path: d.path,
    location: loc(d.location),
    step: d.step,
    own: d.own,
  };
}

const diffFindingJson = (x: DiffFinding) => ({ fingerprint: x.fingerprint, ...findingJson(x.finding) });

function errorJson(e: InputErrorInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { message: e.message };
  if (e.file !== undefined) out.file = e.file;
  if (e.line !== undefined) out.line = e.line;
  if (e.column !== undefined) out.column = e.column;
  return out;
}

/** The diff as a plain object (key order fixed). */
export function diffJson(diff: DiffResult) {
  return {
    version: DIFF_JSON_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    before: diff.before,
    after: diff.after,
    files: diff.files.map((d) => ({
      file: d.file,
      before: d.before,
      after: d.after,
      scenario: d.scenario,
      status: d.status,
      findings: {
        introduced: d.introduced.map(diffFindingJson),
        fixed: d.fixed.map(diffFindingJson),
        unchanged: d.unchanged.map(diffFindingJson),
      },
      dependencies: {
        added: d.added.map(depJson),
        removed: d.removed.map(depJson),
        changed: d.changed.map((ch) => ({ before: depJson(ch.before), after: depJson(ch.after) })),
        ...(d.status === 'added' || d.status === 'removed' ? { count: d.dependencies } : {}),
        hidden: d.hidden,
      },
      errors: d.errors.map(errorJson),
    })),
    summary: { ...diff.summary },
  };
}

export function formatDiffJson(diff: DiffResult): string {
  return `${jsonText(diffJson(diff), 2)}\n`;
}

// ---------------------------------------------------------------- Markdown

function mdFindingRow(label: string, x: DiffFinding): string {
  const f = x.finding;
  const rule = `${mdCode(f.rule, true)}${f.pattern !== undefined ? ` (${mdCode(f.pattern, true)})` : ''}`;
  const expected = f.expected ? ' (expected)' : '';
  return `| ${label} | ${mdText(f.message)}${expected} | ${rule} | ${mdCode(formatLoc(f.location), true)} |`;
}

function mdDepRow(label: string, d: DiffDependency, kinds = d.kinds.join(' ')): string {
  const at = d.location !== null ? `${mdCode(formatLoc(d.location), true)}${d.step !== null ? ` ${mdCode(d.step, true)}` : ''}` : '';
  return `| ${label} | ${mdCode(d.from, true)} → ${mdCode(d.to, true)} | ${mdText(kinds)} | ${mdText(d.path)} | ${at} |`;
}

export function formatDiffMarkdown(diff: DiffResult): string {
  const s = diff.summary;
  const out: string[] = ['## fencedep diff', ''];
  // An introduced finding that does not fail the gate (expected, or a warning) is still new.
  const verdict =
    s.errors > 0 ? '✖ input errors' : gateFails(s) ? '✖ this change introduces findings' : s.introduced > 0 ? '✔ no new failing findings' : '✔ no new findings';
  out.push(`**${verdict}**: ${mdText(counts(s))} (${mdText(filesCount(s))}).`, '');
  out.push(`${mdCode(diff.before)} → ${mdCode(diff.after)}`, '');
  const pair = isPair(diff);
  for (const d of diff.files) {
    if (!shown(d, pair)) continue;
    const scenario = d.scenario !== '' ? ` (${mdText(d.scenario)})` : '';
    const status = d.status === 'changed' || d.status === 'unchanged' ? '' : ` — ${d.status}`;
    out.push(`### ${mdCode(d.file)}${scenario}${status}`, '');
    for (const e of d.errors) {
      const at = e.file !== undefined ? `${mdCode(`${e.file}${e.line !== undefined ? `:${e.line}` : ''}${e.column !== undefined ? `:${e.column}` : ''}`)}: ` : '';
      out.push(`- ${at}error: ${mdText(e.message)}`);
    }
    if (d.errors.length > 0) out.push('');
    const findings = [
      ...d.introduced.map((x) => mdFindingRow('**introduced**', x)),
      ...d.fixed.map((x) => mdFindingRow('fixed', x)),
      ...d.unchanged.map((x) => mdFindingRow('unchanged', x)),
    ];
    if (findings.length > 0) out.push('| | finding | rule | at |', '|---|---|---|---|', ...findings, '');
    const deps = [
      ...d.added.map((x) => mdDepRow('added', x)),
      ...d.removed.map((x) => mdDepRow('removed', x)),
      ...d.changed.map((x) => mdDepRow('changed', x.after, `${x.before.kinds.join(' ')} → ${x.after.kinds.join(' ')}`)),
    ];
    if (deps.length > 0) out.push('| | dependency | kinds | path | recorded at |', '|---|---|---|---|---|', ...deps, '');
    if (d.hidden > 0) out.push(`${mdText(`${hiddenText(d.hidden)} (--all-dependencies lists them).`)}`, '');
    else if (d.status === 'unchanged' && d.unchanged.length === 0) out.push('No change.', '');
    if (d.status === 'added' || d.status === 'removed') {
      out.push(`${mdText(`${d.status === 'added' ? 'New' : 'Removed'} scenario: ${plural(d.dependencies, 'dependency', 'dependencies')}.`)}`, '');
    }
  }
  return `${out.join('\n').replace(/\n+$/, '')}\n`;
}
