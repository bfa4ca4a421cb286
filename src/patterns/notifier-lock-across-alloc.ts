/**
 * notifier-lock-across-alloc — a lock taken in an mmu notifier callback is held across a
 * blocking allocation (even GFP_NOFS or GFP_NOIO) or an mmu_interval_read_begin(). Reclaim
 * invokes the notifiers, so the allocation may wait for the callback, which waits for the lock.
 */
import { NOTIFIER_MAP, analyze, isCycle, isNotifierFrame, isPseudo, isReclaimEdge, reaches } from './analysis.js';
import type { Edge } from './analysis.js';
import { definePattern } from './pattern.js';

/** An allocation, or the interval notifier's read side, which may wait for invalidations. */
const blocksOnNotifier = (e: Edge): boolean =>
  isReclaimEdge(e) || (e.step?.op === 'mmu_interval_read_begin' && e.toClass === NOTIFIER_MAP);

export default definePattern({
  meta: {
    id: 'notifier-lock-across-alloc',
    rules: ['circular-dependency'],
    summary: 'a lock taken in an mmu notifier callback is held across a blocking allocation',
    remedy:
      'Allocate (and call mmu_interval_read_begin / hmm_range_fault) before taking the notifier ' +
      'lock, then take it only to check mmu_interval_read_retry() and commit; or allocate with ' +
      'GFP_NOWAIT under it. GFP_NOFS and GFP_NOIO are not enough.',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    if (!a.edges.some((e) => e.toClass === NOTIFIER_MAP || e.fromClass === NOTIFIER_MAP)) return false;
    return a.edges.some(
      (n) =>
        !isPseudo(a, n.to, n.toClass) &&
        (n.fromClass === NOTIFIER_MAP || n.enclosing.some(isNotifierFrame)) &&
        reaches(a, n.to, blocksOnNotifier, (e) => a.fenceNodes.has(e.to)),
    );
  },
});
