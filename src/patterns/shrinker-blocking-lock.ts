/**
 * shrinker-blocking-lock — a shrinker (or anything run in reclaim) blocks on a lock that is held
 * elsewhere across a blocking allocation: the allocation enters reclaim, reclaim runs the
 * shrinker, the shrinker waits for the lock. A dma_resv lock counts as held across allocations:
 * the kernel's boot-time priming declares it (drivers may allocate under a reservation).
 */
import { FS_RECLAIM, analyze, isCycle, isPseudo, isReclaimEdge, isShrinkerFrame, reaches } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'shrinker-blocking-lock',
    rules: ['circular-dependency'],
    summary: 'a lock taken in a shrinker (in reclaim) is held elsewhere across a blocking allocation',
    remedy:
      'Take the lock with a trylock in the shrinker (mutex_trylock, dma_resv_trylock) and skip the ' +
      'object or return SHRINK_STOP when it is contended; or do not allocate with GFP_KERNEL while ' +
      'holding it (preallocate, or GFP_NOWAIT).',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    if (!a.edges.some((e) => e.toClass === FS_RECLAIM)) return false;
    return a.edges.some(
      (s) =>
        !isPseudo(a, s.to, s.toClass) &&
        (s.fromClass === FS_RECLAIM || s.enclosing.some(isShrinkerFrame)) &&
        reaches(a, s.to, isReclaimEdge, (e) => a.fenceNodes.has(e.to)),
    );
  },
});
