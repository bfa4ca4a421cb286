/*
 * The lockdep model (torvalds/linux kernel/locking/lockdep.c), replayed over scenario paths.
 *
 * Detected, as lockdep detects them:
 *  - lock inversion: a new dependency prev → next with a strong path next ⇝ prev
 *    (circular-dependency; recursive-locking when the cycle is one class);
 *  - recursive locking of one class on the held stack without subclass or nest_lock;
 *  - irq-safe → irq-unsafe dependencies, inconsistent irq usage of a class, irq inversions;
 *  - invalid wait contexts (raw nesting in the 6.13 profile);
 *  - releases of locks that are not held, acquisitions whose nest_lock is not held;
 * plus the scheduler's might_sleep() check and lockdep_assert_held().
 *
 * As in lockdep, each chain of held classes is validated once (the chain-key memo), and a
 * dependency is checked when it is first recorded or gains a new kind. Unlike lockdep, the
 * replay goes on after a finding, as if the operation had succeeded.
 */
import type { LockLine, TraceStep } from '../model/finding.js';
import type { LockdepLimits } from '../model/limits.js';
import { framesOf, type Frame, type SourceLoc } from '../model/location.js';
import { RCU_LOCK_CLASSES } from '../model/lock-types.js';
import { hookFamily, stepSpelling } from '../model/vocabulary.js';
import type { KernelProfile, LockDecl, LockRef } from '../model/scenario.js';
import {
  ClassTable, Wait, waitValue, ENABLED_HARDIRQ, ENABLED_SOFTIRQ, LOCK_USED, LOCK_USED_READ, LOCKF_ENABLED_IRQ_ALL, LOCKF_IRQ,
  LOCKF_IRQ_READ, LOCKF_USED_IN_IRQ_ALL, LockClass, lockLine, stateName, USAGE_DIR, USAGE_READ, usageName,
  USED_IN_HARDIRQ, USED_IN_SOFTIRQ,
} from './classes.js';
import type { DependencyStep, Detections, DetectionSink, Site, UsageBecame } from './detections.js';
import { depKind, DependencyGraph, kindNames, type Dependency, type PathHit, type ReadKind } from './graph.js';
import type { GraphExport } from '../model/graph.js';
import { HeldLock, Task } from './task.js';

const INITIAL_KEY = 0;

/** lockdep's per-task held-lock stack size (MAX_LOCK_DEPTH). */
export const MAX_LOCK_DEPTH = 48;

/** One lane of the chain hash (lockdep's iterate_chain_key, two 32-bit lanes instead of 64). */
function mix(h: number, id: number, mul: number): number {
  h = Math.imul(h ^ (id + 0x632be5ab), mul);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  return (h ^ (h >>> 12)) | 0;
}

function exclusiveBit(bit: number): number {
  return (bit & ~3) | ((bit & USAGE_DIR) ^ USAGE_DIR);
}

/** Flip USED_IN ↔ ENABLED and add the read/write twin of every bit (lockdep's exclusive_mask). */
function exclusiveMask(mask: number): number {
  let excl = ((mask & LOCKF_ENABLED_IRQ_ALL) >> USAGE_DIR) | ((mask & LOCKF_USED_IN_IRQ_ALL) << USAGE_DIR);
  excl |= (excl & LOCKF_IRQ_READ) >> USAGE_READ;
  excl |= (excl & LOCKF_IRQ) << USAGE_READ;
  return excl;
}

/** How a class taken again relates to the held lock: the very same instance; both (non-recursive) reads. */
function sameLockTwice(prev: HeldLock, next: HeldLock): { sameInstance: boolean; reads: boolean } {
  return { sameInstance: prev.declName === next.declName && prev.instance === next.instance, reads: prev.read !== 0 && next.read !== 0 };
}

export class Lockdep {
  readonly classes: ClassTable;
  readonly graph = new DependencyGraph();
  private readonly chains = new ChainSet();
  /**
   * debug_locks: a table is full and lockdep is off for every task, as the kernel turns it off
   * after "BUG: MAX_LOCKDEP_ENTRIES too low!". The held stacks are still kept: what the kernel
   * reads from preempt_count (a sleep under a spinlock) this replay reads from them. (A task
   * past MAX_LOCK_DEPTH turns off only itself, Task.lockdepOff: the scenario's other paths are
   * still worth checking, though the kernel turns off every task then too.)
   */
  private debugLocksOff = false;
  /** Classes the graph has room for. */
  private graphSize = 0;
  /** Classes with any USED_IN bit: while none, no new dependency can be irq-unsafe. */
  private usedInIrq = 0;

  /** Wait values of the task contexts in this profile (task_wait_context()). */
  private readonly waitSpin: number;
  private readonly waitConfig: number;
  private readonly waitMax: number;

