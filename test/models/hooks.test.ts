/** `hook: []` in `hooks:` declares an ops-table slot a model invokes before any driver registers on it. */
import { describe, expect, it } from 'vitest';
import { replayYaml } from '../rules/rule-tester.js';

describe('declared hooks', () => {
  it('a hook declared with no function may be invoked: nothing runs', async () => {
    const out = await replayYaml('version: 1\nname: t\nhooks:\n  my_ops.run: []\npaths:\n  - name: p\n    steps: [{invoke: my_ops.run}]\n');
    expect(out.errors).toEqual([]);
    expect(out.findings).toEqual([]);
  });

  it('without the declaration the same invoke is an unknown hook', async () => {
    await expect(replayYaml('version: 1\nname: t\npaths:\n  - name: p\n    steps: [{invoke: my_ops.run}]\n')).rejects.toThrow(/unknown hook "my_ops.run"/);
  });

  it('a driver registering on a hook the drm model declares runs where the model invokes it', async () => {
    const out = await replayYaml('version: 1\nname: t\ninclude: [drm/sched]\nlocks: {l: spinlock}\nfunctions:\n  run: [{spin_lock: l}, {spin_unlock: l}]\nhooks:\n  drm_sched_backend_ops.run_job: [run]\npaths:\n  - name: irq\n    context: hardirq\n    steps: [{spin_lock: l}, {spin_unlock: l}]\n');
    expect(out.errors).toEqual([]);
    expect(out.findings.map((f) => f.rule)).toEqual(['inconsistent-lock-state']);
  });
});

describe('a hook and its ops-table name are one hook', () => {
  // pm_runtime.resume is also dev_pm_ops.runtime_resume (and so on, one table in the vocabulary):
  // a callback registered under either runs wherever either is invoked, once.
  for (const hook of ['dev_pm_ops.runtime_resume', 'pm_runtime.resume']) {
    it(`${hook}: resumed from run_job by the drm model, its allocation closes the signalling cycle`, async () => {
      const out = await replayYaml(
        `version: 1\nname: t\ninclude: [kernel, drm]\nfunctions:\n  resume: [{kmalloc: GFP_KERNEL}]\n  run: [{call: pm_runtime_get_sync(gpu)}]\nhooks:\n  ${hook}: [resume]\n  drm_sched_backend_ops.run_job: [run]\n`,
      );
      expect(out.errors).toEqual([]);
      expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    });

    it(`${hook}: run by the bare step pm_runtime_get_sync, without the drm model`, async () => {
      const out = await replayYaml(
        `version: 1\nname: t\ninclude: [kernel]\nfunctions:\n  resume: [{kmalloc: GFP_KERNEL}]\nhooks:\n  ${hook}: [resume]\npaths:\n  - name: run_job\n    steps: [{signalling: [{pm_runtime_get_sync: gpu}]}]\n`,
      );
      expect(out.errors).toEqual([]);
      expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    });
  }

  it('a function registered under both names runs once', async () => {
    // run twice, the resume would take m while holding it: recursive locking
    const out = await replayYaml(
      'version: 1\nname: t\ninclude: [kernel]\nlocks: {m: mutex}\nfunctions:\n  resume: [{mutex_lock: m}]\nhooks:\n  pm_runtime.resume: [resume]\n  dev_pm_ops.runtime_resume: [resume]\npaths:\n  - name: p\n    steps: [{pm_runtime_get_sync: gpu}, {mutex_unlock: m}]\n',
    );
    expect(out.errors).toEqual([]);
    expect(out.findings.map((f) => f.rule)).toEqual([]);
  });

  it('dma_buf.move_notify and dma_buf_attach_ops.move_notify: registered under the one, invoked under the other', async () => {
    const out = await replayYaml(
      'version: 1\nname: t\ninclude: [kernel]\nfunctions:\n  notify: [{kmalloc: GFP_KERNEL}]\nhooks:\n  dma_buf.move_notify: [notify]\npaths:\n  - name: p\n    steps: [{signalling: [{invoke: dma_buf_attach_ops.move_notify}]}]\n',
    );
    expect(out.errors).toEqual([]);
    expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
  });
});
