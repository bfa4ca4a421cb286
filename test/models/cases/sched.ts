/** drm/sched: the job functions and the drm_sched_backend_ops hooks. */
import { callback, submit, type Case } from '../case.js';

/** The run-job work popping a job whose dependency `dep` enables signalling with `steps`. */
function popJob(steps: string): string {
  return `locks: {m: mutex, l: spinlock}
fences:
  dep: { enable_signaling: dep_enable_signaling }
functions:
  dep_enable_signaling: [${steps}]
paths:
  - name: run-job work
    work: { item: "(&sched->work_run_job)", queue: drm_sched_lockdep_map }
    steps:
      - call: drm_sched_entity_pop_job(entity, dep)
`;
}

export const CASES: readonly Case[] = [

  {
    name: 'drm_sched_job_init',
    bad: submit('', '      - call: drm_sched_job_init(job)\n'),
    badRules: ['circular-dependency'],
    good: submit('      - call: drm_sched_job_init(job)\n', ''),
  },
  {
    name: 'drm_sched_job_add_dependency',
    bad: submit('', '      - call: drm_sched_job_add_dependency(job, in_fence)\n'),
    badRules: ['circular-dependency'],
    good: submit('      - call: drm_sched_job_add_dependency(job, in_fence)\n', ''),
  },
  {
    name: 'drm_sched_entity_pop_job (the dependency\'s enable_signaling runs under its lock: it may not sleep)',
    bad: popJob('{mutex_lock: m}, {mutex_unlock: m}'),
    badRules: ['sleep-in-atomic', 'invalid-wait-context'],
    good: popJob('{spin_lock: l}, {spin_unlock: l}'),
  },
  {
    name: 'drm_sched_job_arm (a GFP_KERNEL allocation before the push)',
    bad: submit('', '      - kmalloc: GFP_KERNEL\n'),
    badRules: ['circular-dependency'],
    good: submit('      - kmalloc: GFP_KERNEL\n', ''),
  },
  {
    name: 'drm_sched_entity_push_job (entity->lock is not irq-safe)',
    bad: `${submit('', '')}  - name: irq handler
    context: hardirq
    steps:
      - call: drm_sched_job_arm(job)
      - call: drm_sched_entity_push_job(job)
`,
    badRules: ['inconsistent-lock-state', 'inconsistent-lock-state'],
    good: submit('', '      - spin_lock: lock\n      - spin_unlock: lock\n').replace('paths:', 'locks: {lock: spinlock}\npaths:'),
  },
  {
    name: 'drm_sched_backend_ops.run_job',
    bad: callback('drm_sched_backend_ops.run_job', '    - kmalloc: GFP_KERNEL\n'),
    badRules: ['circular-dependency'],
    good: callback('drm_sched_backend_ops.run_job', '    - kmalloc: GFP_NOWAIT\n'),
  },
  {
    name: 'drm_sched_backend_ops.timedout_job',
    bad: callback('drm_sched_backend_ops.timedout_job', '    - kmalloc: GFP_KERNEL\n'),
    badRules: ['circular-dependency'],
    good: callback('drm_sched_backend_ops.timedout_job', '    - kmalloc: GFP_ATOMIC\n'),
  },
  {
    name: 'drm_sched_backend_ops.free_job (flushing its own submit queue)',
    bad: callback('drm_sched_backend_ops.free_job', '    - flush_workqueue: drm_sched_lockdep_map\n'),
    badRules: ['recursive-locking', 'circular-dependency'],
    good: callback('drm_sched_backend_ops.free_job', '    - kmalloc: GFP_KERNEL\n'),
  },
  {
    name: 'drm_sched_stop (from the run_job callback: cancels its own work)',
    bad: callback('drm_sched_backend_ops.run_job', '    - call: drm_sched_stop(sched)\n'),
    badRules: ['recursive-locking', 'circular-dependency'],
    good: `${submit('', '')}  - name: reset work\n    work: {item: "(&gpu->reset_work)", queue: reset}\n    steps: [{call: drm_sched_stop(sched)}, {call: drm_sched_start(sched)}]\n`,
  },
  {
    name: 'drm_sched_resubmit_jobs (under a spinlock, run_job sleeps)',
    bad: 'locks: {lock: spinlock, m: mutex}\nfunctions:\n  run: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  drm_sched_backend_ops.run_job: [run]\npaths:\n  - name: reset\n    steps: [{spin_lock: lock}, {call: drm_sched_resubmit_jobs(sched)}, {spin_unlock: lock}]\n',
    badRules: ['sleep-in-atomic', 'invalid-wait-context'],
    good: 'locks: {m: mutex}\nfunctions:\n  run: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  drm_sched_backend_ops.run_job: [run]\npaths:\n  - name: reset\n    steps: [{call: drm_sched_resubmit_jobs(sched)}]\n',
  },
  {
    name: 'drm_sched_start (job_list_lock is not irq-safe)',
    bad: 'paths:\n  - name: reset\n    steps: [{call: drm_sched_start(sched)}]\n  - name: irq\n    context: hardirq\n    steps: [{call: drm_sched_start(sched)}]\n',
    badRules: ['inconsistent-lock-state'],
    good: 'paths:\n  - name: reset\n    steps: [{call: drm_sched_start(sched)}]\n',
  },
  {
    name: 'drm_sched_run_job_work (run_job takes a lock that is held around a wait for the job\'s fence)',
    bad: 'locks: {m: mutex}\nfunctions:\n  run: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  drm_sched_backend_ops.run_job: [run]\npaths:\n  - name: p\n    steps: [{mutex_lock: m}, {dma_fence_wait: "drm_sched:finished"}, {mutex_unlock: m}]\n',
    badRules: ['circular-dependency'],
    good: 'locks: {m: mutex}\nfunctions:\n  run: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  drm_sched_backend_ops.run_job: [run]\npaths:\n  - name: p\n    steps: [{mutex_lock: m}, {mutex_unlock: m}, {dma_fence_wait: "drm_sched:finished"}]\n',
  },
  {
    name: 'drm_sched_free_job_work (free_job runs on the submit queue: flushing it from there)',
    bad: callback('drm_sched_backend_ops.free_job', '    - flush_work: "(&sched->work_run_job)"\n    - flush_workqueue: drm_sched_lockdep_map\n'),
    badRules: ['recursive-locking', 'circular-dependency'],
    good: callback('drm_sched_backend_ops.free_job', '    - flush_work: "(&sched->work_run_job)"\n'),
  },
  {
    name: 'drm_sched_entity_flush (waits: not under a spinlock)',
    bad: 'locks: {l: spinlock}\npaths:\n  - name: close\n    steps: [{spin_lock: l}, {call: "drm_sched_entity_flush(entity, timeout)"}, {spin_unlock: l}]\n',
    badRules: ['sleep-in-atomic'],
    good: 'paths:\n  - name: close\n    steps: [{call: "drm_sched_entity_flush(entity, timeout)"}]\n',
  },
  {
    name: 'drm_sched_fini (from the timeout handler: waits for itself)',
    bad: callback('drm_sched_backend_ops.timedout_job', '    - call: drm_sched_fini(sched)\n'),
    badRules: ['recursive-locking'],
    good: 'paths:\n  - name: driver unbind\n    steps: [{call: drm_sched_fini(sched)}]\n',
  },
];
