/**
 * The step table (§4) and the conversion of written steps into IR `Step`s.
 *
 * Every step name, alias included, has one entry: its argument schema (zod, so the JSON
 * Schema of the format can be generated from `stepSchema`) and its conversion. The loader
 * dispatches by the step's key itself (for precise messages), validates the argument with
 * that entry's schema, then converts. YAML, JSON and JSONL go through the same converter.
 */
import { z } from 'zod';
import type { AcquireMode, AcquireStep, IrqEffect, LockDecl, LockRef, LockType, RcuFlavour, Step } from '../model/scenario.js';
export { forEachStep } from '../model/scenario.js';
import type { SourceLoc } from '../model/location.js';
import { GFP_NAMES, parseGfp } from '../model/gfp.js';
import { InputError, didYouMean } from './errors.js';
import { validate } from './issues.js';
import { KERNEL_HOOKS, nameProblem, parseLockRef, quote } from './names.js';
import type { Pos } from './pos.js';

/** Steps may nest (blocks inside blocks) at most this deep. */
export const MAX_STEP_DEPTH = 64;


// ---------------------------------------------------------------------------------------
// Argument schemas

const name = z.string().min(1);
export const acquireModeSchema = z.enum(['write', 'read', 'recursive_read']);
const subclass = z.int().min(0).max(7);

type Steps = z.ZodType;

const lockFields = (steps: Steps) => ({
  name,
  mode: acquireModeSchema.optional(),
  nested: subclass.optional(),
  nest_lock: name.optional(),
  ctx: name.optional(),
  on_edeadlk: steps.optional(),
  result: z.enum(['edeadlk']).optional(),
});
const lockSpec = (steps: Steps) => z.union([name, z.strictObject(lockFields(steps))]);
const lockRefArg = () => z.union([name, z.strictObject({ name })]);
const nestedArg = () => z.strictObject({ name, nested: subclass });
const wwArg = (steps: Steps) =>
  z.union([name, z.strictObject({ name, ctx: name.optional(), on_edeadlk: steps.optional(), result: z.enum(['edeadlk']).optional() })]);
const mightLockArg = () => z.union([name, z.strictObject({ name, mode: acquireModeSchema.optional(), nested: subclass.optional() })]);
const optionalScalar = () => z.union([z.string(), z.number()]);

/** The class part of `NAME[INSTANCE]`, or null when malformed. */
function r0(text: unknown): string | null {
  if (typeof text !== 'string') return null;
  const r = parseLockRef(text);
  return 'error' in r ? null : r.cls;
}

// ---------------------------------------------------------------------------------------
// The table

interface Ctx {
  readonly op: string;
  readonly arg: unknown;
  readonly argPos: Pos;
  readonly loc: SourceLoc;
  readonly label: string;
  readonly depth: number;
}

interface StepDef {
  readonly name: string;
  /** Argument schema, given the schema of a step list; null: the step takes no argument. */
  readonly arg: ((steps: Steps) => z.ZodType) | null;
  /** May be written bare (`- might_sleep`) or with a null argument. */
  readonly bare: boolean;
  readonly convert: (c: StepConverter, x: Ctx) => Step | null;
}

const TABLE = new Map<string, StepDef>();

function def(d: StepDef): void {
  if (TABLE.has(d.name)) throw new Error(`duplicate step ${d.name}`);
  TABLE.set(d.name, d);
}

const ANY_TYPE: readonly LockType[] = [];

interface AcquireSpec {
  readonly types: readonly LockType[];
  /** ww_mutex_lock_slow(): the re-lock of the contended lock after backing off. */
  readonly slow?: boolean;
  readonly mode?: AcquireMode;
  readonly trylock?: boolean;
  readonly irq?: IrqEffect;
  readonly typeName: string;
}

interface FixedSpec {
  readonly cls: 'mmap_lock' | 'i_mmap_rwsem';
  readonly what: string;
}

// Generic locking steps.
def({ name: 'lock', arg: lockSpec, bare: false, convert: (c, x) => c.acquire(x, { types: ANY_TYPE, typeName: '' }) });
def({ name: 'trylock', arg: lockSpec, bare: false, convert: (c, x) => c.acquire(x, { types: ANY_TYPE, typeName: '', trylock: true }) });
def({ name: 'unlock', arg: lockRefArg, bare: false, convert: (c, x) => c.release(x, ANY_TYPE, '', 'none') });
def({ name: 'might_lock', arg: mightLockArg, bare: false, convert: (c, x) => c.mightLock(x) });
def({
  name: 'downgrade_write',
  arg: lockRefArg,
  bare: false,
  convert: (c, x) => c.lockOp(x, 'downgrade_write', ['rwsem', 'percpu_rwsem', 'rwlock'], 'an rwsem, percpu_rwsem or rwlock'),
});
for (const n of ['assert_held', 'lockdep_assert_held', 'dma_resv_assert_held']) {
  def({ name: n, arg: lockRefArg, bare: false, convert: (c, x) => c.lockOp(x, 'assert_held', ANY_TYPE, '') });
}
def({ name: 'return', arg: null, bare: true, convert: (_c, x) => ({ op: 'return', loc: x.loc, label: x.label }) });

// Kernel aliases.
function acquireAlias(n: string, spec: AcquireSpec, form: 'simple' | 'nested' | 'ww' = 'simple'): void {
  const arg = form === 'nested' ? nestedArg : form === 'ww' ? wwArg : lockRefArg;
  def({ name: n, arg, bare: false, convert: (c, x) => c.acquire(x, spec) });
}
function releaseAlias(n: string, types: readonly LockType[], typeName: string, irq: IrqEffect = 'none'): void {
  def({ name: n, arg: lockRefArg, bare: false, convert: (c, x) => c.release(x, types, typeName, irq) });
}

const MUTEX: readonly LockType[] = ['mutex', 'rt_mutex'];
for (const n of ['mutex_lock', 'mutex_lock_interruptible', 'mutex_lock_killable']) acquireAlias(n, { types: MUTEX, typeName: 'a mutex or rt_mutex' });
acquireAlias('mutex_lock_nested', { types: MUTEX, typeName: 'a mutex or rt_mutex' }, 'nested');
acquireAlias('mutex_trylock', { types: MUTEX, typeName: 'a mutex or rt_mutex', trylock: true });
releaseAlias('mutex_unlock', MUTEX, 'a mutex or rt_mutex');

