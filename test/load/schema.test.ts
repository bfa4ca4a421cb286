import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import { scenarioSchema } from '../../src/load/index.js';
import { load, loadErrors, oneError, scenarios } from './helpers.js';

const fx = scenarios();

describe('top level', () => {
  it('defaults', async () => {
    const s = await load(fx.write('min.yaml', 'locks: {A: mutex}\n'));
    expect(s.name).toBe('min');
    expect(s.description).toBeNull();
    expect(s.expect).toBeNull();
    expect(s.options).toEqual({ kernel: '6.13', release: null, lockdepOnly: false, fenceModel: 'lockdep', warn: [] });
    expect(s.paths).toEqual([]);
    expect([...s.locks.keys()]).toEqual(['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map', 'A']);
    for (const n of ['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map'])
      expect(s.locks.get(n)).toEqual({ name: n, type: 'map', lockdep: n, loc: { file: '<builtin>', line: 0, column: 0 } });
  });

  it('name, description, options, expect', async () => {
    const f = fx.write(
      'full.yaml',
      [
        'version: 1',
        'name: my scenario',
        'description: hello',
        'locks: {A: mutex}',
        'paths: [{name: p, steps: []}]',
        'options: {kernel: 5.10, fence_model: precise, warn: [ww-lock-between-reservations]}',
        'expect:',
        '  - rule: circular-dependency',
        '    involves: [A, fs_reclaim]',
        '    path: p',
        '  - rule: bad-unlock',
      ].join('\n'),
    );
    const s = await load(f);
    expect(s.name).toBe('my scenario');
    expect(s.description).toBe('hello');
    expect(s.options).toEqual({ kernel: '5.10', release: '5.10', lockdepOnly: false, fenceModel: 'precise', warn: ['ww-lock-between-reservations'] });
    expect(s.expect).toEqual([
      { rule: 'circular-dependency', involves: ['A', 'fs_reclaim'], path: 'p', loc: { file: f, line: 8, column: 5 } },
      { rule: 'bad-unlock', involves: [], path: null, loc: { file: f, line: 11, column: 5 } },
    ]);
  });

  it('kernel: a release, as a string or an unambiguous number; its lockdep profile', async () => {
    for (const [v, profile, release] of [
      ['"5.10"', '5.10', '5.10'],
      ['5.10', '5.10', '5.10'],
      ['6.13', '6.13', '6.13'],
      ['"6.13"', '6.13', '6.13'],
      ['"6.1"', '5.10', '6.1'],
      ['"6.12"', '5.10', '6.12'],
      ['"6.14"', '6.13', '6.14'],
      ['"7.0"', '6.13', '7.0'],
    ]) {
      const s = await load(fx.write('k.yaml', `options: {kernel: ${v}}\n`));
      expect([s.options.kernel, s.options.release]).toEqual([profile, release]);
    }
    const e = await oneError(fx.write('k2.yaml', 'options:\n  kernel: 6.1\n'), 'options.kernel');
    expect(e).toMatchObject({ line: 2, column: 11, message: 'options.kernel: kernel 6.1 is a YAML number, which drops trailing zeros (6.10 reads as 6.1): write the release as a string, "6.1"' });
    const old = await oneError(fx.write('k3.yaml', 'options:\n  kernel: "4.19"\n'), 'options.kernel');
    expect(old.message).toBe('options.kernel: kernel "4.19" is older than every profile: releases from 5.10 on are modelled');
    const bad = await oneError(fx.write('k4.yaml', 'options:\n  kernel: "v6.8"\n'), 'options.kernel');
    expect(bad.message).toBe('options.kernel: kernel "v6.8" is not a release: expected "major.minor", such as "6.8" or "6.13"');
  });

  it('expect: clean', async () => {
    const s = await load(fx.write('clean.yaml', 'expect: clean\n'));
    expect(s.expect).toBe('clean');
    const e = await oneError(fx.write('clean2.yaml', 'expect: cleen\n'), 'expect');
    expect(e).toMatchObject({ line: 1, column: 9 });
    expect(e.message).toBe('expect: expected "clean" or a list, got the string "cleen"');
  });

  it('version must be 1', async () => {
    const e = await oneError(fx.write('v.yaml', 'version: 2\n'), 'version');
    expect(e).toMatchObject({ line: 1, column: 10, message: 'version: expected 1' });
  });

  it('unknown top-level keys: error at the key, with did-you-mean and what was expected', async () => {
    const e = await oneError(fx.write('u.yaml', 'locks: {}\nlcoks:\n  A: mutex\n'), 'unknown key');
    expect(e).toMatchObject({ line: 2, column: 1 });
    expect(e.message).toContain('"lcoks"');
    expect(e.message).toContain('did you mean "locks"?');
    expect(e.message).toContain('expected one of version, name, description, include, locks, fences, functions, hooks, paths, expect, options');
  });

  it('unknown keys anywhere', async () => {
    const f = fx.write(
      'u2.yaml',
      ['locks:', '  A: {type: mutex, lockdp: x}', 'paths:', '  - name: p', '    contxt: process', 'options: {fence_modle: precise}'].join('\n'),
    );
    const errs = await loadErrors(f);
    expect(errs.map((e) => [e.line, e.column, /did you mean "(\w+)"/.exec(e.message)?.[1]])).toEqual([
      [2, 20, 'lockdep'],
      [5, 5, 'context'],
      [6, 11, 'fence_model'],
    ]);
  });

  it('lock types: expected one of ... with did-you-mean', async () => {
    const e = await oneError(fx.write('lt.yaml', 'locks:\n  A: spinlok\n'), 'locks.A');
    expect(e).toMatchObject({ line: 2, column: 6 });
    expect(e.message).toBe(
      'locks.A: expected one of mutex, rt_mutex, spinlock, raw_spinlock, rwlock, rwsem, percpu_rwsem, ww_mutex, semaphore, srcu, map (did you mean "spinlock"?)',
    );
    const e2 = await oneError(fx.write('lt2.yaml', 'locks:\n  A: {type: mutx}\n'), 'locks.A.type');
    expect(e2).toMatchObject({ line: 2, column: 13 });
    expect(e2.message).toContain('did you mean "mutex"?');
    const e3 = await oneError(fx.write('lt3.yaml', 'locks:\n  A: 3\n'), 'locks.A');
    expect(e3.message).toContain('or a map');
  });

  it('wrong types say what was expected', async () => {
    const e = await oneError(fx.write('t.yaml', 'paths:\n  - name: [x]\n'), 'paths[0].name');
    expect(e).toMatchObject({ line: 2, column: 11, message: 'paths[0].name: expected a string, got a list' });
    const e2 = await oneError(fx.write('t2.yaml', 'paths:\n  - steps: []\n'), 'missing');
    expect(e2).toMatchObject({ line: 2, column: 5, message: 'paths[0]: missing required key "name" (a string)' });
    const e3 = await oneError(fx.write('t3.yaml', 'paths:\n  - {name: p, context: irq}\n'), 'context');
    expect(e3.message).toBe('paths[0].context: expected one of process, softirq, hardirq');
  });

  it('rule ids in expect and options.warn', async () => {
    const e = await oneError(fx.write('r.yaml', 'expect:\n  - rule: circular-dependancy\n'), 'rule');
    expect(e).toMatchObject({ line: 2, column: 11 });
    expect(e.message).toContain('did you mean "circular-dependency"?');
    const e2 = await oneError(fx.write('r2.yaml', 'options:\n  warn: [ww-lock-between-reservation]\n'), 'warn');
    expect(e2).toMatchObject({ line: 2, column: 10 });
    expect(e2.message).toContain('did you mean "ww-lock-between-reservations"?');
  });

  it('expect: path and involves must exist', async () => {
    const f = fx.write(
      'x.yaml',
      [
        'locks:',
        '  vm: {type: mutex, lockdep: "&vm->lock"}',
        '  bo: {type: ww_mutex, ww_class: crtc_ww_class}',
        'paths: [{name: run job, steps: []}]',
        'expect:',
        '  - rule: circular-dependency',
        '    path: run jb',
        '    involves: [vm, "&vm->lock", crtc_ww_class_mutex, crtc_ww_class_acquire, rcu_read_lock_bh, fs_reclaim, fs_reclam]',
      ].join('\n'),
    );
    const errs = await loadErrors(f);
    expect(errs).toHaveLength(2);
    expect(errs[0]).toMatchObject({ line: 7, column: 11 });
    expect(errs[0].message).toContain('did you mean "run job"?');
    expect(errs[1]).toMatchObject({ line: 8, column: 107 });
    expect(errs[1].message).toContain('did you mean "fs_reclaim"?');
  });

  it('fences are declared with their lock and functions; paths may be work items', async () => {
    const s = await load(fx.write('f.yaml', 'fences:\n  job: {description: x}\n'));
    expect(s.fences.get('job')).toMatchObject({ name: 'job', lock: { cls: 'job->lock', instance: null }, signalledIn: 'process', callbacks: [] });
    expect(s.locks.get('job->lock')).toMatchObject({ type: 'spinlock' });
    const e = await oneError(fx.write('f1.yaml', 'locks: {m: mutex}\nfences:\n  job: {lock: m}\n'), 'spinlock');
    expect(e).toMatchObject({ line: 3, column: 15 });
    const e1 = await oneError(fx.write('f3.yaml', 'fences:\n  job: {callbacks: [done_cb]}\n'), 'undeclared function');
    expect(e1).toMatchObject({ line: 2, column: 21 });
    await load(fx.write('f2.yaml', 'fences: {}\n'));
    const w = await load(fx.write('w.yaml', 'paths:\n  - name: p\n    work: {item: w, queue: q}\n'));
    expect(w.paths[0]!.work).toEqual({ item: 'w', queue: 'q' });
  });

  it('empty sections are fine', async () => {
    const s = await load(fx.write('e.yaml', 'locks:\nfunctions:\nhooks:\npaths:\ninclude:\n'));
    expect(s.paths).toEqual([]);
  });

  it('paths: context, irqs, defaults', async () => {
    const s = await load(
      fx.write('p.yaml', 'paths:\n  - name: a\n  - name: b\n    context: hardirq\n    irqs: disabled\n    steps: [might_sleep]\n'),
    );
    expect(s.paths.map((p) => [p.name, p.context, p.irqsEnabled, p.steps.length, p.loc.line, p.loc.column])).toEqual([
      ['a', 'process', true, 0, 2, 5],
      ['b', 'hardirq', false, 1, 3, 5],
    ]);
  });

  it('the zod schema generates a JSON Schema', () => {
    const js = z.toJSONSchema(scenarioSchema()) as { properties: Record<string, unknown> };
    expect(Object.keys(js.properties)).toEqual(['version', 'name', 'description', 'include', 'locks', 'fences', 'functions', 'hooks', 'paths', 'expect', 'options', 'library']);
    const text = JSON.stringify(js);
    for (const step of ['spin_lock_irqsave', 'with', 'hardirq', 'kmalloc', 'might_sleep']) expect(text).toContain(`"${step}"`);
  });

  it('the full schema accepts what the loader accepts', async () => {
    const value = {
      locks: { A: 'mutex', R: { type: 'rwsem' } },
      functions: { f: [{ with: 'A', do: ['might_sleep'] }, { if: 'blockable', then: [{ lock: { name: 'R', mode: 'read' } }] }] },
      paths: [{ name: 'p', steps: [{ hardirq: { threaded: false, do: [] } }, 'rcu_read_lock', { call: 'f' }, { 'mmap_read_lock': null }] }],
    };
    expect(scenarioSchema().safeParse(value).success).toBe(true);
    expect(scenarioSchema().safeParse({ paths: [{ name: 'p', steps: [{ lok: 'A' }] }] }).success).toBe(false);
  });
});

