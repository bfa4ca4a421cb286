/**
 * The diagnosis patterns, in priority order: a finding gets the first pattern that matches it,
 * or none. A pattern lives in `./<id>.ts` with its docs in `./<id>.md`; adding one means adding
 * both files and a line here, at its place in the order.
 *
 * The order follows the kernel's documented contract (dma-fence.c, "fence cross-driver
 * contract"): drivers may wait for fences under dma_resv, in shrinkers and in mmu notifiers,
 * so when a cycle runs through a fence signalling section, what the section does is the
 * mistake, and it is named first; then the waits; then the reclaim and notifier orderings
 * that need no fence.
 *
 *  1. fence-callback-sleeps          sleep in a fence callback / fence op
 *  2. syncobj-wait-with-locks        a syncobj WAIT_FOR_SUBMIT wait with locks held (narrow: only
 *                                    the drm/syncobj model's wait steps; before the generic waits)
 *  3. dma-buf-call-under-resv        a dma-buf call locking a reservation without the transaction's context
 *  4. resv-lock-without-ctx          any other reservation locked without the transaction's context
 *  5. sleep-in-nonblocking-notifier  sleep in a non-blockable notifier invocation
 *  6. runtime-pm-in-signalling       a synchronous runtime PM resume inside a signalling section
 *                                    (before resv-in-signalling: whatever the resume takes, a
 *                                    reservation included, it takes because it runs there)
 *  7. resv-in-signalling             dma_resv lock inside a signalling section
 *  8. runtime-pm-under-resv          a synchronous runtime PM transition under a reservation
 *  9. alloc-in-signalling            blocking allocation inside a signalling section
 * 10. notifier-in-signalling         waiting for an invalidation inside a signalling section
 * 11. wait-in-signalling             wait in a section holding a lock taken in that section
 * 12. signalling-lock-across-alloc   a lock of a signalling section held across an allocation
 * 13. fence-wait-in-notifier         a notifier callback's fence wait closes the cycle
 * 14. lock-held-across-fence-wait    a lock of a signalling section held across a fence wait
 * 15. circular-fence-dependency      fences waiting for each other (precise fence model)
 * 16. mmap-lock-in-dma-buf-op        an exporter's dma_buf_ops callback (reservation held) takes mmap_lock
 * 17. fault-under-resv               copy_*_user / might_fault under dma_resv
 * 18. hmm-fault-under-resv           hmm_range_fault (or the mmap_lock it needs) under dma_resv
 * 19. mmap-lock-in-notifier          mmap_lock taken in a notifier callback (before the
 *                                    generic notifier-lock pattern, whose remedy does not fit)
 * 20. notifier-lock-across-alloc     a notifier callback's lock held across an allocation
 * 21. shrinker-blocking-lock         a shrinker's lock held across an allocation
 */
import type { Diagnosable, Pattern } from './pattern.js';
import allocInSignalling from './alloc-in-signalling.js';
import circularFenceDependency from './circular-fence-dependency.js';
import dmaBufCallUnderResv from './dma-buf-call-under-resv.js';
import faultUnderResv from './fault-under-resv.js';
import fenceCallbackSleeps from './fence-callback-sleeps.js';
import fenceWaitInNotifier from './fence-wait-in-notifier.js';
import hmmFaultUnderResv from './hmm-fault-under-resv.js';
import lockHeldAcrossFenceWait from './lock-held-across-fence-wait.js';
import mmapLockInDmaBufOp from './mmap-lock-in-dma-buf-op.js';
import mmapLockInNotifier from './mmap-lock-in-notifier.js';
import notifierInSignalling from './notifier-in-signalling.js';
import notifierLockAcrossAlloc from './notifier-lock-across-alloc.js';
import resvInSignalling from './resv-in-signalling.js';
import resvLockWithoutCtx from './resv-lock-without-ctx.js';
import runtimePmInSignalling from './runtime-pm-in-signalling.js';
import runtimePmUnderResv from './runtime-pm-under-resv.js';
import shrinkerBlockingLock from './shrinker-blocking-lock.js';
import signallingLockAcrossAlloc from './signalling-lock-across-alloc.js';
import syncobjWaitWithLocks from './syncobj-wait-with-locks.js';
import sleepInNonblockingNotifier from './sleep-in-nonblocking-notifier.js';
import waitInSignalling from './wait-in-signalling.js';

export type { Diagnosable, Pattern, PatternMeta } from './pattern.js';

/** Every pattern, in priority order. */
export const PATTERNS: readonly Pattern[] = [
  fenceCallbackSleeps,
  syncobjWaitWithLocks,
  dmaBufCallUnderResv,
  resvLockWithoutCtx,
  sleepInNonblockingNotifier,
  runtimePmInSignalling,
  resvInSignalling,
  runtimePmUnderResv,
  allocInSignalling,
  notifierInSignalling,
  waitInSignalling,
  signallingLockAcrossAlloc,
  fenceWaitInNotifier,
  lockHeldAcrossFenceWait,
  circularFenceDependency,
  mmapLockInDmaBufOp,
  faultUnderResv,
  hmmFaultUnderResv,
  mmapLockInNotifier,
  notifierLockAcrossAlloc,
  shrinkerBlockingLock,
];

const byId = new Map<string, Pattern>(PATTERNS.map((p) => [p.meta.id, p]));

export function patternById(id: string): Pattern | undefined {
  return byId.get(id);
}

export interface Diagnosis {
  readonly pattern: string;
  readonly remedy: string;
}

/** The first pattern (in priority order) that the finding matches, or null. Pure. */
export function diagnose(finding: Diagnosable): Diagnosis | null {
  for (const p of PATTERNS) {
    if (p.meta.rules.includes(finding.rule) && p.match(finding)) return { pattern: p.meta.id, remedy: p.meta.remedy };
  }
  return null;
}