for (const [prefix, type] of [
  ['spin', 'spinlock'],
  ['raw_spin', 'raw_spinlock'],
] as const) {
  const types: readonly LockType[] = [type];
  const typeName = `a ${type}`;
  acquireAlias(`${prefix}_lock`, { types, typeName });
  acquireAlias(`${prefix}_lock_nested`, { types, typeName }, 'nested');
  acquireAlias(`${prefix}_lock_irq`, { types, typeName, irq: 'irq' });
  acquireAlias(`${prefix}_lock_irqsave`, { types, typeName, irq: 'irqsave' });
  acquireAlias(`${prefix}_lock_bh`, { types, typeName, irq: 'bh' });
  acquireAlias(`${prefix}_trylock`, { types, typeName, trylock: true });
  acquireAlias(`${prefix}_trylock_irq`, { types, typeName, trylock: true, irq: 'irq' });
  acquireAlias(`${prefix}_trylock_irqsave`, { types, typeName, trylock: true, irq: 'irqsave' });
  acquireAlias(`${prefix}_trylock_bh`, { types, typeName, trylock: true, irq: 'bh' });
  releaseAlias(`${prefix}_unlock`, types, typeName);
  releaseAlias(`${prefix}_unlock_irq`, types, typeName, 'irq');
  releaseAlias(`${prefix}_unlock_irqrestore`, types, typeName, 'irqsave');
  releaseAlias(`${prefix}_unlock_bh`, types, typeName, 'bh');
}

for (const [rw, mode] of [
  ['read', 'read'],
  ['write', 'write'],
] as const) {
  const types: readonly LockType[] = ['rwlock'];
  const typeName = 'an rwlock';
  acquireAlias(`${rw}_lock`, { types, typeName, mode });
  acquireAlias(`${rw}_lock_irq`, { types, typeName, mode, irq: 'irq' });
  acquireAlias(`${rw}_lock_irqsave`, { types, typeName, mode, irq: 'irqsave' });
  acquireAlias(`${rw}_lock_bh`, { types, typeName, mode, irq: 'bh' });
  acquireAlias(`${rw}_trylock`, { types, typeName, mode, trylock: true });
  releaseAlias(`${rw}_unlock`, types, typeName);
  releaseAlias(`${rw}_unlock_irq`, types, typeName, 'irq');
  releaseAlias(`${rw}_unlock_irqrestore`, types, typeName, 'irqsave');
  releaseAlias(`${rw}_unlock_bh`, types, typeName, 'bh');
}

{
  const types: readonly LockType[] = ['rwsem'];
  const typeName = 'an rwsem';
  for (const n of ['down_read', 'down_read_killable', 'down_read_interruptible']) acquireAlias(n, { types, typeName, mode: 'read' });
  for (const n of ['down_write', 'down_write_killable']) acquireAlias(n, { types, typeName, mode: 'write' });
  acquireAlias('down_read_nested', { types, typeName, mode: 'read' }, 'nested');
  acquireAlias('down_write_nested', { types, typeName, mode: 'write' }, 'nested');
  acquireAlias('down_read_trylock', { types, typeName, mode: 'read', trylock: true });
  acquireAlias('down_write_trylock', { types, typeName, mode: 'write', trylock: true });
  releaseAlias('up_read', types, typeName);
  releaseAlias('up_write', types, typeName);
}
{
  const types: readonly LockType[] = ['percpu_rwsem'];
  const typeName = 'a percpu_rwsem';
  acquireAlias('percpu_down_read', { types, typeName, mode: 'read' });
  acquireAlias('percpu_down_read_trylock', { types, typeName, mode: 'read', trylock: true });
  acquireAlias('percpu_down_write', { types, typeName, mode: 'write' });
  releaseAlias('percpu_up_read', types, typeName);
  releaseAlias('percpu_up_write', types, typeName);
}

// mmap_lock / i_mmap_rwsem: bare on "the" mm / mapping, or with an instance name.
function fixedAlias(n: string, fixed: FixedSpec, kind: 'acquire' | 'release' | 'downgrade', mode: AcquireMode = 'write', trylock = false): void {
  def({ name: n, arg: () => name, bare: true, convert: (c, x) => c.fixed(x, fixed, kind, mode, trylock) });
}
{
  const mm: FixedSpec = { cls: 'mmap_lock', what: 'mm' };
  fixedAlias('mmap_read_lock', mm, 'acquire', 'read');
  fixedAlias('mmap_read_lock_killable', mm, 'acquire', 'read');
  fixedAlias('mmap_read_trylock', mm, 'acquire', 'read', true);
  fixedAlias('mmap_write_lock', mm, 'acquire', 'write');
  fixedAlias('mmap_write_lock_killable', mm, 'acquire', 'write');
  fixedAlias('mmap_write_trylock', mm, 'acquire', 'write', true);
  fixedAlias('mmap_read_unlock', mm, 'release');
  fixedAlias('mmap_write_unlock', mm, 'release');
  fixedAlias('mmap_write_downgrade', mm, 'downgrade');
  const im: FixedSpec = { cls: 'i_mmap_rwsem', what: 'mapping' };
  fixedAlias('i_mmap_lock_read', im, 'acquire', 'read');
  fixedAlias('i_mmap_trylock_read', im, 'acquire', 'read', true);
  fixedAlias('i_mmap_lock_write', im, 'acquire', 'write');
  fixedAlias('i_mmap_unlock_read', im, 'release');
  fixedAlias('i_mmap_unlock_write', im, 'release');
}

