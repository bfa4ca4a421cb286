/**
 * What each lock type implies, in one table: whether taking it may sleep or spins, which
 * acquisition modes it has, and lockdep's wait types for it. The loader (mode checks, type
 * names in messages), the replay (lock classes) and the documentation all read it here.
 *
 * Pure data: this module imports nothing but the model's own types.
 */
import type { AcquireMode, LockType, RcuFlavour } from './scenario.js';

/** lockdep's `enum lockdep_wait_type`, in its order (LD_WAIT_INV = 0 … LD_WAIT_SLEEP = 4). */
export const WAIT_TYPES = ['inv', 'free', 'spin', 'config', 'sleep'] as const;
export type WaitType = (typeof WAIT_TYPES)[number];

export interface LockTypeInfo {
  /** `a` or `an`, as the name is read (`an rwsem`, `a raw_spinlock`). */
  readonly article: 'a' | 'an';
  /** Taking it may sleep (might_sleep() in the lock function): checked against atomic context. */
  readonly sleeping: boolean;
  /** A spinning lock: holding it makes the context atomic. */
  readonly spinning: boolean;
  /** The acquisition modes a step may ask for (`write` is the exclusive one every type has). */
  readonly modes: readonly AcquireMode[];
  /** lockdep's wait types of the class: what it is (inner) and what it allows inside (outer; `inv`: same as inner). */
  readonly waitInner: WaitType;
  readonly waitOuter: WaitType;
  /** One line: what the kernel's lock of this type is. */
  readonly description: string;
  /** The steps to use with it, for messages that reject a step for this type. */
  readonly steps: string;
}

export const LOCK_TYPE_TABLE: Readonly<Record<LockType, LockTypeInfo>> = {
  mutex: {
    article: 'a', sleeping: true, spinning: false, modes: ['write'], waitInner: 'sleep', waitOuter: 'inv',
    description: 'struct mutex: a sleeping lock with one owner',
    steps: '`mutex_lock`/`mutex_unlock`, or `lock`/`unlock`',
  },
  rt_mutex: {
    article: 'an', sleeping: true, spinning: false, modes: ['write'], waitInner: 'sleep', waitOuter: 'inv',
    description: 'struct rt_mutex: a sleeping lock with priority inheritance',
    steps: '`mutex_lock`/`mutex_unlock`, or `lock`/`unlock`',
  },
  spinlock: {
    article: 'a', sleeping: false, spinning: true, modes: ['write'], waitInner: 'config', waitOuter: 'inv',
    description: 'spinlock_t: spins, and makes the holder atomic (a sleeping lock on PREEMPT_RT, hence its wait type)',
    steps: '`spin_lock*`/`spin_unlock*`',
  },
  raw_spinlock: {
    article: 'a', sleeping: false, spinning: true, modes: ['write'], waitInner: 'spin', waitOuter: 'inv',
    description: 'raw_spinlock_t: spins and makes the holder atomic on every configuration',
    steps: '`raw_spin_lock*`/`raw_spin_unlock*`',
  },
  rwlock: {
    article: 'an', sleeping: false, spinning: true, modes: ['write', 'read', 'recursive_read'], waitInner: 'config', waitOuter: 'inv',
    description: 'rwlock_t: a spinning reader-writer lock (queued: readers are recursive in interrupts)',
    steps: '`read_lock*`/`write_lock*`',
  },
  rwsem: {
    article: 'an', sleeping: true, spinning: false, modes: ['write', 'read'], waitInner: 'sleep', waitOuter: 'inv',
    description: 'struct rw_semaphore: a sleeping reader-writer lock (readers are not recursive)',
    steps: '`down_read`/`down_write`, `up_read`/`up_write`',
  },
  percpu_rwsem: {
    article: 'a', sleeping: true, spinning: false, modes: ['write', 'read'], waitInner: 'sleep', waitOuter: 'inv',
    description: 'struct percpu_rw_semaphore: a sleeping reader-writer lock, cheap for readers',
    steps: '`percpu_down_read`/`percpu_down_write`',
  },
  ww_mutex: {
    article: 'a', sleeping: true, spinning: false, modes: ['write'], waitInner: 'sleep', waitOuter: 'inv',
    description: 'struct ww_mutex (a dma_resv): a sleeping lock taken in acquire contexts that back off on -EDEADLK',
    steps: '`ww_mutex_lock`/`dma_resv_lock`',
  },
  semaphore: {
    article: 'a', sleeping: true, spinning: false, modes: ['write'], waitInner: 'inv', waitOuter: 'inv',
    description: 'struct semaphore: sleeps, but lockdep does not track it (only the sleep check applies)',
    steps: '`lock`/`unlock`',
  },
  srcu: {
    article: 'an', sleeping: false, spinning: false, modes: ['write', 'read', 'recursive_read'], waitInner: 'inv', waitOuter: 'inv',
    description: 'struct srcu_struct: sleepable RCU, whose readers lockdep tracks as recursive readers of a map',
    steps: '`srcu_read_lock`/`srcu_read_unlock`, `synchronize_srcu`',
  },
  map: {
    article: 'a', sleeping: false, spinning: false, modes: ['write', 'read', 'recursive_read'], waitInner: 'inv', waitOuter: 'inv',
    description: 'struct lockdep_map: a lockdep annotation with no lock behind it (dma_fence_map, fs_reclaim, work items)',
    steps: '`lock_map_acquire*`/`lock_map_release`',
  },
};

/** The lockdep classes of RCU read-side sections (rcu_lock_map, rcu_bh_lock_map, rcu_sched_lock_map), by flavour. */
export const RCU_LOCK_CLASSES: Readonly<Record<RcuFlavour, string>> = { rcu: 'rcu_read_lock', rcu_bh: 'rcu_read_lock_bh', rcu_sched: 'rcu_read_lock_sched' };

/** `a mutex`, `an rwsem`. */
export function aType(type: LockType): string {
  return `${LOCK_TYPE_TABLE[type].article} ${type}`;
}

/** `mutex or rt_mutex`, `spinlock, raw_spinlock or rwlock` (with `and`: `map and srcu`). */
export function typeNames(types: readonly LockType[], conjunction: 'or' | 'and' = 'or'): string {
  const head = types.slice(0, -1);
  return `${head.length ? `${head.join(', ')} ${conjunction} ` : ''}${types[types.length - 1] ?? ''}`;
}

/** `a mutex or rt_mutex`, `a spinlock, raw_spinlock or rwlock`; `a lock` for any type. */
export function typeList(types: readonly LockType[]): string {
  return types.length === 0 ? 'a lock' : `${LOCK_TYPE_TABLE[types[0]!].article} ${typeNames(types)}`;
}

/** The lock types that have a mode. */
export function typesWithMode(mode: AcquireMode): LockType[] {
  return (Object.keys(LOCK_TYPE_TABLE) as LockType[]).filter((t) => LOCK_TYPE_TABLE[t].modes.includes(mode));
}