  /**
   * Where a class starts in the graph's topological order: declaration order (authors and
   * the kernel tend to declare outer locks first), subclasses after their class.
   */
  private readonly initialOrder = (id: number): number => {
    const cls = this.classes.all[id]!;
    const index = cls.decl ? this.declOrder(cls.decl.name) : -1;
    return index >= 0 ? index * 8 + cls.subclass : 1e9 + id;
  };

  constructor(
    profile: KernelProfile,
    private readonly sink: DetectionSink,
    /** Declaration index of a lock, -1 if unknown. */
    private readonly declOrder: (name: string) => number,
    /** lockdep's chain cache; off only to show it changes no result. */
    private readonly chainCache: boolean,
    private readonly limits: LockdepLimits,
    /** Told once when a table is full, with the step that filled it (none for classes). */
    private readonly onTableFull: (table: keyof LockdepLimits, at: Frame | null) => void,
  ) {
    this.classes = new ClassTable(profile, limits.classes, () => onTableFull('classes', null));
    this.waitSpin = waitValue(Wait.SPIN, profile);
    this.waitConfig = waitValue(Wait.CONFIG, profile);
    this.waitMax = waitValue(Wait.MAX, profile);
  }

  /**
   * Take over the state `from` replayed to (a Lockdep of the same profile and limits that
   * nothing ran on yet): its classes with their usage, its dependency graph and chain keys.
   * Reports then go to this one's sink. Held stacks are per task and not part of it.
   */
  adopt(from: Lockdep): void {
    this.classes.adopt(from.classes);
    this.graph.adopt(from.graph);
    this.chains.adopt(from.chains);
    this.debugLocksOff = from.debugLocksOff;
    this.graphSize = from.graphSize;
    this.usedInIrq = from.usedInIrq;
  }

  private isOff(task: Task): boolean {
    return this.debugLocksOff || task.lockdepOff;
  }

  private turnOff(table: 'dependencies' | 'chains', task: Task): void {
    this.debugLocksOff = true;
    this.onTableFull(table, task.frame);
  }

  get chainCount(): number {
    return this.chains.size;
  }

  private growGraph(): void {
    this.graphSize = this.classes.all.length;
    this.graph.grow(this.graphSize, this.initialOrder);
  }

  // ---------------------------------------------------------------- acquire

  acquire(
    task: Task, cls: LockClass, declName: string, instance: string | null, read: ReadKind, trylock: boolean,
    nest: LockRef | null, sync = false,
  ): void {
    if (!cls.tracked || task.lockdepOff) return;
    const held = task.held;
    const depth = held.length;
    if (this.graphSize < this.classes.all.length) this.growGraph();
    if (this.debugLocksOff) {
      if (!sync) this.pushUnchecked(task, new HeldLock(cls, declName, instance, read, trylock, nest, task.irqContext(), !task.hardirqsEnabled, task.h1, task.h2, task.frame));
      return;
    }

    // Consecutive nest_lock acquisitions of one class merge into the top entry.
    if (depth && !sync && nest) {
      const top = held[depth - 1]!;
      if (top.cls === cls) {
        top.references = top.references ? top.references + 1 : 2;
        return;
      }
    }

    const irqContext = task.irqContext();
    const next = new HeldLock(
      cls, declName, instance, read, trylock, nest, irqContext, !task.hardirqsEnabled, task.h1, task.h2, task.frame,
    );

    this.checkWaitContext(task, next);
    if (cls.check) this.markUsage(task, next, sync);

    let h1 = task.h1;
    let h2 = task.h2;
    let chainHead = false;
    if (depth === 0) {
      h1 = h2 = INITIAL_KEY;
      chainHead = true;
    }
    next.prevH1 = h1;
    next.prevH2 = h2;
    if (depth && held[depth - 1]!.irqContext !== irqContext) {
      h1 = h2 = INITIAL_KEY;
      chainHead = true;
    }
    const id = cls.id + next.read * 4194304;
    h1 = mix(h1, id, 0x9e3779b1);
    h2 = mix(h2, id, 0x85ebca77);

    if (nest && !this.findHeld(task, nest)) {
      this.sink.report('nest-lock-not-held', {
        site: this.site(task),
        next: this.line(next),
        nest: refName(nest),
        nestLockdep: nest.cls,
      });
    }

    if (!trylock && cls.check) {
      const fresh = this.chains.add(h1, h2 & 0x1fffff, this.limits.chains);
      if (fresh === CHAINS_FULL) {
        this.turnOff('chains', task);
        return this.acquire(task, cls, declName, instance, read, trylock, nest, sync);
      }
      if (!this.chainCache || fresh === CHAIN_NEW) {
        const nested = this.checkDeadlock(task, next);
        if (!nested && !chainHead) this.checkPrevsAdd(task, next);
      }
    }
    if (sync) return;
    task.h1 = h1;
    task.h2 = h2;
    held.push(next);
    if (held.length >= MAX_LOCK_DEPTH && !this.debugLocksOff) {
      // The kernel prints "BUG: MAX_LOCK_DEPTH too low!" and turns lockdep off.
      this.sink.report('lock-depth', { site: this.site(task) });
      task.lockdepOff = true;
    }
  }