{
  const types: readonly LockType[] = ['ww_mutex'];
  const typeName = 'a ww_mutex';
  for (const n of ['ww_mutex_lock', 'ww_mutex_lock_interruptible', 'dma_resv_lock', 'dma_resv_lock_interruptible'])
    acquireAlias(n, { types, typeName }, 'ww');
  acquireAlias('ww_mutex_trylock', { types, typeName, trylock: true }, 'ww');
  acquireAlias('dma_resv_trylock', { types, typeName, trylock: true });
  releaseAlias('ww_mutex_unlock', types, typeName);
  releaseAlias('dma_resv_unlock', types, typeName);
}
{
  const types: readonly LockType[] = ['map'];
  const typeName = 'a map';
  acquireAlias('lock_map_acquire', { types, typeName, mode: 'write' });
  acquireAlias('lock_map_acquire_read', { types, typeName, mode: 'recursive_read' });
  acquireAlias('lock_map_acquire_try', { types, typeName, mode: 'write', trylock: true });
  acquireAlias('lock_map_acquire_tryread', { types, typeName, mode: 'recursive_read', trylock: true });
  releaseAlias('lock_map_release', types, typeName);
}
{
  const types: readonly LockType[] = ['srcu'];
  const typeName = 'an srcu';
  acquireAlias('srcu_read_lock', { types, typeName, mode: 'recursive_read' });
  releaseAlias('srcu_read_unlock', types, typeName);
  def({ name: 'synchronize_srcu', arg: lockRefArg, bare: false, convert: (c, x) => c.lockOp(x, 'lock_sync', types, typeName) });
}

// Context, irqs, sleeping.
function simple(n: string, make: (x: Ctx) => Step, arg: (() => z.ZodType) | null = null): void {
  def({ name: n, arg, bare: true, convert: (_c, x) => make(x) });
}
for (const [n, action] of [
  ['irq_disable', 'disable'],
  ['local_irq_disable', 'disable'],
  ['irq_enable', 'enable'],
  ['local_irq_enable', 'enable'],
] as const)
  simple(n, (x) => ({ op: 'hardirqs', loc: x.loc, label: x.label, action }));
simple('local_irq_save', (x) => ({ op: 'hardirqs', loc: x.loc, label: x.label, action: 'save' }), () => name);
simple('local_irq_restore', (x) => ({ op: 'hardirqs', loc: x.loc, label: x.label, action: 'restore' }), () => name);
for (const [n, action] of [
  ['bh_disable', 'disable'],
  ['local_bh_disable', 'disable'],
  ['bh_enable', 'enable'],
  ['local_bh_enable', 'enable'],
] as const)
  simple(n, (x) => ({ op: 'softirqs', loc: x.loc, label: x.label, action }));
simple('preempt_disable', (x) => ({ op: 'preempt', loc: x.loc, label: x.label, action: 'disable' }));
simple('preempt_enable', (x) => ({ op: 'preempt', loc: x.loc, label: x.label, action: 'enable' }));
simple('non_block_start', (x) => ({ op: 'non_block', loc: x.loc, label: x.label, action: 'start' }));
simple('non_block_end', (x) => ({ op: 'non_block', loc: x.loc, label: x.label, action: 'end' }));
for (const n of ['might_sleep', 'cond_resched']) simple(n, (x) => ({ op: 'sleep', loc: x.loc, label: x.label }));
// The spec's sleeping steps, then kernel spellings of them (synchronize_rcu also sleeps in an
// RCU read-side section, which the sleep check reports).
for (const n of ['sleep', 'msleep', 'schedule', 'wait_event', 'wait_for_completion', 'usleep_range', 'schedule_timeout', 'wait_event_timeout', 'wait_event_interruptible', 'wait_for_completion_timeout', 'synchronize_rcu'])
  simple(n, (x) => ({ op: 'sleep', loc: x.loc, label: x.label }), optionalScalar);
def({
  name: 'cond_resched_lock',
  arg: lockRefArg,
  bare: false,
  convert: (c, x) => c.lockOp(x, 'cond_resched_lock', ['spinlock', 'raw_spinlock', 'rwlock'], 'a spinlock, raw_spinlock or rwlock'),
});
for (const [n, flavour, action] of [
  ['rcu_read_lock', 'rcu', 'lock'],
  ['rcu_read_unlock', 'rcu', 'unlock'],
  ['rcu_read_lock_bh', 'rcu_bh', 'lock'],
  ['rcu_read_unlock_bh', 'rcu_bh', 'unlock'],
  ['rcu_read_lock_sched', 'rcu_sched', 'lock'],
  ['rcu_read_unlock_sched', 'rcu_sched', 'unlock'],
] as const)
  simple(n, (x) => ({ op: 'rcu', loc: x.loc, label: x.label, flavour, action }));

// Blocks.
def({
  name: 'non_block',
  arg: (steps) => steps,
  bare: false,
  convert: (c, x) => ({ op: 'non_block_section', loc: x.loc, label: x.label, body: c.body(x.arg, x.argPos, x) }),
});
def({
  name: 'rcu',
  arg: (steps) => steps,
  bare: false,
  convert: (c, x) => ({ op: 'rcu_section', loc: x.loc, label: x.label, flavour: 'rcu' as RcuFlavour, body: c.body(x.arg, x.argPos, x) }),
});
def({
  name: 'hardirq',
  arg: (steps) => z.union([steps, z.strictObject({ threaded: z.boolean().optional(), do: steps })]),
  bare: false,
  convert: (c, x) => {
    if (Array.isArray(x.arg)) return { op: 'irq_context', loc: x.loc, label: x.label, context: 'hardirq', threaded: true, body: c.body(x.arg, x.argPos, x) };
    const a = x.arg as { threaded?: boolean; do: unknown[] };
    return { op: 'irq_context', loc: x.loc, label: x.label, context: 'hardirq', threaded: a.threaded ?? true, body: c.body(a.do, x.argPos.child('do'), x) };
  },
});
def({
  name: 'softirq',
  arg: (steps) => steps,
  bare: false,
  convert: (c, x) => ({ op: 'irq_context', loc: x.loc, label: x.label, context: 'softirq', threaded: true, body: c.body(x.arg, x.argPos, x) }),
});

// Calls and hooks.
def({ name: 'call', arg: () => name, bare: false, convert: (c, x) => c.call(x) });
def({ name: 'invoke', arg: () => z.union([name, z.strictObject({ hook: name, blockable: z.boolean().optional() })]), bare: false, convert: (c, x) => c.invoke(x) });

// The two multi-key steps: their "argument" is the whole step map.
const withSchema = (steps: Steps) => z.strictObject({ with: lockSpec(steps), do: steps });
const ifSchema = (steps: Steps) => z.strictObject({ if: z.literal('blockable'), then: steps.optional(), else: steps.optional() });
def({ name: 'with', arg: withSchema, bare: false, convert: (c, x) => c.withStep(x) });
def({ name: 'if', arg: ifSchema, bare: false, convert: (c, x) => c.ifStep(x) });

