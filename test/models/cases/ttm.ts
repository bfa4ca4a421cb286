/** drm/ttm: validation and eviction, the last reference and delayed destroy, swapout, the pool shrinker. */
import { callback, type Case } from '../case.js';

/** A submit-like ioctl that reserves `bo` with drm_exec and validates it (`inside`: more steps while reserved). */
const validate = (inside = '', extra = '') => `${extra}paths:
  - name: validate ioctl
    steps:
      - call: drm_exec_init(exec, 0, 0)
      - call: drm_exec_until_all_locked(exec)
      - call: drm_exec_lock_obj(exec, bo)
${inside}      - call: ttm_bo_validate(bo, exec)
      - call: drm_exec_fini(exec)
`;

/** Register `steps` (flow sequence) as function `cb` on `hook`. */
const on = (hook: string, steps: string, locks = '') => `${locks}functions:\n  cb: ${steps}\nhooks:\n  ${hook}: [cb]\n`;

/** A path that drops the last reference of `bo`. */
const put = (before = '', after = '') => `paths:\n  - name: close\n    steps: [${before}{call: ttm_bo_put(bo)}${after}]\n`;

/** ttm_tt_populate() going over the page limit: swapout with the populating BO reserved. */
const populate = 'paths:\n  - name: populate\n    steps: [{dma_resv_lock: "dma_resv[bo]"}, {call: "ttm_global_swapout(ctx, GFP_KERNEL)"}, {dma_resv_unlock: "dma_resv[bo]"}]\n';

