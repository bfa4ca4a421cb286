/**
 * bad-unlock — lockdep's "bad unlock balance detected!": a release of a lock the task does
 * not hold in this irq context (also an unmatched non_block_end and the like).
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, lock, text } from './layout.js';

export default defineRule<Detections['bad-unlock']>({
  meta: {
    id: 'bad-unlock',
    heading: 'WARNING: bad unlock balance detected!',
    group: 'lockdep',
    description: 'a lock (or section) is released that is not held',
    defaultSeverity: 'error',
  },
  build({ site, what, lock: l }) {
    return {
      message: `bad unlock balance: ${what} but it is not held${site.held.length ? '' : ' (no locks held)'}`,
      path: site.path,
      locks: l ? [l.name] : [],
      lockdep: l ? [l.lockdep] : [],
      location: site.location,
      chain: [],
      report: [
        text(`${site.path} is trying to release lock:`),
        ...(l ? [lock(l)] : [text(`  ${what}`)]),
        text(site.held.length ? 'but it is not held in this context:' : 'but there are no more locks to release!'),
        blank, held(site), blank, currentTrace(site),
      ],
    };
  },
});
