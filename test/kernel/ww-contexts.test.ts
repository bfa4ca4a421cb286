/**
 * ww acquire contexts as lockdep holds them: the context is the entry C of the pseudo-lock
 * `<ww_class>_acquire`, every ww_mutex of the class one lockdep class, and a second ww_mutex in
 * the context merges into the held entry (`references`), which any lock of the class releases
 * (match_held_lock() compares the class of a referenced entry).
 */
import { describe, expect, it } from 'vitest';
import { replayYaml, yaml } from '../rules/rule-tester.js';

const scenario = (steps: string) => yaml`
  locks:
    o: { type: ww_mutex, ww_class: ww_lockdep }
    o2: { type: ww_mutex, ww_class: ww_lockdep }
    m: mutex
  paths:
    - name: p
      steps: ${steps}
`;

async function run(steps: string): Promise<{ errors: string[]; findings: string[] }> {
  const out = await replayYaml(scenario(steps));
  return { errors: out.errors.map((e) => e.message), findings: out.findings.map((f) => `${f.rule} ${[...f.lockdep].sort().join(',')}`) };
}

const init = '{ww_acquire_init: {ctx: t, class: ww_lockdep}}';
const fini = '{ww_acquire_fini: t}';

describe('ww_mutexes of one class merged in one context', () => {
  it('o2 locked after o in the context is released by its own name, in either order', async () => {
    const backOff = 'on_edeadlk: [{ww_mutex_unlock: o}, {ww_mutex_lock_slow: {name: o2, ctx: t}}, {ww_mutex_lock: {name: o, ctx: t}}]';
    for (const order of [['o2', 'o'], ['o', 'o2']]) {
      const steps = `[${init}, {ww_mutex_lock: {name: o, ctx: t}}, {ww_mutex_lock: {name: o2, ctx: t, ${backOff}}}, {ww_mutex_unlock: ${order[0]}}, {ww_mutex_unlock: ${order[1]}}, ${fini}]`;
      expect(await run(steps)).toEqual({ errors: [], findings: [] });
    }
  });

  it('-EDEADLK on o2 releases o2\'s reference of the merged entry, o stays held', async () => {
    const steps = `[${init}, {ww_mutex_lock: {name: o, ctx: t}}, {ww_mutex_lock: {name: o2, ctx: t, result: edeadlk}}, {assert_held: o}, {ww_mutex_unlock: o}, {ww_mutex_lock_slow: {name: o2, ctx: t}}, {ww_mutex_unlock: o2}, ${fini}]`;
    expect(await run(steps)).toEqual({ errors: [], findings: [] });
  });

  it('a referenced entry matches by class only: a lock of another class is still not held', async () => {
    const steps = `[${init}, {ww_mutex_lock: {name: o, ctx: t}}, {ww_mutex_lock: {name: o2, ctx: t, result: edeadlk}}, {ww_mutex_unlock: o}, {unlock: m}, ${fini}]`;
    expect((await run(steps)).findings).toEqual(['bad-unlock m']);
  });

  it('one release too many of the merged entry is a bad unlock', async () => {
    const steps = `[${init}, {ww_mutex_lock: {name: o, ctx: t}}, {ww_mutex_lock: {name: o2, ctx: t, result: edeadlk}}, {ww_mutex_unlock: o}, {ww_mutex_unlock: o2}, ${fini}]`;
    expect((await run(steps)).findings).toEqual(['bad-unlock ww_lockdep_mutex']);
  });
});

describe('an acquire context as nest_lock (mutex_lock_nest_lock(&obj->base, ctx))', () => {
  it('written as the context\'s entry <ww_class>_acquire[C] or as C: nested under the held context', async () => {
    for (const nest of ['"ww_lockdep_acquire[t]"', 't']) {
      expect(await run(`[${init}, {lock: {name: o, nest_lock: ${nest}}}, {unlock: o}, ${fini}]`)).toEqual({ errors: [], findings: [] });
    }
  });

  it('another context, not held: the nest lock was not taken', async () => {
    expect((await run(`[${init}, {lock: {name: o, nest_lock: u}}, {unlock: o}, ${fini}]`)).findings).toEqual(['nest-lock-not-held ww_lockdep_acquire,ww_lockdep_mutex']);
  });

  it('an unknown context pseudo-lock, or a bare context name for a lock that is no ww_mutex: an input error with a suggestion', async () => {
    const out = await replayYaml(scenario(`[${init}, {lock: {name: o, nest_lock: "ww_lockdep_acquir[t]"}}, {lock: {name: m, nest_lock: t}}, ${fini}]`)).catch((e: Error) => e);
    expect(String(out)).toMatch(/nest_lock "ww_lockdep_acquir\[t\]" is neither a declared lock nor a ww acquire context `<ww_class>_acquire\[ctx\]` \(did you mean "ww_lockdep_acquire"\?\)/);
    expect(String(out)).toMatch(/nest_lock "t" is neither a declared lock nor a ww acquire context `<ww_class>_acquire\[ctx\]` \(a bare acquire context name is for a ww_mutex\)/);
  });
});

describe('ww_acquire_fini', () => {
  it('twice: the second releases the context\'s own class again, a bad unlock of <ww_class>_acquire', async () => {
    expect((await run(`[${init}, ${fini}, ${fini}]`)).findings).toEqual(['bad-unlock ww_lockdep_acquire']);
  });
});

describe('ww_unlock_all: the back-off of a retry loop releases everything the context holds', () => {
  it('after -EDEADLK, unlocking all and the slow lock are clean; so is the end of the transaction', async () => {
    const backOff = 'on_edeadlk: [{ww_unlock_all: t}, {ww_mutex_lock_slow: {name: o2, ctx: t}}]';
    const steps = `[${init}, {ww_mutex_lock: {name: o, ctx: t}}, {ww_mutex_lock: {name: o2, ctx: t, ${backOff}}}, {ww_unlock_all: t}, ${fini}]`;
    expect(await run(steps)).toEqual({ errors: [], findings: [] });
  });

  it('only the context\'s own locks are released: a mutex taken inside stays held', async () => {
    const steps = `[${init}, {ww_mutex_lock: {name: o, ctx: t}}, {mutex_lock: m}, {ww_unlock_all: t}, {assert_held: m}, {mutex_unlock: m}, {assert_held: o}, ${fini}]`;
    expect(await run(steps)).toEqual({ errors: [], findings: ['assert-held ww_lockdep_mutex'] });
  });

  it('without it, a slow lock while the context still holds a lock is ww-misuse', async () => {
    const steps = `[${init}, {ww_mutex_lock: {name: o, ctx: t}}, {ww_mutex_lock: {name: o2, ctx: t, result: edeadlk}}, {ww_mutex_lock_slow: {name: o2, ctx: t}}, {ww_unlock_all: t}, ${fini}]`;
    expect((await run(steps)).findings).toEqual(['ww-misuse ww_lockdep_mutex']);
  });
});

describe('ww_unlock_all then the slow-path lock: the retry holds everything again', () => {
  it('o, released by the back-off, is held again after the slow lock of o2 and unlocks by name', async () => {
    const backOff = 'on_edeadlk: [{ww_unlock_all: t}, {ww_mutex_lock_slow: {name: o2, ctx: t}}]';
    const steps = `[${init}, {ww_mutex_lock: {name: o, ctx: t}}, {ww_mutex_lock: {name: o2, ctx: t, ${backOff}}}, {ww_mutex_unlock: o}, {ww_mutex_unlock: o2}, ${fini}]`;
    expect(await run(steps)).toEqual({ errors: [], findings: [] });
  });
});
