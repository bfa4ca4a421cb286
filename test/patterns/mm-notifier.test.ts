/**
 * The two diagnoses of the mm side of a userptr design: hmm-fault-under-resv (the fault path's
 * mmap_lock taken under a reservation) and mmap-lock-in-notifier (mmap_lock taken in an
 * invalidate callback, which got notifier-lock-across-alloc and its remedy before), on whole
 * replays, with the near misses that belong to other patterns.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/patterns/index.js';
import { replayYaml } from '../rules/rule-tester.js';

const diagnosed = async (source: string): Promise<string[]> =>
  (await replayYaml(source)).findings.map((f) => `${f.rule}: ${diagnose(f)?.pattern ?? '-'}`);

const NOTIFIER_TAKES_MMAP = `include: [kernel]
hooks:
  mmu_interval_notifier.invalidate: [userptr_invalidate]
functions:
  userptr_invalidate:
    - mmap_read_lock: mmap_lock
    - mmap_read_unlock: mmap_lock
paths:
  - name: munmap
    steps:
      - invoke: mmu_interval_notifier.invalidate
`;

describe('mmap-lock-in-notifier', () => {
  it('the cycle through reclaim and the recursion under munmap both get it, not notifier-lock-across-alloc', async () => {
    // Through reclaim (mmap_lock -> ... -> fs_reclaim -> notifier -> mmap_lock), against munmap's
    // own order (mmap_lock -> notifier), and the recursion under munmap's mmap_lock.
    expect(await diagnosed(NOTIFIER_TAKES_MMAP)).toEqual([
      'circular-dependency: mmap-lock-in-notifier',
      'circular-dependency: mmap-lock-in-notifier',
      'recursive-locking: mmap-lock-in-notifier',
    ]);
  });

  it("the driver's own lock in the callback, held across an allocation, stays notifier-lock-across-alloc", async () => {
    const got = await diagnosed(`include: [kernel]
locks: {notifier_lock: mutex}
hooks:
  mmu_interval_notifier.invalidate: [svm_invalidate]
functions:
  svm_invalidate:
    - with: notifier_lock
      do: []
paths:
  - name: fault handler
    steps:
      - with: notifier_lock
        do:
          - kmalloc: GFP_KERNEL
`);
    expect(got).toEqual(['circular-dependency: notifier-lock-across-alloc']);
  });
});

describe('hmm-fault-under-resv', () => {
  const resvThen = (inner: string) => `include: [kernel]
paths:
  - name: userptr validate
    steps:
      - ww_acquire_init: {ctx: c, class: reservation_ww_class}
      - dma_resv_lock: {name: "dma_resv[bo]", ctx: c}
${inner}      - dma_resv_unlock: "dma_resv[bo]"
      - ww_acquire_fini: c
`;

  it('mmap_lock taken for hmm_range_fault under a reservation', async () => {
    expect(await diagnosed(resvThen('      - mmap_read_lock: mmap_lock\n      - hmm_range_fault\n      - mmap_read_unlock: mmap_lock\n'))).toEqual([
      'circular-dependency: hmm-fault-under-resv',
    ]);
  });

  it('a copy_from_user under a reservation stays fault-under-resv', async () => {
    expect(await diagnosed(resvThen('      - copy_from_user\n'))).toEqual(['circular-dependency: fault-under-resv']);
  });

  it('mmap_lock before the reservation, then the fault: clean', async () => {
    const got = await diagnosed(`include: [kernel]
paths:
  - name: userptr validate
    steps:
      - mmap_read_lock: mmap_lock
      - hmm_range_fault
      - ww_acquire_init: {ctx: c, class: reservation_ww_class}
      - dma_resv_lock: {name: "dma_resv[bo]", ctx: c}
      - dma_resv_unlock: "dma_resv[bo]"
      - ww_acquire_fini: c
      - mmap_read_unlock: mmap_lock
`);
    expect(got).toEqual([]);
  });
});
