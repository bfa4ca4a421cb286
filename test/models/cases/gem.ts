/** drm/gem: vmap, PRIME pinning, shmem pages, the last reference and the GEM LRU walk of a shrinker. */
import { callback, type Case } from '../case.js';

/** A shrinker whose scan_objects walks an LRU with drm_gem_lru_scan() (`shrink`: the callback's steps). */
function shrinker(shrink: string, scan = 'drm_gem_lru_scan(lru, nr)'): string {
  return `functions:\n  scan:\n    - call: ${scan}\n  shrink:\n${shrink}hooks:\n  shrinker.scan: [scan]\n  drm_gem_lru.shrink: [shrink]\n`;
}

/** A path `p` with `steps` (a flow sequence body). */
const path = (steps: string, extra = '') => `${extra}paths:\n  - name: p\n    steps: [${steps}]\n`;

/** The hook each of a driver's ops below is registered on. */
const OPS = {
  pin: 'drm_gem_object_funcs.pin',
  unpin: 'drm_gem_object_funcs.unpin',
  attach: 'dma_buf_ops.attach',
  detach: 'dma_buf_ops.detach',
} as const;

/** A driver's GEM pin/unpin and PRIME attach/detach ops: each one given (a flow sequence of steps) registered on its hook. */
function ops(given: Partial<Record<keyof typeof OPS, string>>): string {
  const names = (Object.keys(OPS) as (keyof typeof OPS)[]).filter((k) => given[k] !== undefined);
  return `functions:\n${names.map((k) => `  ${k}: ${given[k]}\n`).join('')}hooks:\n${names.map((k) => `  ${OPS[k]}: [${k}]\n`).join('')}`;
}

/** `call` with bo's reservation held around it (steps of a flow sequence). */
const held = (call: string) => `{dma_resv_lock: "dma_resv[bo]"}, {call: "${call}"}, {dma_resv_unlock: "dma_resv[bo]"}`;
/** panfrost's pin before its fix: it takes the reservation itself. */
const PIN_TAKING_RESV = '[{call: drm_gem_shmem_pin(bo)}]';
const UNPIN_TAKING_RESV = '[{dma_resv_lock: "dma_resv[bo]"}, {dma_resv_unlock: "dma_resv[bo]"}]';
/** A pin and unpin that expect the reservation held (drm_gem_shmem_object_pin() since 6.10). */
const PIN_LOCKED = '[{call: drm_gem_shmem_pin_locked(bo)}]';
const UNPIN_LOCKED = '[{call: drm_gem_shmem_unpin_locked(bo)}]';
/** The PRIME helpers as an exporter's dma_buf_ops.attach and .detach. */
const ATTACH = '[{call: "drm_gem_map_attach(bo, attach)"}]';
const DETACH = '[{call: "drm_gem_map_detach(bo, attach)"}]';
const kernel = (release: string) => `options: {kernel: "${release}"}\n`;

/**
 * A driver op on `hook` that takes the driver's lock `drv`, and an ioctl that holds `drv` around
 * copy_to_user (a fault: mmap_lock for read) — `before` the copy when misused, after it when not.
 */
