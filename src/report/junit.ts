/**
 * `--format junit`: the Ant/Jenkins JUnit XML every CI dashboard parses (docs/cli.md §6).
 *
 *   <testsuites name="fencedep" tests failures errors skipped>
 *     <testsuite name="fencedep" …>                one suite per run (docs/cli.md)
 *       <testcase classname="fixtures/seeds" name="fixtures/seeds/x.yaml" file="…">
 *                                                  one testcase per file, passing ones included;
 *                                                  classname is the file's directory, so
 *                                                  dashboards group a suite by folder
 *         <failure type="circular-dependency" message="file:line:col: message">
 *                                                  one per unexpected error finding, body: the
 *                                                  text report (location, lockdep heading, pattern,
 *                                                  remedy, chain)
 *         <failure type="unmet-expectation" …>     one per unmet expectation
 *         <error type="input-error" …>             a file that is not a valid scenario
 *         <system-out>                             expected findings and warnings, for the record
 *
 * `tests`, `failures` and `errors` count testcases (Ant's meaning: a file with two unexpected
 * findings is one failed test): tests = files, failures = files that failed, errors = files in
 * error; tests = passed + failures + errors. A file in error is counted as an error even if
 * some of its lines could be checked. There are no times (the reporter is a pure function).
 * XML 1.0 cannot carry most control characters even as references: the XML escaper
 * (escape.ts) writes them, and unpaired surrogates and noncharacters, as `\uXXXX` text.
 */
import { closestText, type FileResult, type Finding, type InputErrorInfo, type RunResult, type UnmetExpectation } from '../model/finding.js';
import { formatCodeLoc, formatLoc } from '../model/location.js';
import { painter } from './color.js';
import { xmlAttr, xmlText } from './escape.js';
import { isFailing, mapFiles, plural } from './findings.js';
import { relativeFile } from './paths.js';
import { renderFinding } from './text.js';
import type { ReportOptions } from './types.js';

export const SUITE_NAME = 'fencedep';

const attrs = (pairs: readonly (readonly [string, string | number])[]): string =>
  pairs.map(([k, v]) => ` ${k}="${xmlAttr(String(v))}"`).join('');

const plain = painter(false);

function element(indent: string, name: string, attributes: readonly (readonly [string, string | number])[], body: string): string {
  return `${indent}<${name}${attrs(attributes)}>${xmlText(body)}</${name}>`;
}

function findingFailure(f: Finding): string {
  const where = f.location.at ? formatCodeLoc(f.location.at) : formatLoc(f.location);
  const body = renderFinding(f, plain).join('\n');
  return element('      ', 'failure', [
    ['message', `${where}: ${f.message} [${f.rule}]`],
    ['type', f.rule],
  ], `\n${body}\n      `);
}

function unmetText(u: UnmetExpectation): string {
  const involves = u.involves.length > 0 ? ` involving ${u.involves.join(', ')}` : '';
  const on = u.path !== null ? ` on path "${u.path}"` : '';
  return `expectation unmet: ${u.rule}${involves}${on}${closestText(u)}`;
}

function unmetFailure(u: UnmetExpectation): string {
  const where = formatLoc(u.location);
  const text = unmetText(u);
  return element('      ', 'failure', [
    ['message', `${where}: ${text}`],
    ['type', 'unmet-expectation'],
  ], `\n${where}: ${text}: the scenario's expect lists it, but no finding met it\n      `);
}

function errorLine(e: InputErrorInfo, file: string): string {
  let where = e.file ?? file;
  if (e.line !== undefined) where += `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
  return `${where}: error: ${e.message}`;
}

function inputError(r: FileResult): string {
  const lines = r.errors.map((e) => errorLine(e, r.file));
  const first = lines[0] ?? `${r.file}: error: not a valid scenario`;
  const message = r.errors.length > 1 ? `${first} (and ${plural(r.errors.length - 1, 'more input error', 'more input errors')})` : first;
  return element('      ', 'error', [
    ['message', message],
    ['type', 'input-error'],
  ], `\n${(lines.length > 0 ? lines : [first]).join('\n')}\n      `);
}

function recordLine(f: Finding): string {
  const sev = f.severity === 'error' ? 'error' : 'warning';
  const tag = f.expected ? ' (expected)' : '';
  return `${formatLoc(f.location)}: ${sev}: ${f.message} [${f.rule}]${tag}`;
}

function testcase(r: FileResult): string {
  const file = r.file;
  const slash = file.lastIndexOf('/');
  const classname = slash > 0 ? file.slice(0, slash) : '.';
  const head = `    <testcase${attrs([
    ['classname', classname],
    ['name', file],
    ['file', file],
  ])}`;
  const children: string[] = [];
  if (r.status === 'error') children.push(inputError(r));
  for (const f of r.findings) if (isFailing(f)) children.push(findingFailure(f));
  for (const u of r.unmet) children.push(unmetFailure(u));
  if (r.status === 'fail' && !children.some((c) => c.includes('<failure'))) {
    children.push(element('      ', 'failure', [['message', `${file}: failed its expectations`], ['type', 'fail']], ''));
  }
  const record = r.findings.filter((f) => !isFailing(f)).map(recordLine);
  if (record.length > 0) children.push(element('      ', 'system-out', [], `\n${record.join('\n')}\n      `));
  return children.length === 0 ? `${head}/>` : `${head}>\n${children.join('\n')}\n    </testcase>`;
}

/** `--quiet` does not change it: dashboards count the passing files too. */
export function formatJunit(run: RunResult, opts: ReportOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const rel = mapFiles(run, (f) => relativeFile(f, cwd));
  const results = rel.results;
  const counts: [string, number][] = [
    ['tests', results.length],
    ['failures', results.filter((r) => r.status === 'fail').length],
    ['errors', results.filter((r) => r.status === 'error').length],
    ['skipped', 0],
  ];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs([['name', SUITE_NAME], ...counts])}>`,
    `  <testsuite${attrs([['name', SUITE_NAME], ...counts])}${results.length === 0 ? '/>' : '>'}`,
  ];
  if (results.length > 0) {
    for (const r of results) lines.push(testcase(r));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
