/**
 * The step vocabulary: every step spelling a scenario may write (kernel aliases included), with
 * the operation it becomes in the replayable form (`Step['op']`), its category, the argument
 * it takes and one line on what the kernel does for it. Also the hooks the kernel model
 * invokes. This is the one list of step names: everything that knows about steps asks here.
 *
 *  - the loader (src/load/steps.ts) builds its converter table by walking this table (it keys
 *    the argument schemas off `arg` and the conversions off `op`, `lock` and `fields`), and
 *    fails to start if a spelling has no conversion;
 *  - the JSON Schema of the format gives each step its `description` from here;
 *  - the replay keeps each executed step's spelling in its trace frames, so the diagnosis
 *    patterns read a frame's `category` (src/patterns/analysis.ts), never its label;
 *  - `fencedep explain <step>` and the generated step reference (docs/steps.md) print it.
 *
 * Adding a step: add its entry here (a new `op` also needs the IR type in scenario.ts, its
 * conversion in src/load/steps.ts and its replay in src/replay), then regenerate
 * `schema/scenario.schema.json` and `docs/steps.md`; test/load/vocabulary.test.ts fails until
 * every touch point is done.
 *
 * Pure data: this module imports nothing but the model's own types, so every layer may use it.
 */
import type { AcquireMode, IrqEffect, LockType, StepOp } from './scenario.js';

/** What a step is, for people (docs, explain) and for the diagnosis patterns. */
export const STEP_CATEGORIES = {
  lock: 'takes a lock, waiting for it if it is contended',
  trylock: 'tries to take a lock without waiting; lockdep records no dependency on the locks already held',
  unlock: 'releases a lock',
  downgrade: 'turns a held write lock into a read lock without releasing it',
  'lock annotation': 'tells lockdep about a lock without leaving it held',
  'grace period': 'waits until the readers of an RCU or SRCU section have left it',
  allocation: 'allocates memory: as its gfp flags allow, it may sleep and enter reclaim (fs_reclaim, mmu notifiers)',
  reclaim: 'runs as memory reclaim does, or tells lockdep that it does (the fs_reclaim annotation)',
  'allocation scope': 'restricts the gfp flags of every allocation inside it (memalloc_nofs, noio, noreclaim)',
  'fence wait': 'waits for a dma_fence to signal',
  signal: 'signals a dma_fence inside its own signalling critical section, running its callbacks',
  'signal with lock held': 'signals a dma_fence whose lock the caller holds: its callbacks run, with no signalling annotation',
  'signalling section': 'marks a dma_fence signalling critical section: code that must finish for a published fence to signal',
  fence: 'runs a fence\'s own code: enable_signaling under the fence\'s lock, or release on the last reference',
  sleep: 'may sleep (or does): not allowed in atomic context',
  fault: 'may fault user pages in: may sleep, takes mmap_lock and allocates',
  notifier: 'runs or waits for mmu notifier invalidations',
  'runtime pm': 'resumes or suspends a device (runtime power management), running the driver\'s callbacks',
  workqueue: 'waits for work items (flush, cancel)',
  'ww transaction': 'begins or ends a ww_mutex acquire context (a dma_resv locking transaction)',
  context: 'changes the execution context: interrupts, bottom halves, preemption, RCU, non-blocking sections',
  call: 'runs a function, or the callbacks registered for a hook',
  control: 'changes the control flow of a function',
} as const;
export type StepCategory = keyof typeof STEP_CATEGORIES;

/** What a step is written with. */
export const STEP_ARGS = {
  none: { bare: true, text: 'nothing (write it bare)' },
  lock: { bare: false, text: 'a lock: `NAME`, `NAME[INSTANCE]` or `{name}`' },
  'lock spec': { bare: false, text: 'a lock, or `{name, mode, nested, nest_lock, ctx, on_edeadlk, result}`' },
  'nested lock': { bare: false, text: '`{name, nested}`: a lock and its lockdep subclass (0-7)' },
  'ww lock': { bare: false, text: 'a ww_mutex, or `{name, ctx, on_edeadlk, result}`' },
  'ww slow lock': { bare: false, text: '`{name, ctx}`: the contended ww_mutex and its acquire context' },
  'might lock': { bare: false, text: 'a lock, or `{name, mode, nested}`' },
  instance: { bare: true, text: 'optionally, the name of the instance (`mm` or `mapping`); bare: the only one' },
  flags: { bare: true, text: 'optionally, the name of the saved flags (ignored)' },
  ignored: { bare: true, text: 'optionally, a value the model ignores (a timeout, a cookie)' },
  gfp: { bare: false, text: 'gfp flags: `GFP_KERNEL`, `GFP_NOFS | __GFP_NOWARN`, `GFP_KERNEL & ~__GFP_DIRECT_RECLAIM`' },
  fence: { bare: false, text: 'a fence declared under `fences:`' },
  steps: { bare: false, text: 'a list of steps' },
  'hardirq steps': { bare: false, text: 'a list of steps, or `{threaded, do}`' },
  'signalling steps': { bare: false, text: 'a list of steps, or `{fences, do}`' },
  function: { bare: false, text: 'a function declared under `functions:`, with its arguments if it has parameters: `fn(a, b)` or `{fn, args: [a, b]}`' },
  loop: { bare: false, text: 'a list of steps (the loop body), or `{for: V, do: [steps]}` where `$V` names each iteration\'s object' },
  extern: { bare: false, text: 'the function called, as `fn` or `"fn(args)"`' },
  hook: { bare: false, text: 'a hook, or `{hook, blockable}`' },
  work: { bare: false, text: 'the name of a work item' },
  queue: { bare: false, text: 'the name of a workqueue' },
  device: { bare: false, text: 'the name of a device' },
  'acquire context': { bare: false, text: 'the name of a ww acquire context' },
  'acquire context init': { bare: false, text: '`{ctx, class}`: a new acquire context of a ww class (default `reservation_ww_class`)' },
  blockable: { bare: true, text: 'optionally, `{blockable: false}` for a non-blockable invalidation' },
  with: { bare: false, text: '`with: LOCK` and `do: [steps]` in one step' },
  if: { bare: false, text: '`if: COND` (free text, or `blockable`, or `{TRYLOCK: lock}`) with `then: [steps]` and `else: [steps]` in one step' },
} as const;
export type StepArgKind = keyof typeof STEP_ARGS;

