import { describe, expect, it } from 'vitest';
import { STEP_NAMES } from '../../src/load/index.js';
import type { AcquireStep, Step } from '../../src/model/scenario.js';
import { load, loadErrors, oneError, pathSteps, scenarios, strip } from './helpers.js';

const fx = scenarios();

const LOCKS = [
  'locks:',
  '  M: mutex',
  '  RT: rt_mutex',
  '  S: spinlock',
  '  RS: raw_spinlock',
  '  RW: rwlock',
  '  SEM: rwsem',
  '  PC: percpu_rwsem',
  '  W: ww_mutex',
  '  SRCU: srcu',
  '  MAP: map',
  '  SEMA: semaphore',
  '  mmap_lock: {type: rwsem, lockdep: "&mm->mmap_lock"}',
  '  i_mmap_rwsem: {type: rwsem, lockdep: "&mapping->i_mmap_rwsem"}',
];

/** Load one path whose steps are the given YAML lines (indented under `steps:`). */
async function steps(lines: string[], extra: string[] = []): Promise<readonly Step[]> {
  // A line starting with two spaces continues the previous step (`with:` + `  do:`).
  const items = lines.map((l) => (l.startsWith('  ') ? '      ' + l : '      - ' + l));
  const text = [...LOCKS, ...extra, 'paths:', '  - name: p', '    steps:', ...items].join('\n') + '\n';
  const s = await load(fx.write('steps.yaml', text));
  return pathSteps(s, 'p');
}

async function one(line: string): Promise<Step> {
  const s = await steps([line]);
  expect(s).toHaveLength(1);
  return s[0];
}

const ref = (cls: string, instance: string | null = null) => ({ cls, instance });

function acq(cls: string, over: Partial<AcquireStep> = {}, instance: string | null = null): Partial<AcquireStep> {
  return { op: 'acquire', lock: ref(cls, instance), mode: 'write', subclass: 0, nestLock: null, trylock: false, irq: 'none', ...over };
}

