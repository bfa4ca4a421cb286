/**
 * `--format markdown`: a summary for a pull request comment, a job summary
 * (`$GITHUB_STEP_SUMMARY`) or a mail:
 *
 * - a headline with the pass/fail counts, and a line with the totals;
 * - a table of the files: status, scenario, findings, unexpected ones, unmet expectations;
 * - per failing finding (an `error` the file does not expect): its message, lockdep heading,
 *   location and path, pattern and remedy, the chain as a numbered list (readable where
 *   Mermaid is not rendered) and as a Mermaid flowchart (see mermaid.ts), and lockdep's
 *   "Possible unsafe locking scenario" as a table, one column per CPU;
 * - the unmet expectations, the input errors, and the unexpected warnings;
 * - with `--baseline`, how many known findings were left out and how many entries are stale.
 * File names are relative to the working directory. Deterministic; `--quiet` leaves the
 * passing files out of the table.
 */
import { closestText, type FileResult, type Finding, type InputErrorInfo, type RunResult, type UnmetExpectation } from '../model/finding.js';
import { formatLoc } from '../model/location.js';
import { mdCode, mdText } from './escape.js';
import { closingIndex, isFailing, isUnexpectedWarning, lockdepNamer, mapFiles, plural, scenarioBlock } from './findings.js';
import { chainFlowchart } from './mermaid.js';
import { relativeFile } from './paths.js';
import type { ReportOptions } from './types.js';

/**
 * A review comment holds 65,536 characters and Mermaid draws at most 500 edges: past these,
 * chains are listed in part and not drawn, and the findings after the first ones are counted
 * only (the SARIF and text reports have them all).
 */
export const MARKDOWN_LIMITS = { findings: 50, chainEntries: 50, drawnEdges: 50 } as const;

const statusWord: Readonly<Record<FileResult['status'], string>> = { pass: 'pass', fail: '**fail**', error: '**error**', library: 'library' };

function headline(run: RunResult): string {
  const s = run.summary;
  if (s.failed === 0 && s.errors === 0) return `## fencedep: ✔ ${s.files === 1 ? 'the file passed' : `all ${plural(s.files, 'file')} passed`}`;
  const bad = s.failed + s.errors;
  return `## fencedep: ✖ ${bad} of ${plural(s.files, 'file')} did not pass`;
}

function totals(run: RunResult): string {
  const s = run.summary;
  const all = run.results.flatMap((r) => r.findings);
  const unexpected = all.filter(isFailing).length;
  const expected = all.filter((f) => f.expected).length;
  const warnings = all.filter(isUnexpectedWarning).length;
  const unmet = run.results.reduce((n, r) => n + r.unmet.length, 0);
  const kinds = [`${unexpected} unexpected`, `${expected} expected`, plural(warnings, 'warning')].join(', ');
  return (
    `${plural(s.files, 'file')}: ${s.passed} passed, ${s.failed} failed, ${plural(s.errors, 'error')} · ` +
    `${plural(s.findings, 'finding')} (${kinds}) · ${plural(unmet, 'expectation', 'expectations')} unmet`
  );
}

function fileTable(results: readonly FileResult[]): string[] {
  const lines = ['| status | file | scenario | findings | unexpected | unmet |', '|---|---|---|---:|---:|---:|'];
  for (const r of results) {
    const scenario = r.scenario === '' ? '' : mdText(r.scenario);
    const counts =
      r.status === 'error'
        ? [plural(r.errors.length, 'input error'), '', '']
        : [String(r.findings.length), String(r.findings.filter(isFailing).length), String(r.unmet.length)];
    lines.push(`| ${statusWord[r.status]} | ${mdCode(r.file, true)} | ${scenario} | ${counts.join(' | ')} |`);
  }
  return lines;
}

function chainList(f: Finding): string[] {
  const lockdep = lockdepNamer(f);
  const closing = closingIndex(f);
  const shown = f.chain.slice(0, MARKDOWN_LIMITS.chainEntries).map((c, i) => {
    const names = c.from === c.to ? `${mdCode(lockdep(c.to))} again under itself` : `${mdCode(lockdep(c.to))} under ${mdCode(lockdep(c.from))}`;
    const tail = i === closing ? ' — **closes the cycle**' : '';
    return `${i + 1}. ${names}: path ${mdText(`"${c.path}"`)}, ${mdCode(formatLoc(c.location))}${tail}`;
  });
  const more = f.chain.length - shown.length;
  return more > 0 ? [...shown, '', `… and ${plural(more, 'more dependency', 'more dependencies')}`] : shown;
}

