/**
 * circular-fence-dependency — fences that wait for each other in their signalling sections:
 * F cannot signal before G does, and G cannot signal before F does. Only the precise fence
 * model sees it (lockdep's single dma_fence_map lets a section wait inside itself).
 */
import { analyze, isCycle, isWaitEdge } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'circular-fence-dependency',
    rules: ['circular-dependency'],
    summary: 'fences wait for each other in their signalling sections',
    remedy:
      'Keep fence dependencies acyclic: wait for (or depend on) a fence before publishing the one ' +
      'that needs it, never inside its signalling section, and never on a fence that may depend ' +
      'on it (a later point of the same timeline, or userspace).',
  },
  match(f) {
    if (!isCycle(f)) return false;
    const a = analyze(f);
    return a.edges.every((e) => a.fenceNodes.has(e.from) && a.fenceNodes.has(e.to) && isWaitEdge(a, e));
  },
});