  /** Re-push entries above a removed one, through the full acquire path (reacquire_held_locks). */
  private reacquire(task: Task, entries: readonly HeldLock[]): void {
    for (const e of entries) {
      const decl = e.cls.decl;
      if (!decl || this.debugLocksOff) {
        // RCU entries, and every entry once lockdep is off: tracked only, re-pushed with a fresh chain key.
        this.pushUnchecked(task, e);
        continue;
      }
      const before = task.held.length;
      this.acquire(task, e.cls, decl.name, e.instance, e.read, e.trylock, e.nest);
      const pushed = task.held[task.held.length - 1];
      if (task.held.length > before && pushed) {
        pushed.frame = e.frame;
        pushed.references = e.references;
      } else if (e.references > 1 && pushed) {
        // Merged into the entry below: carry over the acquisitions it stood for.
        pushed.references += e.references - 1;
      }
    }
  }

  /** Push an RCU (check=0) entry: wait-type checked, part of the chain key, never validated. */
  pushRcu(task: Task, cls: LockClass): void {
    if (this.graphSize < this.classes.all.length) this.growGraph();
    const e = new HeldLock(cls, cls.name, null, 2, false, null, task.irqContext(), !task.hardirqsEnabled, task.h1, task.h2, task.frame);
    if (!this.isOff(task)) this.checkWaitContext(task, e);
    this.pushUnchecked(task, e);
  }

  private pushUnchecked(task: Task, e: HeldLock): void {
    const held = task.held;
    let h1 = task.h1;
    let h2 = task.h2;
    if (held.length === 0 || held[held.length - 1]!.irqContext !== e.irqContext) h1 = h2 = INITIAL_KEY;
    e.prevH1 = held.length === 0 ? INITIAL_KEY : task.h1;
    e.prevH2 = held.length === 0 ? INITIAL_KEY : task.h2;
    const id = e.cls.id + e.read * 4194304;
    task.h1 = mix(h1, id, 0x9e3779b1);
    task.h2 = mix(h2, id, 0x85ebca77);
    held.push(e);
  }

  // ---------------------------------------------------------------- release

  /** Find a held entry the way find_held_lock() does: the top entry, else down to the start of this irq context. */
  findHeldIndex(task: Task, ref: LockRef): number {
    const held = task.held;
    let i = held.length - 1;
    if (i < 0) return -1;
    if (this.matches(held[i]!, ref)) return i;
    for (i--; i >= 0; i--) {
      if (held[i + 1]!.irqContext !== held[i]!.irqContext) return -1;
      if (this.matches(held[i]!, ref)) return i;
    }
    return -1;
  }

  /** lock_is_held(): any entry on the stack, every irq context. */
  findHeld(task: Task, ref: LockRef): HeldLock | null {
    const held = task.held;
    for (let i = held.length - 1; i >= 0; i--) if (this.matches(held[i]!, ref)) return held[i]!;
    return null;
  }

  /**
   * Does a held entry match a lock reference (match_held_lock())? `A[x]` is that instance; a
   * bare `A` is the most recent instance of A, whatever subclass (a scenario rarely names every
   * object). A merged nest_lock entry (`references`) stands for every lock of its class: it
   * matches any lock whose subclass-0 class is the entry's, under whatever name the scenario
   * declared it (two ww_mutexes of one ww class merged under their acquire context).
   */
  private matches(h: HeldLock, ref: LockRef): boolean {
    if (h.declName === ref.cls && (ref.instance === null || h.instance === ref.instance)) return true;
    return h.references > 0 && this.classes.made(ref.cls) === h.cls;
  }

  /** Returns the released entry, or null after reporting a bad unlock of `lock`. */
  release(task: Task, ref: LockRef, what: string, lock: LockClass | LockDecl): HeldLock | null {
    const i = this.findHeldIndex(task, ref);
    if (i < 0 && this.isOff(task)) return null;
    if (i < 0) {
      const cls = lock instanceof LockClass ? lock : this.classes.classOf(lock, 0);
      this.sink.report('bad-unlock', { site: this.site(task), what, lock: lockLine(cls, ref.instance, null) });
      return null;
    }
    const held = task.held;
    const entry = held[i]!;
    if (entry.references > 1) {
      entry.references--;
      return entry;
    }
    task.h1 = entry.prevH1;
    task.h2 = entry.prevH2;
    if (i === held.length - 1) {
      held.pop();
      return entry;
    }
    const above = held.splice(i);
    above.shift();
    this.reacquire(task, above);
    return entry;
  }

