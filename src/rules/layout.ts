/**
 * Pieces of lockdep's report layout (docs/kernel-semantics.md §1.14) shared by the rules:
 * lock names as lockdep prints them, the held-locks block, chains and scenarios.
 */
import type { ChainEntry, LockLine, ReportBlock } from '../model/finding.js';
import type { DependencyStep, Site } from '../replay/detections.js';

export const text = (t: string): ReportBlock => ({ kind: 'text', text: t });
export const blank: ReportBlock = text('');
export const lock = (l: LockLine): ReportBlock => ({ kind: 'lock', lock: l });

/** `A[bo_a]` when the scenario named the instance, else the class name. */
export function shown(l: LockLine): string {
  return l.instance === null ? l.name : `${l.name}[${l.instance}]`;
}

export function held(site: Site): ReportBlock {
  return { kind: 'held', owner: site.path, locks: site.held };
}

export function currentTrace(site: Site, title = 'stack backtrace:'): ReportBlock {
  return { kind: 'trace', title, path: site.path, stack: site.stack };
}

/** The dependency being added now, as a chain entry. */
export function newDependency(site: Site, from: LockLine, to: LockLine): ChainEntry {
  return { from: from.name, to: to.name, path: site.path, location: site.location, stack: site.stack };
}

/** Dependencies as the entries of a printed chain, numbered from 1: each the lock it leads to. */
export function dependencyEntries(steps: readonly DependencyStep[]): { index: number; lock: LockLine; path: string; stack: DependencyStep['stack'] }[] {
  return steps.map((d, i) => ({ index: i + 1, lock: d.to, path: d.path, stack: d.stack }));
}

export function chainEntry(step: DependencyStep): ChainEntry {
  return { from: step.from.name, to: step.to.name, path: step.path, location: step.location, stack: step.stack };
}

/** Unique names in order. */
export function uniq(names: readonly string[]): string[] {
  return [...new Set(names)];
}

/** lockdep's two-column "Possible unsafe locking scenario". */
export function scenario(title: string, rows: readonly (readonly [string, string])[]): ReportBlock {
  return { kind: 'scenario', title, columns: ['CPU0', 'CPU1'], rows };
}
