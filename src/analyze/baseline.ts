/**
 * A baseline applied to a run (the file format is src/baseline): its known findings leave the
 * results, each file is judged again without them, and the entries no finding matched are
 * listed as stale.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { baselinePath, compareEntries, isBaselinable, type Baseline } from '../baseline/index.js';
import type { BaselineEntry, FileResult, RunResult } from '../model/finding.js';
import { findingFingerprint } from '../model/fingerprint.js';
import { summarize } from './summary.js';

/**
 * Leave the known findings out of a run (files judged again without them) and list the
 * stale entries. `display` is the baseline file as the user gave it.
 */
export function applyBaseline(run: RunResult, baseline: Baseline, baseDir: string, cwd: string, display: string): RunResult {
  const key = (file: string, fp: string) => `${file}\u0000${fp}`;
  const remaining = new Map<string, BaselineEntry[]>();
  for (const e of baseline.findings) {
    const k = key(e.file, e.fingerprint);
    const list = remaining.get(k);
    if (list) list.push(e);
    else remaining.set(k, [e]);
  }
  let ignored = 0;
  const results: FileResult[] = run.results.map((r) => {
    if (r.status === 'error') return r;
    const file = baselinePath(r.file, baseDir, cwd);
    const findings = r.findings.filter((f) => {
      if (!isBaselinable(f)) return true;
      const list = remaining.get(key(file, findingFingerprint(f)));
      if (!list || list.length === 0) return true;
      list.shift();
      ignored++;
      return false;
    });
    if (findings.length === r.findings.length) return r;
    const passed = r.unmet.length === 0 && !findings.some(isBaselinable);
    return { ...r, findings, status: passed ? 'pass' : 'fail' };
  });
  // Stale: an entry of a file checked without error that no finding matched, or of a file
  // that no longer exists. Files outside this run (another shard, a subset) say nothing.
  const checked = new Set(run.results.filter((r) => r.status !== 'error').map((r) => baselinePath(r.file, baseDir, cwd)));
  const unchecked = new Set(run.results.filter((r) => r.status === 'error').map((r) => baselinePath(r.file, baseDir, cwd)));
  const isStale = (e: BaselineEntry) => checked.has(e.file) || (!unchecked.has(e.file) && !existsSync(path.resolve(baseDir, e.file)));
  const stale = [...remaining.values()].flat().filter(isStale).sort(compareEntries);
  return { ...summarize(results), baseline: { file: display, ignored, stale } };
}