  /** downgrade_write(): the held write lock becomes a reader (lock_downgrade). */
  downgrade(task: Task, ref: LockRef, what: string, decl: LockDecl): void {
    const i = this.findHeldIndex(task, ref);
    if (i < 0 && this.isOff(task)) return;
    if (i < 0) {
      this.sink.report('bad-unlock', { site: this.site(task), what, lock: lockLine(this.classes.classOf(decl, 0), ref.instance, null) });
      return;
    }
    const held = task.held;
    const entry = held[i]!;
    const above = held.splice(i);
    task.h1 = entry.prevH1;
    task.h2 = entry.prevH2;
    const downgraded = new HeldLock(
      entry.cls, entry.declName, entry.instance, 1, entry.trylock, entry.nest, entry.irqContext, entry.hardirqsOff,
      entry.prevH1, entry.prevH2, task.frame,
    );
    above[0] = downgraded;
    this.reacquire(task, above);
  }

  // ---------------------------------------------------------------- irq state

  /** Hard irqs (or softirqs) get enabled with locks held: they become irq-unsafe (mark_held_locks). */
  markHeldLocks(task: Task, baseBit: number): void {
    if (this.isOff(task)) return;
    for (const h of task.held) if (h.cls.check && h.cls.tracked) this.markLock(task, h, baseBit + (h.read ? USAGE_READ : 0));
  }

  // ---------------------------------------------------------------- checks

  private checkWaitContext(task: Task, next: HeldLock): void {
    const inner = next.cls.waitInner;
    if (!inner || next.trylock) return;
    const outer = next.cls.waitOuter || inner;
    const held = task.held;
    let start = held.length - 1;
    while (start >= 0 && held[start]!.irqContext === next.irqContext) start--;
    start++;
    const context = this.taskWaitContext(task);
    let curr = context;
    let holder: HeldLock | null = null;
    for (let i = start; i < held.length; i++) {
      const prevInner = held[i]!.cls.waitInner;
      if (prevInner && prevInner < curr) {
        curr = prevInner;
        holder = held[i]!;
      }
    }
    if (outer > curr) {
      this.sink.report('invalid-wait-context', {
        site: this.site(task),
        next: this.line(next),
        holder: holder ? this.line(holder) : null,
        context,
        contextName: this.taskWaitContextName(task),
      });
    }
  }

  private taskWaitContext(task: Task): number {
    if (task.hardirqDepth > 0) {
      // A handler that may be force-threaded runs as a thread on PREEMPT_RT: spinlock_t is fine.
      const threaded = task.threaded[task.threaded.length - 1] ?? true;
      return threaded ? this.waitConfig : this.waitSpin;
    }
    if (task.softirqDepth > 0) return this.waitConfig;
    return this.waitMax;
  }

  private taskWaitContextName(task: Task): string {
    if (task.hardirqDepth > 0) return (task.threaded[task.threaded.length - 1] ?? true) ? 'hardirq (threadable)' : 'hardirq';
    return task.softirqDepth > 0 ? 'softirq' : 'process';
  }

  private markUsage(task: Task, h: HeldLock, sync: boolean): void {
    const read = h.read ? USAGE_READ : 0;
    // Fast path: every bit this acquisition would set is set already (the common case).
    if (!h.trylock && task.hardirqDepth === 0 && task.softirqDepth === 0 && !h.hardirqsOff && !sync && task.softirqsEnabled()) {
      const want = (1 << (ENABLED_HARDIRQ + read)) | (1 << (ENABLED_SOFTIRQ + read)) | (1 << (read ? LOCK_USED_READ : LOCK_USED));
      if ((h.cls.usage & want) === want) return;
    }
    if (!h.trylock) {
      if (task.hardirqDepth > 0 && !this.markLock(task, h, USED_IN_HARDIRQ + read)) return;
      if (task.softirqDepth > 0 && !this.markLock(task, h, USED_IN_SOFTIRQ + read)) return;
    }
    if (!h.hardirqsOff && !sync) {
      if (!this.markLock(task, h, ENABLED_HARDIRQ + read)) return;
      if (task.softirqsEnabled() && !this.markLock(task, h, ENABLED_SOFTIRQ + read)) return;
    }
    this.markLock(task, h, read ? LOCK_USED_READ : LOCK_USED);
  }

  /** Set a usage bit; the first time, run the irq checks. False when it reported. */
  private markLock(task: Task, h: HeldLock, bit: number): boolean {
    const cls = h.cls;
    const flag = 1 << bit;
    if (cls.usage & flag) return true;
    if (bit < 8 && !(bit & USAGE_DIR) && !(cls.usage & LOCKF_USED_IN_IRQ_ALL)) this.usedInIrq++;
    cls.usage |= flag;
    cls.usageAt[bit] = { path: task.name, frame: task.frame };
    if (bit >= LOCK_USED) return true;
    return this.markLockIrq(task, h, bit);
  }

