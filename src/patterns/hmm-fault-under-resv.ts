/**
 * hmm-fault-under-resv — the userptr / SVM fault path run with a dma_resv lock held:
 * hmm_range_fault() needs mmap_lock (it asserts it held), and taking mmap_lock under a
 * reservation inverts the kernel's order (mmap_lock before every reservation: the fault
 * handler of a GEM mapping reserves under it, and dma_resv_lockdep() primes it). The
 * dependency on mmap_lock is recorded by the lock step itself; hmm_range_fault's own
 * allocation under a reservation is allowed (dma_resv before fs_reclaim).
 * Documentation/mm/hmm.rst: fault without the driver's locks, then take them and check for an
 * invalidation.
 */
import { isMmapLock, isNotifierFrame, isResv, resvCycle } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'hmm-fault-under-resv',
    rules: ['circular-dependency'],
    summary: 'hmm_range_fault (the userptr fault path, and the mmap_lock it needs) run while a dma_resv lock is held',
    remedy:
      'Fault the range with no reservation or driver lock held: seq = mmu_interval_read_begin(), ' +
      'mmap_read_lock + hmm_range_fault() (again on -EBUSY), mmap_read_unlock; then take the lock, ' +
      'check mmu_interval_read_retry(seq) and start over if an invalidation ran (Documentation/mm/hmm.rst).',
  },
  match(f) {
    const a = resvCycle(f);
    if (!a) return false;
    // mmap_lock taken, for the fault, by a lock step (not a user-memory access: fault-under-resv;
    // not in a notifier callback: mmap-lock-in-notifier) with a reservation held.
    return a.edges.some(
      (e) =>
        isMmapLock(e, 'to') && e.step?.category === 'lock' && !e.enclosing.some(isNotifierFrame) &&
        (isResv(e.fromClass) || (e.closing && a.held.some(isResv))),
    );
  },
});
