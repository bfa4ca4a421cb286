import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/load/index.js';
import { fixtures, loadErrors, oneError } from './helpers.js';

describe('include', () => {
  it('relative includes: declarations merge, included paths first, each file once', async () => {
    const fx = fixtures();
    fx.write('models/base.yaml', ['locks:', '  base_lock: mutex', 'functions:', '  helper: [{lock: base_lock}, {unlock: base_lock}]', 'paths:', '  - name: base path', '    steps: [{call: helper}]', 'expect: clean', 'options: {kernel: "5.10"}'].join('\n'));
    fx.write('models/soc.yaml', ['include: [./base.yaml]', 'locks:', '  soc_lock: spinlock', 'hooks:', '  soc.hook: [helper]', 'paths:', '  - name: soc path', '    steps: [{spin_lock: soc_lock}, {spin_unlock: soc_lock}]'].join('\n'));
    fx.write('other.yaml', ['include: [models/base.yaml]', 'paths:', '  - name: other path', '    steps: [{lock: base_lock}, {unlock: base_lock}]'].join('\n'));
    const main = fx.write(
      'main.yaml',
      ['include: [./models/soc.yaml, other.yaml, ./models/base.yaml]', 'locks:', '  mine: mutex', 'paths:', '  - name: my path', '    steps: [{invoke: soc.hook}, {call: helper}]'].join('\n'),
    );
    const rel = relative(process.cwd(), main);
    const s = await loadScenario(rel);
    expect(s.paths.map((p) => p.name)).toEqual(['base path', 'soc path', 'other path', 'my path']);
    expect([...s.locks.keys()]).toEqual(['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map', 'base_lock', 'soc_lock', 'mine']);
    expect([...s.functions.keys()]).toEqual(['helper']);
    expect(s.hooks.get('soc.hook')).toEqual(['helper']);
    // Locations of included files are relative to the including file's path as given.
    expect(s.paths[0].loc.file).toBe(join(relative(process.cwd(), fx.dir), 'models/base.yaml'));
    expect(s.locks.get('soc_lock')!.loc).toEqual({ file: join(relative(process.cwd(), fx.dir), 'models/soc.yaml'), line: 3, column: 3 });
    // expect and options of included files are ignored.
    expect(s.expect).toBeNull();
    expect(s.options.kernel).toBe('6.13');
  });

  it('an include cycle is an error naming the cycle', async () => {
    const fx = fixtures();
    const a = fx.write('a.yaml', 'include: [./b.yaml]\nlocks: {A: mutex}\n');
    const b = fx.write('b.yaml', 'locks: {B: mutex}\ninclude:\n  - ./c.yaml\n');
    fx.write('c.yaml', 'include: [a.yaml]\n');
    const e = await oneError(a, 'include cycle');
    expect(e.message).toBe(`include cycle: ${a} -> ${b} -> ${join(fx.dir, 'c.yaml')} -> ${a}`);
    expect(e).toMatchObject({ file: join(fx.dir, 'c.yaml'), line: 1, column: 11 });
  });

  it('a file including itself', async () => {
    const fx = fixtures();
    const a = fx.write('self.yaml', 'include: [./self.yaml]\n');
    const e = await oneError(a, 'include cycle');
    expect(e.message).toBe(`include cycle: ${a} -> ${a}`);
  });

  it('a missing include: error at the entry, with did-you-mean over built-in models', async () => {
    const fx = fixtures();
    const f = fx.write('m.yaml', 'include:\n  - ./nothere.yaml\n');
    const e = await oneError(f, 'include not found');
    expect(e).toMatchObject({ line: 2, column: 5 });
    expect(e.message).toContain('"./nothere.yaml"');
  });

  it('an unknown built-in model', async () => {
    const fx = fixtures();
    const e = await oneError(fx.write('k.yaml', 'include: [kernal]\n'), 'unknown model');
    expect(e).toMatchObject({ line: 1, column: 11 });
    expect(e.message).toContain('"kernal"');
  });

  it('errors in an included file are reported at their place in that file', async () => {
    const fx = fixtures();
    const inc = fx.write('inc.yaml', 'locks:\n  X: mutx\n');
    const main = fx.write('main.yaml', 'include: [inc.yaml]\n');
    const e = await oneError(main, 'locks.X');
    expect(e).toMatchObject({ file: inc, line: 2, column: 6 });
  });

  it('a name declared twice across files: error naming both places, unless identical', async () => {
    const fx = fixtures();
    fx.write('i.yaml', ['locks:', '  A: mutex', '  B: {type: rwsem, lockdep: "&b->sem"}', 'functions:', '  f: [might_sleep]', 'paths:', '  - name: p', '    steps: []'].join('\n'));
    // Identical redeclarations are fine.
    const same = fx.write('same.yaml', ['include: [i.yaml]', 'locks:', '  A: {type: mutex}', 'functions:', '  f: [might_sleep]', 'paths:', '  - name: p', '    steps: []'].join('\n'));
    const s = await loadScenario(same);
    expect(s.paths).toHaveLength(1);
    expect(s.locks.get('A')!.loc.file).toBe(join(fx.dir, 'i.yaml'));
    const diff = fx.write(
      'diff.yaml',
      ['include: [i.yaml]', 'locks:', '  A: spinlock', '  B: rwsem', 'functions:', '  f: [cond_resched]', 'paths:', '  - name: p', '    steps: [might_sleep]'].join('\n'),
    );
    const errs = await loadErrors(diff);
    expect(errs.map((e) => [e.line, e.column, e.message])).toEqual([
      [3, 3, `lock "A" is declared twice, differently: at ${join(fx.dir, 'i.yaml')}:2:3 and at ${diff}:3:3`],
      [4, 3, `lock "B" is declared twice, differently: at ${join(fx.dir, 'i.yaml')}:3:3 and at ${diff}:4:3`],
      [6, 3, `function "f" is declared twice, differently: at ${join(fx.dir, 'i.yaml')}:5:3 and at ${diff}:6:3`],
      [8, 11, `path "p" is declared twice, differently: at ${join(fx.dir, 'i.yaml')}:7:5 and at ${diff}:8:11`],
    ]);
  });

  it('path names are unique within a file too', async () => {
    const fx = fixtures();
    const e = await oneError(fx.write('p.yaml', 'paths:\n  - name: p\n  - name: p\n'), 'declared twice');
    expect(e).toMatchObject({ line: 3, column: 11 });
  });

  it('included steps may use the including file\'s declarations and the other way round', async () => {
    const fx = fixtures();
    fx.write('model.yaml', ['locks:', '  mmap_lock: {type: rwsem, lockdep: "&mm->mmap_lock"}', 'functions:', '  fault: [mmap_read_lock, mmap_read_unlock]'].join('\n'));
    const main = fx.write('main.yaml', ['include: [./model.yaml]', 'paths:', '  - name: p', '    steps: [{call: fault}, {mmap_write_lock: mm2}, {mmap_write_unlock: mm2}]'].join('\n'));
    const s = await loadScenario(main);
    expect(s.paths[0].steps.map((x) => x.label)).toEqual(['call: fault', 'mmap_write_lock: mm2', 'mmap_write_unlock: mm2']);
  });
});