// Memory allocation and reclaim (§4, kernel-semantics §4).
const gfpArg = () => name;
for (const n of ['kmalloc', 'alloc', 'kzalloc', 'kvmalloc', 'vmalloc', 'alloc_pages', 'might_alloc', 'kcalloc', 'kmalloc_array', 'kvzalloc', 'kmem_cache_alloc', 'kmem_cache_zalloc', 'alloc_page', '__get_free_pages'])
  def({ name: n, arg: gfpArg, bare: false, convert: (c, x) => c.gfpStep(x, (gfp) => ({ op: 'alloc', loc: x.loc, label: x.label, gfp })) });
for (const action of ['acquire', 'release'] as const)
  def({
    name: `fs_reclaim_${action}`,
    arg: gfpArg,
    bare: false,
    convert: (c, x) => c.gfpStep(x, (gfp) => ({ op: 'fs_reclaim', loc: x.loc, label: x.label, action, gfp })),
  });
for (const scope of ['nofs', 'noio', 'noreclaim'] as const) {
  def({
    name: `memalloc_${scope}`,
    arg: (steps) => steps,
    bare: false,
    convert: (c, x) => ({ op: 'memalloc_section', loc: x.loc, label: x.label, scope, body: c.body(x.arg, x.argPos, x) }),
  });
  simple(`memalloc_${scope}_save`, (x) => ({ op: 'memalloc', loc: x.loc, label: x.label, scope, action: 'save' }));
  simple(`memalloc_${scope}_restore`, (x) => ({ op: 'memalloc', loc: x.loc, label: x.label, scope, action: 'restore' }), optionalScalar);
}
def({ name: 'reclaim', arg: (steps) => steps, bare: false, convert: (c, x) => ({ op: 'reclaim', loc: x.loc, label: x.label, body: c.body(x.arg, x.argPos, x) }) });
def({
  name: 'pagefault_disable',
  arg: (steps) => steps,
  bare: false,
  convert: (c, x) => ({ op: 'pagefault_disable', loc: x.loc, label: x.label, body: c.body(x.arg, x.argPos, x) }),
});
// Fences (§4 Fences, §5).
const fenceArg = () => name;
for (const n of ['dma_fence_wait', 'wait', 'dma_fence_wait_timeout', 'dma_resv_wait_timeout'])
  def({ name: n, arg: fenceArg, bare: false, convert: (c, x) => c.fenceStep(x, (fence) => ({ op: 'fence_wait', loc: x.loc, label: x.label, fence })) });
for (const [n, locked] of [['signal', false], ['dma_fence_signal', false], ['dma_fence_signal_locked', true]] as const)
  def({ name: n, arg: fenceArg, bare: false, convert: (c, x) => c.fenceStep(x, (fence) => ({ op: 'fence_signal', loc: x.loc, label: x.label, fence, locked })) });
for (const n of ['dma_fence_add_callback', 'dma_fence_enable_sw_signaling'])
  def({ name: n, arg: fenceArg, bare: false, convert: (c, x) => c.fenceStep(x, (fence) => ({ op: 'fence_enable', loc: x.loc, label: x.label, fence })) });
def({ name: 'dma_fence_put', arg: fenceArg, bare: false, convert: (c, x) => c.fenceStep(x, (fence) => ({ op: 'fence_put', loc: x.loc, label: x.label, fence })) });
simple('dma_fence_begin_signalling', (x) => ({ op: 'signalling_annotation', loc: x.loc, label: x.label, action: 'begin' }));
simple('dma_fence_end_signalling', (x) => ({ op: 'signalling_annotation', loc: x.loc, label: x.label, action: 'end' }), optionalScalar);
def({
  name: 'signalling',
  arg: (steps) => z.union([steps, z.strictObject({ fences: z.array(name).optional(), do: steps })]),
  bare: false,
  convert: (c, x) => c.signalling(x),
});
// Workqueues (§4 Workqueues): flushing waits for the work, as the kernel's lockdep maps say.
for (const [n, kind] of [['flush_work', 'work'], ['cancel_work_sync', 'work'], ['flush_workqueue', 'queue'], ['drain_workqueue', 'queue']] as const)
  def({ name: n, arg: () => name, bare: false, convert: (_c, x) => ({ op: 'workqueue_flush', loc: x.loc, label: x.label, kind, name: x.arg as string }) });
// mmu notifiers and HMM (§4 Calls and hooks, kernel-semantics §5).
for (const [n, phase] of [['mmu_notifier_invalidate_range_start', 'start'], ['mmu_notifier_invalidate_range_end', 'end']] as const)
  def({
    name: n,
    arg: () => z.strictObject({ blockable: z.boolean().optional() }),
    bare: true,
    convert: (_c, x) => ({ op: 'mmu_notifier', loc: x.loc, label: x.label, phase, blockable: (x.arg as { blockable?: boolean } | null)?.blockable ?? true }),
  });
simple('mmu_interval_read_begin', (x) => ({ op: 'mmu_interval_read_begin', loc: x.loc, label: x.label }));
def({ name: 'hmm_range_fault', arg: null, bare: true, convert: (c, x) => c.needsMm(x, { op: 'hmm_range_fault', loc: x.loc, label: x.label }) });
for (const n of ['might_fault', 'copy_to_user', 'copy_from_user', 'get_user', 'put_user'])
  def({ name: n, arg: optionalScalar, bare: true, convert: (c, x) => c.needsMm(x, { op: 'might_fault', loc: x.loc, label: x.label }) });
for (const [n, action] of [['pm_runtime_get_sync', 'get'], ['pm_runtime_put_sync', 'put']] as const)
  def({ name: n, arg: () => name, bare: false, convert: (_c, x) => ({ op: 'pm_runtime', loc: x.loc, label: x.label, action, device: x.arg as string }) });
// ww_mutex acquire contexts (§4 ww_mutex, kernel-semantics §2).
def({
  name: 'ww_acquire_init',
  arg: () => z.strictObject({ ctx: name, class: name.optional() }),
  bare: false,
  convert: (_c, x) => {
    const a = x.arg as { ctx: string; class?: string };
    return { op: 'ww_acquire_init', loc: x.loc, label: x.label, ctx: a.ctx, wwClass: a.class ?? 'reservation_ww_class' };
  },
});
for (const action of ['done', 'fini'] as const)
  def({ name: `ww_acquire_${action}`, arg: () => name, bare: false, convert: (_c, x) => ({ op: 'ww_acquire', loc: x.loc, label: x.label, action, ctx: x.arg as string }) });
