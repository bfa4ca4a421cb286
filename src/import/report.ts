/**
 * What a kernel lockdep report (or the scheduler's sleeping-function BUG) says, as data: the
 * parser (parse.ts) fills it, reconstruct.ts turns it into a scenario.
 */
import type { KernelProfile } from '../model/scenario.js';

export type ReportKind =
  | 'circular-dependency'
  | 'recursive-locking'
  | 'inconsistent-lock-state'
  | 'safe-to-unsafe'
  | 'irq-inversion'
  | 'invalid-wait-context'
  | 'bad-unlock'
  | 'lock-held-at-exit'
  | 'sleep-in-atomic';

/** One stack frame, as printed. */
export interface PrintedFrame {
  /** The function, suffixes such as `.isra.0` / `.constprop.0` / `.part.0` / `.cold` removed. */
  readonly fn: string;
  /** The kernel module (`[i915]`), if printed. */
  readonly module: string | null;
  /** fencedep's own reports: the scenario step of this trace line (`mutex_lock: A`, `call: f`). */
  readonly step?: string;
  /** fencedep's own reports: `file:line:col` of the step. */
  readonly where?: string;
}

/** A lock as print_lock() shows it: `[ptr] (class){usage}-{outer:inner}, at: func`. */
export interface ReportLock {
  /** The class name as lockdep prints it, subclass included (`&obj->lock/1`). */
  readonly name: string;
  /** `{+.+.}`, or null when the line had none. */
  readonly usage: string | null;
  /** `[outer, inner]`, or null (kernels before 5.7 print no wait types). */
  readonly wait: readonly [number, number] | null;
  /** The instance pointer, or fencedep's `name[instance]` prefix. */
  readonly instance: string | null;
  /** The function(s) of `at:`, innermost first (syzbot prints inlined frames as extra lines). */
  readonly at: readonly PrintedFrame[];
}

/** A chain entry (`-> #N (class){..}-{..}:`) with the stack recorded for that dependency. */
export interface ReportChainEntry {
  readonly index: number;
  readonly lock: ReportLock;
  /** Innermost first, as printed. */
  readonly frames: readonly PrintedFrame[];
  /** fencedep's own reports: the path the dependency was recorded on. */
  readonly path?: string;
}

/** A usage trace (`IN-HARDIRQ-W at:` + stack). */
export interface UsageTrace {
  /** `IN-HARDIRQ-W`, `HARDIRQ-ON-R`, `INITIAL USE`... */
  readonly usage: string;
  readonly frames: readonly PrintedFrame[];
  readonly path?: string;
}

/** One `-> (class){..} {` block of "the dependencies between ..." / "the shortest dependencies". */
export interface DependencyBlock {
  readonly lock: ReportLock;
  readonly usages: readonly UsageTrace[];
  /** `... acquired at:`: innermost first. */
  readonly acquiredAt: readonly PrintedFrame[];
}

export interface ReportHeldLock {
  readonly index: number;
  readonly lock: ReportLock;
}

/** The `[HC0[0]:SC0[0]:HE1:SE1]` state of the irq reports. */
export interface IrqState {
  readonly hardirq: boolean;
  readonly softirq: boolean;
  readonly hardirqsEnabled: boolean;
  readonly softirqsEnabled: boolean;
  /** SC's bracketed count > 0 while not in softirq: bottom halves disabled. */
  readonly bhDisabled: boolean;
}

