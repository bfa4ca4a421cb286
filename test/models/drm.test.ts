/**
 * The DRM helper models (rules/drm/*.yaml): for every model function and hook, a scenario
 * that misuses it (the finding lockdep or the model's rule gives) and one that uses it as
 * the kernel documentation says (clean).
 */
import { describe, expect, it } from 'vitest';
import { modelEntries } from '../../src/load/model-docs.js';
import { replayYaml } from '../rules/rule-tester.js';

/** The rule ids of the findings of a scenario that includes the kernel and DRM models. */
async function rules(body: string): Promise<string[]> {
  const out = await replayYaml(`version: 1\nname: t\ninclude: [kernel, drm]\n${body}`);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings.map((f) => f.rule);
}

/** A submit ioctl around `between` (steps run between drm_sched_job_arm and drm_sched_entity_push_job). */
function submit(before: string, between: string): string {
  return `paths:
  - name: submit ioctl
    steps:
      - call: drm_sched_job_init
${before}      - call: drm_sched_job_arm
${between}      - call: drm_sched_entity_push_job
`;
}

/** A driver callback registered on `hook`, with `steps`, plus a plain submit. */
function callback(hook: string, steps: string, extra = ''): string {
  return `functions:
  driver_cb:
${steps}${extra}hooks:
  ${hook}: [driver_cb]
${submit('', '')}`;
}

interface Case {
  readonly name: string;
  readonly bad: string;
  readonly badRules: readonly string[];
  readonly good: string;
}

