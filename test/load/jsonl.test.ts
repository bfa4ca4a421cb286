import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { eventToStep } from '../../src/load/jsonl.js';
import type { Step } from '../../src/model/scenario.js';
import { fixtures, load, scenarios, strip, traceItems as items } from './helpers.js';

const fx = scenarios();

function lines(...objs: (object | string)[]): string {
  return objs.map((o) => (typeof o === 'string' ? o : JSON.stringify(o))).join('\n') + '\n';
}

describe('readTrace', () => {
  it('declarations and events, with line numbers', async () => {
    const f = fx.write(
      't.jsonl',
      lines(
        { decl: 'lock', name: 'A', type: 'mutex' },
        { decl: 'lock', name: 'S', type: 'spinlock', lockdep: '&s->lock' },
        { path: 'kworker/0:1', op: 'lock', name: 'A' },
        { path: 'kworker/0:1', op: 'spin_lock_irqsave', name: 'S' },
        { path: 'kworker/0:1', op: 'spin_unlock_irqrestore', name: 'S' },
        { path: 'kworker/0:1', op: 'unlock', name: 'A' },
      ),
    );
    const out = await items(f);
    expect(out.map((i) => i.kind)).toEqual(['lock', 'lock', 'step', 'step', 'step', 'step']);
    expect(out[1]).toEqual({ kind: 'lock', decl: { name: 'S', type: 'spinlock', lockdep: '&s->lock', loc: { file: f, line: 2, column: 1 } } });
    expect(out[3]).toEqual({
      kind: 'step',
      path: 'kworker/0:1',
      step: { op: 'acquire', loc: { file: f, line: 4, column: 1 }, label: 'spin_lock_irqsave: S', spelling: 'spin_lock_irqsave', lock: { cls: 'S', instance: null }, mode: 'write', subclass: 0, nestLock: null, trylock: false, irq: 'irqsave' },
      loc: { file: f, line: 4, column: 1 },
    });
    expect(out[4]).toMatchObject({ kind: 'step', step: { op: 'release', irq: 'irqsave', loc: { line: 5 } } });
  });

  it('a bad line in the middle: an error with its line number, and the following lines still produce steps', async () => {
    const f = fx.write(
      'bad.jsonl',
      lines(
        { decl: 'lock', name: 'A', type: 'mutex' },
        { path: 't', op: 'lock', name: 'A' },
        '{"path":"t","op":"unlock","name":"A"',
        'not json at all',
        '',
        '[1, 2]',
        { path: 't', op: 'unlok', name: 'A' },
        { path: 't', op: 'lock', name: 'B' },
        { op: 'lock', name: 'A' },
        { path: 't', op: 'unlock', name: 'A' },
        { path: 't', op: 'might_sleep' },
      ),
    );
    const out = await items(f);
    const summary = out.map((i) => (i.kind === 'error' ? `E${i.error.loc!.line}` : i.kind === 'step' ? `S${i.step.loc.line}` : i.kind));
    expect(summary).toEqual(['lock', 'S2', 'E3', 'E4', 'E6', 'E7', 'E8', 'E9', 'S10', 'S11']);
    const err = (n: number) => out.find((i) => i.kind === 'error' && i.error.loc!.line === n) as { error: { message: string; loc: { column: number } } };
    expect(err(3).error.message).toMatch(/^invalid JSON/);
    expect(err(7).error.message).toBe('unknown step "unlok" (did you mean "unlock"?)');
    expect(err(8).error.message).toBe('undeclared lock "B" (did you mean "A"?)');
    expect(err(9).error.message).toContain('"path"');
  });

  it('events convert exactly as YAML steps do', async () => {
    const yaml = fx.write(
      'same.yaml',
      [
        'locks: {A: mutex, R: rwsem, M: map}',
        'functions: {f: [might_sleep]}',
        'hooks: {h: [f]}',
        'paths:',
        '  - name: p',
        '    steps:',
        '      - lock: A',
        '      - lock: {name: R, mode: read, nested: 2}',
        '      - down_read_trylock: R',
        '      - might_sleep',
        '      - hardirq: [{lock_map_acquire: M}, {lock_map_release: M}]',
        '      - hardirq: {threaded: false, do: [might_sleep]}',
        '      - with: {name: R, mode: read}',
        '        do: [cond_resched]',
        '      - with: A',
        '        do: []',
        '      - if: blockable',
        '        then: [might_sleep]',
        '      - invoke: {hook: h, blockable: false}',
        '      - call: f',
        '      - rcu: [might_sleep]',
      ].join('\n'),
    );
    const jsonl = fx.write(
      'same.jsonl',
      lines(
        { decl: 'lock', name: 'A', type: 'mutex' },
        { decl: 'lock', name: 'R', type: 'rwsem' },
        { decl: 'lock', name: 'M', type: 'map' },
        { decl: 'function', name: 'f', steps: ['might_sleep'] },
        { decl: 'hook', hook: 'h', fn: 'f' },
        { path: 'p', op: 'lock', name: 'A' },
        { path: 'p', op: 'lock', name: 'R', mode: 'read', nested: 2 },
        { path: 'p', op: 'down_read_trylock', name: 'R' },
        { path: 'p', op: 'might_sleep' },
        { path: 'p', op: 'hardirq', do: [{ lock_map_acquire: 'M' }, { lock_map_release: 'M' }] },
        { path: 'p', op: 'hardirq', threaded: false, steps: ['might_sleep'] },
        { path: 'p', op: 'with', name: 'R', mode: 'read', do: ['cond_resched'] },
        { path: 'p', op: 'with', name: 'A', do: [] },
        { path: 'p', op: 'if', name: 'blockable', then: ['might_sleep'] },
        { path: 'p', op: 'invoke', hook: 'h', blockable: false },
        { path: 'p', op: 'call', name: 'f' },
        { path: 'p', op: 'rcu', do: ['might_sleep'] },
      ),
    );
    const s = await load(yaml);
    const got: Step[] = [];
    for (const it of await items(jsonl)) {
      if (it.kind === 'error') throw it.error;
      if (it.kind === 'step') got.push(it.step);
    }
    expect(strip(got)).toEqual(strip(s.paths[0].steps));
  });

  it('the fast path gives the same steps as the first conversion', async () => {
    const evs: object[] = [{ decl: 'lock', name: 'A', type: 'rwlock' }];
    for (let i = 0; i < 3; i++)
      evs.push(
        { path: 'p', op: 'read_lock_bh', name: 'A' },
        { path: 'p', op: 'read_unlock_bh', name: 'A' },
        { path: 'p', op: 'lock', name: 'A[x]' },
        { path: 'p', op: 'unlock', name: 'A[x]' },
        { path: 'p', op: 'preempt_disable' },
        { path: 'p', op: 'assert_held', name: 'A' },
      );
    const out = (await items(fx.write('fast.jsonl', lines(...evs)))).filter((i) => i.kind === 'step') as { step: Step }[];
    expect(out).toHaveLength(18);
    for (let i = 6; i < 18; i++) {
      expect(out[i].step).toEqual({ ...out[i - 6].step, loc: out[i].step.loc });
      expect(Object.keys(out[i].step)).toEqual(Object.keys(out[i - 6].step));
      expect(out[i].step.loc.line).toBe(i + 2);
    }
  });

  it('functions, hooks and recursion', async () => {
    const f = fx.write(
      'fn.jsonl',
      lines(
        { decl: 'function', name: 'f', steps: [{ call: 'f' }] },
        { decl: 'function', name: 'g', steps: [{ invoke: 'h' }] },
        { decl: 'hook', hook: 'h', fn: 'g' },
        { decl: 'hook', hook: 'h', fn: 'nope' },
        { decl: 'function', name: 'k', steps: ['might_sleep'] },
        { decl: 'hook', hook: 'h', fn: 'k' },
        { path: 'p', op: 'invoke', name: 'h' },
        { path: 'p', op: 'call', name: 'f' },
      ),
    );
    const out = await items(f);
    const desc = out.map((i) => (i.kind === 'error' ? `E${i.error.loc!.line}: ${i.error.message}` : i.kind));
    expect(desc[0]).toMatch(/^E1: recursive call: f -> f/);
    expect(desc[1]).toBe('function');
    expect(desc[2]).toMatch(/^E3: recursive call: g -> g/);
    expect(desc[3]).toMatch(/^E4: hook "h": undeclared function "nope"/);
    expect(desc.slice(4)).toEqual(['function', 'hook', 'step', 'E8: undeclared function "f" (did you mean "g"?)']);
  });

  it('the scenario header (our extension): meta and options', async () => {
    const f = fx.write(
      'meta.jsonl',
      lines(
        { decl: 'scenario', name: 'stress', description: 'generated', expect: [{ rule: 'circular-dependency', involves: ['A', 'B'] }], options: { kernel: '5.10' } },
        { decl: 'lock', name: 'A', type: 'mutex' },
      ),
    );
    const out = await items(f);
    expect(out[0]).toEqual({
      kind: 'meta',
      name: 'stress',
      description: 'generated',
      expect: [{ rule: 'circular-dependency', involves: ['A', 'B'], path: null, loc: { file: f, line: 1, column: 1 } }],
      loc: { file: f, line: 1, column: 1 },
    });
    expect(out[1]).toEqual({ kind: 'options', options: { kernel: '5.10', release: '5.10', lockdepOnly: false, fenceModel: 'lockdep', warn: [] } });
    // `involves` is checked at the end, against every lock the stream declared.
    const last = out[out.length - 1];
    expect(last.kind).toBe('error');
    expect(last.kind === 'error' && last.error.message).toContain('"B"');
  });

  it('bad declarations', async () => {
    const f = fx.write(
      'decl.jsonl',
      lines(
        { decl: 'lok', name: 'X' },
        { decl: 'lock', name: 'X', type: 'mutx' },
        { decl: 'lock', name: 'X[1]', type: 'mutex' },
        { decl: 'lock', name: 'X', type: 'mutex', lockdp: 'x' },
        { decl: 'lock', name: 'X', type: 'mutex' },
        { decl: 'lock', name: 'X', type: 'mutex' },
        { decl: 'lock', name: 'X', type: 'spinlock' },
        { decl: 'fence', name: 'f', lock: 'Y' },
        { decl: 'include', name: 'kernal' },
        { decl: 'include', name: './missing.yaml' },
        { path: 'p', op: 'flush_wrok', name: 'w' },
      ),
    );
    const out = await items(f);
    const desc = out.map((i) => (i.kind === 'error' ? `E${i.error.loc!.line}: ${i.error.message}` : i.kind));
    expect(desc[0]).toMatch(/^E1: unknown declaration "lok".*did you mean "lock"/);
    expect(desc[1]).toMatch(/^E2: type: expected one of .*did you mean "mutex"/);
    expect(desc[2]).toMatch(/^E3: invalid lock name "X\[1\]"/);
    expect(desc[3]).toMatch(/^E4: unknown key "lockdp".*did you mean "lockdep"/);
    expect(desc[4]).toBe('lock');
    expect(desc[5]).toMatch(/^E7: lock "X" is declared twice, differently/);
    expect(desc[6]).toMatch(/^E8: fence "f": undeclared lock "Y"/);
    expect(desc[7]).toMatch(/^E9: unknown model "kernal"/);
    expect(desc[8]).toMatch(/^E10: include not found/);
    expect(desc[9]).toMatch(/^E11: unknown step "flush_wrok" \(did you mean "flush_work"\?\)/);
    expect(desc).toHaveLength(10);
  });

  it('includes a model relative to the stream', async () => {
    // The model is a file (an include is read from disk); the stream is not.
    const files = fixtures();
    files.write('model.yaml', ['locks: {L: mutex}', 'functions: {f: [{lock: L}, {unlock: L}]}', 'hooks: {h: [f]}', 'paths: [{name: boot, steps: [{call: f}]}]'].join('\n'));
    const f = fx.write(join(files.dir, 'inc.jsonl'), lines({ decl: 'include', name: './model.yaml' }, { decl: 'include', name: 'model.yaml' }, { path: 'p', op: 'lock', name: 'L' }, { path: 'p', op: 'invoke', name: 'h' }));
    const out = await items(f);
    expect(out.map((i) => i.kind)).toEqual(['include', 'step', 'step']);
    const inc = out[0] as unknown as { scenario: { paths: { name: string }[]; locks: Map<string, unknown> } };
    expect(inc.scenario.paths.map((p) => p.name)).toEqual(['boot']);
    expect(inc.scenario.locks.has('L')).toBe(true);
  });

  it('an unreadable stream is an error item, not an exception', async () => {
    const out = await items(join(fixtures().dir, 'missing.jsonl'));
    expect(out).toHaveLength(1);
    expect(out[0].kind === 'error' && out[0].error.message).toContain('no such file');
  });

  it('deeply nested steps in a line are bounded', async () => {
    const deep = '{"hardirq":['.repeat(5000) + '"might_sleep"' + ']}'.repeat(5000);
    const f = fx.write('deep.jsonl', `{"path":"p","op":"softirq","do":[${deep}]}\n`);
    const out = await items(f);
    expect(out).toHaveLength(1);
    expect(out[0].kind === 'error' && out[0].error.message).toBe('steps nested too deeply (limit 64)');
  });

  it('streams many lines', async () => {
    const n = 200_000;
    const parts = ['{"decl":"lock","name":"A","type":"mutex"}'];
    for (let i = 0; i < n; i++) parts.push(i % 2 ? '{"path":"t","op":"mutex_unlock","name":"A"}' : '{"path":"t","op":"mutex_lock","name":"A"}');
    const f = fx.write('many.jsonl', parts.join('\n') + '\n');
    let steps = 0;
    for (const it of await items(f)) if (it.kind === 'step') steps++;
    expect(steps).toBe(n);
  });

  it('eventToStep', () => {
    expect(eventToStep({ path: 'p', op: 'might_sleep' })).toBe('might_sleep');
    expect(eventToStep({ path: 'p', op: 'lock', name: 'A' })).toEqual({ lock: 'A' });
    expect(eventToStep({ path: 'p', op: 'kmalloc', gfp: 'GFP_KERNEL' })).toEqual({ kmalloc: 'GFP_KERNEL' });
    expect(eventToStep({ path: 'p', op: 'lock', name: 'A', mode: 'read' })).toEqual({ lock: { name: 'A', mode: 'read' } });
    expect(eventToStep({ path: 'p', op: 'softirq', steps: [] })).toEqual({ softirq: [] });
    expect(eventToStep({ path: 'p', op: 'with', name: 'A', nested: 1, do: [] })).toEqual({ with: { name: 'A', nested: 1 }, do: [] });
  });
});
