/**
 * Lock classes as lockdep keeps them: one per (declaration, subclass), or one per ww class
 * for every ww_mutex of it; interned to small integers; with wait types and irq usage bits.
 */
import type { LockLine } from '../model/finding.js';
import type { KernelProfile, LockDecl, LockType } from '../model/scenario.js';
import { LOCK_TYPE_TABLE, RCU_LOCK_CLASSES, type LockTypeInfo, type WaitType } from '../model/lock-types.js';

/** lockdep's `lock_usage_bit`: bit0 = read, bit1 = ENABLED (else USED_IN), bit2 = SOFTIRQ (else HARDIRQ). */
export const USED_IN_HARDIRQ = 0;
export const ENABLED_HARDIRQ = 2;
export const USED_IN_SOFTIRQ = 4;
export const ENABLED_SOFTIRQ = 6;
export const USAGE_READ = 1;
export const USAGE_DIR = 2;
export const LOCK_USED = 8;
export const LOCK_USED_READ = 9;
export const USAGE_BITS = 10;

export const LOCKF_USED_IN_IRQ_ALL = 0b00110011;
export const LOCKF_ENABLED_IRQ_ALL = 0b11001100;
/** write forms of the 8 irq bits */
export const LOCKF_IRQ = 0b01010101;
export const LOCKF_IRQ_READ = 0b10101010;

const USAGE_NAMES = [
  'IN-HARDIRQ-W', 'IN-HARDIRQ-R', 'HARDIRQ-ON-W', 'HARDIRQ-ON-R',
  'IN-SOFTIRQ-W', 'IN-SOFTIRQ-R', 'SOFTIRQ-ON-W', 'SOFTIRQ-ON-R',
  'INITIAL USE', 'INITIAL READ USE',
];
export function usageName(bit: number): string {
  return USAGE_NAMES[bit]!;
}
/** `HARDIRQ`, `HARDIRQ-READ`, `SOFTIRQ`, `SOFTIRQ-READ` (lockdep's state_name()). */
export function stateName(bit: number): string {
  return (bit & 4 ? 'SOFTIRQ' : 'HARDIRQ') + (bit & USAGE_READ ? '-READ' : '');
}

/** lockdep_wait_type, before profile adjustment. */
export const enum Wait { INV = 0, FREE = 1, SPIN = 2, CONFIG = 3, SLEEP = 4, MAX = 5 }

/** Without PROVE_RAW_LOCK_NESTING (profile 5.10) CONFIG is SPIN and the types above shift down. */
export function waitValue(w: Wait, profile: KernelProfile): number {
  if (profile === '6.13' || w <= Wait.SPIN) return w;
  return w - 1;
}

/** Pseudo-classes for RCU read-side sections: tracked (check=0), never in the graph. */
export type ClassType = LockType | 'rcu';

interface TypeTraits {
  readonly inner: Wait;
  readonly outer: Wait;
  readonly sleeping: boolean;
  readonly spinning: boolean;
}

const WAIT: Readonly<Record<WaitType, Wait>> = { inv: Wait.INV, free: Wait.FREE, spin: Wait.SPIN, config: Wait.CONFIG, sleep: Wait.SLEEP };

/** What lock classes of each type are, from the lock type table (lock-types.ts), and RCU's pseudo-class. */
const TRAITS: Readonly<Record<ClassType, TypeTraits>> = {
  ...(Object.fromEntries(
    (Object.entries(LOCK_TYPE_TABLE) as [LockType, LockTypeInfo][]).map(([type, t]) => [
      type,
      { inner: WAIT[t.waitInner], outer: WAIT[t.waitOuter], sleeping: t.sleeping, spinning: t.spinning },
    ]),
  ) as Record<LockType, TypeTraits>),
  rcu: { inner: Wait.CONFIG, outer: Wait.FREE, sleeping: false, spinning: false },
};

export class LockClass {
  /** usage_mask: bit n set = lock_usage_bit n seen. */
  usage = 0;
  /** Where each usage bit was first set, for reports. */
  readonly usageAt: (UsageSite | null)[] = new Array(USAGE_BITS).fill(null);

  constructor(
    readonly id: number,
    /** Scenario name, `/N` appended for a subclass. */
    readonly name: string,
    /** lockdep name, `/N` appended for a subclass. */
    readonly lockdep: string,
    readonly type: ClassType,
    readonly decl: LockDecl | null,
    readonly waitInner: number,
    readonly waitOuter: number,
    /** lockdep validates it (check=1); RCU maps are tracked only. */
    readonly check: boolean,
    /** A semaphore is invisible to lockdep: only the sleep check applies. */
    readonly tracked: boolean,
    readonly sleeping: boolean,
    readonly spinning: boolean,
    readonly subclass: number,
  ) {}

