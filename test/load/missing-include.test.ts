/**
 * A scenario calling a built-in model's functions without including the model: each undeclared
 * name says which model declares it and how to include it (read from the models, not a list);
 * an `expect` naming an unknown path suggests the model paths it resembles, else says where
 * the paths are.
 */
import { describe, expect, it } from 'vitest';
import { modelEntries } from '../../src/load/model-docs.js';
import { stepSpelling } from '../../src/model/vocabulary.js';
import { loadErrors, scenarios, traceItems } from './helpers.js';

const fx = scenarios();

const callOf = (name: string, params: readonly string[]): string => `${name}(${params.map((_, i) => `a${i}`).join(', ')})`;

describe('an undeclared function a built-in model declares', () => {
  it('names the model and the includes that bring it, at the call', async () => {
    const f = fx.write('exec.yaml', ['version: 1', 'name: t', 'paths:', '  - name: p', '    steps:', '      - call: drm_exec_init(exec, 0, 0)', ''].join('\n'));
    expect(await loadErrors(f)).toEqual([
      {
        file: f,
        line: 6,
        column: 15,
        message:
          'undeclared function "drm_exec_init": it is a function of the built-in model drm/exec, which this scenario does not include (add `include: [drm]` or `include: [drm/exec]`)',
      },
    ]);
  });

  it('every function of every helper model is found in its own model', async () => {
    const fns = modelEntries().filter((e) => e.kind === 'function');
    expect(fns.length).toBeGreaterThan(20);
    const steps = fns.map((e) => `      - call: ${JSON.stringify(callOf(e.name, e.params))}`);
    const f = fx.write('all.yaml', ['version: 1', 'name: t', 'paths:', '  - name: p', '    steps:', ...steps, ''].join('\n'));
    const errors = await loadErrors(f);
    expect(errors).toHaveLength(fns.length);
    errors.forEach((e, i) => {
      const fn = fns[i]!;
      expect(e.line).toBe(6 + i);
      expect(e.message).toContain(`undeclared function "${fn.name}": it is a function of the built-in model ${fn.model}, which`);
      expect(e.message).toContain(`\`include: [${fn.model}]\``);
    });
  });

  it('prefers the missing include to reading the call as a step', async () => {
    expect(stepSpelling('pm_runtime_get_sync')).toBeTruthy();
    const f = fx.write('pm.yaml', ['version: 1', 'name: t', 'paths:', '  - name: p', '    steps:', '      - call: pm_runtime_get_sync(dev)', ''].join('\n'));
    const [e] = await loadErrors(f);
    expect(e!.message).toBe(
      'undeclared function "pm_runtime_get_sync": it is a function of the built-in model drm/runtime-pm, which this scenario does not include (add `include: [drm]` or `include: [drm/runtime-pm]`)',
    );
  });

  it('a name no model declares keeps its did-you-mean and its step hint', async () => {
    const f = fx.write('own.yaml', ['version: 1', 'name: t', 'functions: {run_job: []}', 'paths:', '  - name: p', '    steps:', '      - call: run_jb', '      - call: might_sleep', ''].join('\n'));
    const msgs = (await loadErrors(f)).map((e) => e.message);
    expect(msgs[0]).toBe('undeclared function "run_jb" (did you mean "run_job"?)');
    expect(msgs[1]).toContain('"might_sleep" is a step, not a function');
  });

  it('included, the call loads', async () => {
    const f = fx.write('inc.yaml', ['version: 1', 'name: t', 'include: [drm/exec]', 'paths:', '  - name: p', '    steps:', '      - call: drm_exec_init(exec, 0, 0)', '      - call: drm_exec_fini(exec)', ''].join('\n'));
    await expect(loadErrors(f)).rejects.toThrow('loaded without errors');
  });

  it('a hook registration and a stream say it too, a stream with its include line', async () => {
    const f = fx.write('hook.yaml', ['version: 1', 'name: t', 'hooks: {drv.hook: [drm_exec_fini]}', ''].join('\n'));
    const [e] = await loadErrors(f);
    expect(e!.message).toBe(
      'hook "drv.hook": undeclared function "drm_exec_fini": it is a function of the built-in model drm/exec, which this scenario does not include (add `include: [drm]` or `include: [drm/exec]`)',
    );
    const s = fx.write('hook.jsonl', JSON.stringify({ decl: 'hook', hook: 'drv.hook', fn: 'drm_exec_fini' }) + '\n');
    const items = await traceItems(s);
    const msgs = items.flatMap((i) => (i.kind === 'error' ? [i.error.message] : []));
    expect(msgs).toContain(
      'hook "drv.hook": undeclared function "drm_exec_fini": it is a function of the built-in model drm/exec, which this stream does not include (add `{"decl":"include","name":"drm"}` or `{"decl":"include","name":"drm/exec"}`)',
    );
  });
});

describe('expect: an unknown path', () => {
  const withExpect = (name: string, include: string, path: string): string =>
    fx.write(name, ['version: 1', 'name: t', `include: [${include}]`, 'paths:', '  - name: submit', '    steps: [might_sleep]', 'expect:', '  - rule: circular-dependency', `    path: ${JSON.stringify(path)}`, ''].join('\n'));

  it('suggests the model paths naming its words', async () => {
    const [e] = await loadErrors(withExpect('near.yaml', 'drm', 'drm_sched run_job'));
    expect(e).toMatchObject({ line: 9, column: 11 });
    expect(e!.message).toMatch(/^expect: unknown path "drm_sched run_job" \(did you mean "drm_sched:drm_sched_run_job_work"/);
  });

  it('nothing close: the scenario\'s paths and the included models whose paths explain lists', async () => {
    const [e] = await loadErrors(withExpect('far.yaml', 'kernel/reclaim', 'zzzz'));
    const models = [...new Set(modelEntries().filter((x) => x.kind === 'path' && ['kernel/reclaim', 'kernel/mm'].includes(x.model)).map((x) => x.model))].sort();
    expect(models).toContain('kernel/reclaim');
    expect(e!.message).toBe(
      `expect: unknown path "zzzz" (expected a path of this scenario ("submit") or of an included model: ${models.join(', ')}, whose paths \`fencedep explain <model>\` lists)`,
    );
  });
});
