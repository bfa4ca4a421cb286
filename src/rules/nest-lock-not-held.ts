/**
 * nest-lock-not-held — lockdep's "Nested lock was not taken": an acquisition names a
 * nest_lock (the lock that serialises taking several locks of one class) that is not held.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, lock, shown, text } from './layout.js';

export default defineRule<Detections['nest-lock-not-held']>({
  meta: {
    id: 'nest-lock-not-held',
    heading: 'WARNING: Nested lock was not taken',
    group: 'lockdep',
    description: 'a lock is taken with a nest_lock that is not held',
    defaultSeverity: 'error',
  },
  build({ site, next, nest, nestLockdep }) {
    return {
      message: `nested lock was not taken: ${shown(next)} taken with nest_lock ${nest}, which is not held`,
      path: site.path,
      locks: [next.name, nest.replace(/\[.*\]$/, '')],
      lockdep: [next.lockdep, nestLockdep],
      location: site.location,
      chain: [],
      report: [text(`${site.path} is trying to lock:`), lock(next), text('but this task is not holding:'), text(`  ${nest}`), blank, held(site), blank, currentTrace(site)],
    };
  },
});
