/**
 * Lock classes of an imported report: what each lockdep class is in the scenario format
 * (a built-in pseudo-lock, a class of the kernel model, a workqueue map, an RCU section, or a
 * lock to declare), its readable scenario name, its type — inferred from the wait-type pair,
 * the usage characters, the primitives that took it and well-known names — and the kernel
 * profile those numbers imply.
 */
import type { KernelProfile, LockType } from '../model/scenario.js';
import { primitive, splitStack, type Prim } from './classify.js';
import type { PrintedFrame, KernelReport, ReportLock } from './report.js';

export type ClassKind =
  | { readonly kind: 'builtin' }
  | { readonly kind: 'kernel'; readonly name: KernelLockName }
  | { readonly kind: 'ww_acquire'; readonly wwClass: string }
  | { readonly kind: 'work'; readonly item: string }
  | { readonly kind: 'queue'; readonly queue: string }
  | { readonly kind: 'rcu'; readonly flavour: 'rcu' | 'rcu_bh' | 'rcu_sched' }
  | { readonly kind: 'decl' };

export interface ClassInfo {
  /** The lockdep name without subclass. */
  readonly base: string;
  readonly what: ClassKind;
  /** Scenario name (declared locks, kernel classes), or the lockdep name. */
  key: string;
  type: LockType;
  wwClass?: string;
  /** Why the type is a guess, if it is. */
  guess: string | null;
  usage: string | null;
  wait: readonly [number, number] | null;
  /** Used at all by the generated steps (declared only then). */
  used: boolean;
  /** A workqueue map that has to be declared (not held as a work item's own pair). */
  mapDecl?: boolean;
  /** The report's instance pointers seen for this class. */
  readonly instances: Set<string>;
  readonly hints: Prim[];
}

export const BUILTIN = new Set(['fs_reclaim', 'dma_fence_map', 'mmu_notifier_invalidate_range_start']);
const PERCPU_NAMES = /^(?:sb_writers|sb_pagefaults|sb_internal|cpu_hotplug_lock|cgroup_threadgroup_rwsem|&(?:sbi|fs_info)->\w*rwsem|mapping\.invalidate_lock|&pcpu_)/;

/** `&obj->lock/1` → [`&obj->lock`, 1]. */
export function splitSubclass(name: string): [string, number] {
  const m = /^(.*)\/(\d)$/.exec(name);
  return m ? [m[1]!, Number(m[2])] : [name, 0];
}

/** The kernel model's locks: scenario name, lockdep class, type. */
const KERNEL_LOCKS = [
  { name: 'mmap_lock', lockdep: '&mm->mmap_lock', type: 'rwsem' },
  { name: 'i_mmap_rwsem', lockdep: '&mapping->i_mmap_rwsem', type: 'rwsem' },
  { name: 'dma_resv', lockdep: 'reservation_ww_class_mutex', type: 'ww_mutex' },
] as const;
export type KernelLockName = (typeof KERNEL_LOCKS)[number]['name'];

/** The kernel model's locks by their scenario names, as lockdep names their classes. */
export const KERNEL_MODEL_LOCKS: ReadonlyMap<string, string> = new Map(KERNEL_LOCKS.map((k) => [k.name, k.lockdep]));

/** The type of a kernel-model lock. */
export function kernelLockType(name: KernelLockName): LockType {
  return KERNEL_LOCKS.find((k) => k.name === name)!.type;
}

export function classKind(base: string): ClassKind {
  if (BUILTIN.has(base)) return { kind: 'builtin' };
  const kernel = KERNEL_LOCKS.find((k) => k.lockdep === base);
  if (kernel) return { kind: 'kernel', name: kernel.name };
  let m = /^(.+)_acquire$/.exec(base);
  if (m && /ww_class$|_ww$|ww_class/.test(m[1]!)) return { kind: 'ww_acquire', wwClass: m[1]! };
  m = /^\(work_completion\)(.+)$/.exec(base);
  if (m) return { kind: 'work', item: m[1]! };
  m = /^\(wq_completion\)(.+)$/.exec(base);
  if (m) return { kind: 'queue', queue: m[1]! };
  if (base === 'rcu_read_lock') return { kind: 'rcu', flavour: 'rcu' };
  if (base === 'rcu_read_lock_bh') return { kind: 'rcu', flavour: 'rcu_bh' };
  if (base === 'rcu_read_lock_sched') return { kind: 'rcu', flavour: 'rcu_sched' };
  return { kind: 'decl' };
}