export interface KernelReport {
  readonly kind: ReportKind;
  /** The title line as printed (without `[ ]` brackets). */
  readonly title: string;
  /** 1-based line numbers in the input: first and last line of the report. */
  readonly startLine: number;
  endLine: number;
  /** The kernel release of the ident line (`6.2.0-rc8-debug+`), if present. */
  version: string | null;
  /** `comm/pid` of the task, as printed (fencedep's own reports: the path name). */
  task: string | null;
  /** The report came from `fencedep check`'s text output. */
  fencedep: boolean;
  /** fencedep's own reports: the kernel profile replayed. */
  profile: KernelProfile | null;
  irq: IrqState | null;
  /** The lock being acquired (circular, recursive, safe→unsafe, invalid wait), taken (inconsistent), changed (inversion), released (bad unlock). */
  next: ReportLock | null;
  /** The lock already held (circular, recursive, safe→unsafe). */
  prev: ReportLock | null;
  /** fencedep's chain entries: the cycle, the inversion's shortest path, or (safe→unsafe) next ⇝ unsafe. */
  chain: ReportChainEntry[];
  /** fencedep's safe→unsafe reports: the safe lock ⇝ the held lock. */
  backwardChain: ReportChainEntry[];
  /** `Chain exists of:` classes, next first. */
  chainExists: string[] | null;
  /** The scenario table says prev is held as a reader (`rlock(prev)`). */
  prevRead: boolean;
  /** safe→unsafe and inconsistent: the irq state name (`HARDIRQ`, `SOFTIRQ-READ`). */
  state: string | null;
  safe: ReportLock | null;
  unsafe: ReportLock | null;
  safeAt: UsageTrace | null;
  unsafeAt: UsageTrace | null;
  /** inconsistent: `{OLD}` and `{NEW}` usage, and where OLD was registered. */
  oldUsage: string | null;
  newUsage: string | null;
  registered: UsageTrace | null;
  /** inversion: the other lock, and the direction. */
  other: ReportLock | null;
  direction: 'took-unsafe' | 'taken-by-safe' | null;
  /** safe→unsafe: safe..prev (backwards) and next..unsafe (forwards) blocks; inversion: the shortest path. */
  backwardDeps: DependencyBlock[];
  forwardDeps: DependencyBlock[];
  /** invalid wait: context-{N:N}. */
  context: number | null;
  /** fencedep's invalid wait report names the held lock that forbids it. */
  notAllowedInside: ReportLock | null;
  /** bad unlock: where the release happened (the line after "at:"). */
  releaseAt: PrintedFrame[];
  /** sleep BUG. */
  sleep: {
    file: string | null;
    inAtomic: boolean;
    irqsDisabled: boolean;
    nonBlock: number;
    preemptCount: number;
    rcuDepth: number;
    /** fencedep's own report: the step that slept (`mutex_lock: A`, `msleep`). */
    what: string | null;
  } | null;
  /** `N locks held by X:` (null when the block is missing). */
  held: ReportHeldLock[] | null;
  /** `Workqueue: <queue> <function>` line. */
  workqueue: { queue: string; fn: string } | null;
  /** The current stack (stack backtrace / Call trace), innermost first; only the acquiring context. */
  backtrace: PrintedFrame[];
  /** The backtrace ran inside `<IRQ>` ... `</IRQ>`. */
  backtraceInIrq: boolean;
  /** fencedep's own reports: the path of the current stack. */
  backtracePath: string | null;
  /** fencedep's own reports: scenario lock names → lockdep names, from the `at:` steps of the log's lock lines. */
  aliases: Map<string, string>;
  /** What the parser could not read (a truncated tail, a missing block): said in the summary. */
  notes: string[];
}

export function emptyReport(kind: ReportKind, title: string, line: number, fencedep: boolean): KernelReport {
  return {
    kind, title, startLine: line, endLine: line, version: null, task: null, fencedep, profile: null, irq: null,
    next: null, prev: null, chain: [], backwardChain: [], chainExists: null, prevRead: false, state: null,
    safe: null, unsafe: null, safeAt: null, unsafeAt: null, oldUsage: null, newUsage: null, registered: null,
    other: null, direction: null, backwardDeps: [], forwardDeps: [], context: null, notAllowedInside: null,
    releaseAt: [], sleep: null, held: null, workqueue: null, backtrace: [], backtraceInIrq: false,
    backtracePath: null, aliases: new Map(), notes: [],
  };
}

/** The rule of fencedep that reports what this kind of kernel report reports. */
export function ruleOf(kind: ReportKind): string {
  return kind === 'safe-to-unsafe' ? 'irq-inversion' : kind;
}

/** What a report must show to be imported at all; null if it is all there. */
export function missingPart(r: KernelReport): string | null {
  if (r.kind === 'sleep-in-atomic') return r.sleep ? null : 'the in_atomic()/irqs_disabled() line';
  if (r.kind === 'lock-held-at-exit') return r.held && r.held.length > 0 ? null : 'the locks still held ("N locks held by ...:")';
  if (!r.next) {
    const what = r.kind === 'bad-unlock' ? 'the lock being released' : r.kind === 'irq-inversion' ? 'the lock whose state changed' : r.kind === 'inconsistent-lock-state' ? 'the lock taken' : 'the lock being acquired';
    return what;
  }
  if (r.kind === 'irq-inversion' && !r.other) return 'the other lock ("but this lock took another ..." / "was taken by another ...")';
  if (r.kind === 'safe-to-unsafe' && (!r.safe || !r.unsafe)) return 'the irq-safe and irq-unsafe locks';
  return null;
}
