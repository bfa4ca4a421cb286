/**
 * sleep-in-nonblocking-interval-notifier — opt-in warning, beyond lockdep: an interval
 * notifier's invalidate() may sleep when mmu_notifier_range_blockable() is false (the OOM
 * reaper's invalidation). The kernel's mn_itree_invalidate() calls these callbacks without
 * non_block_start(), unlike the classic ones, so lockdep and might_sleep() stay silent; the
 * documented contract (include/linux/mmu_notifier.h, Documentation/mm/hmm.rst) forbids it:
 * such a callback must not sleep and returns false to make the caller retry.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, text } from './layout.js';

export default defineRule<Detections['sleep-in-nonblocking-interval-notifier']>({
  meta: {
    id: 'sleep-in-nonblocking-interval-notifier',
    heading: 'mmu_interval_notifier: invalidate may sleep on a non-blockable range',
    group: 'design',
    description: "an interval notifier's invalidate() may sleep when the range is not blockable (opt-in; lockdep cannot see it)",
    defaultSeverity: 'warn',
    optIn: true,
  },
  build({ site, what, callback }) {
    return {
      message: `${callback}: ${what} may sleep in mmu_interval_notifier invalidate() called with a range that is not blockable`,
      path: site.path,
      locks: [],
      lockdep: [],
      location: site.location,
      chain: [],
      distinct: callback,
      report: [
        text(`at ${site.location.file}:${site.location.line}:${site.location.column} ${what}`),
        text(`in ${callback}, an mmu_interval_notifier invalidate() called by ${site.path} with mmu_notifier_range_blockable() false.`),
        text('mn_itree_invalidate() runs it without non_block_start(), so might_sleep() and lockdep are silent;'),
        text('the callback must not sleep here: check mmu_notifier_range_blockable(), use trylocks, return false.'),
        blank, held(site), blank, currentTrace(site, 'Call trace:'),
      ],
    };
  },
});
