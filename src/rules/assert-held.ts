/**
 * assert-held — `lockdep_assert_held()` failed: the code asserts that a lock is held (as its
 * callers promise) but it is not.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, text } from './layout.js';

export default defineRule<Detections['assert-held']>({
  meta: {
    id: 'assert-held',
    heading: 'WARNING at lockdep_assert_held',
    group: 'lockdep',
    description: 'lockdep_assert_held() on a lock that is not held',
    defaultSeverity: 'error',
  },
  build({ site, lock: name, lockdep }) {
    return {
      message: `lockdep_assert_held(${name}) failed: ${name} is not held`,
      path: site.path,
      locks: [name.replace(/\[.*\]$/, '')],
      lockdep: [lockdep],
      location: site.location,
      chain: [],
      report: [text(`WARNING: lockdep_assert_held(${name}) at ${site.location.file}:${site.location.line}:${site.location.column}`), blank, held(site), blank, currentTrace(site, 'Call trace:')],
    };
  },
});
