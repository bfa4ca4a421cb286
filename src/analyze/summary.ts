/**
 * A run's results summed up: files by status and findings, and the figures of `--stats`.
 * Called again whenever a later step of the analysis (severities, a baseline) changes results.
 */
import type { FileResult, RunResult } from '../model/finding.js';
import { totalStats } from './stats.js';

/** Summarise results (counts by status, and every finding). */
export function summarize(results: readonly FileResult[]): RunResult {
  let passed = 0;
  let failed = 0;
  let errors = 0;
  let findings = 0;
  let libraries = 0;
  for (const r of results) {
    if (r.status === 'pass') passed++;
    else if (r.status === 'fail') failed++;
    else if (r.status === 'library') libraries++;
    else errors++;
    findings += r.findings.length;
  }
  const stats = totalStats(results.map((r) => r.stats));
  return { results, summary: { files: results.length, passed, failed, errors, findings, ...(libraries ? { libraries } : {}), ...(stats ? { stats } : {}) } };
}
