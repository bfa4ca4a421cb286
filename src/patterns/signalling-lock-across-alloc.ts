/**
 * signalling-lock-across-alloc — a lock that a fence signalling section takes is held elsewhere
 * across a blocking allocation. The allocation may wait for reclaim, reclaim for the fence, and
 * the fence for the lock.
 */
import { analyze, hasFence, isAllocEdge, isCycle, isPseudo, reaches } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'signalling-lock-across-alloc',
    rules: ['circular-dependency'],
    summary: 'a lock taken in a fence signalling section is held elsewhere across a blocking allocation',
    remedy:
      'Allocate before taking the lock (preallocate, then lock and consume), or allocate with ' +
      'GFP_NOWAIT under it; if neither is possible, the signalling path must not take this lock.',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    if (!hasFence(a)) return false;
    return a.edges.some(
      (out) =>
        a.fenceNodes.has(out.from) &&
        !isPseudo(a, out.to, out.toClass) &&
        reaches(a, out.to, isAllocEdge, (e) => a.fenceNodes.has(e.to)),
    );
  },
});
