/**
 * resv-lock-without-ctx — a reservation locked without the acquire context while a ww
 * transaction holds another: a callback or helper run inside drm_exec / ttm_eu (a BO's
 * release_notify or destroy dropping the last reference, say) that takes a reservation with
 * dma_resv_lock(resv, NULL). The dma-buf calls that do it have their own pattern,
 * dma-buf-call-under-resv, ahead of this one.
 */
import { lockedWithoutContext } from './analysis.js';
import { definePattern } from './pattern.js';

export default definePattern({
  meta: {
    id: 'resv-lock-without-ctx',
    rules: ['recursive-locking'],
    summary: 'a reservation locked without the acquire context inside a ww transaction that holds another',
    remedy:
      'Inside the transaction, lock the reservation with its context (drm_exec_lock_obj, ' +
      'ww_mutex_lock(&resv->lock, ctx)) so it can back off; where a failure can be handled, ' +
      'dma_resv_trylock() it (amdgpu\'s release_notify fix); or move the work to a worker that ' +
      'runs with no reservation held.',
  },
  match: lockedWithoutContext,
});