describe('locking aliases map to the IR', () => {
  const cases: [string, object][] = [
    ['lock: M', acq('M')],
    ['trylock: M', acq('M', { trylock: true })],
    ['lock: {name: SEM, mode: read}', acq('SEM', { mode: 'read' })],
    ['lock: {name: RW, mode: recursive_read, nested: 3}', acq('RW', { mode: 'recursive_read', subclass: 3 })],
    ['lock: {name: "M[b]", nest_lock: RT}', acq('M', { nestLock: ref('RT') }, 'b')],
    ['unlock: "W[bo_a]"', { op: 'release', lock: ref('W', 'bo_a'), irq: 'none' }],
    ['mutex_lock: M', acq('M')],
    ['mutex_lock: RT', acq('RT')],
    ['mutex_lock_interruptible: M', acq('M')],
    ['mutex_lock_killable: M', acq('M')],
    ['mutex_lock_nested: {name: M, nested: 1}', acq('M', { subclass: 1 })],
    ['mutex_trylock: M', acq('M', { trylock: true })],
    ['mutex_unlock: M', { op: 'release', lock: ref('M'), irq: 'none' }],
    ['spin_lock: S', acq('S')],
    ['spin_lock_nested: {name: S, nested: 2}', acq('S', { subclass: 2 })],
    ['spin_lock_irq: S', acq('S', { irq: 'irq' })],
    ['spin_lock_irqsave: S', acq('S', { irq: 'irqsave' })],
    ['spin_lock_bh: S', acq('S', { irq: 'bh' })],
    ['spin_trylock: S', acq('S', { trylock: true })],
    ['spin_unlock: S', { op: 'release', lock: ref('S'), irq: 'none' }],
    ['spin_unlock_irq: S', { op: 'release', lock: ref('S'), irq: 'irq' }],
    ['spin_unlock_irqrestore: S', { op: 'release', lock: ref('S'), irq: 'irqsave' }],
    ['spin_unlock_bh: S', { op: 'release', lock: ref('S'), irq: 'bh' }],
    ['raw_spin_lock: RS', acq('RS')],
    ['raw_spin_lock_irqsave: RS', acq('RS', { irq: 'irqsave' })],
    ['raw_spin_lock_nested: {name: RS, nested: 1}', acq('RS', { subclass: 1 })],
    ['raw_spin_unlock_irqrestore: RS', { op: 'release', lock: ref('RS'), irq: 'irqsave' }],
    ['read_lock: RW', acq('RW', { mode: 'read' })],
    ['read_lock_irq: RW', acq('RW', { mode: 'read', irq: 'irq' })],
    ['read_lock_irqsave: RW', acq('RW', { mode: 'read', irq: 'irqsave' })],
    ['read_lock_bh: RW', acq('RW', { mode: 'read', irq: 'bh' })],
    ['write_lock: RW', acq('RW')],
    ['write_lock_irqsave: RW', acq('RW', { irq: 'irqsave' })],
    ['read_unlock_bh: RW', { op: 'release', lock: ref('RW'), irq: 'bh' }],
    ['write_unlock_irqrestore: RW', { op: 'release', lock: ref('RW'), irq: 'irqsave' }],
    ['down_read: SEM', acq('SEM', { mode: 'read' })],
    ['down_write: SEM', acq('SEM')],
    ['down_read_killable: SEM', acq('SEM', { mode: 'read' })],
    ['down_write_killable: SEM', acq('SEM')],
    ['down_read_trylock: SEM', acq('SEM', { mode: 'read', trylock: true })],
    ['down_write_trylock: SEM', acq('SEM', { trylock: true })],
    ['up_read: SEM', { op: 'release', lock: ref('SEM'), irq: 'none' }],
    ['up_write: SEM', { op: 'release', lock: ref('SEM'), irq: 'none' }],
    ['percpu_down_read: PC', acq('PC', { mode: 'read' })],
    ['percpu_down_write: PC', acq('PC')],
    ['percpu_up_read: PC', { op: 'release', lock: ref('PC'), irq: 'none' }],
    ['percpu_up_write: PC', { op: 'release', lock: ref('PC'), irq: 'none' }],
    ['mmap_read_lock', acq('mmap_lock', { mode: 'read' })],
    ['mmap_read_lock: child_mm', acq('mmap_lock', { mode: 'read' }, 'child_mm')],
    ['mmap_write_lock', acq('mmap_lock')],
    ['mmap_read_trylock', acq('mmap_lock', { mode: 'read', trylock: true })],
    ['mmap_read_unlock', { op: 'release', lock: ref('mmap_lock'), irq: 'none' }],
    ['mmap_write_unlock: child_mm', { op: 'release', lock: ref('mmap_lock', 'child_mm'), irq: 'none' }],
    ['i_mmap_lock_read', acq('i_mmap_rwsem', { mode: 'read' })],
    ['i_mmap_lock_write: mapping2', acq('i_mmap_rwsem', {}, 'mapping2')],
    ['i_mmap_unlock_read', { op: 'release', lock: ref('i_mmap_rwsem'), irq: 'none' }],
    ['i_mmap_unlock_write', { op: 'release', lock: ref('i_mmap_rwsem'), irq: 'none' }],
    ['dma_resv_lock: "W[bo]"', acq('W', {}, 'bo')],
    ['dma_resv_lock: {name: "W[bo]"}', acq('W', {}, 'bo')],
    ['dma_resv_lock_interruptible: W', acq('W')],
    ['dma_resv_trylock: W', acq('W', { trylock: true })],
    ['dma_resv_unlock: W', { op: 'release', lock: ref('W'), irq: 'none' }],
    ['ww_mutex_lock: W', acq('W')],
    ['ww_mutex_lock_interruptible: W', acq('W')],
    ['ww_mutex_trylock: W', acq('W', { trylock: true })],
    ['ww_mutex_unlock: W', { op: 'release', lock: ref('W'), irq: 'none' }],
    ['lock_map_acquire: MAP', acq('MAP')],
    ['lock_map_acquire_read: MAP', acq('MAP', { mode: 'recursive_read' })],
    ['lock_map_acquire_tryread: dma_fence_map', acq('dma_fence_map', { mode: 'recursive_read', trylock: true })],
    ['lock_map_release: fs_reclaim', { op: 'release', lock: ref('fs_reclaim'), irq: 'none' }],
    ['srcu_read_lock: SRCU', acq('SRCU', { mode: 'recursive_read' })],
    ['srcu_read_unlock: SRCU', { op: 'release', lock: ref('SRCU'), irq: 'none' }],
    ['synchronize_srcu: SRCU', { op: 'lock_sync', lock: ref('SRCU') }],
    ['might_lock: M', { op: 'might_lock', lock: ref('M'), mode: 'write', subclass: 0 }],
    ['might_lock: {name: SEM, mode: read, nested: 1}', { op: 'might_lock', lock: ref('SEM'), mode: 'read', subclass: 1 }],
    ['downgrade_write: SEM', { op: 'downgrade_write', lock: ref('SEM') }],
    ['assert_held: "M[x]"', { op: 'assert_held', lock: ref('M', 'x') }],
    ['cond_resched_lock: S', { op: 'cond_resched_lock', lock: ref('S') }],
  ];
  it.each(cases)('%s', async (line, want) => {
    const s = await one(line);
    expect(s).toMatchObject(want);
    expect(s.label).toBe(line.replace(/"/g, ''));
  });

  it('every acquire step has exactly the IR fields', async () => {
    const s = await one('spin_lock_irqsave: S');
    expect(s.spelling).toBe('spin_lock_irqsave');
    expect(strip([s])).toEqual([
      { op: 'acquire', label: 'spin_lock_irqsave: S', lock: { cls: 'S', instance: null }, mode: 'write', subclass: 0, nestLock: null, trylock: false, irq: 'irqsave' },
    ]);
  });

  it('lock references are shared objects per name', async () => {
    const s = await steps(['lock: "M[a]"', 'unlock: "M[a]"']);
    expect((s[0] as AcquireStep).lock).toBe((s[1] as { lock: object }).lock);
  });
});

describe('context, irq and sleeping steps', () => {
  const cases: [string, object][] = [
    ['irq_disable', { op: 'hardirqs', action: 'disable' }],
    ['local_irq_disable', { op: 'hardirqs', action: 'disable' }],
    ['irq_enable', { op: 'hardirqs', action: 'enable' }],
    ['local_irq_enable', { op: 'hardirqs', action: 'enable' }],
    ['local_irq_save', { op: 'hardirqs', action: 'save' }],
    ['local_irq_restore', { op: 'hardirqs', action: 'restore' }],
    ['bh_disable', { op: 'softirqs', action: 'disable' }],
    ['local_bh_disable', { op: 'softirqs', action: 'disable' }],
    ['bh_enable', { op: 'softirqs', action: 'enable' }],
    ['local_bh_enable', { op: 'softirqs', action: 'enable' }],
    ['preempt_disable', { op: 'preempt', action: 'disable' }],
    ['preempt_enable', { op: 'preempt', action: 'enable' }],
    ['non_block_start', { op: 'non_block', action: 'start' }],
    ['non_block_end', { op: 'non_block', action: 'end' }],
    ['might_sleep', { op: 'sleep' }],
    ['cond_resched', { op: 'sleep' }],
    ['sleep', { op: 'sleep' }],
    ['msleep', { op: 'sleep' }],
    ['schedule', { op: 'sleep' }],
    ['wait_event', { op: 'sleep' }],
    ['wait_for_completion', { op: 'sleep' }],
    ...['usleep_range', 'schedule_timeout', 'wait_event_timeout', 'wait_event_interruptible', 'wait_for_completion_timeout', 'synchronize_rcu'].map(
      (n) => [n, { op: 'sleep' }] as [string, Record<string, unknown>],
    ),
    ...['kcalloc', 'kmalloc_array', 'kvzalloc', 'kmem_cache_alloc', 'kmem_cache_zalloc', 'alloc_page', '__get_free_pages'].map(
      (n) => [`${n}: GFP_NOWAIT`, { op: 'alloc' }] as [string, Record<string, unknown>],
    ),
    ['lockdep_assert_held: M', { op: 'assert_held', lock: { cls: 'M', instance: null } }],
    ['dma_resv_assert_held: M', { op: 'assert_held', lock: { cls: 'M', instance: null } }],
    ['rcu_read_lock', { op: 'rcu', flavour: 'rcu', action: 'lock' }],
    ['rcu_read_unlock', { op: 'rcu', flavour: 'rcu', action: 'unlock' }],
    ['rcu_read_lock_bh', { op: 'rcu', flavour: 'rcu_bh', action: 'lock' }],
    ['rcu_read_unlock_bh', { op: 'rcu', flavour: 'rcu_bh', action: 'unlock' }],
    ['rcu_read_lock_sched', { op: 'rcu', flavour: 'rcu_sched', action: 'lock' }],
    ['rcu_read_unlock_sched', { op: 'rcu', flavour: 'rcu_sched', action: 'unlock' }],
    ['return', { op: 'return' }],
  ];
  it.each(cases)('%s', async (line, want) => {
    const s = await one(line);
    expect(s).toMatchObject({ ...want, label: line });
  });

  it('bare steps may also be written with a null argument; sleeps may name what they wait for', async () => {
    const s = await steps(['might_sleep:', 'msleep: 10', 'wait_for_completion: done', 'local_irq_save: flags']);
    expect(s.map((x) => [x.op, x.label])).toEqual([
      ['sleep', 'might_sleep'],
      ['sleep', 'msleep: 10'],
      ['sleep', 'wait_for_completion: done'],
      ['hardirqs', 'local_irq_save: flags'],
    ]);
  });

  it('blocks', async () => {
    const s = await steps([
      'hardirq: [{spin_lock: S}, {spin_unlock: S}]',
      'hardirq: {threaded: false, do: [might_sleep]}',
      'softirq: [might_sleep]',
      'rcu: [might_sleep]',
      'non_block: [might_sleep]',
      'with: M',
      '  do: [might_sleep]',
      'with: {name: SEM, mode: read}',
      '  do: []',
      'if: blockable',
      '  then: [might_sleep]',
      '  else: [return]',
      'if: blockable',
      '  else: [return]',
    ]);
    expect(strip(s)).toEqual([
      {
        op: 'irq_context',
        label: 'hardirq',
        context: 'hardirq',
        threaded: true,
        body: [
          { ...acq('S'), label: 'spin_lock: S' },
          { op: 'release', label: 'spin_unlock: S', lock: ref('S'), irq: 'none' },
        ],
      },
      { op: 'irq_context', label: 'hardirq: {threaded: false}', context: 'hardirq', threaded: false, body: [{ op: 'sleep', label: 'might_sleep' }] },
      { op: 'irq_context', label: 'softirq', context: 'softirq', threaded: true, body: [{ op: 'sleep', label: 'might_sleep' }] },
      { op: 'rcu_section', label: 'rcu', flavour: 'rcu', body: [{ op: 'sleep', label: 'might_sleep' }] },
      { op: 'non_block_section', label: 'non_block', body: [{ op: 'sleep', label: 'might_sleep' }] },
      { op: 'with', label: 'with: M', acquire: { ...acq('M'), label: 'with: M' }, body: [{ op: 'sleep', label: 'might_sleep' }] },
      {
        op: 'with',
        label: 'with: {name: SEM, mode: read}',
        acquire: { ...acq('SEM', { mode: 'read' }), label: 'with: {name: SEM, mode: read}' },
        body: [],
      },
      { op: 'if_blockable', label: 'if: blockable', then: [{ op: 'sleep', label: 'might_sleep' }], else: [{ op: 'return', label: 'return' }] },
      { op: 'if_blockable', label: 'if: blockable', then: [], else: [{ op: 'return', label: 'return' }] },
    ]);
  });

  it('locations: the step key, or the scalar of a bare step', async () => {
    const text = [...LOCKS, 'paths:', '  - name: p', '    steps:', '      - might_sleep', '      -   lock: M', '      - with: M', '        do:', '          - unlock: M'].join('\n');
    const f = fx.write('loc.yaml', text);
    const s = pathSteps(await load(f), 'p');
    const base = LOCKS.length + 4;
    expect(s[0].loc).toEqual({ file: f, line: base, column: 9 });
    expect(s[1].loc).toEqual({ file: f, line: base + 1, column: 11 });
    expect(s[2].loc).toEqual({ file: f, line: base + 2, column: 9 });
    expect((s[2] as unknown as { body: Step[] }).body[0].loc).toEqual({ file: f, line: base + 4, column: 13 });
  });

  it('labels are shortened to 60 characters', async () => {
    const s = await one('lock: {name: "M[a_very_long_instance_name_that_goes_on_and_on_and_on]", nested: 1}');
    expect(s.label.length).toBeLessThanOrEqual(60);
    expect(s.label.startsWith('lock: {name: M[a_very_long')).toBe(true);
    expect(s.label.endsWith('...')).toBe(true);
  });
});

describe('calls and hooks', () => {
  it('call and invoke', async () => {
    const s = await steps(
      ['call: f', 'invoke: my.hook', 'invoke: {hook: shrinker.scan, blockable: false}', 'invoke: dma_fence.callback'],
      ['functions:', '  f: [might_sleep]', 'hooks:', '  my.hook: [f]'],
    );
    expect(strip(s)).toEqual([
      { op: 'call', label: 'call: f', fn: 'f' },
      { op: 'invoke', label: 'invoke: my.hook', hook: 'my.hook', blockable: null },
      { op: 'invoke', label: 'invoke: {hook: shrinker.scan, blockable: false}', hook: 'shrinker.scan', blockable: false },
      { op: 'invoke', label: 'invoke: dma_fence.callback', hook: 'dma_fence.callback', blockable: null },
    ]);
  });

  it('functions and hooks reach the IR', async () => {
    const f = fx.write('fh.yaml', ['functions:', '  a: [might_sleep]', '  b: []', 'hooks:', '  h: [a, b]', '  shrinker.scan: [b]', 'paths: [{name: p, steps: [invoke: h]}]'].join('\n'));
    const s = await load(f);
    expect([...s.functions.keys()]).toEqual(['a', 'b']);
    expect(s.functions.get('a')!.map((x) => x.op)).toEqual(['sleep']);
    expect([...s.hooks]).toEqual([
      ['h', ['a', 'b']],
      ['shrinker.scan', ['b']],
    ]);
  });

  it('undeclared function: error with did-you-mean', async () => {
    const f = fx.write('c.yaml', ['functions:', '  run_job: []', 'paths:', '  - name: p', '    steps:', '      - call: run_jb'].join('\n'));
    const e = await oneError(f, 'undeclared function');
    expect(e).toMatchObject({ line: 6, column: 15, message: 'undeclared function "run_jb" (did you mean "run_job"?)' });
  });

  it('unknown hook: error with did-you-mean over registered and kernel hooks', async () => {
    const f = fx.write('h.yaml', ['functions:', '  f: []', 'hooks:', '  drm_gem.vmap: [f]', 'paths:', '  - name: p', '    steps:', '      - invoke: drm_gem.vmapp', '      - invoke: {hook: shrinker.scn}'].join('\n'));
    const errs = await loadErrors(f);
    expect(errs.map((e) => [e.line, e.column, /did you mean "(.+?)"/.exec(e.message)?.[1]])).toEqual([
      // Registered, and (for want of the misspelled invoke) never invoked (docs/scenario-format.md §14).
      [4, 18, undefined],
      [8, 17, 'drm_gem.vmap'],
      [9, 24, 'shrinker.scan'],
    ]);
  });

  it('hooks must name declared functions', async () => {
    const e = await oneError(fx.write('h2.yaml', ['functions:', '  userptr_invalidate: []', 'hooks:', '  h: [userptr_invalidat]'].join('\n')), 'undeclared function');
    expect(e).toMatchObject({ line: 4, column: 7 });
    expect(e.message).toContain('did you mean "userptr_invalidate"?');
  });

  it('recursion through call is an error naming the chain, at the offending call', async () => {
    const f = fx.write('r.yaml', ['functions:', '  a:', '    - call: b', '  b:', '    - might_sleep', '    - call: a'].join('\n'));
    const e = await oneError(f, 'recursive call');
    expect(e).toMatchObject({ line: 6, column: 7 });
    expect(e.message).toContain('a -> b -> a');
  });

  it('recursion through a hook', async () => {
    const f = fx.write('r2.yaml', ['functions:', '  a:', '    - invoke: h', '  b:', '    - call: a', 'hooks:', '  h: [b]'].join('\n'));
    const e = await oneError(f, 'recursive call');
    expect(e).toMatchObject({ line: 5, column: 7 });
    expect(e.message).toContain('a -> b -> a');
    expect(e.message).toContain('through hook "h"');
  });

  it('self-recursion, and deep call chains without recursion are fine', async () => {
    const e = await oneError(fx.write('r3.yaml', 'functions:\n  a: [{call: a}]\n'), 'a -> a');
    expect(e).toMatchObject({ line: 2, column: 8 });
    const lines = ['functions:'];
    for (let i = 0; i < 5000; i++) lines.push(`  f${i}: [{call: f${i + 1}}]`);
    lines.push('  f5000: [might_sleep]');
    const s = await load(fx.write('chain.yaml', lines.join('\n')));
    expect(s.functions.size).toBe(5001);
  });
});

describe('step errors', () => {
  async function errorOf(line: string, extra: string[] = []): Promise<{ line?: number; column?: number; message: string }> {
    const text = [...LOCKS, ...extra, 'paths:', '  - name: p', '    steps:', '      - ' + line].join('\n');
    const errs = await loadErrors(fx.write('err.yaml', text));
    expect(errs).toHaveLength(1);
    return { ...errs[0], line: errs[0].line! - (LOCKS.length + extra.length + 3) };
  }

  it('unknown step: did-you-mean over all step names', async () => {
    expect(await errorOf('lok: M')).toEqual(expect.objectContaining({ line: 1, column: 9, message: 'unknown step "lok" (did you mean "lock"?)' }));
    expect((await errorOf('spin_lock_irqsav: S')).message).toContain('did you mean "spin_lock_irqsave"?');
    expect((await errorOf('might_slep')).message).toContain('did you mean "might_sleep"?');
    expect(STEP_NAMES).toContain('mmap_read_lock');
    expect(STEP_NAMES).toContain('kmalloc');
  });

  it('undeclared lock: did-you-mean over declared locks', async () => {
    expect(await errorOf('mutex_lock: notifier_lok', ['  notifier_lock: mutex'])).toEqual(
      expect.objectContaining({ line: 1, column: 21, message: 'undeclared lock "notifier_lok" (did you mean "notifier_lock"?)' }),
    );
    expect(await errorOf('lock: {name: "Q[x]"}')).toEqual(expect.objectContaining({ column: 22 }));
  });

  it('an alias must fit the lock type', async () => {
    const cases: [string, string][] = [
      ['spin_lock: M', '`spin_lock` takes a spinlock, but "M" is a mutex'],
      ['raw_spin_lock: S', '`raw_spin_lock` takes a raw_spinlock, but "S" is a spinlock'],
      ['read_lock: SEM', '`read_lock` takes an rwlock, but "SEM" is an rwsem'],
      ['down_read: RW', '`down_read` takes an rwsem, but "RW" is an rwlock'],
      ['percpu_down_read: SEM', '`percpu_down_read` takes a percpu_rwsem'],
      ['mutex_lock: S', '`mutex_lock` takes a mutex or rt_mutex'],
      ['dma_resv_lock: M', '`dma_resv_lock` takes a ww_mutex'],
      ['lock_map_acquire: M', '`lock_map_acquire` takes a map'],
      ['srcu_read_lock: M', '`srcu_read_lock` takes an srcu'],
      ['synchronize_srcu: M', '`synchronize_srcu` takes an srcu'],
      ['downgrade_write: M', '`downgrade_write` takes an rwsem, percpu_rwsem or rwlock'],
      ['mutex_unlock: S', '`mutex_unlock` takes a mutex or rt_mutex'],
    ];
    for (const [line, msg] of cases) {
      const e = await errorOf(line);
      expect(e.message).toContain(msg);
      expect(e.line).toBe(1);
    }
  });

  it('modes must fit the lock type', async () => {
    expect((await errorOf('lock: {name: M, mode: read}')).message).toContain('mode "read" is not valid for "M", a mutex');
    expect((await errorOf('lock: {name: SEM, mode: recursive_read}')).message).toContain('expected read or write');
    expect((await errorOf('lock: {name: M, mode: reed}')).message).toContain('did you mean "read"?');
    for (const ok of ['lock: {name: RW, mode: recursive_read}', 'lock: {name: MAP, mode: read}', 'lock: {name: SRCU, mode: recursive_read}', 'lock: {name: PC, mode: read}'])
      await one(ok);
  });

  it('nested 0..7, and the argument form of *_nested', async () => {
    expect((await errorOf('lock: {name: M, nested: 8}')).message).toBe('lock.nested: expected at most 7, got number 8');
    expect((await errorOf('lock: {name: M, nested: -1}')).message).toBe('lock.nested: expected at least 0, got number -1');
    expect((await errorOf('spin_lock_nested: S')).message).toContain('expected a map');
  });

  it('back-off paths need a ww context; ctx is for a ww_mutex only', async () => {
    expect((await errorOf('lock: {name: W, on_edeadlk: []}')).message).toContain('only a ww_mutex locked in an acquire context');
    expect((await errorOf('lock: {name: W, result: edeadlk}')).message).toContain('only a ww_mutex locked in an acquire context');
    expect((await errorOf('lock: {name: M, ctx: c}')).message).toContain('`ctx` is a ww acquire context, for a ww_mutex only');
    expect((await errorOf('lock: {name: W, ctx: c, result: edeadlk, on_edeadlk: []}')).message).toContain('exclude each other');
  });

  it('HMM and page-fault steps need the kernel model', async () => {
    for (const line of ['hmm_range_fault', 'might_fault', 'copy_to_user']) {
      const errs = await loadErrors(fx.write('nomm.yaml', `paths:\n  - name: p\n    steps:\n      - ${line}\n`));
      expect(errs).toEqual([expect.objectContaining({ line: 4, column: 9, message: expect.stringContaining('add `include: [kernel]`') })]);
    }
  });

  it('mmap aliases need the kernel model', async () => {
    const text = ['locks: {A: mutex}', 'paths:', '  - name: p', '    steps:', '      - mmap_read_lock', '      - i_mmap_lock_write: m'].join('\n');
    const errs = await loadErrors(fx.write('mm.yaml', text));
    expect(errs.map((e) => [e.line, e.column])).toEqual([
      [5, 9],
      [6, 9],
    ]);
    expect(errs[0].message).toContain('include: [kernel]');
    expect(errs[0].message).toContain('`mmap_lock`');
    expect(errs[1].message).toContain('`i_mmap_rwsem`');
  });

  it('shape errors', async () => {
    expect((await errorOf('lock')).message).toContain('`lock` needs an argument');
    expect((await errorOf('lock:')).message).toContain('`lock` needs an argument');
    expect((await errorOf('might_sleep: [1]')).message).toContain('takes no argument');
    expect((await errorOf('{lock: M, unlock: M}')).message).toContain('exactly one step name');
    expect((await errorOf('{}')).message).toContain('empty step');
    expect((await errorOf('42')).message).toContain('expected a step');
    expect((await errorOf('[lock, M]')).message).toContain('expected a step');
    expect((await errorOf('do: []')).message).toContain('`do` without `with`');
    expect((await errorOf('{then: []}')).message).toContain('`then` without `if`');
    expect((await errorOf('{with: M}')).message).toContain('missing required key "do"');
    const two = await loadErrors(fx.write('doo.yaml', [...LOCKS, 'paths:', '  - name: p', '    steps:', '      - {with: M, doo: []}'].join('\n')));
    expect(two.map((e) => e.message)).toEqual(['with: missing required key "do" (a list)', 'unknown key "doo" in with; expected one of with, do (did you mean "do"?)']);
    expect((await errorOf('{if: blockable}')).message).toBe('an `if` needs a `then` or an `else` branch (or both)');
    expect((await errorOf('hardirq: {threaded: no, do: []}')).message).toBe('hardirq.threaded: expected true or false, got the string "no"');
    expect((await errorOf('hardirq: {thraeded: false, do: []}')).message).toContain('did you mean "threaded"?');
    expect((await errorOf('lock: {name: M, mod: read}')).message).toContain('did you mean "mode"?');
    expect((await errorOf('lock: "M[a"')).message).toContain('invalid lock reference');
    expect((await errorOf('lock: "M[]"')).message).toContain('invalid lock reference');
    expect((await errorOf('mmap_read_lock: "mm[1]"')).message).toContain('brackets');
  });

  it('several step errors are reported together', async () => {
    const text = [...LOCKS, 'paths:', '  - name: p', '    steps:', '      - lok: M', '      - spin_lock: M', '      - kmalloc: GFP_KERNLE', '      - unlock: Q'].join('\n');
    const errs = await loadErrors(fx.write('many.yaml', text));
    expect(errs).toHaveLength(4);
  });
});

describe('nesting of steps', () => {
  function nested(levels: number): string {
    const lines = ['locks: {A: mutex}', 'paths:', '  - name: deep', '    steps:'];
    let ind = 6;
    for (let i = 0; i < levels; i++) {
      lines.push(' '.repeat(ind) + '- hardirq:');
      ind += 4;
    }
    lines.push(' '.repeat(ind) + '- might_sleep');
    return lines.join('\n') + '\n';
  }

  it('64 levels are fine', async () => {
    const s = await load(fx.write('n64.yaml', nested(63)));
    let depth = 1;
    let st: Step = s.paths[0].steps[0];
    while (st.op === 'irq_context') {
      depth++;
      st = st.body[0];
    }
    expect(depth).toBe(64);
  });

  it('70 levels: one error at the step whose body is too deep', async () => {
    const f = fx.write('n70.yaml', nested(70));
    const errs = await loadErrors(f);
    expect(errs).toHaveLength(1);
    // Level k's step is on line 4 + k; the step at level 64 may not have a body.
    expect(errs[0]).toMatchObject({ file: f, line: 68, column: 7 + 4 * 63 + 2, message: 'steps nested too deeply (limit 64)' });
  });
});
