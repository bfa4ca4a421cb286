/** `fencedep explain` for every function and hook of the DRM helper models. */
import { describe, expect, it } from 'vitest';
import { callOf, explain, explainIds } from '../../src/cli/explain.js';
import { modelEntries } from '../../src/load/model-docs.js';

describe('explain: DRM helper model functions and hooks', () => {
  const entries = modelEntries();

  it('finds the functions and hooks of every drm layer', () => {
    const names = entries.map((e) => e.name);
    for (const n of ['drm_sched_job_arm', 'drm_sched_entity_push_job', 'drm_sched_backend_ops.run_job', 'pm_runtime_get_sync', 'dev_pm_ops.runtime_resume']) expect(names).toContain(n);
    expect(new Set(names).size).toBe(names.length);
  });

  for (const e of modelEntries().filter((x) => x.kind !== 'path')) {
    it(`${e.kind} ${e.name}: documented in its model, with its source`, () => {
      expect(e.doc.length).toBeGreaterThan(40);
      const r = explain(e.name);
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      expect(r.text.startsWith(`${e.name}\n${'='.repeat(e.name.length)}\n`)).toBe(true);
      expect(r.text).toContain(`rules/${e.model}.yaml`);
      expect(r.text).toMatch(/drivers\/|include\/|Documentation\//);
      if (e.kind === 'function') expect(r.text).toContain(`call: ${callOf(e)}`);
      else expect(r.text).toContain('INVOKED BY');
    });
  }

  it('every path of a built-in model, as traces name it: what it replays and where it runs', () => {
    const paths = entries.filter((e) => e.kind === 'path');
    expect(paths.map((p) => p.name)).toEqual(expect.arrayContaining(['kernel:dma_resv_lockdep', 'kernel:kswapd', 'ttm:ttm_bo_delayed_delete', 'drm_sched:drm_sched_run_job_work']));
    for (const p of paths) {
      const r = explain(p.name);
      expect(r.ok, p.name).toBe(true);
      if (r.ok) expect(r.text).toContain(`rules/${p.model}.yaml`);
    }
    const ttm = explain('ttm:ttm_bo_delayed_delete');
    expect(ttm.ok && ttm.text).toMatch(/waits for the BO's fences/);
    expect(ttm.ok && ttm.text).toMatch(/Runs as: work item .* on ttm/);
  });

  it('a hook lists the model code that invokes it', () => {
    const run = entries.find((e) => e.name === 'drm_sched_backend_ops.run_job')!;
    expect(run.invokedBy).toEqual(['function drm_sched_resubmit_jobs', 'function drm_sched_run_job_work']);
  });

  it('a misspelt model function gets a did-you-mean', () => {
    expect(explainIds()).toContain('drm_sched_job_arm');
    const r = explain('drm_sched_job_amr');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain('did you mean "drm_sched_job_arm"');
  });
});
