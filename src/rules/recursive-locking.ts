/**
 * recursive-locking — lockdep's "possible recursive locking detected": a class taken while
 * a lock of the same class is held, with no subclass (`nested:`) or nest_lock to say why
 * that is safe. Taking the very same instance twice is a certain self-deadlock, unless both
 * are reads: then it deadlocks once a writer queues between them (a waiting writer blocks new
 * readers of an rwsem).
 */
import type { ReportBlock } from '../model/finding.js';
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, chainEntry, currentTrace, dependencyEntries, held, lock, newDependency, shown, text } from './layout.js';

export default defineRule<Detections['recursive-locking']>({
  meta: {
    id: 'recursive-locking',
    heading: 'WARNING: possible recursive locking detected',
    group: 'lockdep',
    description: 'a lock class is taken while a lock of the same class is already held',
    defaultSeverity: 'error',
  },
  build({ site, next, prev, sameInstance, reads, existing }) {
    const report: ReportBlock[] = [
      text(`${site.path} is trying to acquire lock:`), lock(next), blank,
      text('but task is already holding lock:'), lock(prev), blank,
    ];
    if (existing?.length) {
      report.push(text('and the lock already depends on itself through:'), {
        kind: 'chain',
        entries: dependencyEntries(existing).reverse(),
      }, blank);
    }
    report.push(
      text('other info that might help us debug this:'),
      { kind: 'scenario', title: ' Possible unsafe locking scenario:', columns: ['CPU0'], rows: [[`lock(${prev.lockdep});`], [`lock(${next.lockdep});`]] },
      blank, text(' *** DEADLOCK ***'), blank,
      text(!sameInstance ? ' May be due to missing lock nesting notation' : reads ? ' The same lock instance is read twice: a deadlock as soon as a writer waits between the two reads.' : ' The same lock instance is taken twice: a certain self-deadlock.'),
      blank, held(site), blank, currentTrace(site),
    );
    const what = sameInstance ? `${shown(next)} taken again while held` : `${shown(next)} taken while ${shown(prev)} of the same class is held`;
    return {
      message: `possible recursive locking: ${what}`,
      path: site.path,
      locks: [next.name],
      lockdep: [next.lockdep],
      location: site.location,
      chain: existing ? [newDependency(site, prev, next), ...existing.map(chainEntry)] : [newDependency(site, prev, next)],
      report,
    };
  },
});
