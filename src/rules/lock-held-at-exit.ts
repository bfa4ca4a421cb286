/**
 * lock-held-at-exit — lockdep's "lock held when returning to user space!": a path ends
 * with locks still held, so the next taker waits forever.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, shown, text } from './layout.js';

export default defineRule<Detections['lock-held-at-exit']>({
  meta: {
    id: 'lock-held-at-exit',
    heading: 'WARNING: lock held when returning to user space!',
    group: 'lockdep',
    description: 'a path ends while still holding locks',
    defaultSeverity: 'error',
  },
  build({ site }) {
    return {
      message: `path "${site.path}" ends holding ${site.held.map(shown).join(', ')}`,
      path: site.path,
      locks: [...new Set(site.held.map((l) => l.name))],
      lockdep: [...new Set(site.held.map((l) => l.lockdep))],
      location: site.location,
      chain: [],
      report: [
        text(`${site.path} is leaving the kernel with locks still held!`),
        blank,
        held(site),
        // Not in lockdep's report, which names each lock's caller: the steps that took the first
        // one, so a lock a model helper took is traced to the scenario's call (and located there).
        ...(site.stack.length ? [blank, currentTrace(site, 'the first lock still held was taken at:')] : []),
      ],
    };
  },
});
