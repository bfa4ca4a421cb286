/**
 * `--format json`: the JSON report contract (docs/cli.md). Objects are built field by
 * field so the key order is fixed and internal fields (`heading`, `report`) never leak.
 * Added to the contract: `unmet`, the expectations no finding met, on every result; `group`
 * on the findings one step triggered (src/analyze/groups.ts); `modelRules` on a finding and
 * `modelRule` on a stack entry where a model's documented rule (not a kernel annotation) is involved;
 * `closest` on an unmet expectation: the finding of its rule that came closest, and what it lacks.
 */
import type {
  BaselineOutcome,
  ChainEntry,
  CheckStats,
  FileResult,
  Finding,
  InputErrorInfo,
  RunResult,
  TraceStep,
  UnmetExpectation,
} from '../model/finding.js';
import type { SourceLoc } from '../model/location.js';
import { jsonText } from './escape.js';
import { TOOL } from './tool.js';
import type { ReportOptions } from './types.js';

export const JSON_REPORT_VERSION = 1;

// Revision 1.1: `at` (the C source location) beside the scenario position, where the step has one.
const loc = (l: SourceLoc) => ({ file: l.file, line: l.line, column: l.column, ...(l.at ? { at: l.at } : {}) });
const step = (s: TraceStep) => ({ file: s.file, line: s.line, column: s.column, ...(s.at ? { at: s.at } : {}), step: s.step, ...(s.modelRule ? { modelRule: s.modelRule } : {}) });

const chainEntry = (c: ChainEntry) => ({
  from: c.from,
  to: c.to,
  path: c.path,
  location: loc(c.location),
  stack: c.stack.map(step),
});

export function findingJson(f: Finding): Record<string, unknown> {
  const out: Record<string, unknown> = {
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    expected: f.expected,
    path: f.path,
    locks: [...f.locks],
    lockdep: [...f.lockdep],
  };
  if (f.pattern !== undefined) out.pattern = f.pattern;
  if (f.remedy !== undefined) out.remedy = f.remedy;
  if (f.group !== undefined) out.group = f.group;
  if (f.modelRules !== undefined) out.modelRules = [...f.modelRules];
  out.location = loc(f.location);
  out.chain = f.chain.map(chainEntry);
  return out;
}

function errorJson(e: InputErrorInfo): Record<string, unknown> {
  const out: Record<string, unknown> = { message: e.message };
  if (e.file !== undefined) out.file = e.file;
  if (e.line !== undefined) out.line = e.line;
  if (e.column !== undefined) out.column = e.column;
  return out;
}

const unmetJson = (u: UnmetExpectation) => ({
  rule: u.rule,
  involves: [...u.involves],
  path: u.path,
  location: loc(u.location),
  ...(u.closest
    ? { closest: { location: loc(u.closest.location), locks: [...u.closest.locks], path: u.closest.path, missing: [...u.closest.missing], otherPath: u.closest.otherPath } }
    : {}),
});

// `--stats` (added to the contract): a result's and the summary's figures.
const statsJson = (s: CheckStats) => ({
  classes: s.classes,
  dependencies: s.dependencies,
  chains: s.chains,
  sccs: s.sccs,
  events: s.events,
  timeMs: s.timeMs,
  ...(s.extern ? { extern: [...s.extern] } : {}),
});

// `--baseline` (added to the contract): findings left out as known, and stale entries.
const baselineJson = (b: BaselineOutcome) => ({
  file: b.file,
  ignored: b.ignored,
  stale: b.stale.map((e) => ({ file: e.file, rule: e.rule, fingerprint: e.fingerprint, locks: [...e.locks], message: e.message })),
});

const resultJson = (r: FileResult) => ({
  file: r.file,
  scenario: r.scenario,
  status: r.status,
  findings: r.findings.map(findingJson),
  errors: r.errors.map(errorJson),
  unmet: r.unmet.map(unmetJson),
  ...(r.stats ? { stats: statsJson(r.stats) } : {}),
});

/** The report as a plain object (for tests and for other reporters that embed it). */
export function jsonReport(run: RunResult) {
  return {
    version: JSON_REPORT_VERSION,
    tool: { name: TOOL.name, version: TOOL.version },
    results: run.results.map(resultJson),
    summary: {
      files: run.summary.files,
      passed: run.summary.passed,
      failed: run.summary.failed,
      errors: run.summary.errors,
      findings: run.summary.findings,
      ...(run.summary.libraries ? { libraries: run.summary.libraries } : {}),
      ...(run.summary.stats ? { stats: statsJson(run.summary.stats) } : {}),
    },
    ...(run.baseline ? { baseline: baselineJson(run.baseline) } : {}),
  };
}

/** `--quiet` does not change the JSON report: it is a contract, not a view. */
export function formatJson(run: RunResult, _opts?: ReportOptions): string {
  return `${jsonText(jsonReport(run), 2)}\n`;
}
