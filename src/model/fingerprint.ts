/**
 * A finding's stable identity across runs and commits: its rule and the set of classes it
 * involves (by lockdep name), so a cycle found from another starting lock, or the same
 * finding after lines moved, is still the same finding. Used by SARIF's partialFingerprints
 * and by baselines.
 */
import { createHash } from 'node:crypto';
import type { Finding } from './finding.js';

export function findingFingerprint(f: Pick<Finding, 'rule' | 'lockdep'>): string {
  const classes = [...new Set(f.lockdep)].sort();
  return createHash('sha256').update([f.rule, ...classes].join('\u0000')).digest('hex').slice(0, 32);
}
