/**
 * mmap-lock-in-notifier — mmap_lock taken in an mmu notifier callback. The notifiers run with
 * mmap_lock possibly held (munmap, mprotect, the fault path's migrations) and from reclaim,
 * under which mmap_lock holders allocate: an invalidate callback must never take it.
 */
import { MMAP_LOCK, NOTIFIER_MAP, analyze, isCycle, isMmapLock, isNotifierFrame } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'mmap-lock-in-notifier',
    rules: ['circular-dependency', 'recursive-locking'],
    summary: 'mmap_lock taken in an mmu notifier callback',
    remedy:
      'Never take mmap_lock in invalidate: the notifier may run with it held, or from reclaim. Do ' +
      'in the callback only what needs no mm lock (update the sequence with ' +
      'mmu_interval_set_seq(), zap the device mappings under the driver lock), and leave the work ' +
      'that needs mmap_lock to the fault path or a worker, which takes it outside the notifier.',
  },
  match(f) {
    if (isCycle(f)) {
      return analyze(f).edges.some((e) => isMmapLock(e, 'to') && (e.fromClass === NOTIFIER_MAP || e.enclosing.some(isNotifierFrame)));
    }
    if (f.rule !== 'recursive-locking' || !f.lockdep.includes(MMAP_LOCK)) return false;
    // The second acquisition, inside a notifier invocation.
    return analyze(f).frames.slice(0, -1).some(isNotifierFrame);
  },
});