/** How a lock step takes or releases its lock. */
export interface LockUse {
  /** The lock types it accepts; empty: any. */
  readonly types: readonly LockType[];
  readonly mode?: AcquireMode;
  readonly trylock?: boolean;
  readonly irq?: IrqEffect;
  /** ww_mutex_lock_slow(): the re-lock of the contended lock after backing off. */
  readonly slow?: boolean;
  /** The mmap_* and i_mmap_* helpers act on the kernel model's class. */
  readonly fixed?: 'mmap_lock' | 'i_mmap_rwsem';
}

export interface StepSpelling {
  readonly name: string;
  /** The operation of the replayable step it becomes. */
  readonly op: StepOp;
  readonly category: StepCategory;
  readonly arg: StepArgKind;
  /** One line: what the kernel does for it, and what the model does. */
  readonly description: string;
  /** The spelling it is another name for (`wait` → `dma_fence_wait`). */
  readonly aliasOf?: string;
  readonly lock?: LockUse;
  /** The replayable step's fixed fields (an action, a flavour, a scope...). */
  readonly fields?: Readonly<Record<string, string | boolean>>;
}

const table: StepSpelling[] = [];

function add(s: StepSpelling): void {
  table.push(s);
}

// ---------------------------------------------------------------------------------------
// Locking

const ANY: readonly LockType[] = [];
add({ name: 'lock', op: 'acquire', category: 'lock', arg: 'lock spec', lock: { types: ANY }, description: 'Takes a lock of any type (in `mode` read, write or recursive_read).' });
add({ name: 'trylock', op: 'acquire', category: 'trylock', arg: 'lock spec', lock: { types: ANY, trylock: true }, description: 'Tries a lock of any type; the model takes the success path.' });
add({ name: 'unlock', op: 'release', category: 'unlock', arg: 'lock', lock: { types: ANY }, description: 'Releases a held lock of any type.' });
add({ name: 'might_lock', op: 'might_lock', category: 'lock annotation', arg: 'might lock', description: 'might_lock(): records the dependencies of taking the lock, without taking it.' });
add({ name: 'downgrade_write', op: 'downgrade_write', category: 'downgrade', arg: 'lock', lock: { types: ['rwsem', 'percpu_rwsem', 'rwlock'] }, description: 'downgrade_write(): turns a write-held lock into a read-held one.' });
add({ name: 'assert_held', op: 'assert_held', category: 'lock annotation', arg: 'lock', lock: { types: ANY }, description: 'lockdep_assert_held(): reports a bad unlock-like error when the lock is not held.' });
add({ name: 'lockdep_assert_held', op: 'assert_held', category: 'lock annotation', arg: 'lock', lock: { types: ANY }, aliasOf: 'assert_held', description: 'The kernel\'s name of `assert_held`.' });
add({ name: 'dma_resv_assert_held', op: 'assert_held', category: 'lock annotation', arg: 'lock', lock: { types: ANY }, aliasOf: 'assert_held', description: 'dma_resv_assert_held(): `assert_held` on a reservation.' });
add({ name: 'return', op: 'return', category: 'control', arg: 'none', description: 'Returns from the function (or ends the path), leaving the blocks it opened.' });

/** An acquire or release alias: its entry from the type it locks and the variant. */
function lockAlias(name: string, category: 'lock' | 'trylock' | 'unlock', lock: LockUse, arg: StepArgKind, description: string): void {
  add({ name, op: category === 'unlock' ? 'release' : 'acquire', category, arg, lock, description });
}

const IRQ_TEXT: Readonly<Record<IrqEffect, string>> = {
  none: '',
  irq: ' with hardirqs disabled (re-enabled by the `_irq` unlock)',
  irqsave: ' with hardirqs disabled, their state saved (restored by the `_irqrestore` unlock)',
  bh: ' with bottom halves (softirqs) disabled',
};
const UNLOCK_IRQ_TEXT: Readonly<Record<IrqEffect, string>> = {
  none: '',
  irq: ', then enables hardirqs',
  irqsave: ', then restores the saved hardirq state',
  bh: ', then enables bottom halves',
};

{
  const types: readonly LockType[] = ['mutex', 'rt_mutex'];
  lockAlias('mutex_lock', 'lock', { types }, 'lock', 'mutex_lock(): takes a mutex; may sleep.');
  lockAlias('mutex_lock_interruptible', 'lock', { types }, 'lock', 'mutex_lock_interruptible(): `mutex_lock` that a signal may interrupt (the model takes the lock).');
  lockAlias('mutex_lock_killable', 'lock', { types }, 'lock', 'mutex_lock_killable(): `mutex_lock` that a fatal signal may interrupt (the model takes the lock).');
  lockAlias('mutex_lock_nested', 'lock', { types }, 'nested lock', 'mutex_lock_nested(): `mutex_lock` in a lockdep subclass, for nesting two locks of one class.');
  lockAlias('mutex_trylock', 'trylock', { types, trylock: true }, 'lock', 'mutex_trylock(): takes a mutex if it is free, never sleeps.');
  lockAlias('mutex_unlock', 'unlock', { types }, 'lock', 'mutex_unlock(): releases a mutex.');
}

for (const [prefix, type] of [['spin', 'spinlock'], ['raw_spin', 'raw_spinlock']] as const) {
  const types: readonly LockType[] = [type];
  for (const irq of ['none', 'irq', 'irqsave', 'bh'] as const) {
    const suffix = irq === 'none' ? '' : `_${irq}`;
    lockAlias(`${prefix}_lock${suffix}`, 'lock', { types, irq }, 'lock', `${prefix}_lock${suffix}(): takes a ${type}${IRQ_TEXT[irq]}; spins, the holder is atomic.`);
    if (irq === 'none') lockAlias(`${prefix}_lock_nested`, 'lock', { types }, 'nested lock', `${prefix}_lock_nested(): \`${prefix}_lock\` in a lockdep subclass.`);
  }
  for (const irq of ['none', 'irq', 'irqsave', 'bh'] as const) {
    const suffix = irq === 'none' ? '' : `_${irq}`;
    lockAlias(`${prefix}_trylock${suffix}`, 'trylock', { types, trylock: true, irq }, 'lock', `${prefix}_trylock${suffix}(): takes a ${type} if it is free${IRQ_TEXT[irq]}.`);
  }
  for (const irq of ['none', 'irq', 'irqsave', 'bh'] as const) {
    const suffix = irq === 'none' ? '' : irq === 'irqsave' ? '_irqrestore' : `_${irq}`;
    lockAlias(`${prefix}_unlock${suffix}`, 'unlock', { types, irq }, 'lock', `${prefix}_unlock${suffix}(): releases a ${type}${UNLOCK_IRQ_TEXT[irq]}.`);
  }
}