/** A readable scenario name for a lockdep class name. */
export function readableName(base: string): string {
  let s = base;
  const rl = /^&\(&(.+)\)->rlock$/.exec(s);
  if (rl) s = rl[1]!;
  s = s.replace(/^&/, '').replace(/\[[^\]]*\]/g, '').replace(/^\((.*)\)$/, '$1').replace(/^&/, '');
  s = s.replace(/[()[\]]/g, '').replace(/\s+/g, ' ').trim();
  return s === '' ? 'lock' : s;
}

function readBits(usage: string | null): { read: boolean; write: boolean } {
  if (!usage) return { read: false, write: false };
  const u = usage.replace(/[{}]/g, '');
  return { write: u[0] !== '.' || u[2] !== '.', read: (u[1] ?? '.') !== '.' || (u[3] ?? '.') !== '.' };
}

/** Taken in irq context somewhere (`-` or `?` in the usage string): a spinning lock. */
export function irqSafe(usage: string | null): { hard: boolean; soft: boolean } {
  const u = (usage ?? '').replace(/[{}]/g, '');
  return { hard: /[-?]/.test(u.slice(0, 2)), soft: /[-?]/.test(u.slice(2, 4)) };
}

/** Whether a usage string shows the class taken with hardirqs / softirqs enabled; null when none was printed. */
export function irqEnabled(usage: string | null): { hard: boolean; soft: boolean } | null {
  if (usage === null) return null;
  const u = usage.replace(/[{}]/g, '');
  return { hard: /[+?]/.test(u.slice(0, 2)), soft: /[+?]/.test(u.slice(2, 4)) };
}

export interface ProfileChoice {
  readonly profile: KernelProfile;
  readonly why: string;
  readonly guessed: boolean;
  /**
   * The report prints wait types as with PROVE_RAW_LOCK_NESTING (a mutex {4:4}, a spinlock_t
   * {3:3}), default from v6.13 and a config option before: how its numbers are read.
   */
  readonly rawNesting: boolean;
}

/**
 * The release from which each profile's lockdep behaviour is the kernel's: the 6.13 profile's
 * read-trylock dma_fence_begin_signalling() landed in v6.8 (its raw-nesting default only in
 * v6.13, which the report's own wait types show).
 */
const PROFILE_SINCE: Readonly<Record<KernelProfile, readonly [number, number]>> = { '5.10': [5, 10], '6.13': [6, 8] };

