/**
 * The DRM helper models (rules/drm/*.yaml): for every model function and hook, a scenario
 * that misuses it (the finding lockdep or the model's rule gives) and one that uses it as
 * the kernel documentation says (clean).
 */
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { modelEntries } from '../../src/load/model-docs.js';
import { replayYaml } from '../rules/rule-tester.js';
import { callback, submit, type Case } from './case.js';

/** Every layer's cases (test/models/cases/<layer>.ts), in file order. */
const CASES: readonly Case[] = (
  await Promise.all(
    readdirSync(new URL('./cases/', import.meta.url))
      .filter((f) => f.endsWith('.ts'))
      .sort()
      .map(async (f) => ((await import(`./cases/${f.replace(/\.ts$/, '.js')}`)) as { CASES: readonly Case[] }).CASES),
  )
).flat();

/** The rule ids of the findings of a scenario that includes the kernel and DRM models. */
async function rules(body: string): Promise<string[]> {
  const out = await replayYaml(`version: 1\nname: t\ninclude: [kernel, drm]\n${body}`);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings.map((f) => f.rule);
}

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
    const missing = modelEntries().filter((e) => e.kind !== 'path' && !CASES.some((c) => c.name === e.name || c.name.startsWith(`${e.name} `)));
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

  const allocInRunJob = callback('drm_sched_backend_ops.run_job', '    - kmalloc: GFP_KERNEL\n');
  const withOptions = (options: string) => `version: 1\nname: t\ninclude: [kernel, drm]\noptions: ${options}\n${allocInRunJob}`;

  for (const [kernel, where, not] of [
    ['"6.1"', 'drm_sched:drm_sched_main', '(wq_completion)'],
    ['"6.10"', '(wq_completion)sched->name', 'drm_sched_lockdep_map'],
    ['"6.12"', '(wq_completion)drm_sched_lockdep_map', 'sched->name'],
  ] as const) {
    it(`kernel ${kernel}: run_job runs where that release runs it`, async () => {
      const out = await replayYaml(withOptions(`{kernel: ${kernel}}`));
      expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
      const text = JSON.stringify(out.findings[0]);
      expect(text).toContain(where);
      expect(text).not.toContain(not);
    });
  }

  it('the signalling sections are the model\'s rule: lockdep_only replays without them', async () => {
    const out = await replayYaml(withOptions('{lockdep_only: true}'));
    expect(out.findings).toEqual([]);
    const arm = await replayYaml(`version: 1\nname: t\ninclude: [kernel, drm]\noptions: {lockdep_only: true}\n${submit('', '      - kmalloc: GFP_KERNEL\n')}`);
    expect(arm.findings).toEqual([]);
  });
});

describe('DRM helper models: drm_gem_vmap by release', () => {
  const body = (kernel: string) => `version: 1\nname: t\ninclude: [kernel, drm]\noptions: {kernel: ${kernel}}\npaths:\n  - name: p\n    steps: [{dma_resv_lock: "dma_resv[bo]"}, {call: "drm_gem_vmap(bo, map)"}, {dma_resv_unlock: "dma_resv[bo]"}]\n`;
  it('before 6.16 drm_gem_vmap is the locked variant: called with the reservation held, clean', async () => {
    const out = await replayYaml(body('"6.15"'));
    expect(out.findings).toEqual([]);
  });
  it('from 6.16 it takes the reservation itself: called with it held, a recursive lock', async () => {
    const out = await replayYaml(body('"6.16"'));
    expect(out.findings.map((f) => f.rule)).toEqual(['recursive-locking']);
  });
});