for (const mode of ['read', 'write'] as const) {
  const types: readonly LockType[] = ['rwlock'];
  const who = mode === 'read' ? 'as a reader (recursive in interrupts, as queued rwlocks are)' : 'as the writer';
  for (const irq of ['none', 'irq', 'irqsave', 'bh'] as const) {
    const suffix = irq === 'none' ? '' : `_${irq}`;
    lockAlias(`${mode}_lock${suffix}`, 'lock', { types, mode, irq }, 'lock', `${mode}_lock${suffix}(): takes an rwlock ${who}${IRQ_TEXT[irq]}; spins.`);
  }
  lockAlias(`${mode}_trylock`, 'trylock', { types, mode, trylock: true }, 'lock', `${mode}_trylock(): takes an rwlock ${mode === 'read' ? 'for read' : 'for write'} if it is free.`);
  for (const irq of ['none', 'irq', 'irqsave', 'bh'] as const) {
    const suffix = irq === 'none' ? '' : irq === 'irqsave' ? '_irqrestore' : `_${irq}`;
    lockAlias(`${mode}_unlock${suffix}`, 'unlock', { types, irq }, 'lock', `${mode}_unlock${suffix}(): releases an rwlock${UNLOCK_IRQ_TEXT[irq]}.`);
  }
}

{
  const types: readonly LockType[] = ['rwsem'];
  lockAlias('down_read', 'lock', { types, mode: 'read' }, 'lock', 'down_read(): takes an rwsem for read; may sleep; not recursive.');
  lockAlias('down_read_killable', 'lock', { types, mode: 'read' }, 'lock', 'down_read_killable(): `down_read` that a fatal signal may interrupt.');
  lockAlias('down_read_interruptible', 'lock', { types, mode: 'read' }, 'lock', 'down_read_interruptible(): `down_read` that a signal may interrupt.');
  lockAlias('down_write', 'lock', { types, mode: 'write' }, 'lock', 'down_write(): takes an rwsem for write; may sleep.');
  lockAlias('down_write_killable', 'lock', { types, mode: 'write' }, 'lock', 'down_write_killable(): `down_write` that a fatal signal may interrupt.');
  lockAlias('down_read_nested', 'lock', { types, mode: 'read' }, 'nested lock', 'down_read_nested(): `down_read` in a lockdep subclass.');
  lockAlias('down_write_nested', 'lock', { types, mode: 'write' }, 'nested lock', 'down_write_nested(): `down_write` in a lockdep subclass.');
  lockAlias('down_read_trylock', 'trylock', { types, mode: 'read', trylock: true }, 'lock', 'down_read_trylock(): takes an rwsem for read if it can without sleeping.');
  lockAlias('down_write_trylock', 'trylock', { types, mode: 'write', trylock: true }, 'lock', 'down_write_trylock(): takes an rwsem for write if it is free.');
  lockAlias('up_read', 'unlock', { types }, 'lock', 'up_read(): releases an rwsem held for read.');
  lockAlias('up_write', 'unlock', { types }, 'lock', 'up_write(): releases an rwsem held for write.');
}
{
  const types: readonly LockType[] = ['percpu_rwsem'];
  lockAlias('percpu_down_read', 'lock', { types, mode: 'read' }, 'lock', 'percpu_down_read(): takes a percpu_rwsem for read; may sleep.');
  lockAlias('percpu_down_read_trylock', 'trylock', { types, mode: 'read', trylock: true }, 'lock', 'percpu_down_read_trylock(): takes a percpu_rwsem for read if it can without sleeping.');
  lockAlias('percpu_down_write', 'lock', { types, mode: 'write' }, 'lock', 'percpu_down_write(): takes a percpu_rwsem for write; sleeps until the readers are gone.');
  lockAlias('percpu_up_read', 'unlock', { types }, 'lock', 'percpu_up_read(): releases a percpu_rwsem held for read.');
  lockAlias('percpu_up_write', 'unlock', { types }, 'lock', 'percpu_up_write(): releases a percpu_rwsem held for write.');
}

// mmap_lock / i_mmap_rwsem helpers: bare on "the" mm or mapping, or with an instance name.
for (const [fixed, what, prefix] of [['mmap_lock', 'the mm\'s mmap_lock', 'mmap'], ['i_mmap_rwsem', 'the mapping\'s i_mmap_rwsem', 'i_mmap']] as const) {
  const types: readonly LockType[] = ['rwsem'];
  const entries: [string, 'lock' | 'trylock' | 'unlock' | 'downgrade', AcquireMode | undefined, string][] =
    prefix === 'mmap'
      ? [
          ['mmap_read_lock', 'lock', 'read', `takes ${what} for read; may sleep`],
          ['mmap_read_lock_killable', 'lock', 'read', `takes ${what} for read unless a fatal signal interrupts`],
          ['mmap_read_trylock', 'trylock', 'read', `takes ${what} for read if it can without sleeping`],
          ['mmap_write_lock', 'lock', 'write', `takes ${what} for write; may sleep`],
          ['mmap_write_lock_killable', 'lock', 'write', `takes ${what} for write unless a fatal signal interrupts`],
          ['mmap_write_trylock', 'trylock', 'write', `takes ${what} for write if it is free`],
          ['mmap_read_unlock', 'unlock', undefined, `releases ${what} held for read`],
          ['mmap_write_unlock', 'unlock', undefined, `releases ${what} held for write`],
          ['mmap_write_downgrade', 'downgrade', undefined, `turns ${what} held for write into held for read`],
        ]
      : [
          ['i_mmap_lock_read', 'lock', 'read', `takes ${what} for read; may sleep`],
          ['i_mmap_trylock_read', 'trylock', 'read', `takes ${what} for read if it can without sleeping`],
          ['i_mmap_lock_write', 'lock', 'write', `takes ${what} for write; may sleep`],
          ['i_mmap_unlock_read', 'unlock', undefined, `releases ${what} held for read`],
          ['i_mmap_unlock_write', 'unlock', undefined, `releases ${what} held for write`],
        ];
  for (const [name, category, mode, text] of entries) {
    add({
      name,
      op: category === 'unlock' ? 'release' : category === 'downgrade' ? 'downgrade_write' : 'acquire',
      category,
      arg: 'instance',
      lock: { types, fixed, ...(mode ? { mode } : {}), ...(category === 'trylock' ? { trylock: true } : {}) },
      description: `${name}(): ${text} (the kernel model's \`${fixed}\`; needs \`include: [kernel]\`).`,
    });
  }
}

