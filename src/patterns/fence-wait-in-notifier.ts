/**
 * fence-wait-in-notifier — an mmu notifier callback waits for a fence, and the fence's
 * signalling path needs something the callback holds (a lock it takes, or the notifier
 * itself: memory, an mmu_interval_read_begin). Waiting in a notifier is allowed; what the
 * fence's signalling depends on then is not.
 */
import { PRIMING_PATH, analyze, isCycle, isNotifierFrame, isWaitEdge } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'fence-wait-in-notifier',
    rules: ['circular-dependency'],
    summary: 'an mmu notifier callback waits for a fence whose signalling depends on the notifier',
    remedy:
      'In the invalidate callback take the notifier lock only to call mmu_interval_set_seq() and ' +
      'mark the range invalid, drop it, then wait (dma_resv_wait_timeout on the BO); and keep the ' +
      'notifier lock and allocations out of the fence signalling path.',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    return a.edges.some((w) => isWaitEdge(a, w) && w.path !== PRIMING_PATH && w.enclosing.some(isNotifierFrame));
  },
});
