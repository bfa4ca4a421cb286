/**
 * A config's per-rule severities applied to a run: `off` drops the rule's findings and the
 * expectations of it that nothing met (a rule that is not run cannot meet them); `warn`
 * reports its findings as warnings, which never fail a file; `error` makes them fail a file
 * unless expected. Each file's status is decided again as applyExpectations decides it.
 */
import { summarize } from './summary.js';
import type { FileResult, RunResult } from '../model/finding.js';
import type { RuleSeverity } from '../config/schema.js';

export function applySeverityToResult(r: FileResult, rules: ReadonlyMap<string, RuleSeverity>): FileResult {
  if (rules.size === 0 || r.status === 'error') return r;
  const findings = r.findings
    .filter((f) => rules.get(f.rule) !== 'off')
    .map((f) => {
      const s = rules.get(f.rule);
      return s === undefined || s === 'off' || s === f.severity ? f : { ...f, severity: s };
    });
  const unmet = r.unmet.filter((u) => rules.get(u.rule) !== 'off');
  const passed = unmet.length === 0 && !findings.some((f) => f.severity === 'error' && !f.expected);
  return { ...r, findings, unmet, status: passed ? 'pass' : 'fail' };
}

export function applySeverities(run: RunResult, rules: ReadonlyMap<string, RuleSeverity>): RunResult {
  if (rules.size === 0) return run;
  return { ...summarize(run.results.map((r) => applySeverityToResult(r, rules))), ...(run.baseline ? { baseline: run.baseline } : {}) };
}
