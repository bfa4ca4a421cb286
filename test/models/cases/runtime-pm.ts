/** drm/runtime-pm: pm_runtime_get_sync() and friends, and the dev_pm_ops callbacks they run. */
import type { Case } from '../case.js';

export const CASES: readonly Case[] = [
  {
    name: 'pm_runtime_get_sync (under a spinlock)',
    bad: 'locks: {lock: spinlock}\npaths:\n  - name: p\n    steps: [{spin_lock: lock}, {call: pm_runtime_get_sync(gpu)}, {spin_unlock: lock}]\n',
    badRules: ['sleep-in-atomic'],
    good: 'paths:\n  - name: p\n    steps: [{call: pm_runtime_get_sync(gpu)}, {call: pm_runtime_put_sync(gpu)}]\n',
  },
  {
    name: 'pm_runtime_resume_and_get (under a spinlock)',
    bad: 'locks: {lock: spinlock}\npaths:\n  - name: p\n    steps: [{spin_lock: lock}, {call: pm_runtime_resume_and_get(gpu)}, {spin_unlock: lock}]\n',
    badRules: ['sleep-in-atomic'],
    good: 'paths:\n  - name: p\n    steps: [{call: pm_runtime_resume_and_get(gpu)}]\n',
  },
  {
    name: 'pm_runtime_put_sync (under a spinlock)',
    bad: 'locks: {lock: spinlock}\npaths:\n  - name: p\n    steps: [{spin_lock: lock}, {call: pm_runtime_put_sync(gpu)}, {spin_unlock: lock}]\n',
    badRules: ['sleep-in-atomic'],
    good: 'paths:\n  - name: p\n    steps: [{call: pm_runtime_put_sync(gpu)}]\n',
  },
  {
    name: 'dev_pm_ops.runtime_resume (resumed from run_job)',
    bad: 'functions:\n  resume: [{kmalloc: GFP_KERNEL}]\n  run: [{call: pm_runtime_get_sync(gpu)}]\nhooks:\n  dev_pm_ops.runtime_resume: [resume]\n  drm_sched_backend_ops.run_job: [run]\n',
    badRules: ['circular-dependency'],
    good: 'functions:\n  resume: [{kmalloc: GFP_KERNEL}]\nhooks:\n  dev_pm_ops.runtime_resume: [resume]\npaths:\n  - name: ioctl\n    steps: [{call: pm_runtime_get_sync(gpu)}]\n',
  },
  {
    name: 'dev_pm_ops.runtime_suspend (suspended from the timeout handler)',
    bad: 'functions:\n  suspend: [{kmalloc: GFP_KERNEL}]\n  tdr: [{call: pm_runtime_put_sync(gpu)}]\nhooks:\n  dev_pm_ops.runtime_suspend: [suspend]\n  drm_sched_backend_ops.timedout_job: [tdr]\n',
    badRules: ['circular-dependency'],
    good: 'functions:\n  suspend: [{kmalloc: GFP_KERNEL}]\nhooks:\n  dev_pm_ops.runtime_suspend: [suspend]\npaths:\n  - name: ioctl\n    steps: [{call: pm_runtime_put_sync(gpu)}]\n',
  },
  {
    name: 'pm_runtime_put (the suspend runs later on pm_wq: flushing it under a lock the suspend takes)',
    bad: 'locks: {m: mutex}\nfunctions:\n  suspend: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  dev_pm_ops.runtime_suspend: [suspend]\npaths:\n  - name: p\n    steps: [{mutex_lock: m}, {call: pm_runtime_put(gpu)}, {flush_workqueue: pm}, {mutex_unlock: m}]\n',
    badRules: ['circular-dependency'],
    good: 'locks: {m: mutex}\nfunctions:\n  suspend: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  dev_pm_ops.runtime_suspend: [suspend]\npaths:\n  - name: p\n    steps: [{mutex_lock: m}, {call: pm_runtime_put(gpu)}, {mutex_unlock: m}, {flush_workqueue: pm}]\n',
  },
  {
    name: 'pm_runtime_put_autosuspend (power.lock is a spinlock: not under a raw spinlock)',
    bad: 'locks: {r: raw_spinlock}\npaths:\n  - name: p\n    steps: [{raw_spin_lock: r}, {call: pm_runtime_put_autosuspend(gpu)}, {raw_spin_unlock: r}]\n',
    badRules: ['invalid-wait-context'],
    good: 'locks: {r: raw_spinlock}\npaths:\n  - name: p\n    steps: [{raw_spin_lock: r}, {raw_spin_unlock: r}, {call: pm_runtime_put_autosuspend(gpu)}]\n',
  },
];