  usageString(): string {
    let s = '{';
    for (const base of [USED_IN_HARDIRQ, USED_IN_HARDIRQ | USAGE_READ, USED_IN_SOFTIRQ, USED_IN_SOFTIRQ | USAGE_READ]) {
      const usedIn = (this.usage >> base) & 1;
      const enabled = (this.usage >> (base + USAGE_DIR)) & 1;
      s += enabled ? (usedIn ? '?' : '+') : usedIn ? '-' : '.';
    }
    return s + '}';
  }

  waitString(): string {
    return `{${this.waitOuter || this.waitInner}:${this.waitInner}}`;
  }
}

export interface UsageSite {
  readonly path: string;
  readonly frame: import('../model/location.js').Frame | null;
}

/**
 * Interns classes: declaration × subclass, ww_mutex by ww class, RCU flavours. Past its
 * limit new classes are not tracked.
 */

export class ClassTable {
  readonly all: LockClass[] = [];
  private readonly byKey = new Map<string, LockClass>();
  private readonly bySub = new Map<string, LockClass[]>();
  /** Stands for every class past the limit: invisible to lockdep, like a semaphore. */
  private overflow: LockClass | null = null;

  constructor(
    private readonly profile: KernelProfile,
    private readonly limit: number,
    /** Told once when the limit is reached. */
    private readonly onLimit: () => void,
  ) {}

  /** The class of an acquisition of `decl` with `subclass` (cached: hot path). */
  classOf(decl: LockDecl, subclass: number): LockClass {
    let subs = this.bySub.get(decl.name);
    if (!subs) {
      subs = [];
      this.bySub.set(decl.name, subs);
    }
    let cls = subs[subclass];
    if (!cls) {
      // Every ww_mutex of one ww class is one lockdep class, whatever the scenario calls it.
      const baseKey = decl.type === 'ww_mutex' ? `ww:${decl.lockdep}` : `lock:${decl.name}`;
      const suffix = subclass ? `/${subclass}` : '';
      cls = this.intern(baseKey + suffix, decl.name + suffix, decl.lockdep + suffix, decl.type, decl, subclass);
      subs[subclass] = cls;
    }
    return cls;
  }

  /**
   * Become a copy of `from` (a table with no class yet, of the same profile and limit): its
   * classes as new objects with their usage, at the same ids and keys.
   */
  adopt(from: ClassTable): void {
    if (this.all.length || from.overflow) throw new Error('ClassTable.adopt: not a fresh table, or a table past its limit');
    const copies = new Map<LockClass, LockClass>();
    for (const c of from.all) {
      const copy = new LockClass(c.id, c.name, c.lockdep, c.type, c.decl, c.waitInner, c.waitOuter, c.check, c.tracked, c.sleeping, c.spinning, c.subclass);
      copy.usage = c.usage;
      copy.usageAt.splice(0, copy.usageAt.length, ...c.usageAt);
      copies.set(c, copy);
      this.all.push(copy);
    }
    for (const [key, c] of from.byKey) this.byKey.set(key, copies.get(c)!);
    for (const [name, subs] of from.bySub) this.bySub.set(name, subs.map((c) => copies.get(c)!));
  }

  /** The subclass-0 class of the declaration `name` if an acquisition made it (lockdep's `class_cache[0]`). */
  made(name: string): LockClass | undefined {
    return this.bySub.get(name)?.[0];
  }

  rcuClass(flavour: 'rcu' | 'rcu_bh' | 'rcu_sched'): LockClass {
    const name = RCU_LOCK_CLASSES[flavour];
    const cls = this.byKey.get(`rcu:${name}`);
    if (cls) return cls;
    // rcu_read_lock_sched forbids sleeping and spinlock_t inside (inner SPIN); the others CONFIG.
    return this.intern(`rcu:${name}`, name, name, 'rcu', null, 0, flavour === 'rcu_sched' ? Wait.SPIN : undefined);
  }

  private intern(key: string, name: string, lockdep: string, type: ClassType, decl: LockDecl | null, subclass: number, innerOverride?: Wait): LockClass {
    const existing = this.byKey.get(key);
    if (existing) return existing;
    if (this.all.length >= this.limit) {
      if (!this.overflow) {
        this.onLimit();
        this.overflow = new LockClass(-1, name, lockdep, 'semaphore', decl, 0, 0, false, false, TRAITS[type].sleeping, TRAITS[type].spinning, subclass);
      }
      return this.overflow;
    }
    const t = TRAITS[type];
    const inner = innerOverride ?? t.inner;
    const cls = new LockClass(
      this.all.length, name, lockdep, type, decl,
      waitValue(inner, this.profile), waitValue(t.outer, this.profile),
      type !== 'rcu', type !== 'semaphore', t.sleeping, t.spinning, subclass,
    );
    this.all.push(cls);
    this.byKey.set(key, cls);
    return cls;
  }
}

export function lockLine(cls: LockClass, instance: string | null, at: LockLine['at']): LockLine {
  return { name: cls.name, lockdep: cls.lockdep, instance, usage: cls.usageString(), wait: cls.waitString(), at };
}