function release(v: string | null): [number, number] | null {
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function atLeast(v: readonly [number, number], since: readonly [number, number]): boolean {
  return v[0] > since[0] || (v[0] === since[0] && v[1] >= since[1]);
}

/** The newest profile whose behaviour applies to a release (the oldest one before all of them). */
function profileOfRelease(v: readonly [number, number]): { profile: KernelProfile; older: boolean } {
  const applies = (Object.entries(PROFILE_SINCE) as [KernelProfile, readonly [number, number]][])
    .filter(([, since]) => atLeast(v, since))
    .sort(([, a], [, b]) => (atLeast(a, b) ? -1 : 1));
  if (applies.length > 0) return { profile: applies[0]![0], older: false };
  const oldest = (Object.entries(PROFILE_SINCE) as [KernelProfile, readonly [number, number]][]).sort(([, a], [, b]) => (atLeast(a, b) ? 1 : -1))[0]!;
  return { profile: oldest[0], older: true };
}

function family(hints: readonly Prim[]): 'spin' | 'sleep' | null {
  for (const h of hints) {
    if (['spin', 'raw_spin', 'rwlock'].includes(h.op)) return 'spin';
    if (['mutex', 'rt_mutex', 'rwsem', 'percpu_rwsem', 'ww_mutex', 'mmap', 'i_mmap'].includes(h.op)) return 'sleep';
  }
  return null;
}

/** What the wait types printed say about PROVE_RAW_LOCK_NESTING; null when they do not tell. */
function waitNumbering(report: KernelReport, classes: ReadonlyMap<string, ClassInfo>): { raw: boolean; why: string } | { raw: null; saw3: boolean; any: boolean } {
  let saw3 = false;
  let spin3 = false;
  let sleep3 = false;
  let any = false;
  for (const c of classes.values()) {
    if (!c.wait) continue;
    any = true;
    const [o, i] = c.wait;
    if (o === 4 || i === 4) return { raw: true, why: `{4:4} (a sleeping lock with PROVE_RAW_LOCK_NESTING) on ${c.base}` };
    if (i === 3 && o === 3) {
      saw3 = true;
      const f = family(c.hints);
      const safe = irqSafe(c.usage);
      // Taken by a sleeping primitive, it sleeps, irq-safe or not (a threaded handler may).
      if (f === 'spin' || (f !== 'sleep' && (safe.hard || safe.soft))) spin3 = true;
      else if (f === 'sleep' || c.what.kind === 'kernel' || PERCPU_NAMES.test(c.base) || /mutex|_sem$|rwsem|->lock_class$/.test(c.base)) sleep3 = true;
    }
  }
  if (report.context === 5) return { raw: true, why: 'context-{5:5}' };
  if (report.context === 4) return { raw: false, why: 'context-{4:4}' };
  if (spin3) return { raw: true, why: 'a spinning lock printed {3:3}' };
  if (sleep3) return { raw: false, why: 'a sleeping lock printed {3:3} (no PROVE_RAW_LOCK_NESTING)' };
  return { raw: null, saw3, any };
}

/**
 * The profile of the report's release, from its own version line (the newest profile that
 * applies); without one, the profile its wait-type numbering implies: with
 * PROVE_RAW_LOCK_NESTING (default from v6.13) a mutex prints {4:4} and a spinlock_t {3:3};
 * without it {3:3} and {2:2}.
 */
export function chooseProfile(report: KernelReport, classes: ReadonlyMap<string, ClassInfo>): ProfileChoice {
  if (report.profile !== null) return { profile: report.profile, why: 'the profile fencedep\'s report names', guessed: false, rawNesting: report.profile === '6.13' };
  const numbering = waitNumbering(report, classes);
  const v = release(report.version);
  // Raw-spinlock nesting is checked by the 6.13 profile only: a report printed with it needs it.
  if (numbering.raw === true && (!v || !atLeast(v, PROFILE_SINCE['6.13']))) {
    return { profile: '6.13', why: `${numbering.why}${v ? ` (kernel ${report.version}): the profile that checks raw-spinlock nesting` : ''}`, guessed: false, rawNesting: true };
  }
  if (v) {
    const { profile, older } = profileOfRelease(v);
    const since = PROFILE_SINCE[profile];
    const raw = numbering.raw ?? atLeast(v, [6, 13]);
    const how = numbering.raw !== null ? `; ${numbering.why}` : numbering.saw3 ? `; {3:3} read as ${raw ? 'spinlock_t' : 'a sleeping lock'}` : '';
    const why = older
      ? `kernel ${report.version} is older than every profile: the oldest (${profile}) assumed${how}`
      : `kernel ${report.version}: the newest profile that applies (from v${since[0]}.${since[1]})${how}`;
    return { profile, why, guessed: older, rawNesting: raw };
  }
  if (numbering.raw !== null) return { profile: numbering.raw ? '6.13' : '5.10', why: numbering.why, guessed: false, rawNesting: numbering.raw };
  if (numbering.saw3) return { profile: '5.10', why: '{3:3} read as a sleeping lock: kernel release not printed', guessed: true, rawNesting: false };
  return { profile: '6.13', why: 'no wait type or kernel release tells (the default profile)', guessed: true, rawNesting: true };
}

/** Infer the type of a declared class. */
export function inferType(c: ClassInfo, rawNesting: boolean): void {
  if (c.what.kind !== 'decl') return;
  const name = c.base;
  const rw = readBits(c.usage);
  const safe = irqSafe(c.usage);
  const hint = (ops: Prim['op'][]): boolean => c.hints.some((h) => ops.includes(h.op));
  const set = (type: LockType, guess: string | null): void => {
    c.type = type;
    c.guess = guess;
  };
  const wwm = /^(.+)_mutex$/.exec(name);
  if (wwm && /ww_class$/.test(wwm[1]!)) {
    c.type = 'ww_mutex';
    c.wwClass = wwm[1]!;
    c.guess = null;
    return;
  }
  if (hint(['ww_mutex'])) {
    set('ww_mutex', null);
    c.wwClass = name.replace(/_mutex$/, '');
    return;
  }
  if (PERCPU_NAMES.test(name) || hint(['percpu_rwsem'])) return set('percpu_rwsem', PERCPU_NAMES.test(name) ? null : null);
  if (hint(['srcu', 'srcu_sync'])) return set('srcu', null);
  const w = c.wait;
  const sleepW = rawNesting ? 4 : 3;
  const spinW = rawNesting ? 3 : 2;
  const sleepingType = (): void => {
    if (hint(['rt_mutex'])) return set('rt_mutex', null);
    if (hint(['rwsem']) || hint(['mmap', 'i_mmap'])) return set('rwsem', null);
    if (hint(['mutex'])) return set('mutex', null);
    if (rw.read) return set('rwsem', 'read acquisitions in the usage string, so an rw_semaphore');
    if (/(?:^|[_>.])(?:\w*_)?(?:rwsem|sem)$|i_rwsem|i_mutex_dir_key|i_mutex_key/.test(name)) return set('rwsem', 'the name says rw_semaphore');
    if (/mutex|mtx/.test(name)) return set('mutex', null);
    if (/lock$/.test(name)) return set('mutex', 'a sleeping lock taken exclusively: a mutex');
    return set('mutex', 'a sleeping lock taken exclusively: a mutex');
  };
  const spinningType = (raw: boolean | null): void => {
    if (hint(['rwlock']) || (rw.read && !hint(['spin', 'raw_spin']))) return set('rwlock', hint(['rwlock']) ? null : 'read acquisitions of a spinning lock: an rwlock_t');
    if (raw === true || hint(['raw_spin'])) return set('raw_spinlock', null);
    if (raw === null) return set('spinlock', `{${w?.[0]}:${w?.[1]}} without PROVE_RAW_LOCK_NESTING is spinlock_t or raw_spinlock_t: spinlock_t assumed`);
    return set('spinlock', null);
  };
  if (w) {
    const [o, i] = w;
    if (o === 0 && i === 0) {
      if (hint(['spin', 'raw_spin', 'rwlock', 'mutex', 'rwsem'])) {
        // A class of the novalidate kind or a local_lock: follow the primitive.
        return hint(['mutex']) ? set('mutex', null) : hint(['rwsem']) ? set('rwsem', null) : set('spinlock', null);
      }
      return set('map', name.startsWith('(') || /lockdep_map|_map$/.test(name) ? null : 'no wait type ({0:0}): a lockdep_map');
    }
    if (i === sleepW) return sleepingType();
    if (i === spinW && rawNesting) return spinningType(false);
    if (i === 2 && rawNesting) return spinningType(true);
    if (i === 2 && !rawNesting) return spinningType(hint(['raw_spin']) ? true : /^&rq->|&p->pi_lock|irq_desc_lock_class|&base->lock|&hb->lock|console_owner|logbuf_lock|&cpu_base->lock|&rt_b->|&zone->lock/.test(name) ? true : null);
    if (i === 1 || o === 1) return set('map', 'an RCU-like map (wait type FREE)');
  }
  // No wait type: usage and primitives.
  if (safe.hard || safe.soft || hint(['spin', 'raw_spin', 'rwlock'])) return spinningType(hint(['raw_spin']) ? true : null);
  if (hint(['mutex', 'rwsem', 'rt_mutex'])) return sleepingType();
  if (name.startsWith('(')) return set('map', null);
  sleepingType();
  if (!c.guess) c.guess = 'no wait type printed: a mutex assumed';
}

/** Every lock the report mentions, with the primitives that took it (type hints). */
export function collectLocks(report: KernelReport): { ref: ReportLock; frames: readonly PrintedFrame[] }[] {
  const out: { ref: ReportLock; frames: readonly PrintedFrame[] }[] = [];
  const add = (ref: ReportLock | null, frames: readonly PrintedFrame[] = []): void => {
    if (ref) out.push({ ref, frames });
  };
  add(report.next, report.backtrace);
  add(report.prev);
  for (const e of report.chain) add(e.lock, e.frames);
  add(report.safe, report.safeAt?.frames ?? []);
  add(report.unsafe, report.unsafeAt?.frames ?? []);
  add(report.other);
  add(report.notAllowedInside);
  for (const b of [...report.backwardDeps, ...report.forwardDeps]) {
    add(b.lock, b.acquiredAt);
    for (const u of b.usages) add(b.lock, u.frames);
  }
  if (report.registered && report.next) add(report.next, report.registered.frames);
  for (const h of report.held ?? []) add(h.lock);
  return out;
}

/** The primitive ops among the innermost frames and the `at:` frames of a lock line. */
export function hintsOf(ref: ReportLock, frames: readonly PrintedFrame[]): Prim[] {
  const out: Prim[] = [];
  const keep = (p: Prim | null): void => {
    if (p && p.op !== 'unlock' && p.op !== 'sleep' && p.op !== 'alloc') out.push(p);
  };
  for (const f of ref.at) keep(primitive(f.fn));
  for (const p of splitStack(frames).prims) keep(p);
  return out;
}