{
  const types: readonly LockType[] = ['ww_mutex'];
  lockAlias('ww_mutex_lock', 'lock', { types }, 'ww lock', 'ww_mutex_lock(): takes a ww_mutex, in an acquire context (`ctx`) it may return -EDEADLK (`on_edeadlk`, `result`).');
  lockAlias('ww_mutex_lock_interruptible', 'lock', { types }, 'ww lock', 'ww_mutex_lock_interruptible(): `ww_mutex_lock` that a signal may interrupt.');
  lockAlias('dma_resv_lock', 'lock', { types }, 'ww lock', 'dma_resv_lock(): takes a reservation object\'s ww_mutex (`ww_mutex_lock` on a dma_resv).');
  lockAlias('dma_resv_lock_interruptible', 'lock', { types }, 'ww lock', 'dma_resv_lock_interruptible(): `dma_resv_lock` that a signal may interrupt.');
  lockAlias('ww_mutex_trylock', 'trylock', { types, trylock: true }, 'ww lock', 'ww_mutex_trylock(): takes a ww_mutex if it is free.');
  lockAlias('dma_resv_trylock', 'trylock', { types, trylock: true }, 'lock', 'dma_resv_trylock(): takes a reservation if it is free (what shrinkers and evictions must use).');
  lockAlias('ww_mutex_unlock', 'unlock', { types }, 'lock', 'ww_mutex_unlock(): releases a ww_mutex.');
  lockAlias('dma_resv_unlock', 'unlock', { types }, 'lock', 'dma_resv_unlock(): releases a reservation.');
}
{
  const types: readonly LockType[] = ['map'];
  lockAlias('lock_map_acquire', 'lock', { types, mode: 'write' }, 'lock', 'lock_map_acquire(): acquires a lockdep map exclusively (an annotation: nothing waits).');
  lockAlias('lock_map_acquire_read', 'lock', { types, mode: 'recursive_read' }, 'lock', 'lock_map_acquire_read(): acquires a lockdep map as a recursive reader.');
  lockAlias('lock_map_acquire_try', 'trylock', { types, mode: 'write', trylock: true }, 'lock', 'lock_map_acquire_try(): acquires a lockdep map as a trylock.');
  lockAlias('lock_map_acquire_tryread', 'trylock', { types, mode: 'recursive_read', trylock: true }, 'lock', 'lock_map_acquire_tryread(): acquires a lockdep map as a recursive-read trylock.');
  lockAlias('lock_map_release', 'unlock', { types }, 'lock', 'lock_map_release(): releases a lockdep map.');
}
{
  const types: readonly LockType[] = ['srcu'];
  lockAlias('srcu_read_lock', 'lock', { types, mode: 'recursive_read' }, 'lock', 'srcu_read_lock(): enters an SRCU read-side section (a recursive reader of the srcu map).');
  lockAlias('srcu_read_unlock', 'unlock', { types }, 'lock', 'srcu_read_unlock(): leaves an SRCU read-side section.');
  add({ name: 'synchronize_srcu', op: 'lock_sync', category: 'grace period', arg: 'lock', lock: { types }, description: 'synchronize_srcu(): waits for the SRCU readers; lockdep records it as lock_sync() (a write acquisition never held).' });
}

// ---------------------------------------------------------------------------------------
// Context, irqs, sleeping

for (const [name, action, text, aliasOf] of [
  ['irq_disable', 'disable', 'Disables hardirqs (`local_irq_disable`).', 'local_irq_disable'],
  ['local_irq_disable', 'disable', 'local_irq_disable(): disables hardirqs on this CPU.', undefined],
  ['irq_enable', 'enable', 'Enables hardirqs (`local_irq_enable`).', 'local_irq_enable'],
  ['local_irq_enable', 'enable', 'local_irq_enable(): enables hardirqs.', undefined],
] as const)
  add({ name, op: 'hardirqs', category: 'context', arg: 'none', fields: { action }, description: text, ...(aliasOf ? { aliasOf } : {}) });
add({ name: 'local_irq_save', op: 'hardirqs', category: 'context', arg: 'flags', fields: { action: 'save' }, description: 'local_irq_save(): saves the hardirq state and disables hardirqs.' });
add({ name: 'local_irq_restore', op: 'hardirqs', category: 'context', arg: 'flags', fields: { action: 'restore' }, description: 'local_irq_restore(): restores the hardirq state saved by the matching local_irq_save.' });
for (const [name, action, text, aliasOf] of [
  ['bh_disable', 'disable', 'Disables bottom halves (`local_bh_disable`).', 'local_bh_disable'],
  ['local_bh_disable', 'disable', 'local_bh_disable(): disables bottom halves (softirqs) on this CPU.', undefined],
  ['bh_enable', 'enable', 'Enables bottom halves (`local_bh_enable`).', 'local_bh_enable'],
  ['local_bh_enable', 'enable', 'local_bh_enable(): enables bottom halves.', undefined],
] as const)
  add({ name, op: 'softirqs', category: 'context', arg: 'none', fields: { action }, description: text, ...(aliasOf ? { aliasOf } : {}) });
