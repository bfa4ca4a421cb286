/**
 * The patterns of the DRM helper models' mistakes, on scenarios written with the models: each
 * names its own mistake, and leaves the neighbouring generic patterns theirs.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/patterns/index.js';
import { replayYaml } from '../rules/rule-tester.js';

/** `rule: pattern` of every finding of a scenario that includes the kernel and DRM models. */
async function diagnosed(paths: string): Promise<string[]> {
  const out = await replayYaml(`version: 1\nname: t\ninclude: [kernel, drm]\npaths:\n${paths}`);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings.map((f) => `${f.rule}: ${diagnose(f)?.pattern ?? '-'}`);
}

const TRANSACTION = (inside: string) => `  - name: ioctl
    steps:
      - call: drm_exec_init(exec, 0, 0)
      - call: drm_exec_until_all_locked(exec)
      - call: drm_exec_lock_obj(exec, bo)
      - ${inside}
      - call: drm_exec_fini(exec)
`;

describe('dma-buf-call-under-resv', () => {
  for (const call of ['dma_buf_detach(buf, attach)', 'dma_buf_put(buf)', 'dma_buf_map_attachment_unlocked(buf, dir)', 'dma_buf_vmap_unlocked(buf, map)']) {
    it(`${call} inside drm_exec`, async () => {
      expect(await diagnosed(TRANSACTION(`call: "${call}"`))).toEqual(['recursive-locking: dma-buf-call-under-resv']);
    });
  }

  it('a reservation taken twice without any transaction is not this mistake', async () => {
    expect(await diagnosed('  - name: p\n    steps: [{dma_resv_lock: "dma_resv[a]"}, {call: "dma_buf_detach(b, attach)"}, {dma_resv_unlock: "dma_resv[a]"}]\n')).toEqual([
      'recursive-locking: -',
    ]);
  });
});

describe('syncobj-wait-with-locks', () => {
  it('WAIT_FOR_SUBMIT under drm_exec is the syncobj mistake, not a generic fault under a reservation', async () => {
    expect(await diagnosed(TRANSACTION('call: "drm_syncobj_find_fence(file, h, 0, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT)"'))).toEqual([
      'circular-dependency: syncobj-wait-with-locks',
    ]);
  });

  it('a copy_from_user under drm_exec stays fault-under-resv', async () => {
    expect(await diagnosed(TRANSACTION('copy_from_user'))).toEqual(['circular-dependency: fault-under-resv']);
  });

  it('the array wait of the wait ioctl with WAIT_FOR_SUBMIT under a lock the signalling path takes', async () => {
    const out = await replayYaml(`version: 1
name: t
include: [kernel, drm]
locks: {m: mutex}
fences: {job: {}}
paths:
  - name: wait
    steps: [{mutex_lock: m}, {call: "drm_syncobj_array_wait_timeout(so, job, DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT)"}, {mutex_unlock: m}]
  - name: run_job
    steps: [{signalling: [{mutex_lock: m}, {mutex_unlock: m}]}]
`);
    expect(out.findings.map((f) => `${f.rule}: ${diagnose(f)?.pattern ?? '-'}`)).toEqual(['circular-dependency: syncobj-wait-with-locks']);
  });
});

describe('fence-callback-sleeps through the drm/fence model', () => {
  it('a fence callback whose dma_fence_put drops the last reference into a release that sleeps', async () => {
    const out = await replayYaml(`version: 1
name: t
include: [kernel, drm]
locks: {m: mutex}
fences:
  job: { callbacks: [arr_cb] }
  arr: { lock: "dma_fence_array:lock", release: arr_release }
functions:
  arr_cb: [{call: "dma_fence_array_cb_func(arr)"}]
  arr_release: [{mutex_lock: m}, {mutex_unlock: m}]
paths:
  - name: job signaller
    steps: [{signal: job}]
`);
    expect(out.findings.map((f) => `${f.rule}: ${diagnose(f)?.pattern ?? '-'}`)).toEqual([
      'sleep-in-atomic: fence-callback-sleeps',
      'invalid-wait-context: fence-callback-sleeps',
    ]);
  });
});

describe('runtime-pm-in-signalling before resv-in-signalling', () => {
  // A run_job that resumes the GPU, whose runtime_resume locks a BO's reservation: the resume in
  // the signalling path is the mistake (the reservation cannot be taken earlier, it is the
  // callback's), so the remedy must be runtime PM's.
  const scenario = (resume: string) => `version: 1
name: t
include: [kernel, drm]
locks: { pm_lock: mutex }
hooks:
  drm_sched_backend_ops.run_job: [foo_run_job]
  dev_pm_ops.runtime_resume: [foo_runtime_resume]
functions:
  foo_run_job: [{ call: pm_runtime_get_sync(gpu) }]
  foo_runtime_resume:
${resume}
paths:
  - name: submit
    steps:
      - call: drm_exec_init(exec, 0, 0)
      - call: drm_exec_until_all_locked(exec)
      - call: drm_exec_prepare_obj(exec, bo, 1)
      - call: drm_sched_job_init(job)
      - call: drm_sched_job_arm(job)
      - call: drm_sched_entity_push_job(job)
      - call: drm_exec_fini(exec)
`;

  it('a resume that takes a reservation is runtime PM in the signalling path', async () => {
    const out = await replayYaml(scenario('    - dma_resv_lock: "dma_resv[vram_bo]"\n    - dma_resv_unlock: "dma_resv[vram_bo]"'));
    expect(out.findings.map((f) => `${f.rule}: ${diagnose(f)?.pattern ?? '-'}`)).toContain('circular-dependency: runtime-pm-in-signalling');
    expect(out.findings.map((f) => diagnose(f)?.pattern)).not.toContain('resv-in-signalling');
  });

  it('a reservation taken in run_job itself, with no resume, stays resv-in-signalling', async () => {
    const out = await replayYaml(
      scenario('    - mutex_lock: pm_lock\n    - mutex_unlock: pm_lock').replace(
        'foo_run_job: [{ call: pm_runtime_get_sync(gpu) }]',
        'foo_run_job: [{ dma_resv_lock: "dma_resv[vram_bo]" }, { dma_resv_unlock: "dma_resv[vram_bo]" }]',
      ),
    );
    expect(out.findings.map((f) => `${f.rule}: ${diagnose(f)?.pattern ?? '-'}`)).toContain('circular-dependency: resv-in-signalling');
  });
});
