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

describe('runtime PM callbacks under either name', () => {
  // The drm/runtime-pm model's functions run the ops-table slots and the kernel model's names
  // (which the bare step pm_runtime_get_sync runs): a callback registered under either runs.
  for (const hook of ['dev_pm_ops.runtime_resume', 'pm_runtime.resume']) {
    it(`${hook}: resumed from run_job, its allocation closes the signalling cycle`, async () => {
      const out = await replayYaml(
        `version: 1\nname: t\ninclude: [kernel, drm]\nfunctions:\n  resume: [{kmalloc: GFP_KERNEL}]\n  run: [{call: pm_runtime_get_sync(gpu)}]\nhooks:\n  ${hook}: [resume]\n  drm_sched_backend_ops.run_job: [run]\n`,
      );
      expect(out.errors).toEqual([]);
      expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    });
  }
});