add({ name: 'preempt_disable', op: 'preempt', category: 'context', arg: 'none', fields: { action: 'disable' }, description: 'preempt_disable(): the context is atomic until preempt_enable.' });
add({ name: 'preempt_enable', op: 'preempt', category: 'context', arg: 'none', fields: { action: 'enable' }, description: 'preempt_enable(): ends a preempt_disable.' });
add({ name: 'non_block_start', op: 'non_block', category: 'context', arg: 'none', fields: { action: 'start' }, description: 'non_block_start(): from here, sleeping is a bug (what the kernel sets around non-blockable notifier callbacks).' });
add({ name: 'non_block_end', op: 'non_block', category: 'context', arg: 'none', fields: { action: 'end' }, description: 'non_block_end(): ends a non_block_start.' });
add({ name: 'might_sleep', op: 'sleep', category: 'sleep', arg: 'none', description: 'might_sleep(): reports a sleep in atomic context here, as the kernel\'s debug check does.' });
add({ name: 'cond_resched', op: 'sleep', category: 'sleep', arg: 'none', description: 'cond_resched(): may schedule; the same check as might_sleep.' });
for (const [name, text, aliasOf] of [
  ['sleep', 'Sleeps (any sleeping wait the scenario does not name).', undefined],
  ['msleep', 'msleep(): sleeps for a time.', undefined],
  ['schedule', 'schedule(): gives up the CPU; sleeps.', undefined],
  ['wait_event', 'wait_event(): sleeps until a condition holds (a wait lockdep does not see: only the sleep is checked).', undefined],
  ['wait_for_completion', 'wait_for_completion(): sleeps until a completion is completed (only the sleep is checked).', undefined],
  ['usleep_range', 'usleep_range(): sleeps for a time.', undefined],
  ['schedule_timeout', 'schedule_timeout(): sleeps until woken or the timeout.', undefined],
  ['wait_event_timeout', 'wait_event_timeout(): `wait_event` with a timeout.', undefined],
  ['wait_event_interruptible', 'wait_event_interruptible(): `wait_event` that a signal may interrupt.', undefined],
  ['wait_for_completion_timeout', 'wait_for_completion_timeout(): `wait_for_completion` with a timeout.', undefined],
] as const)
  add({ name, op: 'sleep', category: 'sleep', arg: 'ignored', description: text, ...(aliasOf ? { aliasOf } : {}) });
add({ name: 'synchronize_rcu', op: 'sleep', category: 'grace period', arg: 'ignored', description: 'synchronize_rcu(): sleeps until every RCU reader has left; the model checks the sleep (also inside an RCU read-side section).' });
add({ name: 'cond_resched_lock', op: 'cond_resched_lock', category: 'sleep', arg: 'lock', lock: { types: ['spinlock', 'raw_spinlock', 'rwlock'] }, description: 'cond_resched_lock(): may drop the held spinlock, schedule, and take it again.' });
for (const [flavour, suffix] of [['rcu', ''], ['rcu_bh', '_bh'], ['rcu_sched', '_sched']] as const) {
  add({ name: `rcu_read_lock${suffix}`, op: 'rcu', category: 'context', arg: 'none', fields: { flavour, action: 'lock' }, description: `rcu_read_lock${suffix}(): enters an RCU${suffix ? ` (${flavour})` : ''} read-side section, where sleeping is a bug.` });
  add({ name: `rcu_read_unlock${suffix}`, op: 'rcu', category: 'context', arg: 'none', fields: { flavour, action: 'unlock' }, description: `rcu_read_unlock${suffix}(): leaves the RCU${suffix ? ` (${flavour})` : ''} read-side section.` });
}
add({ name: 'non_block', op: 'non_block_section', category: 'context', arg: 'steps', description: 'Runs the steps between non_block_start() and non_block_end().' });
add({ name: 'rcu', op: 'rcu_section', category: 'context', arg: 'steps', fields: { flavour: 'rcu' }, description: 'Runs the steps between rcu_read_lock() and rcu_read_unlock().' });
add({ name: 'hardirq', op: 'irq_context', category: 'context', arg: 'hardirq steps', fields: { context: 'hardirq' }, description: 'Runs the steps as a hardirq handler on this CPU (threaded unless `threaded: false`).' });
add({ name: 'softirq', op: 'irq_context', category: 'context', arg: 'steps', fields: { context: 'softirq' }, description: 'Runs the steps as a softirq (bottom half) on this CPU.' });

// ---------------------------------------------------------------------------------------
// Calls and hooks

add({ name: 'call', op: 'call', category: 'call', arg: 'function', description: 'Runs a function declared under `functions:`, with its arguments substituted for `$param` in its steps.' });
add({ name: 'extern', op: 'extern', category: 'call', arg: 'extern', description: 'A call to code the scenario does not model: replays nothing; `--stats` counts it and lists its name.' });
add({ name: 'invoke', op: 'invoke', category: 'call', arg: 'hook', description: 'Runs the functions registered for a hook under `hooks:`, in order (blockable as the caller, unless `blockable` says).' });
add({ name: 'with', op: 'with', category: 'lock', arg: 'with', lock: { types: ANY }, description: 'Takes a lock for the steps of `do`, and releases it when they end or return (a scoped guard).' });
add({ name: 'if', op: 'if_blockable', category: 'control', arg: 'if', description: '`if: COND`: both branches are replayed (`if: {TRYLOCK: lock}`: `then` holds the lock); `if: blockable`: `then` when the notifier invocation may block, else `else` (mmu_notifier_range_blockable()); `if: {since: "6.8"}`: `then` on that kernel release (options.kernel) and later, else `else`.' });
add({ name: 'loop', op: 'loop', category: 'control', arg: 'loop', description: 'A loop body, replayed zero, one and two times; `{for: V, do}` gives each iteration its own object (`$V` is V.1, then V.2).' });
add({ name: 'break', op: 'break', category: 'control', arg: 'none', description: 'Leaves the innermost loop.' });
add({ name: 'continue', op: 'continue', category: 'control', arg: 'none', description: 'Ends this iteration of the innermost loop.' });

// ---------------------------------------------------------------------------------------
// Memory allocation and reclaim

for (const [name, text] of [
  ['kmalloc', 'kmalloc(): allocates memory with the gfp flags.'],
  ['alloc', 'Allocates memory (any allocator).'],
  ['kzalloc', 'kzalloc(): `kmalloc`, zeroed.'],
  ['kvmalloc', 'kvmalloc(): kmalloc, falling back to vmalloc.'],
  ['vmalloc', 'vmalloc(): allocates virtually contiguous memory.'],
  ['alloc_pages', 'alloc_pages(): allocates pages from the page allocator.'],
  ['might_alloc', 'might_alloc(): the annotation every allocator starts with.'],
  ['kcalloc', 'kcalloc(): allocates a zeroed array.'],
  ['kmalloc_array', 'kmalloc_array(): allocates an array.'],
  ['kvzalloc', 'kvzalloc(): `kvmalloc`, zeroed.'],
  ['kmem_cache_alloc', 'kmem_cache_alloc(): allocates an object from a slab cache.'],
  ['kmem_cache_zalloc', 'kmem_cache_zalloc(): `kmem_cache_alloc`, zeroed.'],
  ['alloc_page', 'alloc_page(): allocates one page.'],
  ['__get_free_pages', '__get_free_pages(): allocates pages and returns their address.'],
] as const)
  add({
    name,
    op: 'alloc',
    category: 'allocation',
    arg: 'gfp',
    description: `${text} With direct reclaim allowed (GFP_KERNEL, GFP_NOFS...) it may sleep and reclaim, which may run the mmu notifiers (the notifier map); with __GFP_FS (GFP_KERNEL) also fs_reclaim.`,
  });
