/**
 * A finding's stable identity across runs and commits: its rule and the set of classes it
 * involves (by lockdep name), so a cycle found from another starting lock, or the same
 * finding after lines moved, is still the same finding. Used by SARIF's partialFingerprints
 * and by baselines.
 */
import { createRequire } from 'node:module';
import type { Finding } from './finding.js';
import { once } from './once.js';

/** node:crypto, loaded on first use: loading it is a few ms of start-up that a check without findings never needs. */
const crypto = once(() => createRequire(import.meta.url)('node:crypto') as typeof import('node:crypto'));

/** The SHA-256 of `text` in hex. */
export function sha256Hex(text: string): string {
  return crypto().createHash('sha256').update(text).digest('hex');
}

export function findingFingerprint(f: Pick<Finding, 'rule' | 'lockdep'>): string {
  const classes = [...new Set(f.lockdep)].sort();
  return sha256Hex([f.rule, ...classes].join('\u0000')).slice(0, 32);
}