describe('locks', () => {
  it('short and long forms', async () => {
    const f = fx.write(
      'l.yaml',
      [
        'locks:',
        '  A: mutex',
        '  vm->lock: { type: mutex, lockdep: "&vm->lock", description: the VM lock }',
        '  bo: ww_mutex',
        '  crtc: { type: ww_mutex, ww_class: crtc_ww_class }',
      ].join('\n'),
    );
    const s = await load(f);
    expect(s.locks.get('A')).toEqual({ name: 'A', type: 'mutex', lockdep: 'A', loc: { file: f, line: 2, column: 3 } });
    expect(s.locks.get('vm->lock')).toEqual({ name: 'vm->lock', type: 'mutex', lockdep: '&vm->lock', description: 'the VM lock', loc: { file: f, line: 3, column: 3 } });
    expect(s.locks.get('bo')).toMatchObject({ type: 'ww_mutex', lockdep: 'reservation_ww_class_mutex', wwClass: 'reservation_ww_class' });
    expect(s.locks.get('crtc')).toMatchObject({ type: 'ww_mutex', lockdep: 'crtc_ww_class_mutex', wwClass: 'crtc_ww_class' });
  });

  it('ww_class only for ww_mutex; a ww_mutex lockdep name is fixed', async () => {
    const e = await oneError(fx.write('w1.yaml', 'locks:\n  A: {type: mutex, ww_class: x}\n'), 'ww_class');
    expect(e).toMatchObject({ line: 2, column: 20 });
    const e2 = await oneError(fx.write('w2.yaml', 'locks:\n  A: {type: ww_mutex, lockdep: foo}\n'), 'reservation_ww_class_mutex');
    expect(e2).toMatchObject({ line: 2, column: 32 });
    await load(fx.write('w3.yaml', 'locks:\n  A: {type: ww_mutex, lockdep: reservation_ww_class_mutex}\n'));
  });

  it('names: no brackets, no control characters', async () => {
    const e = await oneError(fx.write('n1.yaml', 'locks:\n  A[0]: mutex\n'), 'brackets');
    expect(e).toMatchObject({ line: 2, column: 3 });
    const e2 = await oneError(fx.write('n2.yaml', 'locks:\n  "A\\0": mutex\n'), 'NUL');
    expect(e2).toMatchObject({ line: 2, column: 3 });
    const e3 = await oneError(fx.write('n3.yaml', 'paths:\n  - name: "a\\tb"\n'), 'control character');
    expect(e3).toMatchObject({ line: 2, column: 11 });
    await oneError(fx.write('n4.yaml', 'functions:\n  "f\\x1b": []\n'), 'control character');
  });

  it('redeclaring a built-in lock identically is fine, differently an error', async () => {
    await load(fx.write('b1.yaml', 'locks:\n  fs_reclaim: map\n'));
    const e = await oneError(fx.write('b2.yaml', 'locks:\n  fs_reclaim: mutex\n'), 'declared twice');
    expect(e).toMatchObject({ line: 2, column: 3 });
    expect(e.message).toContain('<builtin>');
  });
});