for (const action of ['acquire', 'release'] as const)
  add({
    name: `fs_reclaim_${action}`,
    op: 'fs_reclaim',
    category: 'reclaim',
    arg: 'gfp',
    fields: { action },
    description:
      action === 'acquire'
        ? 'fs_reclaim_acquire(): lockdep\'s annotation of entering reclaim: when the gfp flags allow direct reclaim, touches the mmu notifier map and, with __GFP_FS, holds fs_reclaim.'
        : 'fs_reclaim_release(): lockdep\'s annotation of leaving reclaim: releases what the matching fs_reclaim_acquire took.',
  });
for (const scope of ['nofs', 'noio', 'noreclaim'] as const) {
  const what =
    scope === 'nofs' ? 'allocations inside do not recurse into filesystems (__GFP_FS cleared)'
    : scope === 'noio' ? 'allocations inside do no I/O (__GFP_IO and __GFP_FS cleared)'
    : 'allocations inside do not reclaim (PF_MEMALLOC)';
  add({ name: `memalloc_${scope}`, op: 'memalloc_section', category: 'allocation scope', arg: 'steps', fields: { scope }, description: `Runs the steps between memalloc_${scope}_save() and _restore(): ${what}.` });
  add({ name: `memalloc_${scope}_save`, op: 'memalloc', category: 'allocation scope', arg: 'none', fields: { scope, action: 'save' }, description: `memalloc_${scope}_save(): from here ${what}.` });
  add({ name: `memalloc_${scope}_restore`, op: 'memalloc', category: 'allocation scope', arg: 'ignored', fields: { scope, action: 'restore' }, description: `memalloc_${scope}_restore(): ends the memalloc_${scope}_save scope.` });
}
add({ name: 'reclaim', op: 'reclaim', category: 'reclaim', arg: 'steps', description: 'Runs the steps as reclaim does: fs_reclaim held and PF_MEMALLOC set (what kswapd and direct reclaim run shrinkers in).' });
add({ name: 'pagefault_disable', op: 'pagefault_disable', category: 'context', arg: 'steps', description: 'Runs the steps with page faults disabled: user accesses fail instead of faulting (no mmap_lock, no sleep).' });

// ---------------------------------------------------------------------------------------
// Fences

for (const [name, text, aliasOf] of [
  ['dma_fence_wait', 'dma_fence_wait(): sleeps until the fence signals; lockdep records a dependency on the fence\'s signalling (dma_fence_map).', undefined],
  ['wait', 'Waits for a fence (`dma_fence_wait`).', 'dma_fence_wait'],
  ['dma_fence_wait_timeout', 'dma_fence_wait_timeout(): `dma_fence_wait` with a timeout (a timeout does not make the wait safe).', undefined],
  ['dma_resv_wait_timeout', 'dma_resv_wait_timeout(): waits for the fences of a reservation (here, for the fence named).', undefined],
] as const)
  add({ name, op: 'fence_wait', category: 'fence wait', arg: 'fence', description: text, ...(aliasOf ? { aliasOf } : {}) });
add({ name: 'signal', op: 'fence_signal', category: 'signal', arg: 'fence', fields: { locked: false }, aliasOf: 'dma_fence_signal', description: 'Signals a fence (`dma_fence_signal`).' });
add({ name: 'dma_fence_signal', op: 'fence_signal', category: 'signal', arg: 'fence', fields: { locked: false }, description: 'dma_fence_signal(): in a signalling section, takes the fence\'s lock (irqs saved) and runs its callbacks.' });
add({ name: 'dma_fence_signal_locked', op: 'fence_signal', category: 'signal with lock held', arg: 'fence', fields: { locked: true }, description: 'dma_fence_signal_locked(): with the fence\'s lock held (asserted), runs its callbacks; no signalling annotation.' });
add({ name: 'dma_fence_add_callback', op: 'fence_enable', category: 'fence', arg: 'fence', description: 'dma_fence_add_callback(): under the fence\'s lock, enables signalling (the fence\'s enable_signaling op).' });
add({ name: 'dma_fence_enable_sw_signaling', op: 'fence_enable', category: 'fence', arg: 'fence', description: 'dma_fence_enable_sw_signaling(): under the fence\'s lock, runs its enable_signaling op.' });
add({ name: 'dma_fence_put', op: 'fence_put', category: 'fence', arg: 'fence', description: 'dma_fence_put(): may drop the last reference, running the fence\'s release op.' });
add({ name: 'dma_fence_begin_signalling', op: 'signalling_annotation', category: 'signalling section', arg: 'none', fields: { action: 'begin' }, description: 'dma_fence_begin_signalling(): from here to the matching end, the code must not wait for what a fence wait may wait for (acquires dma_fence_map for read).' });
add({ name: 'dma_fence_end_signalling', op: 'signalling_annotation', category: 'signalling section', arg: 'ignored', fields: { action: 'end' }, description: 'dma_fence_end_signalling(): ends the signalling critical section.' });
add({ name: 'signalling', op: 'signalling', category: 'signalling section', arg: 'signalling steps', description: 'Runs the steps in a fence signalling critical section (begin/end signalling around them); `fences` names what it signals for the precise fence model.' });

// ---------------------------------------------------------------------------------------
// Workqueues: flushing waits for the work, as the kernel's lockdep maps say.