for (const n of ['ww_mutex_lock_slow', 'dma_resv_lock_slow'])
  def({
    name: n,
    arg: () => z.strictObject({ name, ctx: name }),
    bare: false,
    convert: (c, x) => c.acquire(x, { types: ['ww_mutex'], typeName: 'a ww_mutex (dma_resv)', slow: true }),
  });

/** Every step name, aliases included. */
export const STEP_NAMES: readonly string[] = [...TABLE.keys()];

export function isStepName(n: string): boolean {
  return TABLE.has(n);
}

/** Step ops whose whole argument is a step list (`hardirq: [...]`); JSONL `do`/`steps` fields map to it. */
export function isBlockStep(n: string): boolean {
  return ['non_block', 'rcu', 'hardirq', 'softirq', 'memalloc_nofs', 'memalloc_noio', 'memalloc_noreclaim', 'reclaim', 'pagefault_disable', 'signalling'].includes(n);
}

// ---------------------------------------------------------------------------------------
// Schemas for the JSON Schema of the format

function buildStepSchema(): z.ZodType {
  const list: z.ZodType = z.array(z.lazy(() => stepSchema));
  const bareNames: string[] = [];
  const options: z.ZodType[] = [];
  for (const d of TABLE.values()) {
    if (d.name === 'with' || d.name === 'if') {
      options.push(d.arg!(list));
      continue;
    }
    if (d.bare) bareNames.push(d.name);
    if (d.arg) options.push(z.strictObject({ [d.name]: d.bare ? d.arg(list).nullable() : d.arg(list) }));
    else options.push(z.strictObject({ [d.name]: z.null() }));
  }
  return z.union([z.enum(bareNames as [string, ...string[]]), ...options]);
}

/** One step as written (for the JSON Schema of the format; the loader validates step by step). */
export const stepSchema: z.ZodType = z.lazy(() => builtStepSchema);
const builtStepSchema = buildStepSchema();

/** A list of steps (for the JSON Schema). */
export const stepListSchema = z.array(stepSchema);

// Argument validators used by the loader: nested step lists are checked step by step.
const looseList = z.array(z.unknown());
const VALIDATORS = new Map<string, z.ZodType>();
function validatorOf(d: StepDef): z.ZodType | null {
  if (!d.arg) return null;
  let v = VALIDATORS.get(d.name);
  if (!v) {
    v = d.arg(looseList);
    VALIDATORS.set(d.name, v);
  }
  return v;
}

// ---------------------------------------------------------------------------------------
// Labels

const LABEL_MAX = 60;
const BLOCK_KEYS = new Set(['do', 'then', 'else', 'on_edeadlk', 'steps']);

function renderScalar(v: unknown): string {
  if (typeof v === 'string') return v === '' || /^\s|\s$|[,{}\n]|: /.test(v) ? JSON.stringify(v) : v;
  if (v === null || v === undefined) return 'null';
  return String(v);
}

/** Render a value flow-style, giving up once `budget` characters are produced. */
function render(v: unknown, budget: number, depth = 0): string {
  if (v === null || typeof v !== 'object') return renderScalar(v);
  if (depth > 4) return '...';
  let out = '';
  if (Array.isArray(v)) {
    out = '[';
    for (let i = 0; i < v.length && out.length < budget; i++) out += (i ? ', ' : '') + render(v[i], budget - out.length, depth + 1);
    return out + ']';
  }
  out = '{';
  let first = true;
  for (const k of Object.keys(v)) {
    if (out.length >= budget) break;
    const val = (v as Record<string, unknown>)[k];
    if (BLOCK_KEYS.has(k) && Array.isArray(val)) continue;
    out += (first ? '' : ', ') + `${k}: ` + render(val, budget - out.length, depth + 1);
    first = false;
  }
  return out + '}';
}

function shorten(s: string): string {
  return s.length <= LABEL_MAX ? s : s.slice(0, LABEL_MAX - 3) + '...';
}

/** The label of a step as written: `spin_lock_irqsave: A`, `lock: {name: A, mode: read}`, `hardirq`. */
export function stepLabel(op: string, value: unknown): string {
  if (op === 'with') return shorten(`with: ${render((value as Record<string, unknown>).with, LABEL_MAX)}`);
  if (op === 'if') return shorten(`if: ${render((value as Record<string, unknown>).if, LABEL_MAX)}`);
  if (value === null || value === undefined || Array.isArray(value)) return op;
  if (typeof value === 'object') {
    const keys = Object.keys(value).filter((k) => !(BLOCK_KEYS.has(k) && Array.isArray((value as Record<string, unknown>)[k])));
    if (keys.length === 0) return op;
  }
  return shorten(`${op}: ${render(value, LABEL_MAX)}`);
}

// ---------------------------------------------------------------------------------------
// The converter

/** What the converter needs to know about the scenario's declarations. */
export interface StepEnv {
  lock(name: string): LockDecl | undefined;
  lockNames(): Iterable<string>;
  hasFunction(name: string): boolean;
  functionNames(): Iterable<string>;
  /** Registered for in the scenario, or a hook the kernel model invokes. */
  hasHook(hook: string): boolean;
  hookNames(): Iterable<string>;
  hasFence(name: string): boolean;
  fenceNames(): Iterable<string>;
}

const READ_TYPES: ReadonlySet<LockType> = new Set(['rwsem', 'percpu_rwsem', 'rwlock', 'map', 'srcu']);
const RECURSIVE_READ_TYPES: ReadonlySet<LockType> = new Set(['rwlock', 'map', 'srcu']);

const KERNEL_HOOK_SET: ReadonlySet<string> = new Set(KERNEL_HOOKS);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

export class StepConverter {
  private readonly refs = new Map<string, LockRef | { error: string }>();

  constructor(
    readonly env: StepEnv,
    private readonly report: (e: InputError) => void,
  ) {}