  private markLockIrq(task: Task, h: HeldLock, bit: number): boolean {
    const excl = exclusiveBit(bit);
    if (!this.validState(task, h, bit, excl)) return false;
    if (!(bit & USAGE_READ) && !this.validState(task, h, bit, excl + USAGE_READ)) return false;
    const mask = (1 << excl) | (1 << (excl + USAGE_READ));
    // ENABLED looks backwards for a USED_IN, USED_IN looks forwards for an ENABLED.
    const backward = (bit & USAGE_DIR) !== 0;
    const rootOnlyXR = backward ? h.read !== 0 : h.read === 2;
    const hit = this.graph.search(h.cls.id, rootOnlyXR, backward, (c, onlyXR) => this.usageMatch(c, onlyXR, mask));
    if (!hit) return true;
    const other = this.classes.all[hit.cls]!;
    const matchedBit = other.usage & (1 << excl) ? excl : excl + USAGE_READ;
    this.sink.report('irq-inversion', {
      kind: 'inversion',
      site: this.site(task),
      state: stateName(matchedBit),
      lock: this.line(h),
      other: lockLine(other, null, null),
      direction: backward ? 'taken-by-safe' : 'took-unsafe',
      otherBecame: this.became(task, other, matchedBit),
      path: this.steps(hit.deps, backward),
    });
    return false;
  }

  /** Where `cls` got usage `bit` (the kernel prints it with the class). */
  private became(task: Task, cls: LockClass, bit: number): UsageBecame {
    const at = cls.usageAt[bit] ?? null;
    return { usage: usageName(bit), path: at?.path ?? task.name, location: at?.frame?.loc ?? null, stack: trace(at?.frame ?? null) };
  }

  private validState(task: Task, h: HeldLock, bit: number, excl: number): boolean {
    const cls = h.cls;
    if (!(cls.usage & (1 << excl))) return true;
    const at = cls.usageAt[excl] ?? null;
    this.sink.report('inconsistent-lock-state', {
      site: this.site(task),
      lock: this.line(h),
      oldUsage: usageName(excl),
      newUsage: usageName(bit),
      registered: this.became(task, cls, excl),
      irq: bit & 4 ? 'SOFTIRQ' : 'HARDIRQ',
    });
    return false;
  }

  private usageMatch(cls: number, onlyXR: boolean, mask: number): boolean {
    const usage = this.classes.all[cls]!.usage;
    return ((onlyXR ? usage & LOCKF_IRQ : usage) & mask) !== 0;
  }

  /** check_deadlock(): the same class already held. True when nest_lock makes it legal ("nested"). */
  private checkDeadlock(task: Task, next: HeldLock): boolean {
    let nestHeld = false;
    for (const prev of task.held) {
      if (next.nest && this.matches(prev, next.nest)) nestHeld = true;
      if (prev.cls !== next.cls) continue;
      // A recursive reader after any reader of the class is fine.
      if (next.read === 2 && prev.read) continue;
      if (nestHeld) return true;
      this.sink.report('recursive-locking', {
        site: this.site(task),
        next: this.line(next),
        prev: this.line(prev),
        ...sameLockTwice(prev, next),
        existing: null,
      });
      return false;
    }
    return false;
  }

  /** check_prevs_add(): dependencies from the held locks that matter (docs/kernel-semantics.md §1.7 trylock rules). */
  private checkPrevsAdd(task: Task, next: HeldLock): void {
    const held = task.held;
    let depth = held.length;
    for (;;) {
      const prev = held[depth - 1]!;
      if (prev.cls.check) {
        this.checkPrevAdd(task, prev, next);
        if (!prev.trylock || this.debugLocksOff) break;
      }
      depth--;
      if (!depth) break;
      if (held[depth]!.irqContext !== held[depth - 1]!.irqContext) break;
    }
  }

  private checkPrevAdd(task: Task, prev: HeldLock, next: HeldLock): void {
    const kind = depKind(prev.read, next.read);
    const sameClass = prev.cls === next.cls;
    const existing = sameClass ? undefined : this.graph.get(prev.cls.id, next.cls.id);
    if (existing && existing.kinds & kind) return;
    const prevId = prev.cls.id;
    const prevExclusive = prev.read === 0;
    const hit = (sameClass || this.graph.mayReach(next.cls.id, prevId))
      ? this.graph.search(next.cls.id, next.read === 2, false, (c, onlyXR) => c === prevId && (prevExclusive || !onlyXR))
      : null;
    if (hit) this.reportCycle(task, prev, next, hit);
    // A class never depends on itself.
    if (sameClass) return;
    this.checkIrqUsage(task, prev, next);
    if (!existing && this.graph.edges >= this.limits.dependencies) return this.turnOff('dependencies', task);
    this.graph.add(prevId, next.cls.id, kind, { path: task.name, frame: task.frame });
  }