for (const [name, kind, text] of [
  ['flush_work', 'work', 'flush_work(): waits for a work item to finish (lockdep: the work item\'s map).'],
  ['cancel_work_sync', 'work', 'cancel_work_sync(): cancels a work item and waits for it if it runs.'],
  ['flush_workqueue', 'queue', 'flush_workqueue(): waits for every work item queued on the workqueue (lockdep: the queue\'s map).'],
  ['drain_workqueue', 'queue', 'drain_workqueue(): flushes the workqueue until it stays empty.'],
] as const)
  add({ name, op: 'workqueue_flush', category: 'workqueue', arg: kind, fields: { kind }, description: text });

// ---------------------------------------------------------------------------------------
// mmu notifiers, HMM, faults, runtime PM

for (const phase of ['start', 'end'] as const)
  add({
    name: `mmu_notifier_invalidate_range_${phase}`,
    op: 'mmu_notifier',
    category: 'notifier',
    arg: 'blockable',
    fields: { phase },
    description:
      `mmu_notifier_invalidate_range_${phase}(): runs the registered ${phase === 'start' ? 'interval notifiers\' invalidate and the ' : ''}invalidate_range_${phase} callbacks ` +
      'under the notifier map; non-blockable (the OOM reaper) in a non-blocking section.',
  });
add({ name: 'mmu_interval_read_begin', op: 'mmu_interval_read_begin', category: 'notifier', arg: 'none', description: 'mmu_interval_read_begin(): may wait for an invalidation in progress (lockdep: the notifier map).' });
add({ name: 'hmm_range_fault', op: 'hmm_range_fault', category: 'fault', arg: 'none', description: 'hmm_range_fault(): with mmap_lock held (asserted), faults pages in: may sleep and allocates as GFP_KERNEL (needs `include: [kernel]`).' });
add({ name: 'might_fault', op: 'might_fault', category: 'fault', arg: 'ignored', description: 'might_fault(): may sleep and take mmap_lock for read to fault a user page in, unless page faults are disabled (needs `include: [kernel]`).' });
for (const name of ['copy_to_user', 'copy_from_user', 'get_user', 'put_user'] as const)
  add({ name, op: 'might_fault', category: 'fault', arg: 'ignored', description: `${name}(): a user-memory access: \`might_fault\`.` });
add({
  name: 'pm_runtime_get_sync',
  op: 'pm_runtime',
  category: 'runtime pm',
  arg: 'device',
  fields: { action: 'get' },
  description: 'pm_runtime_get_sync(): resumes the device synchronously. Alone it only means "may sleep"; the functions registered on `pm_runtime.resume` (the driver\'s resume path, its locks and allocations) run inside it.',
});
add({
  name: 'pm_runtime_put_sync',
  op: 'pm_runtime',
  category: 'runtime pm',
  arg: 'device',
  fields: { action: 'put' },
  description: 'pm_runtime_put_sync(): may suspend the device synchronously. Alone it only means "may sleep"; the functions registered on `pm_runtime.suspend` run inside it.',
});

// ---------------------------------------------------------------------------------------
// ww_mutex acquire contexts

add({ name: 'ww_acquire_init', op: 'ww_acquire_init', category: 'ww transaction', arg: 'acquire context init', description: 'ww_acquire_init(): begins an acquire context (lockdep: a lock of class `<class>_acquire`, held until ww_acquire_fini).' });
add({ name: 'ww_acquire_done', op: 'ww_acquire', category: 'ww transaction', arg: 'acquire context', fields: { action: 'done' }, description: 'ww_acquire_done(): no more ww_mutexes will be taken in this context.' });
add({ name: 'ww_acquire_fini', op: 'ww_acquire', category: 'ww transaction', arg: 'acquire context', fields: { action: 'fini' }, description: 'ww_acquire_fini(): ends the acquire context.' });
add({
  name: 'ww_unlock_all',
  op: 'ww_acquire',
  category: 'ww transaction',
  arg: 'acquire context',
  fields: { action: 'unlock_all' },
  description: 'Releases every ww_mutex the acquire context holds, newest first: the back-off of a retry loop and its end (drm_exec_unlock_all(), ttm_eu_backoff_reservation()). After a back-off, the next slow-path lock in the context takes them again, as the retried loop body does.',
});
for (const [name, text] of [
  ['ww_mutex_lock_slow', 'ww_mutex_lock_slow(): after -EDEADLK and dropping every lock, sleeps on the contended ww_mutex.'],
  ['dma_resv_lock_slow', 'dma_resv_lock_slow(): `ww_mutex_lock_slow` on a reservation.'],
] as const)
  lockAlias(name, 'lock', { types: ['ww_mutex'], slow: true }, 'ww slow lock', text);

/** Every step spelling, aliases included, in the order of the reference. */
export const STEP_VOCABULARY: readonly StepSpelling[] = Object.freeze(table);

const byName = new Map<string, StepSpelling>();
for (const s of table) {
  if (byName.has(s.name)) throw new Error(`step ${s.name} is spelled twice in the vocabulary`);
  byName.set(s.name, s);
}

const BLOCK_ARGS: ReadonlySet<StepArgKind> = new Set(['steps', 'hardirq steps', 'signalling steps']);

/** A block: the step's argument is (or holds) a list of steps run inside it. */
export function takesSteps(s: StepSpelling): boolean {
  return BLOCK_ARGS.has(s.arg);
}

/** The vocabulary entry of a step name, or undefined if it is not a step. */
export function stepSpelling(name: string): StepSpelling | undefined {
  return byName.get(name);
}

// ---------------------------------------------------------------------------------------
// Hooks

/** What runs the callbacks of a family of hooks: `shrinker.*` run in reclaim, and so on. */
export const HOOK_FAMILIES = {
  shrinker: 'reclaim: kswapd and direct reclaim call them with fs_reclaim held',
  mmu_notifier: 'mmu notifier callbacks: run under the notifier map on every invalidation',
  mmu_interval_notifier: 'mmu interval notifier callbacks: run under the notifier map on every invalidation',
  dma_fence: 'fence callbacks: run under the fence\'s lock when it signals',
  dma_buf: 'dma-buf importer callbacks: run with the exporter\'s reservation held',
  pm_runtime: 'runtime PM callbacks: run by pm_runtime_get_sync / pm_runtime_put_sync',
  dev_pm_ops: 'runtime PM callbacks of the drm/runtime-pm model: run synchronously by its pm_runtime_get_sync(dev) / pm_runtime_put_sync(dev)',
  drm_sched: 'GPU scheduler backend callbacks',
} as const;
export type HookFamily = keyof typeof HOOK_FAMILIES;