export const CASES: readonly Case[] = [
  {
    name: 'ttm_bo_validate (the BO must be reserved)',
    bad: validate().replace('      - call: drm_exec_lock_obj(exec, bo)\n', ''),
    badRules: ['assert-held'],
    good: validate(),
  },
  {
    name: 'ttm_bo_evict (the victim must be reserved)',
    bad: 'paths:\n  - name: p\n    steps: [{call: ttm_bo_evict(victim)}]\n',
    badRules: ['assert-held'],
    good: 'paths:\n  - name: p\n    steps: [{dma_resv_lock: "dma_resv[victim]"}, {call: ttm_bo_evict(victim)}, {dma_resv_unlock: "dma_resv[victim]"}]\n',
  },
  {
    name: 'ttm_device_funcs.evict_flags (runs inside the caller\'s validation, under its locks)',
    bad: on('ttm_device_funcs.evict_flags', '[{mutex_lock: m}, {mutex_unlock: m}]', 'locks: {m: mutex}\n') + validate('      - mutex_lock: m\n').replace('      - call: drm_exec_fini(exec)\n', '      - mutex_unlock: m\n      - call: drm_exec_fini(exec)\n'),
    badRules: ['recursive-locking'],
    good: on('ttm_device_funcs.evict_flags', '[{mutex_lock: m}, {mutex_unlock: m}]', 'locks: {m: mutex}\n') + validate(),
  },
  {
    name: 'ttm_device_funcs.eviction_valuable (called with the victim reserved: locking it again)',
    bad: on('ttm_device_funcs.eviction_valuable', '[{dma_resv_lock: "dma_resv[victim of bo]"}, {dma_resv_unlock: "dma_resv[victim of bo]"}]') + validate(),
    badRules: ['recursive-locking'],
    good: on('ttm_device_funcs.eviction_valuable', '[{dma_resv_assert_held: "dma_resv[victim of bo]"}]') + validate(),
  },
  {
    name: 'ttm_device_funcs.move (runs inside the caller\'s validation, under its locks)',
    bad: on('ttm_device_funcs.move', '[{mutex_lock: m}, {mutex_unlock: m}]', 'locks: {m: mutex}\n') + validate('      - mutex_lock: m\n').replace('      - call: drm_exec_fini(exec)\n', '      - mutex_unlock: m\n      - call: drm_exec_fini(exec)\n'),
    badRules: ['recursive-locking'],
    good: on('ttm_device_funcs.move', '[{kmalloc: GFP_KERNEL}, {dma_resv_assert_held: "dma_resv[bo]"}]') + validate(),
  },
  {
    name: 'ttm_bo_put (the last reference runs the driver\'s callbacks in the caller: under a spinlock)',
    bad: on('ttm_buffer_object.destroy', '[{might_sleep}]', 'locks: {l: spinlock}\n') + put('{spin_lock: l}, ', ', {spin_unlock: l}'),
    badRules: ['sleep-in-atomic'],
    good: on('ttm_buffer_object.destroy', '[{might_sleep}]', 'locks: {l: spinlock}\n') + put('{spin_lock: l}, {spin_unlock: l}, '),
  },
  {
    name: 'ttm_device_funcs.release_notify (runs in whoever drops the last reference: from run_job, it allocates in the signalling path)',
    bad: `functions:\n  cb: [{kmalloc: GFP_KERNEL}]\n  run: [{call: ttm_bo_put(bo)}]\nhooks:\n  ttm_device_funcs.release_notify: [cb]\n  drm_sched_backend_ops.run_job: [run]\n`,
    badRules: ['circular-dependency'],
    good: on('ttm_device_funcs.release_notify', '[{kmalloc: GFP_KERNEL}]') + put(),
  },
  {
    name: 'ttm_device_funcs.delete_mem_notify (runs in the delayed-destroy work: flushing the TTM workqueue)',
    bad: on('ttm_device_funcs.delete_mem_notify', '[{flush_workqueue: ttm}]') + put(),
    badRules: ['recursive-locking', 'circular-dependency'],
    good: on('ttm_device_funcs.delete_mem_notify', '[{kmalloc: GFP_KERNEL}]') + put(),
  },
  {
    name: 'ttm_buffer_object.destroy (runs in the delayed-destroy work: flushing the TTM workqueue)',
    bad: on('ttm_buffer_object.destroy', '[{flush_workqueue: ttm}]') + put(),
    badRules: ['recursive-locking', 'circular-dependency'],
    good: on('ttm_buffer_object.destroy', '[{kmalloc: GFP_KERNEL}]') + put(),
  },
  {
    name: 'ttm_global_swapout (a fence wait and an allocation: not in the signalling path)',
    bad: callback('drm_sched_backend_ops.run_job', '    - call: ttm_global_swapout(ctx, GFP_KERNEL)\n'),
    badRules: ['circular-dependency', 'circular-dependency', 'circular-dependency'],
    good: populate,
  },
  {
    name: 'ttm_device_funcs.swap_notify (called with the BO trylocked: locking it again)',
    bad: on('ttm_device_funcs.swap_notify', '[{dma_resv_lock: "dma_resv[swapped bo]"}, {dma_resv_unlock: "dma_resv[swapped bo]"}]') + populate,
    badRules: ['recursive-locking', 'circular-dependency'],
    good: on('ttm_device_funcs.swap_notify', '[{kmalloc: GFP_KERNEL}]') + populate,
  },
  {
    name: 'ttm_pool_shrinker_scan (run by reclaim: a pool lock held around an allocation)',
    bad: 'paths:\n  - name: p\n    steps: [{spin_lock: "ttm:shrinker_lock"}, {kmalloc: GFP_ATOMIC}, {spin_unlock: "ttm:shrinker_lock"}, {down_read: "ttm:pool_shrink_rwsem"}, {kmalloc: GFP_KERNEL}, {up_read: "ttm:pool_shrink_rwsem"}]\n',
    badRules: ['circular-dependency'],
    good: 'paths:\n  - name: p\n    steps: [{call: ttm_pool_shrinker_scan}]\n',
  },
  {
    // a fault handler taking the driver's lock before the reservation, an ioctl taking it inside
    name: 'ttm_bo_vm_reserve (in a fault handler, inside a lock the driver takes under the reservation)',
    bad: `${on('vm_operations_struct.fault', '[{mutex_lock: drv}, {call: "ttm_bo_vm_reserve(bo, vmf)"}, {dma_resv_unlock: "dma_resv[bo]"}, {mutex_unlock: drv}]', 'locks: {drv: mutex}\n')}${validate('      - mutex_lock: drv\n      - mutex_unlock: drv\n')}`,
    badRules: ['circular-dependency'],
    good: `${on('vm_operations_struct.fault', '[{call: "ttm_bo_vm_reserve(bo, vmf)"}, {mutex_lock: drv}, {mutex_unlock: drv}, {dma_resv_unlock: "dma_resv[bo]"}]', 'locks: {drv: mutex}\n')}${validate('      - mutex_lock: drv\n      - mutex_unlock: drv\n')}`,
  },
  {
    name: 'ttm_bo_populate (without the reservation)',
    bad: 'paths:\n  - name: p\n    steps: [{call: "ttm_bo_populate(bo, ctx)"}]\n',
    badRules: ['assert-held'],
    good: 'paths:\n  - name: p\n    steps: [{dma_resv_lock: "dma_resv[bo]"}, {call: "ttm_bo_populate(bo, ctx)"}, {dma_resv_unlock: "dma_resv[bo]"}]\n',
  },
  {
    name: 'ttm_bo_vm_fault_reserved (a fault handler that did not reserve the BO first)',
    bad: on('vm_operations_struct.fault', '[{call: "ttm_bo_vm_fault_reserved(bo, prot, 16)"}]'),
    badRules: ['assert-held'],
    good: on('vm_operations_struct.fault', '[{call: "ttm_bo_vm_reserve(bo, vmf)"}, {call: "ttm_bo_vm_fault_reserved(bo, prot, 16)"}, {dma_resv_unlock: "dma_resv[bo]"}]'),
  },
];