  private reportCycle(task: Task, prev: HeldLock, next: HeldLock, hit: PathHit): void {
    const site = this.site(task);
    const existing = this.steps(hit.deps, false);
    if (prev.cls === next.cls) {
      this.sink.report('recursive-locking', {
        site, next: this.line(next), prev: this.line(prev),
        ...sameLockTwice(prev, next),
        existing,
      });
      return;
    }
    this.sink.report('circular-dependency', {
      site,
      next: this.line(next),
      nextVerb: next.read ? 'rlock' : 'lock',
      prev: this.line(prev),
      prevVerb: prev.read ? 'rlock' : 'lock',
      existing,
    });
  }

  /** check_irq_usage(): does prev → next connect an irq-safe lock to an irq-unsafe one? */
  private checkIrqUsage(task: Task, prev: HeldLock, next: HeldLock): void {
    if (this.usedInIrq === 0) return;
    const all = this.classes.all;
    let usage = 0;
    this.graph.search(prev.cls.id, prev.read !== 0, true, (c, onlyXR) => {
      const u = all[c]!.usage;
      usage |= onlyXR ? u & LOCKF_IRQ : u;
      return false;
    });
    usage &= LOCKF_USED_IN_IRQ_ALL;
    if (!usage) return;
    const forwardMask = exclusiveMask(usage);
    const unsafeHit = this.graph.search(next.cls.id, next.read === 2, false, (c, onlyXR) => this.usageMatch(c, onlyXR, forwardMask));
    if (!unsafeHit) return;
    const unsafe = all[unsafeHit.cls]!;
    const backwardMask = exclusiveMask(unsafe.usage & LOCKF_ENABLED_IRQ_ALL);
    const safeHit = this.graph.search(prev.cls.id, prev.read !== 0, true, (c, onlyXR) => this.usageMatch(c, onlyXR, backwardMask));
    if (!safeHit) return;
    const safe = all[safeHit.cls]!;
    const bits = findExclusiveMatch(safe.usage, unsafe.usage);
    if (!bits) return;
    const [safeBit, unsafeBit] = bits;
    this.sink.report('irq-inversion', {
      kind: 'safe-to-unsafe',
      site: this.site(task),
      state: stateName(safeBit),
      prev: this.line(prev),
      next: this.line(next),
      safe: lockLine(safe, null, null),
      unsafe: lockLine(unsafe, null, null),
      safeBecame: this.became(task, safe, safeBit),
      unsafeBecame: this.became(task, unsafe, unsafeBit),
      safeToPrev: this.steps(safeHit.deps, true),
      nextToUnsafe: this.steps(unsafeHit.deps, false),
    });
  }

  /**
   * might_sleep(): silent unless preemption is disabled (spinning lock, preempt/bh disabled,
   * irq context), hard irqs are off, an RCU section is open, or a non-block section is.
   * `exempt` is the lock cond_resched_lock() may drop.
   */
  sleepCheck(task: Task, what: string, sleepingLock: LockClass | null, instance: string | null = null, exempt: HeldLock | null = null): void {
    // Outside a non_block section (which reports below) in a callback told the range is not blockable.
    if (!task.rangeBlockable && task.nonBlock === 0) this.intervalNotifierSleep(task, what);
    if (task.nonBlock === 0 && task.hardirqsEnabled && task.preemptCount === 0 && task.bhCount === 0 && task.hardirqDepth === 0 && task.softirqDepth === 0 && !this.holdsAtomic(task, exempt)) return;
    let spinning = 0;
    let rcu = 0;
    let rcuSched = 0;
    const atomicLocks: LockLine[] = [];
    for (const h of task.held) {
      if (h === exempt) continue;
      if (h.cls.spinning) spinning++;
      else if (h.cls.type === 'rcu') {
        if (h.cls.name === RCU_LOCK_CLASSES.rcu) rcu++;
        else if (h.cls.name === RCU_LOCK_CLASSES.rcu_sched) rcuSched++;
      } else continue;
      atomicLocks.push(this.line(h));
    }
    const irqContext = task.hardirqDepth > 0 || task.softirqDepth > 0;
    const preemptCount = task.preemptCount + spinning + rcuSched + task.bhCount + (irqContext ? 1 : 0);
    const irqsDisabled = !task.hardirqsEnabled;
    const reasons: Detections['sleep-in-atomic']['reasons'][number][] = [];
    if (irqContext) reasons.push('irq_context');
    if (preemptCount > 0) reasons.push('in_atomic');
    if (rcu > 0) reasons.push('rcu');
    if (irqsDisabled) reasons.push('irqs_disabled');
    if (task.nonBlock > 0) reasons.push('non_block');
    if (reasons.length === 0) return;
    this.sink.report('sleep-in-atomic', {
      site: this.site(task),
      sleepingLock: sleepingLock ? lockLine(sleepingLock, instance, task.frame ? traceStep(task.frame) : null) : null,
      what,
      reasons,
      atomicLocks,
      inAtomic: preemptCount > 0,
      irqsDisabled,
      nonBlock: task.nonBlock,
      preemptCount,
      rcuDepth: rcu,
    });
  }

