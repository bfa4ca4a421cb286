/**
 * runtime-pm-under-resv — a synchronous runtime PM resume (or suspend) run while a
 * reservation is held, whose callback takes a reservation itself: GPU drivers' resume and
 * suspend evict and restore BOs under their reservations, and the callback runs in the
 * caller's context (xe's CPU fault handler, 2024: take the runtime PM reference before the
 * reservation). The signalling-section case is runtime-pm-in-signalling, ahead of this one.
 */
import { analyze, isResv, isRuntimePmFrame, type Analysis } from './analysis.js';
import { definePattern } from './pattern.js';

/** The finding's site runs inside a runtime PM callback, with a reservation held around it. */
const resumedUnderResv = (a: Analysis): boolean => a.frames.some(isRuntimePmFrame) && a.held.some(isResv);

export default definePattern({
  meta: {
    id: 'runtime-pm-under-resv',
    rules: ['recursive-locking', 'circular-dependency'],
    summary: 'a synchronous runtime PM resume or suspend, whose callback takes reservations, run while a reservation is held',
    remedy:
      'Take the runtime PM reference before locking any reservation (xe_gem_fault() gets its ' +
      'wakeref before ttm_bo_vm_reserve()) and drop it after unlocking; where the device must ' +
      'already be awake, only assert it (a noresume get) instead of resuming under the lock.',
  },
  match(f) {
    if (![...f.lockdep].some(isResv)) return false;
    const a = analyze(f);
    return resumedUnderResv(a) || a.edges.some((e) => e.closing && e.enclosing.some(isRuntimePmFrame) && a.held.some(isResv));
  },
});
