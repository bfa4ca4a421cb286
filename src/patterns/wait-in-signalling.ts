/**
 * wait-in-signalling — a fence wait inside a signalling section while holding a lock taken in
 * that same section. Waiting inside one's own section is allowed (the annotation drops its
 * read hold first), but a lock taken after dma_fence_begin_signalling() and still held at the
 * wait makes the signalling of the fence depend on itself.
 */
import { analyze, edgeFrom, isCycle, isPseudo, isSignallingFrame, isWaitEdge, reaches, sameFrame } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'wait-in-signalling',
    rules: ['circular-dependency'],
    summary: 'a fence wait inside a signalling section, holding a lock taken in that section',
    remedy:
      'Drop the locks taken inside the signalling section before waiting, or do the wait before ' +
      'dma_fence_begin_signalling(); better, make the dependency a scheduler dependency ' +
      '(drm_sched_job_add_dependency) instead of a synchronous wait.',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    return a.edges.some((w) => {
      if (!isWaitEdge(a, w) || isPseudo(a, w.from, w.fromClass)) return false;
      const out = edgeFrom(a, w.to);
      if (!out) return false;
      // The lock was taken and the wait done in one signalling section (the same block).
      const sections = w.enclosing.filter(isSignallingFrame);
      if (!sections.some((s) => out.enclosing.some((o) => sameFrame(s, o)))) return false;
      // Nothing but ordinary locks between the section and the wait.
      return reaches(a, w.to, (e) => e === w, (e) => isPseudo(a, e.to, e.toClass));
    });
  },
});