  /** An unmatched closing annotation (non_block_end, ...). */
  reportBadUnlock(task: Task, what: string): void {
    this.sink.report('bad-unlock', { site: this.site(task), what, lock: null });
  }

  /** in_atomic(): preemption disabled by a spinning lock, preempt/bh disable or irq context. */
  inAtomic(task: Task): boolean {
    if (task.preemptCount || task.bhCount || task.hardirqDepth || task.softirqDepth) return true;
    for (const h of task.held) if (h.cls.spinning || h.cls.name === RCU_LOCK_CLASSES.rcu_sched) return true;
    return false;
  }

  /** Is a spinning lock or an RCU section held (the common reasons a sleep is invalid)? */
  private holdsAtomic(task: Task, exempt: HeldLock | null): boolean {
    for (const h of task.held) if (h !== exempt && (h.cls.spinning || h.cls.type === 'rcu')) return true;
    return false;
  }

  /** The end of a path: lockdep's "lock held when returning to user space". */
  pathEnd(task: Task): void {
    // Past MAX_LOCK_DEPTH lockdep is off: nothing more is reported for the task.
    if (task.held.length === 0 || this.isOff(task)) return;
    const site = this.site(task);
    const first = task.held[0]!;
    this.sink.report('lock-held-at-exit', {
      site: first.frame ? { ...site, location: frameLoc(first.frame), stack: trace(first.frame) } : site,
    });
  }

  /**
   * mn_itree_invalidate() calls the interval notifiers' invalidate() without non_block_start(),
   * so a sleep there is invisible to lockdep; the documented contract still forbids it when
   * mmu_notifier_range_blockable() is false. Reported for the innermost such callback.
   */
  private intervalNotifierSleep(task: Task, what: string): void {
    for (let f = task.frame; f; f = f.parent) {
      if (f.hook === null || hookFamily(f.hook) !== 'mmu_interval_notifier') continue;
      const callback = /\u2192 ([^\u2192]+)$/.exec(f.label)?.[1]?.trim() ?? f.label;
      this.sink.report('sleep-in-nonblocking-interval-notifier', { site: this.site(task), what, callback });
      return;
    }
  }

  assertHeld(task: Task, ref: LockRef, decl: LockDecl): void {
    if (this.isOff(task) || this.findHeld(task, ref)) return;
    this.sink.report('assert-held', { site: this.site(task), lock: refName(ref), lockdep: decl.lockdep });
  }

  /** The graph as plain data: classes that have dependencies, and the dependencies. */
  exportGraph(): GraphExport {
    const index = new Map<number, number>();
    const classes: { name: string; lockdep: string; type: string }[] = [];
    const dependencies: GraphExport['dependencies'][number][] = [];
    const id = (c: number) => {
      let i = index.get(c);
      if (i === undefined) {
        const cls = this.classes.all[c]!;
        index.set(c, (i = classes.length));
        classes.push({ name: cls.name, lockdep: cls.lockdep, type: cls.type });
      }
      return i;
    };
    for (const d of this.graph.dependencies()) {
      const files: string[] = [];
      for (let f = d.first.frame; f; f = f.parent) if (!files.includes(f.loc.file)) files.push(f.loc.file);
      dependencies.push({
        from: id(d.from), to: id(d.to), kinds: kindNames(d.kinds), path: d.first.path,
        location: d.first.frame ? d.first.frame.loc : null, step: d.first.frame ? d.first.frame.label : null,
        files: files.reverse(),
      });
    }
    return { classes, dependencies };
  }

  // ---------------------------------------------------------------- report helpers

  site(task: Task): Site {
    const frame = task.frame;
    return {
      path: task.name,
      location: frame ? frameLoc(frame) : { file: '', line: 0, column: 0 },
      stack: trace(frame),
      held: task.held.map((h) => this.line(h)),
      irqState: irqStateOf(task),
    };
  }

  line(h: HeldLock): LockLine {
    const at = h.frame ? traceStep(h.frame) : null;
    return lockLine(h.cls, h.instance, at);
  }

  /** Dependencies in walk order → chain steps in dependency direction (from → to). */
  private steps(deps: readonly Dependency[], backward: boolean): DependencyStep[] {
    const ordered = backward ? [...deps].reverse() : deps;
    const all = this.classes.all;
    return ordered.map((d) => ({
      from: lockLine(all[d.from]!, null, null),
      to: lockLine(all[d.to]!, null, d.first.frame ? traceStep(d.first.frame) : null),
      path: d.first.path,
      location: d.first.frame ? d.first.frame.loc : { file: '', line: 0, column: 0 },
      stack: trace(d.first.frame),
    }));
  }
}

