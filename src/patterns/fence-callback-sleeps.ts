/**
 * fence-callback-sleeps — something that may sleep runs in a fence callback or fence op
 * (dma_fence_add_callback callbacks, enable_signaling, release), which run under the fence's
 * spinlock with interrupts off, often from the interrupt handler that signals the fence.
 */
import { analyze, isFenceCallbackFrame } from './analysis.js';
import { definePattern } from './pattern.js';

const RULES = ['sleep-in-atomic', 'invalid-wait-context'];

export default definePattern({
  meta: {
    id: 'fence-callback-sleeps',
    rules: RULES,
    summary: 'a fence callback or fence op sleeps (it runs under the fence lock, maybe in hardirq)',
    remedy:
      'Keep the callback to atomic work (spinlocks, GFP_ATOMIC, waking a waitqueue) and defer ' +
      'the rest to a worker with schedule_work() or irq_work_queue().',
  },
  match(f) {
    if (!RULES.includes(f.rule)) return false;
    const frames = analyze(f).frames;
    return frames.slice(0, -1).some(isFenceCallbackFrame);
  },
});