const CASES: readonly Case[] = [
  {
    name: 'drm_sched_job_init',
    bad: submit('', '      - call: drm_sched_job_init\n'),
    badRules: ['circular-dependency'],
    good: submit('      - call: drm_sched_job_init\n', ''),
  },
  {
    name: 'drm_sched_job_add_dependency',
    bad: submit('', '      - call: drm_sched_job_add_dependency\n'),
    badRules: ['circular-dependency'],
    good: submit('      - call: drm_sched_job_add_dependency\n', ''),
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
      - call: drm_sched_job_arm
      - call: drm_sched_entity_push_job
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
    name: 'drm_sched_stop (from the free_job callback: cancels its own work)',
    bad: callback('drm_sched_backend_ops.free_job', '    - call: drm_sched_stop\n'),
    badRules: ['recursive-locking'],
    good: `${submit('', '')}  - name: reset work\n    work: {item: "(&gpu->reset_work)", queue: reset}\n    steps: [{call: drm_sched_stop}, {call: drm_sched_start}]\n`,
  },
  {
    name: 'drm_sched_resubmit_jobs (under a spinlock, run_job sleeps)',
    bad: 'locks: {lock: spinlock, m: mutex}\nfunctions:\n  run: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  drm_sched_backend_ops.run_job: [run]\npaths:\n  - name: reset\n    steps: [{spin_lock: lock}, {call: drm_sched_resubmit_jobs}, {spin_unlock: lock}]\n',
    badRules: ['sleep-in-atomic', 'invalid-wait-context'],
    good: 'locks: {m: mutex}\nfunctions:\n  run: [{mutex_lock: m}, {mutex_unlock: m}]\nhooks:\n  drm_sched_backend_ops.run_job: [run]\npaths:\n  - name: reset\n    steps: [{call: drm_sched_resubmit_jobs}]\n',
  },
  {
    name: 'drm_sched_start (job_list_lock is not irq-safe)',
    bad: 'paths:\n  - name: reset\n    steps: [{call: drm_sched_start}]\n  - name: irq\n    context: hardirq\n    steps: [{call: drm_sched_start}]\n',
    badRules: ['inconsistent-lock-state'],
    good: 'paths:\n  - name: reset\n    steps: [{call: drm_sched_start}]\n',
  },
  {
    name: 'pm_runtime_get_sync (under a spinlock)',
    bad: 'locks: {lock: spinlock}\npaths:\n  - name: p\n    steps: [{spin_lock: lock}, {call: pm_runtime_get_sync}, {spin_unlock: lock}]\n',
    badRules: ['sleep-in-atomic'],
    good: 'paths:\n  - name: p\n    steps: [{call: pm_runtime_get_sync}, {call: pm_runtime_put_sync}]\n',
  },
  {
    name: 'pm_runtime_resume_and_get (under a spinlock)',
    bad: 'locks: {lock: spinlock}\npaths:\n  - name: p\n    steps: [{spin_lock: lock}, {call: pm_runtime_resume_and_get}, {spin_unlock: lock}]\n',
    badRules: ['sleep-in-atomic'],
    good: 'paths:\n  - name: p\n    steps: [{call: pm_runtime_resume_and_get}]\n',
  },
  {
    name: 'pm_runtime_put_sync (under a spinlock)',
    bad: 'locks: {lock: spinlock}\npaths:\n  - name: p\n    steps: [{spin_lock: lock}, {call: pm_runtime_put_sync}, {spin_unlock: lock}]\n',
    badRules: ['sleep-in-atomic'],
    good: 'paths:\n  - name: p\n    steps: [{call: pm_runtime_put_sync}]\n',
  },
  {
    name: 'dev_pm_ops.runtime_resume (resumed from run_job)',
    bad: 'functions:\n  resume: [{kmalloc: GFP_KERNEL}]\n  run: [{call: pm_runtime_get_sync}]\nhooks:\n  dev_pm_ops.runtime_resume: [resume]\n  drm_sched_backend_ops.run_job: [run]\n',
    badRules: ['circular-dependency'],
    good: 'functions:\n  resume: [{kmalloc: GFP_KERNEL}]\nhooks:\n  dev_pm_ops.runtime_resume: [resume]\npaths:\n  - name: ioctl\n    steps: [{call: pm_runtime_get_sync}]\n',
  },
  {
    name: 'dev_pm_ops.runtime_suspend (suspended from the timeout handler)',
    bad: 'functions:\n  suspend: [{kmalloc: GFP_KERNEL}]\n  tdr: [{call: pm_runtime_put_sync}]\nhooks:\n  dev_pm_ops.runtime_suspend: [suspend]\n  drm_sched_backend_ops.timedout_job: [tdr]\n',
    badRules: ['circular-dependency'],
    good: 'functions:\n  suspend: [{kmalloc: GFP_KERNEL}]\nhooks:\n  dev_pm_ops.runtime_suspend: [suspend]\npaths:\n  - name: ioctl\n    steps: [{call: pm_runtime_put_sync}]\n',
  },
];

describe('DRM helper models: each function and hook, misused and used as documented', () => {
  for (const c of CASES) {
    it(`${c.name}: misuse is found`, async () => {
      expect(await rules(c.bad)).toEqual(c.badRules);
    });
    it(`${c.name}: documented use is clean`, async () => {
      expect(await rules(c.good)).toEqual([]);
    });
  }
});

describe('DRM helper models: coverage', () => {
  it('every model function and hook has a failing and a passing case here', () => {
    const missing = modelEntries().filter((e) => !CASES.some((c) => c.name === e.name || c.name.startsWith(`${e.name} `)));
    expect(missing.map((e) => e.name)).toEqual([]);
  });
});

describe('DRM helper models: context', () => {
  it('run_job runs on the shared submit queue map, inside the model rule\'s signalling section', async () => {
    const out = await replayYaml(`version: 1\nname: t\ninclude: [kernel, drm]\n${callback('drm_sched_backend_ops.run_job', '    - kmalloc: GFP_KERNEL\n')}`);
    const text = JSON.stringify(out.findings[0]);
    expect(text).toContain('(wq_completion)drm_sched_lockdep_map');
    expect(text).toContain('drm_sched:drm_sched_run_job_work');
  });
});
