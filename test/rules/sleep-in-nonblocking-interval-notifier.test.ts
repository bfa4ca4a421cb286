/**
 * sleep-in-nonblocking-interval-notifier (opt-in): an interval notifier's invalidate() that may
 * sleep when the OOM reaper invalidates without blocking. lockdep is silent there (the kernel
 * calls interval notifiers outside non_block_start()), so sleep-in-atomic says nothing; the
 * rule reports each callback once, only when enabled.
 */
import { describe, expect, it } from 'vitest';
import { replayYaml, ruleTester } from './rule-tester.js';

const RULE = 'sleep-in-nonblocking-interval-notifier';
const WARN = `options: {warn: [${RULE}]}\n`;
const notifier = (callback: string, extra = '') => `include: [kernel]
${extra}locks: {notifier_lock: mutex, pt_lock: spinlock}
fences: {job_fence: {}}
hooks:
  mmu_interval_notifier.invalidate: [userptr_invalidate]
functions:
  userptr_invalidate:
${callback}paths:
  - name: userptr ioctl
    steps:
      - mmu_interval_read_begin
`;

ruleTester(RULE, {
  valid: [
    { name: 'a callback that checks blockable and trylocks', yaml: notifier('    - if: blockable\n      then: [{mutex_lock: notifier_lock}, {mutex_unlock: notifier_lock}]\n      else: [{mutex_trylock: notifier_lock}, {mutex_unlock: notifier_lock}]\n', WARN) },
    { name: 'a callback that only takes a spinlock', yaml: notifier('    - spin_lock: pt_lock\n    - spin_unlock: pt_lock\n', WARN) },
    { name: 'a sleeping callback, the rule not enabled', yaml: notifier('    - mutex_lock: notifier_lock\n    - mutex_unlock: notifier_lock\n') },
  ],
  invalid: [
    {
      name: 'a mutex taken whatever the range',
      yaml: notifier('    - mutex_lock: notifier_lock\n    - mutex_unlock: notifier_lock\n', WARN),
      findings: [{ locks: [], line: 9, path: 'kernel:oom_reaper', message: /^userptr_invalidate: mutex_lock: notifier_lock may sleep in mmu_interval_notifier invalidate\(\) called with a range that is not blockable$/ }],
    },
    {
      name: 'a fence wait on the blockable branch only is fine; an allocation after the branch is not (one finding per callback)',
      yaml: notifier('    - if: blockable\n      then: [{dma_fence_wait: job_fence}]\n      else: []\n    - kmalloc: GFP_KERNEL\n    - msleep\n', WARN),
      findings: [{ locks: [], line: 12, message: /kmalloc: GFP_KERNEL may sleep/ }],
    },
  ],
});

describe(`${RULE}: beside lockdep`, () => {
  it('sleep-in-atomic stays silent for the interval notifier (the kernel has no non_block_start there), and reports a classic one', async () => {
    const interval = await replayYaml(notifier('    - mutex_lock: notifier_lock\n    - mutex_unlock: notifier_lock\n', WARN));
    expect(interval.findings.map((f) => f.rule)).toEqual([RULE]);
    expect(interval.findings[0]!.severity).toBe('warn');
    const classic = await replayYaml(
      notifier('    - mutex_lock: notifier_lock\n    - mutex_unlock: notifier_lock\n', WARN).replace('mmu_interval_notifier.invalidate', 'mmu_notifier.invalidate_range_start'),
    );
    expect(classic.findings.map((f) => f.rule)).toEqual(['sleep-in-atomic']);
  });
});