function scenarioTable(f: Finding): string[] {
  const block = scenarioBlock(f);
  if (!block || block.columns.length === 0) return [];
  const title = block.title.trim().replace(/:$/, '');
  const lines = [`**${mdText(title)}**`, '', `| ${block.columns.map(mdText).join(' | ')} |`, `|${block.columns.map(() => '---|').join('')}`];
  for (const row of block.rows) {
    const cells = block.columns.map((_, k) => {
      const cell = (row[k] ?? '').trim();
      return cell === '' ? ' ' : mdCode(cell, true);
    });
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines;
}

function findingSection(f: Finding): string[] {
  const out = [`#### ${mdText(f.rule)} at ${mdCode(formatLoc(f.location))}`, '', mdText(f.message), ''];
  out.push(`- lockdep: ${mdText(f.heading)}`);
  if (f.path !== '') out.push(`- path: ${mdText(`"${f.path}"`)}`);
  if (f.pattern !== undefined) out.push(`- pattern: ${mdCode(f.pattern)} (${mdCode(`fencedep explain ${f.pattern}`)})`);
  if (f.remedy !== undefined) out.push(`- remedy: ${mdText(f.remedy)}`);
  if (f.chain.length > 0) {
    out.push('', f.chain.length > 1 ? '**Dependency chain**' : '**Dependency**', '', ...chainList(f));
  }
  const chart = f.chain.length <= MARKDOWN_LIMITS.drawnEdges ? chainFlowchart(f) : null;
  if (chart) out.push('', '```mermaid', chart, '```');
  else if (f.chain.length > 0) out.push('', `(${plural(f.chain.length, 'dependency', 'dependencies')}: too long a cycle to draw)`);
  const table = scenarioTable(f);
  if (table.length > 0) out.push('', ...table);
  return out;
}

function unmetLine(u: UnmetExpectation): string {
  const involves = u.involves.length > 0 ? ` involving ${u.involves.map((n) => mdCode(n)).join(', ')}` : '';
  const on = u.path !== null ? ` on path ${mdText(`"${u.path}"`)}` : '';
  return `- ${mdCode(formatLoc(u.location))}: expected a ${mdCode(u.rule)} finding${involves}${on}, none was reported${mdText(closestText(u))}`;
}

function errorLine(e: InputErrorInfo, r: FileResult): string {
  let where = e.file ?? r.file;
  if (e.line !== undefined) where += `:${e.line}${e.column !== undefined ? `:${e.column}` : ''}`;
  return `- ${mdCode(where)}: ${mdText(e.message)}`;
}

function warningLine(f: Finding): string {
  return `- ${mdCode(formatLoc(f.location))}: ${mdText(f.message)} (${mdCode(f.rule)})`;
}

export function formatMarkdown(run: RunResult, opts: ReportOptions): string {
  const cwd = opts.cwd ?? process.cwd();
  const rel = mapFiles(run, (f) => relativeFile(f, cwd));
  const out = [headline(rel), '', totals(rel)];
  if (rel.baseline) {
    const b = rel.baseline;
    const stale = b.stale.length > 0 ? `; ${plural(b.stale.length, 'stale entry', 'stale entries')} (no longer found)` : '';
    out.push('', `${plural(b.ignored, 'known finding')} ignored (baseline ${mdCode(b.file)})${stale}`);
  }
  const shown = opts.quiet ? rel.results.filter((r) => r.status !== 'pass') : rel.results;
  if (shown.length > 0) out.push('', ...fileTable(shown));

  const failing = rel.results.flatMap((r) => r.findings.filter(isFailing));
  if (failing.length > 0) {
    out.push('', `### ${plural(failing.length, 'unexpected finding')}`);
    for (const f of failing.slice(0, MARKDOWN_LIMITS.findings)) out.push('', ...findingSection(f));
    const more = failing.length - MARKDOWN_LIMITS.findings;
    if (more > 0) out.push('', `… and ${plural(more, 'more unexpected finding')}: see the text or SARIF report for them.`);
  }
  const unmet = rel.results.flatMap((r) => r.unmet);
  if (unmet.length > 0) out.push('', `### ${plural(unmet.length, 'unmet expectation')}`, '', ...unmet.map(unmetLine));
  const errors = rel.results.flatMap((r) => r.errors.map((e) => errorLine(e, r)));
  if (errors.length > 0) out.push('', `### ${plural(errors.length, 'input error')}`, '', ...errors);
  const warnings = rel.results.flatMap((r) => r.findings.filter(isUnexpectedWarning));
  if (warnings.length > 0) out.push('', `### ${plural(warnings.length, 'warning')}`, '', ...warnings.map(warningLine));
  return `${out.join('\n')}\n`;
}
