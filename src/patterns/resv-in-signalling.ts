/**
 * resv-in-signalling — a dma_resv (reservation ww_mutex) lock taken inside a fence signalling
 * section, directly or through a lock that is held elsewhere while taking a reservation.
 * Drivers may wait for fences while holding a reservation, so the code that signals a fence
 * must never take one, "and thereby the whole hierarchy around it" (dma-fence.c, "fence
 * cross-driver contract").
 */
import { analyze, hasFence, inSignalling, isCycle, isPseudo, isResv, reaches } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'resv-in-signalling',
    rules: ['circular-dependency'],
    summary: 'a dma_resv lock (or a lock held while taking one) taken inside a fence signalling section',
    remedy:
      'Take the reservation locks before the fence is published (before dma_resv_add_fence or ' +
      'drm_sched_job_arm), or move the work that needs them out of the signalling path into a ' +
      'worker that does not signal the fence; a lock the signalling path takes must not be held ' +
      'while taking a reservation.',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    if (!hasFence(a)) return false;
    // Directly: a reservation taken inside a section.
    if (a.edges.some((e) => isResv(e.toClass) && inSignalling(a, e))) return true;
    // Through the hierarchy: a lock taken inside a section is held elsewhere while taking one.
    return a.edges.some(
      (out) =>
        a.fenceNodes.has(out.from) &&
        !isPseudo(a, out.to, out.toClass) &&
        reaches(a, out.to, (e) => isResv(e.toClass), (e) => isPseudo(a, e.to, e.toClass)),
    );
  },
});
