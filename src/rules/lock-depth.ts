/**
 * lock-depth — lockdep's "BUG: MAX_LOCK_DEPTH too low!": a task holds 48 locks at once,
 * more than lockdep can track. The kernel turns lockdep off there; so does the replay, for
 * this path. A warning: it does not fail the file, but what follows on the path is unchecked.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, text } from './layout.js';

export default defineRule<Detections['lock-depth']>({
  meta: {
    id: 'lock-depth',
    heading: 'BUG: MAX_LOCK_DEPTH too low!',
    group: 'lockdep',
    description: 'a path holds 48 locks at once, more than lockdep tracks (it stops checking the path)',
    defaultSeverity: 'warn',
  },
  build({ site }) {
    return {
      message: `MAX_LOCK_DEPTH too low: "${site.path}" holds ${site.held.length} locks at once; lockdep stops checking this path here`,
      path: site.path,
      locks: [...new Set(site.held.map((l) => l.name))],
      lockdep: [...new Set(site.held.map((l) => l.lockdep))],
      location: site.location,
      chain: [],
      // lockdep dumps the stack after the held locks: it locates the finding in the scenario when
      // the 48th lock is a model helper's.
      report: [text('turning off the locking correctness validator.'), blank, held(site), blank, currentTrace(site)],
    };
  },
});
