/** drm/gpuvm: the VM's locking through drm_exec, validation, the split/merge walk and deferred vm_bo puts. */
import type { Case } from '../case.js';

/** A path named `name` with `steps` (YAML flow items). */
function path(name: string, ...steps: string[]): string {
  return `  - name: ${name}\n    steps:\n${steps.map((s) => `      - ${s}\n`).join('')}`;
}

/** `steps` with the VM `vm` and its external objects locked by drm_gpuvm_exec_lock. */
function locked(...steps: string[]): string[] {
  return ['{call: "drm_gpuvm_exec_lock(vm)"}', ...steps, '{call: "drm_gpuvm_exec_unlock(vm)"}'];
}

/** The driver's drm_gpuvm_ops slot `slot` filled with `steps` (flow items). */
function op(slot: string, steps: string): string {
  return `functions:\n  driver_${slot}: [${steps}]\nhooks:\n  drm_gpuvm_ops.${slot}: [driver_${slot}]\n`;
}

/** A bind that runs the split/merge walk `walk` inside a signalling section (an immediate-mode bind from run_job) — or before it. */
function bind(slot: string, walk: string, inSignalling: boolean, stepSteps: string): string {
  const call = `{call: "${walk}"}`;
  return `${op(slot, stepSteps)}paths:\n${path('bind', inSignalling ? `{signalling: [${call}]}` : call)}`;
}