  /** A step taking gfp flags: parse them, or report where they go wrong. */
  gfpStep(x: Ctx, make: (gfp: number) => Step): Step | null {
    const text = x.arg as string;
    const r = parseGfp(text);
    if (r.ok) return make(r.value);
    const at = x.argPos.loc();
    const loc = { ...at, column: at.column + r.offset };
    this.report(new InputError(`\`${x.op}\`: ${r.message}${r.word ? didYouMean(r.word, GFP_NAMES) : ''}; expected flags such as GFP_KERNEL, GFP_NOFS | __GFP_NOWARN or GFP_KERNEL & ~__GFP_DIRECT_RECLAIM`, loc));
    return null;
  }

  /** A parsed lock reference, shared by every step that names it. */
  ref(text: string): LockRef | { error: string } {
    let r = this.refs.get(text);
    if (!r) {
      r = parseLockRef(text);
      this.refs.set(text, r);
    }
    return r;
  }

  /** Convert a list of steps at nesting level `depth` (a path's or function's own steps: 1). */
  list(value: unknown, pos: Pos, depth: number): Step[] {
    const out: Step[] = [];
    if (!Array.isArray(value)) {
      this.report(new InputError(`expected a list of steps, got ${describe(value)}`, pos.loc()));
      return out;
    }
    for (let i = 0; i < value.length; i++) {
      const s = this.one(value[i], pos.child(i), depth);
      if (s) out.push(s);
    }
    return out;
  }

  /** The body of a block step: one level deeper, bounded. */
  body(value: unknown, pos: Pos, x: Ctx): Step[] {
    if (x.depth + 1 > MAX_STEP_DEPTH) {
      this.report(new InputError(`steps nested too deeply (limit ${MAX_STEP_DEPTH})`, x.loc));
      return [];
    }
    return this.list(value, pos, x.depth + 1);
  }

  /** Convert one step; null (and an error reported) if it is not valid. */
  one(value: unknown, pos: Pos, depth: number): Step | null {
    let op: string;
    let arg: unknown;
    let argPos: Pos;
    let loc: SourceLoc;
    if (typeof value === 'string') {
      op = value;
      loc = pos.loc();
      const d = this.lookup(op, loc);
      if (!d) return null;
      if (!d.bare) {
        this.report(new InputError(`\`${op}\` needs an argument (write \`${op}: ...\`)`, loc));
        return null;
      }
      return d.convert(this, { op, arg: undefined, argPos: pos, loc, label: op, depth });
    }
    if (!isPlainObject(value)) {
      this.report(new InputError(`expected a step (a step name, or a map of one step name to its argument), got ${describe(value)}`, pos.loc()));
      return null;
    }
    const keys = Object.keys(value);
    if (keys.length === 0) {
      this.report(new InputError('empty step: expected a step name with its argument', pos.loc()));
      return null;
    }
    if ('with' in value || 'if' in value) {
      op = 'with' in value ? 'with' : 'if';
      loc = pos.keyLoc(op);
      const d = TABLE.get(op)!;
      const r = validate(validatorOf(d)!, value, pos, op);
      if (!r.ok) {
        for (const e of r.errors) this.report(e);
        return null;
      }
      return d.convert(this, { op, arg: value, argPos: pos, loc, label: stepLabel(op, value), depth });
    }
    if (keys.length > 1) {
      const known = keys.filter((k) => TABLE.has(k));
      const extra = known.length > 0 ? keys.find((k) => k !== known[0])! : keys[1];
      this.report(
        new InputError(
          `a step has exactly one step name, got ${keys.map((k) => `"${k}"`).join(', ')} (only \`with\`/\`do\` and \`if\`/\`then\`/\`else\` combine; write each step as its own list item)`,
          pos.keyLoc(extra),
        ),
      );
      return null;
    }
    op = keys[0];
    loc = pos.keyLoc(op);
    arg = value[op];
    argPos = pos.child(op);
    const d = this.lookup(op, loc);
    if (!d) return null;
    const label = stepLabel(op, arg);
    if (arg === null || arg === undefined) {
      if (!d.bare) {
        this.report(new InputError(`\`${op}\` needs an argument`, loc));
        return null;
      }
      return d.convert(this, { op, arg: undefined, argPos, loc, label: op, depth });
    }
    const validator = validatorOf(d);
    if (!validator) {
      this.report(new InputError(`\`${op}\` takes no argument, got ${describe(arg)} (write it bare: \`- ${op}\`)`, argPos.loc()));
      return null;
    }
    const r = validate(validator, arg, argPos, op);
    if (!r.ok) {
      for (const e of r.errors) this.report(e);
      return null;
    }
    return d.convert(this, { op, arg, argPos, loc, label, depth });
  }

  private lookup(op: string, loc: SourceLoc): StepDef | null {
    const d = TABLE.get(op);
    if (d) return d;
    if (op === 'do') this.report(new InputError('`do` without `with`: a `do` block belongs in the same step as its `with: LOCK`', loc));
    else if (op === 'then' || op === 'else') this.report(new InputError(`\`${op}\` without \`if\`: write \`if: blockable\` in the same step`, loc));
    else this.report(new InputError(`unknown step ${quote(op)}${didYouMean(op, TABLE.keys())}`, loc));
    return null;
  }

  // --- locks -----------------------------------------------------------------------------

  /** Resolve a lock reference written at `pos`, checking that its class is declared and fits. */
  resolveLock(text: string, pos: Pos, op: string, types: readonly LockType[], typeName: string): { ref: LockRef; decl: LockDecl } | null {
    const ref = this.ref(text);
    if ('error' in ref) {
      this.report(new InputError(`invalid lock reference ${quote(text)}: ${ref.error}`, pos.loc()));
      return null;
    }
    const decl = this.env.lock(ref.cls);
    if (!decl) {
      this.report(new InputError(`undeclared lock ${quote(ref.cls)}${didYouMean(ref.cls, this.env.lockNames()) || ' (declare it under `locks:`)'}`, pos.loc()));
      return null;
    }
    if (types.length > 0 && !types.includes(decl.type)) {
      this.report(new InputError(`\`${op}\` takes ${typeName}, but ${quote(ref.cls)} is ${aType(decl.type)}${suggestFor(decl.type)}`, pos.loc()));
      return null;
    }
    return { ref, decl };
  }

