/**
 * lock-held-across-fence-wait — a lock held across a fence wait is also taken inside a fence
 * signalling section: the waiter holds the lock the signaller needs to signal.
 */
import { analyze, isCycle, isPseudo, isWaitEdge, reaches } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'lock-held-across-fence-wait',
    rules: ['circular-dependency'],
    summary: 'a lock held across a fence wait is taken inside a fence signalling section',
    remedy:
      'Drop the lock before waiting (take a reference on the fence under the lock, unlock, wait, ' +
      'relock and revalidate), or take the lock outside the signalling path (before the fence is ' +
      'published, or in a worker that does not signal).',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    return a.edges.some(
      (w) =>
        isWaitEdge(a, w) &&
        !isPseudo(a, w.from, w.fromClass) &&
        // From the section to the waiter, only ordinary locks (reclaim and notifiers are other patterns).
        reaches(a, w.to, (e) => e === w, (e) => isPseudo(a, e.to, e.toClass)),
    );
  },
});
