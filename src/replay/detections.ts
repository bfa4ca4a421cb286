/**
 * What the replay detects, handed to a `DetectionSink` as it is found; the analyze stage
 * (src/analyze) gives each to the rule of the same id (src/rules/<id>.ts) to be turned into
 * a finding. Lock lines are snapshots taken at detection time, as lockdep
 * prints usage bits as they are when it reports.
 */
import type { AtomicReason, LockLine, TraceStep } from '../model/finding.js';
import type { CodeLoc, SourceLoc } from '../model/location.js';

/** Where the replay was when it detected something. */
export interface Site {
  readonly path: string;
  readonly location: SourceLoc;
  /** Outermost first. */
  readonly stack: readonly TraceStep[];
  /** The task's held locks at that moment, bottom first. */
  readonly held: readonly LockLine[];
  /** Its irq state as lockdep prints it: `[HC0[0]:SC0[0]:HE1:SE1]`. */
  readonly irqState: string;
}

/** One dependency of a chain with the place it was first recorded. */
export interface DependencyStep {
  readonly from: LockLine;
  readonly to: LockLine;
  readonly path: string;
  readonly location: SourceLoc;
  readonly stack: readonly TraceStep[];
}

/** Where a class got a usage bit: its path and the stack there. */
export interface UsageBecame {
  readonly usage: string;
  readonly path: string;
  readonly location: SourceLoc | null;
  readonly stack: readonly TraceStep[];
}

export type AcquireVerb = 'lock' | 'rlock' | 'sync';

export interface Detections {
  'circular-dependency': {
    readonly site: Site;
    readonly next: LockLine;
    readonly nextVerb: AcquireVerb;
    readonly prev: LockLine;
    readonly prevVerb: AcquireVerb;
    /** next → … → prev: the existing dependencies the new one prev → next closes into a cycle. */
    readonly existing: readonly DependencyStep[];
  };
  'recursive-locking': {
    readonly site: Site;
    readonly next: LockLine;
    readonly prev: LockLine;
    readonly sameInstance: boolean;
    /** Both acquisitions are (non-recursive) reads: a deadlock only once a writer waits between them. */
    readonly reads: boolean;
    /** Set when found as a same-class cycle by the search rather than on the held stack. */
    readonly existing: readonly DependencyStep[] | null;
  };
  'inconsistent-lock-state': {
    readonly site: Site;
    readonly lock: LockLine;
    readonly oldUsage: string;
    readonly newUsage: string;
    /** Where the conflicting usage was first registered. */
    readonly registered: { readonly path: string; readonly location: SourceLoc | null; readonly stack: readonly TraceStep[] };
    /** The irq context the conflict is about: `HARDIRQ` or `SOFTIRQ`. */
    readonly irq: string;
  };
  'irq-inversion':
    | {
        /** A new dependency prev → next connects an irq-safe lock to an irq-unsafe lock. */
        readonly kind: 'safe-to-unsafe';
        readonly site: Site;
        readonly state: string;
        readonly prev: LockLine;
        readonly next: LockLine;
        readonly safe: LockLine;
        readonly unsafe: LockLine;
        readonly safeBecame: UsageBecame;
        readonly unsafeBecame: UsageBecame;
        /** safe ⇝ prev (held) and next ⇝ unsafe. */
        readonly safeToPrev: readonly DependencyStep[];
        readonly nextToUnsafe: readonly DependencyStep[];
      }
    | {
        /** A usage bit just set on `lock` conflicts with `other`, reachable through the graph. */
        readonly kind: 'inversion';
        readonly site: Site;
        readonly state: string;
        readonly lock: LockLine;
        readonly other: LockLine;
        /** 'took-unsafe': lock (now irq-safe) took the irq-unsafe other; 'taken-by-safe': the reverse. */
        readonly direction: 'took-unsafe' | 'taken-by-safe';
        /** Where `other` got the conflicting usage. */
        readonly otherBecame: UsageBecame;
        readonly path: readonly DependencyStep[];
      };
  'invalid-wait-context': {
    readonly site: Site;
    readonly next: LockLine;
    /** The held lock of the current irq context that forbids it, or null when the irq context itself does. */
    readonly holder: LockLine | null;
    /** Lockdep's `context-{N:N}`: the task context's wait value. */
    readonly context: number;
    readonly contextName: string;
  };
  'sleep-in-atomic': {
    readonly site: Site;
    /** The sleeping lock being taken, if the sleep is a lock. */
    readonly sleepingLock: LockLine | null;
    readonly what: string;
    readonly reasons: readonly AtomicReason[];
    /** Held locks that make the context atomic (spinning locks, RCU sections). */
    readonly atomicLocks: readonly LockLine[];
    readonly inAtomic: boolean;
    readonly irqsDisabled: boolean;
    readonly nonBlock: number;
    readonly preemptCount: number;
    readonly rcuDepth: number;
  };
  /**
   * Something that may sleep in an interval notifier's invalidate callback invoked with a range
   * that is not blockable: the kernel runs those callbacks outside any non_block section, so
   * lockdep says nothing (opt-in rule).
   */
  'sleep-in-nonblocking-interval-notifier': {
    readonly site: Site;
    readonly what: string;
    /** The callback function. */
    readonly callback: string;
  };
  'bad-unlock': {
    readonly site: Site;
    /** The lock (or annotation: `non_block_end`) released without being held. */
    readonly what: string;
    readonly lock: LockLine | null;
  };
  'lock-held-at-exit': { readonly site: Site };
  'lock-depth': { readonly site: Site };
  'assert-held': { readonly site: Site; readonly lock: string; readonly lockdep: string };
  'nest-lock-not-held': { readonly site: Site; readonly next: LockLine; readonly nest: string; readonly nestLockdep: string };
  'ww-edeadlk-unhandled': {
    readonly site: Site;
    readonly lock: LockLine;
    readonly ctx: string;
    /** The ww_mutexes the context already owns. */
    readonly owned: readonly string[];
  };
  'ww-misuse': {
    readonly site: Site;
    /** The kernel's DEBUG_LOCKS_WARN_ON() condition. */
    readonly check: string;
    readonly what: string;
    readonly lock: LockLine | null;
    readonly ctx: string;
  };
  'ww-lock-between-reservations': {
    readonly site: Site;
    /** The reservation being taken, the lock taken after the context's first one, that one. */
    readonly reservation: LockLine;
    readonly between: LockLine;
    readonly first: LockLine;
    readonly ctx: string;
  };
  /** A path ends with hard irqs or bottom halves still disabled (the kernel's syscall exit check). */
  'irqs-left-disabled': { readonly site: Site; readonly hardirqs: boolean; readonly softirqs: boolean };
  /** A function of the file that nothing calls, registers or reaches (found by the loader). */
  'unused-function': { readonly name: string; readonly location: SourceLoc };
  /** An `if` condition a small edit away from a keyword of the model (found by the loader). */
  'misspelled-condition': { readonly condition: string; readonly keyword: string; readonly location: SourceLoc; readonly at?: CodeLoc };
}

export type RuleIdWithDetection = keyof Detections;

/** Where the replay hands each detection as it is found (the analyze stage's findings). */
export interface DetectionSink {
  report<K extends keyof Detections>(rule: K, detection: Detections[K]): void;
}