  private checkMode(mode: AcquireMode, decl: LockDecl, pos: Pos): boolean {
    if (mode === 'write') return true;
    if (mode === 'read' && READ_TYPES.has(decl.type)) return true;
    if (mode === 'recursive_read' && RECURSIVE_READ_TYPES.has(decl.type)) return true;
    const allowed =
      decl.type === 'rwsem' || decl.type === 'percpu_rwsem'
        ? 'read or write'
        : 'write (read modes are for rwsem, percpu_rwsem, rwlock, map and srcu; recursive_read for rwlock, map and srcu)';
    this.report(new InputError(`mode ${quote(mode)} is not valid for ${quote(decl.name)}, ${aType(decl.type)}: expected ${allowed}`, pos.loc()));
    return false;
  }

  /** `lock`, `trylock`, the acquire aliases, and the lock of `with`. */
  acquire(x: Ctx, spec: AcquireSpec): AcquireStep | null {
    return this.acquireFrom(x.arg, x.argPos, x.op, x.loc, x.label, spec, x.depth);
  }

  /** The argument's shape was validated by the step's schema (string, or a map with `name`). */
  private acquireFrom(arg: unknown, argPos: Pos, op: string, loc: SourceLoc, label: string, spec: AcquireSpec, depth: number): AcquireStep | null {
    const a: Record<string, unknown> = typeof arg === 'string' ? { name: arg } : (arg as Record<string, unknown>);
    const namePos = typeof arg === 'string' ? argPos : argPos.child('name');
    let ok = true;
    if (a.ctx !== undefined && r0(a.name) !== null && this.env.lock(r0(a.name)!)?.type !== 'ww_mutex') {
      this.report(new InputError(`\`${op}\`: \`ctx\` is a ww acquire context, for a ww_mutex only`, argPos.keyLoc('ctx')));
      ok = false;
    }
    for (const f of ['on_edeadlk', 'result']) {
      if (a[f] !== undefined && a.ctx === undefined) {
        this.report(new InputError(`\`${op}\`: \`${f}\` is about -EDEADLK, which only a ww_mutex locked in an acquire context (\`ctx\`) returns`, argPos.keyLoc(f)));
        ok = false;
      }
    }
    if (a.on_edeadlk !== undefined && a.result !== undefined) {
      this.report(new InputError(`\`${op}\`: \`on_edeadlk\` (a back-off path) and \`result: edeadlk\` (an attempt that fails) exclude each other`, argPos.keyLoc('result')));
      ok = false;
    }
    const backOff = a.on_edeadlk !== undefined ? this.body(a.on_edeadlk, argPos.child('on_edeadlk'), { op, arg: a, argPos, loc, label, depth }) : undefined;
    const r = this.resolveLock(a.name as string, namePos, op, spec.types, spec.typeName);
    if (!r) return null;
    const mode = (a.mode as AcquireMode | undefined) ?? spec.mode ?? 'write';
    if (a.mode !== undefined && !this.checkMode(mode, r.decl, argPos.child('mode'))) ok = false;
    let nestLock: LockRef | null = null;
    if (typeof a.nest_lock === 'string') {
      const n = this.resolveLock(a.nest_lock, argPos.child('nest_lock'), op, ANY_TYPE, '');
      if (n) nestLock = n.ref;
      else ok = false;
    }
    if (!ok) return null;
    const step: AcquireStep = {
      op: 'acquire',
      loc,
      label,
      lock: r.ref,
      mode,
      subclass: (a.nested as number | undefined) ?? 0,
      nestLock,
      trylock: spec.trylock ?? false,
      irq: spec.irq ?? 'none',
    };
    if (typeof a.ctx !== 'string') return step;
    return {
      ...step,
      ctx: a.ctx,
      slow: spec.slow ?? false,
      ...(backOff ? { onEdeadlk: backOff } : {}),
      ...(a.result === 'edeadlk' ? { result: 'edeadlk' as const } : {}),
    };
  }

  release(x: Ctx, types: readonly LockType[], typeName: string, irq: IrqEffect): Step | null {
    const text = typeof x.arg === 'string' ? x.arg : ((x.arg as { name: string }).name);
    const pos = typeof x.arg === 'string' ? x.argPos : x.argPos.child('name');
    const r = this.resolveLock(text, pos, x.op, types, typeName);
    if (!r) return null;
    return { op: 'release', loc: x.loc, label: x.label, lock: r.ref, irq };
  }

  /** A step whose argument is just a lock: downgrade_write, assert_held, cond_resched_lock, lock_sync. */
  lockOp(x: Ctx, op: 'downgrade_write' | 'assert_held' | 'cond_resched_lock' | 'lock_sync', types: readonly LockType[], typeName: string): Step | null {
    const text = typeof x.arg === 'string' ? x.arg : ((x.arg as { name: string }).name);
    const pos = typeof x.arg === 'string' ? x.argPos : x.argPos.child('name');
    const r = this.resolveLock(text, pos, x.op, types, typeName);
    if (!r) return null;
    return { op, loc: x.loc, label: x.label, lock: r.ref };
  }

  mightLock(x: Ctx): Step | null {
    const a: Record<string, unknown> = typeof x.arg === 'string' ? { name: x.arg } : (x.arg as Record<string, unknown>);
    const pos = typeof x.arg === 'string' ? x.argPos : x.argPos.child('name');
    const r = this.resolveLock(a.name as string, pos, x.op, ANY_TYPE, '');
    if (!r) return null;
    const mode = (a.mode as AcquireMode | undefined) ?? 'write';
    if (!this.checkMode(mode, r.decl, x.argPos.child('mode'))) return null;
    return { op: 'might_lock', loc: x.loc, label: x.label, lock: r.ref, mode, subclass: (a.nested as number | undefined) ?? 0 };
  }

