/** drm/gem: vmap, shmem pages, the last reference and the GEM LRU walk of a shrinker. */
import { callback, type Case } from '../case.js';

/** A shrinker whose scan_objects walks an LRU with drm_gem_lru_scan() (`shrink`: the callback's steps). */
function shrinker(shrink: string, scan = 'drm_gem_lru_scan(lru, nr)'): string {
  return `functions:\n  scan:\n    - call: ${scan}\n  shrink:\n${shrink}hooks:\n  shrinker.scan: [scan]\n  drm_gem_lru.shrink: [shrink]\n`;
}

/** A path `p` with `steps` (a flow sequence body). */
const path = (steps: string, extra = '') => `${extra}paths:\n  - name: p\n    steps: [${steps}]\n`;

export const CASES: readonly Case[] = [
  {
    name: 'drm_gem_object_put (the last reference frees in the caller: under a spinlock)',
    bad: `functions:\n  free: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  drm_gem_object_funcs.free: [free]\n${path('{spin_lock: l}, {call: drm_gem_object_put(bo)}, {spin_unlock: l}', 'locks: {l: spinlock, m: mutex}\n')}`,
    badRules: ['sleep-in-atomic', 'invalid-wait-context'],
    good: `functions:\n  free: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  drm_gem_object_funcs.free: [free]\n${path('{spin_lock: l}, {spin_unlock: l}, {call: drm_gem_object_put(bo)}', 'locks: {l: spinlock, m: mutex}\n')}`,
  },
  {
    name: 'drm_gem_object_funcs.free (freeing from the run_job path allocates there)',
    bad: `functions:\n  free: [{kmalloc: GFP_KERNEL}]\n  run: [{call: drm_gem_object_put(bo)}]\nhooks:\n  drm_gem_object_funcs.free: [free]\n  drm_sched_backend_ops.run_job: [run]\n`,
    badRules: ['circular-dependency'],
    good: `functions:\n  free: [{kmalloc: GFP_KERNEL}]\nhooks:\n  drm_gem_object_funcs.free: [free]\n${path('{call: drm_gem_object_put(bo)}')}`,
  },
  {
    name: 'drm_gem_vmap (takes the reservation itself: called with it held)',
    bad: path('{dma_resv_lock: "dma_resv[bo]"}, {call: "drm_gem_vmap(bo, map)"}, {dma_resv_unlock: "dma_resv[bo]"}'),
    badRules: ['recursive-locking'],
    good: path('{call: "drm_gem_vmap(bo, map)"}, {call: "drm_gem_vunmap(bo, map)"}'),
  },
  {
    name: 'drm_gem_vunmap (takes the reservation itself: called with it held)',
    bad: path('{dma_resv_lock: "dma_resv[bo]"}, {call: "drm_gem_vunmap(bo, map)"}, {dma_resv_unlock: "dma_resv[bo]"}'),
    badRules: ['recursive-locking'],
    good: path('{call: "drm_gem_vunmap(bo, map)"}'),
  },
  {
    name: 'drm_gem_vmap_locked (without the reservation)',
    bad: path('{call: "drm_gem_vmap_locked(bo, map)"}'),
    badRules: ['assert-held'],
    good: path('{dma_resv_lock: "dma_resv[bo]"}, {call: "drm_gem_vmap_locked(bo, map)"}, {call: "drm_gem_vunmap_locked(bo, map)"}, {dma_resv_unlock: "dma_resv[bo]"}'),
  },
  {
    name: 'drm_gem_vunmap_locked (without the reservation)',
    bad: path('{call: "drm_gem_vunmap_locked(bo, map)"}'),
    badRules: ['assert-held'],
    good: path('{dma_resv_lock: "dma_resv[bo]"}, {call: "drm_gem_vunmap_locked(bo, map)"}, {dma_resv_unlock: "dma_resv[bo]"}'),
  },
  {
    name: 'drm_gem_object_funcs.vmap (the driver\'s vmap takes the reservation it is called under)',
    bad: `functions:\n  vmap: [{dma_resv_lock: "dma_resv[bo]"}, {dma_resv_unlock: "dma_resv[bo]"}]\nhooks:\n  drm_gem_object_funcs.vmap: [vmap]\n${path('{call: "drm_gem_vmap(bo, map)"}')}`,
    badRules: ['recursive-locking'],
    good: `functions:\n  vmap: [{dma_resv_assert_held: "dma_resv[bo]"}, {kmalloc: GFP_KERNEL}]\nhooks:\n  drm_gem_object_funcs.vmap: [vmap]\n${path('{call: "drm_gem_vmap(bo, map)"}')}`,
  },
  {
    name: 'drm_gem_object_funcs.vunmap (the driver\'s vunmap takes the reservation it is called under)',
    bad: `functions:\n  vunmap: [{dma_resv_lock: "dma_resv[bo]"}, {dma_resv_unlock: "dma_resv[bo]"}]\nhooks:\n  drm_gem_object_funcs.vunmap: [vunmap]\n${path('{call: "drm_gem_vunmap(bo, map)"}')}`,
    badRules: ['recursive-locking'],
    good: `functions:\n  vunmap: [{dma_resv_assert_held: "dma_resv[bo]"}]\nhooks:\n  drm_gem_object_funcs.vunmap: [vunmap]\n${path('{call: "drm_gem_vunmap(bo, map)"}')}`,
  },
  {
    name: 'drm_gem_shmem_get_pages_locked (allocates under the reservation: not in the signalling path)',
    bad: callback('drm_sched_backend_ops.run_job', '    - dma_resv_lock: "dma_resv[bo]"\n    - call: drm_gem_shmem_get_pages_locked(bo)\n    - dma_resv_unlock: "dma_resv[bo]"\n'),
    badRules: ['circular-dependency'],
    good: path('{dma_resv_lock: "dma_resv[bo]"}, {call: drm_gem_shmem_get_pages_locked(bo)}, {dma_resv_unlock: "dma_resv[bo]"}'),
  },
  {
    name: 'drm_gem_shmem_pin (takes the reservation: called with it held)',
    bad: path('{dma_resv_lock: "dma_resv[bo]"}, {call: drm_gem_shmem_pin(bo)}, {dma_resv_unlock: "dma_resv[bo]"}'),
    badRules: ['recursive-locking'],
    good: path('{call: drm_gem_shmem_pin(bo)}'),
  },
  {
    name: 'drm_gem_shmem_vmap_locked (vmap allocates under the reservation, here inside a spinlock)',
    bad: path('{dma_resv_lock: "dma_resv[bo]"}, {spin_lock: l}, {call: "drm_gem_shmem_vmap_locked(bo, map)"}, {spin_unlock: l}, {dma_resv_unlock: "dma_resv[bo]"}', 'locks: {l: spinlock}\n'),
    badRules: ['sleep-in-atomic'],
    good: path('{dma_resv_lock: "dma_resv[bo]"}, {call: "drm_gem_shmem_vmap_locked(bo, map)"}, {call: "drm_gem_shmem_vunmap_locked(bo, map)"}, {dma_resv_unlock: "dma_resv[bo]"}'),
  },
  {
    name: 'drm_gem_shmem_vunmap_locked (without the reservation)',
    bad: path('{call: "drm_gem_shmem_vunmap_locked(bo, map)"}'),
    badRules: ['assert-held'],
    good: path('{dma_resv_lock: "dma_resv[bo]"}, {call: "drm_gem_shmem_vunmap_locked(bo, map)"}, {dma_resv_unlock: "dma_resv[bo]"}'),
  },
  {
    name: 'drm_gem_lru_scan (the shrink callback runs in reclaim: a lock held around an allocation elsewhere)',
    bad: `locks: {m: mutex}\n${shrinker('    - mutex_lock: m\n    - mutex_unlock: m\n')}paths:\n  - name: ioctl\n    steps: [{mutex_lock: m}, {kmalloc: GFP_KERNEL}, {mutex_unlock: m}]\n`,
    badRules: ['circular-dependency'],
    good: `locks: {m: mutex}\n${shrinker('    - if: {mutex_trylock: m}\n      then: [{mutex_unlock: m}]\n')}paths:\n  - name: ioctl\n    steps: [{mutex_lock: m}, {kmalloc: GFP_KERNEL}, {mutex_unlock: m}]\n`,
  },
  {
    name: 'drm_gem_lru.shrink (a blocking reservation lock in the callback)',
    bad: shrinker('    - dma_resv_lock: "dma_resv[vm]"\n    - dma_resv_unlock: "dma_resv[vm]"\n'),
    badRules: ['recursive-locking', 'circular-dependency'],
    good: shrinker('    - if: {dma_resv_trylock: "dma_resv[vm]"}\n      then: [{dma_resv_unlock: "dma_resv[vm]"}]\n'),
  },
  {
    name: 'drm_gem_lru_scan_with_ticket (a ww transaction begun in reclaim)',
    bad: shrinker('    - might_sleep\n', 'drm_gem_lru_scan_with_ticket(lru, nr, ticket)'),
    badRules: ['circular-dependency'],
    good: `functions:\n  evict_all:\n    - call: drm_gem_lru_scan_with_ticket(lru, nr, ticket)\n  shrink:\n    - might_sleep\nhooks:\n  drm_gem_lru.shrink: [shrink]\n${path('{call: evict_all}')}`,
  },
];