function opUnderMmapLock(hook: string, misused: boolean, op = '{mutex_lock: drv}, {mutex_unlock: drv}'): string {
  const ioctl = misused ? '{mutex_lock: drv}, {copy_to_user: args}, {mutex_unlock: drv}' : '{mutex_lock: drv}, {mutex_unlock: drv}, {copy_to_user: args}';
  return `functions:\n  op: [${op}]\nhooks:\n  ${hook}: [op]\n${path(ioctl, 'locks: {drv: mutex}\n')}`;
}

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
    name: 'drm_gem_shmem_pin_locked (without the reservation)',
    bad: path('{call: drm_gem_shmem_pin_locked(bo)}'),
    badRules: ['assert-held'],
    good: path('{dma_resv_lock: "dma_resv[bo]"}, {call: drm_gem_shmem_pin_locked(bo)}, {call: drm_gem_shmem_unpin_locked(bo)}, {dma_resv_unlock: "dma_resv[bo]"}'),
  },
  {
    name: 'drm_gem_shmem_unpin_locked (without the reservation)',
    bad: path('{call: drm_gem_shmem_unpin_locked(bo)}'),
    badRules: ['assert-held'],
    good: path('{dma_resv_lock: "dma_resv[bo]"}, {call: drm_gem_shmem_unpin_locked(bo)}, {dma_resv_unlock: "dma_resv[bo]"}'),
  },
  {
    name: 'drm_gem_object_funcs.pin (the driver\'s pin takes the reservation drm_gem_pin holds)',
    bad: ops({ pin: PIN_TAKING_RESV }) + path('{call: drm_gem_pin(bo)}'),
    badRules: ['recursive-locking'],
    good: ops({ pin: PIN_LOCKED, unpin: UNPIN_LOCKED }) + path('{call: drm_gem_pin(bo)}, {call: drm_gem_unpin(bo)}'),
  },
  {
    name: 'drm_gem_object_funcs.unpin (the driver\'s unpin takes the reservation drm_gem_unpin holds)',
    bad: ops({ unpin: UNPIN_TAKING_RESV }) + path('{call: drm_gem_unpin(bo)}'),
    badRules: ['recursive-locking'],
    good: ops({ unpin: UNPIN_LOCKED }) + path('{call: drm_gem_unpin(bo)}'),
  },
  {
    name: 'drm_gem_pin (takes the reservation itself: called with it held)',
    bad: ops({ pin: PIN_LOCKED }) + path(held('drm_gem_pin(bo)')),
    badRules: ['recursive-locking'],
    good: ops({ pin: PIN_LOCKED }) + path('{call: drm_gem_pin(bo)}'),
  },
  {
    name: 'drm_gem_pin before 6.10 (the driver\'s pin runs without the reservation: a pin that expects it held)',
    bad: kernel('6.9') + ops({ pin: PIN_LOCKED }) + path('{call: drm_gem_pin(bo)}'),
    badRules: ['assert-held'],
    good: kernel('6.9') + ops({ pin: PIN_TAKING_RESV }) + path('{call: drm_gem_pin(bo)}'),
  },
  {
    name: 'drm_gem_unpin (takes the reservation itself: called with it held)',
    bad: ops({ unpin: UNPIN_LOCKED }) + path(held('drm_gem_unpin(bo)')),
    badRules: ['recursive-locking'],
    good: ops({ unpin: UNPIN_LOCKED }) + path('{call: drm_gem_unpin(bo)}'),
  },
  {
    name: 'drm_gem_unpin before 6.10 (the driver\'s unpin runs without the reservation)',
    bad: kernel('6.9') + ops({ unpin: UNPIN_LOCKED }) + path('{call: drm_gem_unpin(bo)}'),
    badRules: ['assert-held'],
    good: kernel('6.9') + ops({ unpin: UNPIN_TAKING_RESV }) + path('{call: drm_gem_unpin(bo)}'),
  },
  {
    name: 'drm_gem_pin_locked (without the reservation: the driver\'s pin asserts it)',
    bad: ops({ pin: PIN_LOCKED }) + path('{call: drm_gem_pin_locked(bo)}'),
    badRules: ['assert-held'],
    good: ops({ pin: PIN_LOCKED }) + path(held('drm_gem_pin_locked(bo)')),
  },
  {
    name: 'drm_gem_unpin_locked (without the reservation: the driver\'s unpin asserts it)',
    bad: ops({ unpin: UNPIN_LOCKED }) + path('{call: drm_gem_unpin_locked(bo)}'),
    badRules: ['assert-held'],
    good: ops({ unpin: UNPIN_LOCKED }) + path(held('drm_gem_unpin_locked(bo)')),
  },
  {
    name: 'drm_gem_map_attach (an importer attaches: the exporter\'s pin takes the reservation again)',
    bad: ops({ pin: PIN_TAKING_RESV, attach: ATTACH }) + path('{call: "dma_buf_attach(bo, dev)"}'),
    badRules: ['recursive-locking'],
    good: ops({ pin: PIN_LOCKED, unpin: UNPIN_LOCKED, attach: ATTACH, detach: DETACH }) + path('{call: "dma_buf_attach(bo, dev)"}, {call: "dma_buf_detach(bo, attach)"}'),
  },
  {
    name: 'drm_gem_map_attach in 6.10 (through drm_gem_pin: an attach op that holds the reservation around it)',
    bad: kernel('6.10') + ops({ pin: PIN_LOCKED, attach: `[${held('drm_gem_map_attach(bo, attach)')}]` }) + path('{call: "dma_buf_attach(bo, dev)"}'),
    badRules: ['recursive-locking'],
    good: kernel('6.10') + ops({ pin: PIN_LOCKED, attach: ATTACH }) + path('{call: "dma_buf_attach(bo, dev)"}'),
  },
  {
    name: 'drm_gem_map_detach (a detach op that holds the reservation around it)',
    bad: ops({ unpin: UNPIN_LOCKED, detach: `[${held('drm_gem_map_detach(bo, attach)')}]` }) + path('{call: "dma_buf_detach(bo, attach)"}'),
    badRules: ['recursive-locking'],
    good: ops({ unpin: UNPIN_LOCKED, detach: DETACH }) + path('{call: "dma_buf_detach(bo, attach)"}'),
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
    name: 'drm_gem_object_funcs.mmap (runs in the mmap syscall under mmap_lock: a lock the driver holds around copy_to_user)',
    bad: opUnderMmapLock('drm_gem_object_funcs.mmap', true),
    badRules: ['circular-dependency'],
    good: opUnderMmapLock('drm_gem_object_funcs.mmap', false),
  },
  {
    name: 'vm_operations_struct.fault (runs under mmap_lock held for read: a lock the driver holds around copy_to_user)',
    bad: opUnderMmapLock('vm_operations_struct.fault', true),
    badRules: ['circular-dependency'],
    good: opUnderMmapLock('vm_operations_struct.fault', false),
  },
  {
    name: 'drm_gem_shmem_mmap (the driver\'s mmap holds the reservation around it)',
    bad: `functions:\n  op: [${held('drm_gem_shmem_mmap(bo, vma)')}]\nhooks:\n  drm_gem_object_funcs.mmap: [op]\n`,
    badRules: ['recursive-locking'],
    good: 'functions:\n  op: [{call: "drm_gem_shmem_mmap(bo, vma)"}]\nhooks:\n  drm_gem_object_funcs.mmap: [op]\n',
  },
  {
    // a driver's fault wrapper taking its lock around the helper, its submit taking it under the reservation
    name: 'drm_gem_shmem_fault (inside a lock the driver takes under the reservation)',
    bad: `functions:\n  fault: [{mutex_lock: drv}, {call: drm_gem_shmem_fault(bo)}, {mutex_unlock: drv}]\nhooks:\n  vm_operations_struct.fault: [fault]\n${path('{dma_resv_lock: "dma_resv[bo]"}, {mutex_lock: drv}, {mutex_unlock: drv}, {dma_resv_unlock: "dma_resv[bo]"}', 'locks: {drv: mutex}\n')}`,
    badRules: ['circular-dependency'],
    good: `functions:\n  fault: [{call: drm_gem_shmem_fault(bo)}, {mutex_lock: drv}, {mutex_unlock: drv}]\nhooks:\n  vm_operations_struct.fault: [fault]\n${path('{dma_resv_lock: "dma_resv[bo]"}, {mutex_lock: drv}, {mutex_unlock: drv}, {dma_resv_unlock: "dma_resv[bo]"}', 'locks: {drv: mutex}\n')}`,
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