  /** The mmap_* and i_mmap_* aliases, on the kernel model's classes. */
  fixed(x: Ctx, fixed: FixedSpec, kind: 'acquire' | 'release' | 'downgrade', mode: AcquireMode, trylock: boolean): Step | null {
    const decl = this.env.lock(fixed.cls);
    if (!decl) {
      this.report(new InputError(`\`${x.op}\` acts on the kernel model's \`${fixed.cls}\`, which is not declared: add \`include: [kernel]\``, x.loc));
      return null;
    }
    if (decl.type !== 'rwsem') {
      this.report(new InputError(`\`${x.op}\` takes an rwsem, but ${quote(fixed.cls)} is declared as ${aType(decl.type)}`, x.loc));
      return null;
    }
    let instance: string | null = null;
    if (typeof x.arg === 'string') {
      const p = nameProblem(x.arg);
      if (p) {
        this.report(new InputError(`\`${x.op}\` takes the name of an ${fixed.what} instance: ${p}`, x.argPos.loc()));
        return null;
      }
      instance = x.arg;
    }
    const lock = this.ref(instance === null ? fixed.cls : `${fixed.cls}[${instance}]`) as LockRef;
    if (kind === 'release') return { op: 'release', loc: x.loc, label: x.label, lock, irq: 'none' };
    if (kind === 'downgrade') return { op: 'downgrade_write', loc: x.loc, label: x.label, lock };
    return { op: 'acquire', loc: x.loc, label: x.label, lock, mode, subclass: 0, nestLock: null, trylock, irq: 'none' };
  }

  withStep(x: Ctx): Step | null {
    const v = x.arg as { with: unknown; do: unknown[] };
    const acquire = this.acquireFrom(v.with, x.argPos.child('with'), 'with', x.loc, x.label, { types: ANY_TYPE, typeName: '' }, x.depth);
    const body = this.body(v.do, x.argPos.child('do'), x);
    if (!acquire) return null;
    return { op: 'with', loc: x.loc, label: x.label, acquire, body };
  }

  ifStep(x: Ctx): Step | null {
    const v = x.arg as { then?: unknown[]; else?: unknown[] };
    const then = v.then ? this.body(v.then, x.argPos.child('then'), x) : [];
    const els = v.else ? this.body(v.else, x.argPos.child('else'), x) : [];
    return { op: 'if_blockable', loc: x.loc, label: x.label, then, else: els };
  }

  // --- calls and hooks -------------------------------------------------------------------

  /** A step that uses the kernel model's `mmap_lock` (HMM, page faults). */
  needsMm(x: Ctx, step: Step): Step | null {
    if (this.env.lock('mmap_lock')) return step;
    this.report(new InputError(`\`${x.op}\` uses the kernel model's \`mmap_lock\`, which is not declared: add \`include: [kernel]\``, x.loc));
    return null;
  }

  /** A step naming a fence: it must be declared under `fences:`. */
  fenceStep(x: Ctx, make: (fence: string) => Step): Step | null {
    const fence = x.arg as string;
    if (this.env.hasFence(fence)) return make(fence);
    this.report(new InputError(`undeclared fence ${quote(fence)}${didYouMean(fence, this.env.fenceNames()) || ' (declare it under `fences:`)'}`, x.argPos.loc()));
    return null;
  }

  signalling(x: Ctx): Step | null {
    if (Array.isArray(x.arg)) return { op: 'signalling', loc: x.loc, label: x.label, fences: [], body: this.body(x.arg, x.argPos, x) };
    const a = x.arg as { fences?: string[]; do: unknown[] };
    const fences: string[] = [];
    (a.fences ?? []).forEach((f, i) => {
      if (this.env.hasFence(f)) fences.push(f);
      else this.report(new InputError(`undeclared fence ${quote(f)}${didYouMean(f, this.env.fenceNames()) || ' (declare it under `fences:`)'}`, x.argPos.child('fences').child(i).loc()));
    });
    return { op: 'signalling', loc: x.loc, label: x.label, fences, body: this.body(a.do, x.argPos.child('do'), x) };
  }

  call(x: Ctx): Step | null {
    const fn = x.arg as string;
    if (!this.env.hasFunction(fn)) {
      this.report(new InputError(`undeclared function ${quote(fn)}${didYouMean(fn, this.env.functionNames()) || ' (declare it under `functions:`)'}`, x.argPos.loc()));
      return null;
    }
    return { op: 'call', loc: x.loc, label: x.label, fn };
  }

  invoke(x: Ctx): Step | null {
    const a = typeof x.arg === 'string' ? { hook: x.arg } : (x.arg as { hook: string; blockable?: boolean });
    const pos = typeof x.arg === 'string' ? x.argPos : x.argPos.child('hook');
    if (!this.env.hasHook(a.hook)) {
      const candidates = new Set<string>([...this.env.hookNames(), ...KERNEL_HOOK_SET]);
      this.report(
        new InputError(
          `unknown hook ${quote(a.hook)}: no function is registered for it under \`hooks:\` and the kernel does not invoke it${didYouMean(a.hook, candidates)}`,
          pos.loc(),
        ),
      );
      return null;
    }
    return { op: 'invoke', loc: x.loc, label: x.label, hook: a.hook, blockable: a.blockable ?? null };
  }
}

export function isKernelHook(hook: string): boolean {
  return KERNEL_HOOK_SET.has(hook);
}

function describe(v: unknown): string {
  if (v === null || v === undefined) return 'nothing';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a map';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** `a mutex`, `an rwsem`. */
export function aType(type: LockType): string {
  return `${['rwsem', 'rwlock', 'rt_mutex', 'srcu'].includes(type) ? 'an' : 'a'} ${type}`;
}

function suggestFor(type: LockType): string {
  switch (type) {
    case 'mutex':
    case 'rt_mutex':
      return ' (use `mutex_lock`/`mutex_unlock`, or `lock`/`unlock`)';
    case 'spinlock':
      return ' (use `spin_lock*`/`spin_unlock*`)';
    case 'raw_spinlock':
      return ' (use `raw_spin_lock*`/`raw_spin_unlock*`)';
    case 'rwlock':
      return ' (use `read_lock*`/`write_lock*`)';
    case 'rwsem':
      return ' (use `down_read`/`down_write`, `up_read`/`up_write`)';
    case 'percpu_rwsem':
      return ' (use `percpu_down_read`/`percpu_down_write`)';
    case 'ww_mutex':
      return ' (use `ww_mutex_lock`/`dma_resv_lock`)';
    case 'srcu':
      return ' (use `srcu_read_lock`/`srcu_read_unlock`, `synchronize_srcu`)';
    case 'map':
      return ' (use `lock_map_acquire*`/`lock_map_release`)';
    default:
      return ' (use `lock`/`unlock`)';
  }
}
