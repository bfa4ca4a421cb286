/**
 * notifier-in-signalling — a fence signalling path waits for an mmu notifier invalidation
 * (mmu_interval_read_begin, or an invalidation of its own) without allocating. Invalidation
 * callbacks wait for fences, so what a fence needs must never wait for an invalidation.
 */
import { NOTIFIER_MAP, analyze, hasFence, inSignalling, isAllocEdge, isCycle } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'notifier-in-signalling',
    rules: ['circular-dependency'],
    summary: 'a fence signalling path waits for an mmu notifier invalidation (mmu_interval_read_begin)',
    remedy:
      'Run the jobs an invalidation waits for on a queue only the kernel feeds (a kernel-only DMA ' +
      'context for page-table updates), so their fences never wait behind user work or fault ' +
      'handling; or update the device page tables asynchronously, without a fence wait in the notifier.',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    return hasFence(a) && a.edges.some((e) => e.toClass === NOTIFIER_MAP && !isAllocEdge(e) && inSignalling(a, e));
  },
});