export const CASES: readonly Case[] = [
  {
    name: 'drm_gpuvm_exec_lock (a transaction started under a reservation taken without one)',
    bad: `paths:\n${path('ioctl', '{dma_resv_lock: "dma_resv[other]"}', ...locked(), '{dma_resv_unlock: "dma_resv[other]"}')}`,
    // the acquire context after a reservation, and the VM's reservation without being nested in it
    badRules: ['circular-dependency', 'recursive-locking'],
    good: `paths:\n${path('ioctl', ...locked())}`,
  },
  {
    name: 'drm_gpuvm_exec_unlock (with no transaction)',
    bad: `paths:\n${path('ioctl', '{call: "drm_gpuvm_exec_unlock(vm)"}')}`,
    badRules: ['bad-unlock'],
    good: `paths:\n${path('ioctl', ...locked())}`,
  },
  {
    name: 'drm_gpuvm_prepare_vm (in a signalling section)',
    bad: `paths:\n${path('run_job', '{signalling: [{call: "drm_exec_init(exec, 0, 0)"}, {call: "drm_exec_until_all_locked(exec)"}, {call: "drm_gpuvm_prepare_vm(vm, exec, 1)"}, {call: "drm_exec_fini(exec)"}]}')}`,
    // drm_exec_init's allocation, and the reservation, in the signalling section
    badRules: ['circular-dependency', 'circular-dependency'],
    good: `paths:\n${path('ioctl', '{call: "drm_exec_init(exec, 0, 0)"}', '{call: "drm_exec_until_all_locked(exec)"}', '{call: "drm_gpuvm_prepare_vm(vm, exec, 1)"}', '{call: "drm_exec_fini(exec)"}')}`,
  },
  {
    name: 'drm_gpuvm_prepare_objects (from hard irq and process context: extobj.lock is not irq-safe)',
    bad: `paths:\n${path('ioctl', ...locked())}  - name: irq\n    context: hardirq\n    steps: [{spin_lock: "drm_gpuvm:extobj.lock[vm]"}, {spin_unlock: "drm_gpuvm:extobj.lock[vm]"}]\n`,
    badRules: ['inconsistent-lock-state'],
    good: `paths:\n${path('ioctl', '{call: "drm_exec_init(exec, 0, 0)"}', '{call: "drm_exec_until_all_locked(exec)"}', '{call: "drm_gpuvm_prepare_vm(vm, exec, 1)"}', '{call: "drm_gpuvm_prepare_objects(vm, exec, 1)"}', '{call: "drm_exec_fini(exec)"}')}`,
  },
  {
    name: 'drm_gpuvm_validate (without the VM\'s reservation)',
    bad: `paths:\n${path('ioctl', '{call: "drm_gpuvm_validate(vm, exec)"}')}`,
    badRules: ['assert-held'],
    good: `paths:\n${path('ioctl', ...locked('{call: "drm_gpuvm_validate(vm, vm)"}'))}`,
  },
  {
    name: 'drm_gpuvm_ops.vm_bo_validate (faults on user memory under the reservations)',
    bad: `${op('vm_bo_validate', 'copy_from_user')}paths:\n${path('ioctl', ...locked('{call: "drm_gpuvm_validate(vm, vm)"}'))}`,
    badRules: ['circular-dependency'],
    good: `${op('vm_bo_validate', '{kmalloc: GFP_KERNEL}')}paths:\n${path('ioctl', ...locked('{call: "drm_gpuvm_validate(vm, vm)"}'))}`,
  },
  {
    name: 'drm_gpuvm_bo_obtain (without the object\'s reservation)',
    bad: `paths:\n${path('ioctl', '{call: "drm_gpuvm_bo_obtain(vm, bo)"}')}`,
    badRules: ['assert-held'],
    good: `paths:\n${path('ioctl', ...locked('{call: "drm_gpuvm_bo_obtain(vm, vm)"}'))}`,
  },
  {
    name: 'drm_gpuvm_sm_map (its steps run in the caller\'s signalling section)',
    bad: bind('sm_step_map', 'drm_gpuvm_sm_map(vm, priv, req)', true, '{kmalloc: GFP_KERNEL}'),
    badRules: ['circular-dependency'],
    good: bind('sm_step_map', 'drm_gpuvm_sm_map(vm, priv, req)', false, '{kmalloc: GFP_KERNEL}'),
  },
  {
    name: 'drm_gpuvm_ops.sm_step_map (allocates in an immediate-mode bind from the signalling path)',
    bad: bind('sm_step_map', 'drm_gpuvm_sm_map(vm, priv, req)', true, '{kzalloc: GFP_KERNEL}'),
    badRules: ['circular-dependency'],
    good: bind('sm_step_map', 'drm_gpuvm_sm_map(vm, priv, req)', true, '{extern: "use the preallocated drm_gpuva"}'),
  },
  {
    name: 'drm_gpuvm_ops.sm_step_remap (allocates in an immediate-mode unbind from the signalling path)',
    bad: bind('sm_step_remap', 'drm_gpuvm_sm_unmap(vm, priv, addr, range)', true, '{kzalloc: GFP_KERNEL}'),
    badRules: ['circular-dependency'],
    good: bind('sm_step_remap', 'drm_gpuvm_sm_unmap(vm, priv, addr, range)', true, '{kzalloc: GFP_NOWAIT}'),
  },
  {
    name: 'drm_gpuvm_ops.sm_step_unmap (allocates in an immediate-mode unbind from the signalling path)',
    bad: bind('sm_step_unmap', 'drm_gpuvm_sm_unmap(vm, priv, addr, range)', true, '{kzalloc: GFP_KERNEL}'),
    badRules: ['circular-dependency'],
    good: bind('sm_step_unmap', 'drm_gpuvm_sm_unmap(vm, priv, addr, range)', false, '{kzalloc: GFP_KERNEL}'),
  },
  {
    name: 'drm_gpuvm_sm_unmap (its steps take the VM lock the caller holds)',
    bad: `locks: {vm_lock: mutex}\n${op('sm_step_unmap', '{mutex_lock: vm_lock}, {mutex_unlock: vm_lock}')}paths:\n${path('unbind', '{mutex_lock: vm_lock}', '{call: "drm_gpuvm_sm_unmap(vm, priv, addr, range)"}', '{mutex_unlock: vm_lock}')}`,
    badRules: ['recursive-locking'],
    good: `locks: {vm_lock: mutex}\n${op('sm_step_unmap', '{mutex_lock: vm_lock}, {mutex_unlock: vm_lock}')}paths:\n${path('unbind', '{call: "drm_gpuvm_sm_unmap(vm, priv, addr, range)"}')}`,
  },
  {
    name: 'drm_gpuvm_sm_map_ops_create (in a signalling section)',
    bad: `paths:\n${path('run_job', '{signalling: [{call: "drm_gpuvm_sm_map_ops_create(vm, req)"}]}')}`,
    badRules: ['circular-dependency'],
    good: `paths:\n${path('bind ioctl', '{call: "drm_gpuvm_sm_map_ops_create(vm, req)"}', '{signalling: [{kmalloc: GFP_NOWAIT}]}')}`,
  },
  {
    name: 'drm_gpuvm_bo_put_deferred (gpuva.lock held across an allocation elsewhere)',
    bad: `paths:\n${path('bind', '{mutex_lock: "drm_gpuvm:gpuva.lock[bo]"}', '{kmalloc: GFP_KERNEL}', '{mutex_unlock: "drm_gpuvm:gpuva.lock[bo]"}')}${path('run_job', '{signalling: [{call: "drm_gpuvm_bo_put_deferred(bo)"}]}')}`,
    badRules: ['circular-dependency'],
    good: `paths:\n${path('bind', '{kmalloc: GFP_KERNEL}', '{mutex_lock: "drm_gpuvm:gpuva.lock[bo]"}', '{mutex_unlock: "drm_gpuvm:gpuva.lock[bo]"}')}${path('run_job', '{signalling: [{call: "drm_gpuvm_bo_put_deferred(bo)"}]}')}`,
  },
  {
    name: 'drm_gpuvm_bo_deferred_cleanup (inside a drm_exec transaction)',
    bad: `paths:\n${path('ioctl', '{call: "drm_exec_init(exec, 0, 0)"}', '{call: "drm_exec_until_all_locked(exec)"}', '{call: "drm_exec_lock_obj(exec, bo)"}', '{call: "drm_gpuvm_bo_deferred_cleanup(vm)"}', '{call: "drm_exec_fini(exec)"}')}`,
    badRules: ['recursive-locking'],
    good: `paths:\n${path('ioctl', ...locked(), '{call: "drm_gpuvm_bo_deferred_cleanup(vm)"}')}`,
  },
];
