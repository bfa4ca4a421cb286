/**
 * fault-under-resv — a user-memory access that may fault (copy_to_user, copy_from_user,
 * get_user, put_user, might_fault) while a dma_resv lock is held. The fault takes mmap_lock,
 * and the kernel orders mmap_lock before every reservation (the fault handler of a GEM
 * mapping takes the reservation under mmap_lock).
 */
import { isMmapLock, resvCycle } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'fault-under-resv',
    rules: ['circular-dependency'],
    summary: 'a user-memory access that may fault while a dma_resv lock is held',
    remedy:
      'Copy from and to user space before taking the reservations (copy the ioctl arguments into ' +
      'a kernel bounce buffer first, copy results back after unlocking), or do the access with ' +
      'pagefaults disabled (copy_*_user_inatomic) and fall back to the slow path after unlocking.',
  },
  match(f) {
    const a = resvCycle(f);
    if (!a) return false;
    return a.edges.some((e) => e.step?.category === 'fault' && isMmapLock(e, 'to'));
  },
});
