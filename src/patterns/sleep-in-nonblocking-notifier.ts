/**
 * sleep-in-nonblocking-notifier — an mmu notifier callback sleeps while invoked in a
 * non-blockable context (the OOM reaper's mmu_notifier_invalidate_range_start_nonblock), where
 * it must not block on anything that might wait for memory.
 */
import { analyze, isNotifierFrame } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'sleep-in-nonblocking-notifier',
    rules: ['sleep-in-atomic'],
    summary: 'an mmu notifier callback sleeps in a non-blockable invocation (the OOM reaper)',
    remedy:
      'Check mmu_notifier_range_blockable(range) in the callback: when it is false, use trylocks ' +
      'and return -EAGAIN (interval notifiers: return false) instead of sleeping or waiting.',
  },
  match(f) {
    if (f.rule !== 'sleep-in-atomic') return false;
    const a = analyze(f);
    return a.reasons.includes('non_block') && a.frames.slice(0, -1).some(isNotifierFrame);
  },
});
