/**
 * circular-dependency — lockdep's "possible circular locking dependency detected".
 * A new dependency prev → next closes a strong cycle next ⇝ prev → next: two tasks taking
 * the locks of the cycle in its two orders can each wait for the other forever.
 */
import type { ReportBlock } from '../model/finding.js';
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, chainEntry, currentTrace, dependencyEntries, held, lock, newDependency, scenario, text } from './layout.js';

export default defineRule<Detections['circular-dependency']>({
  meta: {
    id: 'circular-dependency',
    heading: 'WARNING: possible circular locking dependency detected',
    group: 'lockdep',
    description: 'a new lock dependency closes a cycle in the dependency graph (ABBA and longer)',
    defaultSeverity: 'error',
  },
  build({ site, next, nextVerb, prev, prevVerb, existing }) {
    // Cycle order, starting with the lock whose acquisition closes it: next → … → prev → next.
    const cycle = [next, ...existing.map((d) => d.to)];
    const names = cycle.map((l) => l.name);
    const parent = existing.length >= 2 ? existing[existing.length - 1]!.from : next;
    const chainEntries = [
      ...dependencyEntries(existing).reverse(),
      { index: 0, lock: next, path: site.path, stack: site.stack },
    ];
    const report: ReportBlock[] = [
      text(`${site.path} is trying to acquire lock:`), lock(next), blank,
      text('but task is already holding lock:'), lock(prev), blank,
      text('which lock already depends on the new lock.'), blank,
      text('the existing dependency chain (in reverse order) is:'), blank,
      { kind: 'chain', entries: chainEntries }, blank,
      text('other info that might help us debug this:'), blank,
    ];
    if (parent !== next) {
      report.push(text('Chain exists of:'), text(`  ${next.lockdep} --> ${parent.lockdep} --> ${prev.lockdep}`), blank);
    }
    report.push(
      scenario(' Possible unsafe locking scenario:', [
        [`${prevVerb}(${prev.lockdep});`, ''],
        ['', `lock(${parent.lockdep});`],
        ['', `lock(${prev.lockdep});`],
        [`${nextVerb}(${next.lockdep});`, ''],
      ]),
      blank, text(' *** DEADLOCK ***'), blank, held(site),
    );
    return {
      message: `possible circular locking dependency: ${[...names, names[0]].join(' -> ')}`,
      path: site.path,
      locks: names,
      lockdep: cycle.map((l) => l.lockdep),
      location: site.location,
      chain: [newDependency(site, prev, next), ...existing.map(chainEntry)],
      report: [...report, blank, currentTrace(site)],
    };
  },
});