export interface KernelHook {
  readonly name: string;
  readonly family: HookFamily;
  /** Who invokes it and how. */
  readonly description: string;
  /** The context its callbacks run in (`fencedep explain HOOK`). */
  readonly context: string;
  /** What is held while its callbacks run. */
  readonly holding: string;
  /**
   * Other names of the same hook: the ops-table field a driver fills, which the DRM models
   * use. Registering or invoking any of them is registering or invoking this hook.
   */
  readonly aliases?: readonly string[];
}

/** Hooks the kernel model invokes, so a scenario may invoke them with nothing registered. */
export const KERNEL_HOOK_TABLE: readonly KernelHook[] = Object.freeze([
  { name: 'shrinker.count', family: 'shrinker', description: 'count_objects(): called by reclaim (the kernel model\'s kswapd and direct reclaim) under fs_reclaim with PF_MEMALLOC.', context: 'process context (the kswapd thread, or the allocating task), PF_MEMALLOC set: allocations inside do not recurse into reclaim', holding: 'fs_reclaim: a lock taken here gets fs_reclaim -> lock, so no path may allocate with GFP_KERNEL while holding it' },
  { name: 'shrinker.scan', family: 'shrinker', description: 'scan_objects(): called by reclaim after count, under fs_reclaim with PF_MEMALLOC; may only trylock what allocating code holds.', context: 'process context, PF_MEMALLOC set; may sleep, but must not wait for anything an allocating task holds (trylock object locks, skip busy objects)', holding: 'fs_reclaim' },
  { name: 'mmu_notifier.invalidate_range_start', family: 'mmu_notifier', description: 'invalidate_range_start(): called by mmu_notifier_invalidate_range_start (munmap, migration, reclaim unmapping; the OOM reaper non-blockable).', context: 'process context; when the invalidation is not blockable (the OOM reaper) the callback runs inside a non-block section and must not sleep', holding: 'the mmu_notifier_invalidate_range_start map; munmap and mprotect also hold mmap_lock for write, migration and reclaim i_mmap_rwsem for read (reclaim also fs_reclaim), the OOM reaper mmap_lock for read' },
  { name: 'mmu_notifier.invalidate_range_end', family: 'mmu_notifier', description: 'invalidate_range_end(): called by mmu_notifier_invalidate_range_end.', context: 'as the matching invalidate_range_start', holding: 'the mmu_notifier_invalidate_range_start map and what the caller holds, as for invalidate_range_start' },
  { name: 'mmu_interval_notifier.invalidate', family: 'mmu_interval_notifier', description: 'mmu_interval_notifier_ops.invalidate(): called by mmu_notifier_invalidate_range_start before the classic callbacks; must not sleep when the range is not blockable.', context: 'process context, never inside a non-block section: the callback tests `if: blockable` (mmu_notifier_range_blockable()) and must not sleep when it is false', holding: 'the mmu_notifier_invalidate_range_start map and what the caller holds, as for mmu_notifier.invalidate_range_start' },
  { name: 'dma_buf.move_notify', family: 'dma_buf', aliases: ['dma_buf_attach_ops.move_notify'], description: 'dma_buf_attach_ops.move_notify(): called by dma_buf_move_notify with the exporter\'s reservation held.', context: 'process context, may sleep', holding: "the exporter's reservation (dma_resv, reservation_ww_class_mutex)" },
  { name: 'dma_fence.callback', family: 'dma_fence', description: 'A dma_fence_cb: called when any fence signals, under its lock, maybe in hardirq context.', context: 'the signaller\'s: hardirq for a fence `signalled_in: irq`; irqs are disabled in every case; inside a fence signalling section', holding: 'the fence\'s lock (spin_lock_irqsave) and dma_fence_map (the signalling section)' },
  { name: 'pm_runtime.resume', family: 'pm_runtime', aliases: ['dev_pm_ops.runtime_resume'], description: 'runtime_resume(): called by pm_runtime_get_sync.', context: 'process context, may sleep (pm_runtime_get_sync is itself a might_sleep)', holding: 'what the caller of pm_runtime_get_sync holds' },
  { name: 'pm_runtime.suspend', family: 'pm_runtime', aliases: ['dev_pm_ops.runtime_suspend'], description: 'runtime_suspend(): called by pm_runtime_put_sync.', context: 'process context, may sleep', holding: 'what the caller of pm_runtime_put_sync holds' },
  { name: 'drm_sched.run_job', family: 'drm_sched', aliases: ['drm_sched_backend_ops.run_job'], description: 'drm_sched_backend_ops.run_job(): called by the scheduler\'s run-job work (the drm/sched model\'s paths, with `include: [drm]`) inside the job fence\'s signalling path, and by drm_sched_resubmit_jobs() from a reset.', context: 'process context in drm_sched\'s submit work item (6.8 and later; its kthread before), or the reset path that resubmits; without the drm/sched model, wherever the scenario invokes it', holding: 'the job fence\'s signalling section (a model rule: no blocking allocation, no lock held around a fence wait, no synchronous runtime PM resume) and the submit workqueue\'s lockdep maps' },
] as const satisfies readonly KernelHook[]);

export const KERNEL_HOOK_NAMES: readonly string[] = KERNEL_HOOK_TABLE.map((h) => h.name);

const HOOK_BY_ALIAS: ReadonlyMap<string, string> = new Map(KERNEL_HOOK_TABLE.flatMap((h) => (h.aliases ?? []).map((a) => [a, h.name] as const)));

/** The one name a hook is registered and invoked under: `dev_pm_ops.runtime_resume` is `pm_runtime.resume`. */
export function canonicalHook(hook: string): string {
  return HOOK_BY_ALIAS.get(hook) ?? hook;
}

/** Every name of the hook `hook` is canonical for: itself and its aliases. */
export function hookNames(hook: string): readonly string[] {
  return [hook, ...(KERNEL_HOOK_TABLE.find((h) => h.name === hook)?.aliases ?? [])];
}

/** The family of a hook, by the part before its dot (`shrinker` of `shrinker.scan`), if known. */
export function hookFamily(hook: string): HookFamily | null {
  const dot = hook.indexOf('.');
  const prefix = dot < 0 ? hook : hook.slice(0, dot);
  return Object.hasOwn(HOOK_FAMILIES, prefix) ? (prefix as HookFamily) : null;
}