/**
 * The chain keys seen (lockdep's chain-key memo): pairs of 32-bit lanes, open addressing, so
 * a lookup allocates nothing.
 */
const CHAIN_KNOWN = 0;
const CHAIN_NEW = 1;
const CHAINS_FULL = 2;

class ChainSet {
  private slots = new Int32Array(2 * 4096);
  private used = new Uint8Array(4096);
  private mask = 4095;
  size = 0;

  /** The tables are `from`'s until either set adds a chain: most chains a file meets after the models' are known. */
  private shared = false;

  adopt(from: ChainSet): void {
    this.slots = from.slots;
    this.used = from.used;
    this.mask = from.mask;
    this.size = from.size;
    this.shared = from.shared = true;
  }

  /** Adds (a, b) unless the set already holds `limit` chains (then CHAINS_FULL, as add_chain_cache() fails). */
  add(a: number, b: number, limit: number): typeof CHAIN_KNOWN | typeof CHAIN_NEW | typeof CHAINS_FULL {
    const { slots, used, mask } = this;
    for (let i = (Math.imul(a, 0x9e3779b1) ^ b) & mask; ; i = (i + 1) & mask) {
      if (!used[i]) {
        if (this.size >= limit) return CHAINS_FULL;
        if (this.shared) {
          this.slots = slots.slice();
          this.used = used.slice();
          this.shared = false;
        }
        this.used[i] = 1;
        this.slots[2 * i] = a;
        this.slots[2 * i + 1] = b;
        if (2 * ++this.size > mask) this.rehash();
        return CHAIN_NEW;
      }
      if (slots[2 * i] === a && slots[2 * i + 1] === b) return CHAIN_KNOWN;
    }
  }

  private rehash(): void {
    const { slots, used } = this;
    const capacity = 2 * (this.mask + 1);
    this.slots = new Int32Array(2 * capacity);
    this.used = new Uint8Array(capacity);
    this.mask = capacity - 1;
    this.size = 0;
    for (let i = 0; i < used.length; i++) if (used[i]) this.add(slots[2 * i]!, slots[2 * i + 1]!, Infinity);
  }
}

/** `[HC%u[%lu]:SC%u[%lu]:HE%u:SE%u]`: in hardirq, hardirq count, in softirq, softirq count (a bh disable counts 2), irqs and softirqs enabled. */
function irqStateOf(task: Task): string {
  const hc = task.hardirqDepth;
  const sc = task.softirqDepth;
  return `[HC${hc > 0 ? 1 : 0}[${hc}]:SC${sc > 0 ? 1 : 0}[${sc + 2 * task.bhCount}]:HE${task.hardirqsEnabled ? 1 : 0}:SE${task.softirqsEnabled() ? 1 : 0}]`;
}

function findExclusiveMatch(mask: number, exclMask: number): [number, number] | null {
  for (let bit = 0; bit < 8; bit++) {
    if (!(mask & (1 << bit))) continue;
    const excl = exclusiveBit(bit);
    if (exclMask & (1 << excl)) return [bit, excl];
    if (exclMask & (1 << (excl | USAGE_READ))) return [bit, excl | USAGE_READ];
  }
  return null;
}

function refName(ref: LockRef): string {
  return ref.instance === null ? ref.cls : `${ref.cls}[${ref.instance}]`;
}

/**
 * Frames are immutable and shared by every trace that passes through them, so each is turned
 * into its report form once: a call nested thousands deep reports traces thousands of frames
 * long, and rebuilding every frame per report made such a replay quadratic in allocations.
 */
const traceSteps = new WeakMap<Frame, TraceStep>();

/** A frame as reports keep it: where, the label, and what the step is (from the vocabulary). */
/** Where a frame's step is: its scenario position, with its `at:` C location if it has one. */
export function frameLoc(f: Frame): SourceLoc {
  return f.at ? { ...f.loc, at: f.at } : f.loc;
}

export function traceStep(f: Frame): TraceStep {
  let t = traceSteps.get(f);
  if (t === undefined) {
    const s = f.spelling === null ? undefined : stepSpelling(f.spelling);
    const where = { file: f.loc.file, line: f.loc.line, column: f.loc.column, ...(f.at ? { at: f.at } : {}), ...(f.modelRule ? { modelRule: f.modelRule } : {}), step: f.label };
    const what = s ? { ...where, op: s.op, category: s.category } : where;
    t = f.hook === null ? what : { ...what, hook: f.hook };
    traceSteps.set(f, t);
  }
  return t;
}

export function trace(frame: Frame | null): TraceStep[] {
  return framesOf(frame).map(traceStep);
}
