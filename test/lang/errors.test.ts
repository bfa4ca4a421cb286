/**
 * Revision 1.1 input errors (docs/scenario-format.md §11–§14): each with its place, what is wrong and what was
 * expected, and "did you mean" where a name is close.
 */
import { describe, expect, it } from 'vitest';
import { InputErrors, loadScenarioText, readTrace } from '../../src/load/index.js';
import { analyzeScenario } from '../../src/analyze/index.js';
import { MAX_STATES_PER_STEP } from '../../src/replay/explore.js';

async function errors(text: string): Promise<{ line?: number; column?: number; message: string }[]> {
  try {
    await loadScenarioText(text, { file: 'case.yaml' });
  } catch (e) {
    if (e instanceof InputErrors) return e.errors.map((x) => ({ line: x.loc?.line, column: x.loc?.column, message: x.message }));
    throw e;
  }
  throw new Error('loaded without errors');
}

const HEAD = 'locks: {A: mutex, B: mutex}\n';

describe('revision 1.1 input errors', () => {
  it('an if with neither then nor else', async () => {
    expect(await errors(`${HEAD}paths: [{name: p, steps: [{if: err}]}]\n`)).toEqual([{ line: 2, column: 28, message: 'an `if` needs a `then` or an `else` branch (or both)' }]);
  });

  it('break and continue outside a loop, also in a function called from a loop', async () => {
    const e = await errors(`${HEAD}functions: {f: [break]}\npaths: [{name: p, steps: [{loop: [{call: f}]}, continue]}]\n`);
    expect(e.map((x) => [x.line, x.message.slice(0, 30)])).toEqual([
      [2, '`break` outside a loop: it mus'],
      [3, '`continue` outside a loop: it '],
    ]);
  });

  it('wrong arity, an unknown $p, and an undeclared name produced by substitution (at the call, naming function and parameter)', async () => {
    const text = `${HEAD}functions:
  two: {params: [x, y], steps: [{mutex_lock: $x}, {mutex_unlock: $x}, {mutex_lock: $y}, {mutex_unlock: $y}]}
  bad: {params: [l], steps: [{mutex_lock: $lk}, {mutex_unlock: $l}]}
paths:
  - name: p
    steps:
      - call: two(A)
      - call: {fn: two, args: [A, C]}
      - call: bad(A)
`;
    const e = await errors(text);
    expect(e).toContainEqual({ line: 4, column: 43, message: '`$lk` is not a parameter of function "bad" (its parameters: l) (did you mean "l"?)' });
    expect(e).toContainEqual({ line: 8, column: 15, message: '`call`: function "two" takes 2 arguments (x, y), got 1 (A)' });
    // Once per call, though the function uses $y twice.
    expect(e.filter((x) => x.line === 9)).toHaveLength(1);
    const sub = e.find((x) => x.line === 9)!;
    expect(sub.message).toMatch(/^call "two\(A, C\)": parameter "y" of function "two" is "C": undeclared lock "C"/);
    expect(sub.message).toContain('(in the function at case.yaml:3:');
  });

  it('an unknown step far from every step suggests extern:; a misspelled at beside a step is named', async () => {
    const e = await errors(`${HEAD}functions: {f: [might_sleep]}\npaths: [{name: p, steps: [kfree, {call: f, atx: "a.c:1"}]}]\n`);
    expect(e.map((x) => x.message)).toEqual([
      'unknown step "kfree" (a call the scenario does not model is `extern: kfree`; docs/steps.md lists the steps)',
      expect.stringMatching(/^a step has exactly one step name, got "call", "atx" \(did you mean "at"\?\) /),
    ]);
  });

  it('a loop variable that is also a parameter of its function', async () => {
    const e = await errors(`${HEAD}functions:\n  lock_all: {params: [bo], steps: [{loop: {for: bo, do: [{mutex_lock: "A[$bo]"}]}}]}\npaths: [{name: p, steps: [{call: lock_all(vm)}]}]\n`);
    expect(e).toEqual([{ line: 3, column: 49, message: 'loop variable "bo" is also a parameter of function "lock_all": in the body `$bo` would be the argument in every iteration; name this loop\'s objects differently' }]);
  });

  it('a hook only a model function with parameters invokes, which nothing calls: the message names it', async () => {
    // a library's function named like a kernel step: the bare step is not the function
    const e = await errors('functions:\n  resume: [might_sleep]\n  pm_runtime_get_sync: {params: [dev], steps: [{invoke: my_pm_ops.resume}]}\nhooks: {my_pm_ops.resume: [resume]}\npaths: [{name: p, steps: [{pm_runtime_get_sync: gpu}]}]\n');
    expect(e).toEqual([
      {
        line: 4,
        column: 28,
        message: 'hook "my_pm_ops.resume" is never invoked: pm_runtime_get_sync(dev) invokes it, but nothing calls it (write `call: pm_runtime_get_sync(dev)`; a step of the same name is the kernel model\'s, not this function)',
      },
    ]);
  });

  it('the same when the function invokes the hook in the map form', async () => {
    const e = await errors('functions:\n  cb: [might_sleep]\n  run: {params: [d], steps: [{invoke: {hook: drv.op, blockable: true}}]}\nhooks: {drv.op: [cb]}\npaths: [{name: p, steps: [might_sleep]}]\n');
    expect(e.map((x) => x.message)).toContainEqual(expect.stringMatching(/^hook "drv.op" is never invoked: run\(d\) invokes it, but nothing calls it/));
  });

  it('a hook nothing invokes, with did-you-mean among the invoked ones', async () => {
    const e = await errors(`${HEAD}functions: {f: [might_sleep]}\nhooks: {shrinker.scna: [f]}\npaths: [{name: p, steps: [might_sleep]}]\n`);
    expect(e).toEqual([{ line: 3, column: 25, message: expect.stringMatching(/^hook "shrinker.scna" is never invoked: .* \(did you mean "shrinker.scan"\?\)$/) }]);
  });

  it('a hook nothing invokes: the did-you-mean looks among the included models\' hooks, under every name', async () => {
    const near = await errors('include: [drm/gem]\nfunctions: {f: [might_sleep]}\nhooks: {drm_gem_object_funcs.vmapp: [f]}\npaths: [{name: p, steps: [might_sleep]}]\n');
    expect(near.map((x) => x.message)).toEqual([expect.stringMatching(/^hook "drm_gem_object_funcs.vmapp" is never invoked: .*\(did you mean "drm_gem_object_funcs.vmap"\?\)$/)]);
    const far = await errors('include: [drm/runtime-pm]\nfunctions: {f: [might_sleep]}\nhooks: {qqq.zzz: [f]}\npaths: [{name: p, steps: [might_sleep]}]\n');
    expect(far[0]!.message).toContain('dev_pm_ops.runtime_resume');
    expect(far[0]!.message).toContain('pm_runtime.resume');
    expect(far[0]!.message).not.toMatch(/invoke: .*qqq\.zzz/);
  });

  it('a function of the name a built-in model declares: how to use the model\'s instead', async () => {
    const e = await errors('include: [drm/exec]\nfunctions: {drm_exec_init: [might_sleep]}\npaths: [{name: p, steps: [{call: drm_exec_init}]}]\n');
    expect(e[0]!.message).toMatch(/^function "drm_exec_init" is declared twice, differently: at <fencedep>\/rules\/drm\/exec.yaml:\d+:\d+ and at case.yaml:2:13 \(the built-in model drm\/exec models it: drop yours and write `call: drm_exec_init\(exec, flags, nr\)`/);
  });

  it('a step written as a call says it is a step', async () => {
    const e = await errors(`${HEAD}paths: [{name: p, steps: [{call: "mutex_lock(A)"}, {call: might_sleep}]}]\n`);
    expect(e.map((x) => x.message)).toEqual([
      'undeclared function "mutex_lock" ("mutex_lock" is a step, not a function: write `mutex_lock: A`; `fencedep explain mutex_lock` shows its argument)',
      'undeclared function "might_sleep" ("might_sleep" is a step, not a function: write `might_sleep`; `fencedep explain might_sleep` shows its argument)',
    ]);
  });

  it('a function with parameters cannot be a hook callback', async () => {
    const e = await errors(`${HEAD}functions: {f: {params: [x], steps: []}}\nhooks: {drv.h: [f]}\npaths: [{name: p, steps: [{invoke: drv.h}]}]\n`);
    expect(e.map((x) => x.message)).toContain('hook "drv.h": function "f" has parameters (x); a function registered on a hook takes none');
  });

  it('a malformed at, and a loop variable that is not an identifier', async () => {
    const e = await errors(`${HEAD}paths: [{name: p, steps: [{might_sleep: null, at: "nowhere"}, {loop: {for: "b o", do: []}}]}]\n`);
    expect(e.map((x) => x.message)).toEqual([
      '`at`: expected "path:line" or "path:line:column" (where the step is in the C code), got string "nowhere"',
      'loop variable "b o": expected a C identifier (letters, digits, _), as `$b o` names it in the body',
    ]);
  });

  it('a library has no paths', async () => {
    expect((await errors(`library: true\n${HEAD}paths: [{name: p, steps: []}]\n`)).map((x) => x.message)).toEqual([
      'a library (`library: true`) is only included: it declares locks, fences, functions and hooks, and has no `paths`',
    ]);
  });

  it('a library alone may use names its includers declare', async () => {
    const s = await loadScenarioText('library: true\nfunctions: {f: [{mutex_lock: vm_lock}, {mutex_unlock: vm_lock}, {call: g}]}\nhooks: {drv.hook: [f]}\n', { file: 'lib.yaml' });
    expect(s.library).toBe(true);
  });

  it('a JSON Lines stream has none of them', async () => {
    const text = ['{"decl":"lock","name":"A","type":"mutex"}', '{"path":"p","op":"loop","steps":[]}', '{"path":"p","op":"if","if":"err","then":[]}'].join('\n') + '\n';
    const items = [];
    for await (const it of readTrace('s.jsonl', { text })) items.push(it);
    const messages = items.flatMap((i) => (i.kind === 'error' ? [i.error.message] : []));
    expect(messages.length).toBeGreaterThan(0);
    for (const m of messages) expect(m).toMatch(/is not available in a JSON Lines stream, which records one execution/);
  });

  it(`more than ${MAX_STATES_PER_STEP} distinct states at one step: an input error there, the other paths still replayed`, async () => {
    const locks = Array.from({ length: 13 }, (_, i) => `L${i}`);
    const text = `locks: {M: mutex, ${locks.map((l) => `${l}: mutex`).join(', ')}}\npaths:\n  - name: wide\n    steps:\n${locks.map((l) => `      - {if: c${l}, then: [{mutex_lock: ${l}}]}`).join('\n')}\n      - might_sleep\n  - name: other\n    steps: [{mutex_lock: M}]\n`;
    const out = analyzeScenario(await loadScenarioText(text, { file: 'wide.yaml' }));
    expect(out.errors.map((e) => [e.loc?.line, e.message.slice(0, 60)])).toEqual([[18, 'too many alternatives: path "wide" reaches this step in more']]);
    expect(out.errors[0]!.message).toContain('4,096');
    expect(out.findings.some((f) => f.rule === 'lock-held-at-exit' && f.path === 'other')).toBe(true);
  });

  it('the limit passed where the path ends: located at the last step replayed, not nowhere', async () => {
    const locks = Array.from({ length: 13 }, (_, i) => `L${i}`);
    const text = `locks: {${locks.map((l) => `${l}: mutex`).join(', ')}}\npaths:\n  - name: wide\n    steps:\n${locks.map((l) => `      - {if: c${l}, then: [{mutex_lock: ${l}}]}`).join('\n')}\n`;
    const out = analyzeScenario(await loadScenarioText(text, { file: 'wide-end.yaml' }));
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]!.message).toMatch(/^too many alternatives: path "wide"/);
    // The last `if`'s then branch (line 17) is the last step replayed when the limit passes.
    expect([out.errors[0]!.loc?.file, out.errors[0]!.loc?.line]).toEqual(['wide-end.yaml', 17]);
  });
});
