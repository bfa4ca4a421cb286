/**
 * alloc-in-signalling — a memory allocation that may enter direct reclaim (GFP_KERNEL, and
 * even GFP_NOFS/GFP_NOIO) inside a fence signalling section. Reclaim, shrinkers and mmu
 * notifiers wait for fences, so the code that signals a fence must not depend on memory.
 */
import { analyze, hasFence, inSignalling, isCycle, isReclaimEdge } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'alloc-in-signalling',
    rules: ['circular-dependency'],
    summary: 'a blocking allocation inside a fence signalling section',
    remedy:
      'Allocate before the fence is published (preallocate in the submit ioctl, before ' +
      'drm_sched_job_arm / dma_resv_add_fence), or allocate with GFP_NOWAIT or GFP_ATOMIC and handle ' +
      'the failure; GFP_NOFS, GFP_NOIO and memalloc_nofs_save() are not enough.',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    return hasFence(a) && a.edges.some((e) => isReclaimEdge(e) && inSignalling(a, e));
  },
});
