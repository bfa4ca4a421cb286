/**
 * Per-path state, as lockdep and the scheduler keep it per task: the held-lock stack, the
 * chain key, irq/softirq/preemption state and the non_block count.
 */
import type { Frame, SourceLoc } from '../model/location.js';
import { byteOrder } from '../model/order.js';
import type { LockClass } from './classes.js';
import type { ReadKind } from './graph.js';

/** A top-level stream step's frame: its location is made when asked for (reports only). */
export class StreamFrame implements Frame {
  readonly parent = null;

  readonly hook = null;

  constructor(
    readonly file: string,
    readonly line: number,
    readonly label: string,
    readonly spelling: string,
  ) {}

  get loc(): SourceLoc {
    return { file: this.file, line: this.line, column: 1 };
  }
}

export class HeldLock {
  /** Merged nest_lock acquisitions (lockdep's `references`); 0 = a plain entry. */
  references = 0;

  constructor(
    readonly cls: LockClass,
    /** Scenario lock name (the declaration), for matching `unlock: name[instance]`. */
    readonly declName: string,
    readonly instance: string | null,
    public read: ReadKind,
    readonly trylock: boolean,
    readonly nest: { readonly cls: string; readonly instance: string | null } | null,
    /** lockdep's irq_context: 2 × in hardirq + in softirq. */
    public irqContext: number,
    readonly hardirqsOff: boolean,
    /** Chain key before this entry, to rewind on release. */
    public prevH1: number,
    public prevH2: number,
    /** Where it was taken. */
    public frame: Frame | null,
  ) {}
}

/** A live ww acquire context. */
export interface WwContext {
  readonly wwClass: string;
  /** The ww_mutexes it owns, as `decl[instance]`. */
  readonly owned: Set<string>;
  done: boolean;
  /** The lock that returned -EDEADLK, until the back-off re-locks it. */
  contending: string | null;
  /** What `ww_unlock_all` released: the retry takes them again after the next slow-path lock. */
  relock: readonly string[];
}

export class Task {
  readonly held: HeldLock[] = [];
  /** Chain key of the held stack in the current irq context (two 32-bit lanes). */
  h1 = 0;
  h2 = 0;
  hardirqsEnabled = true;
  /** local_irq_save stack: the state each save found. */
  readonly irqSaves: boolean[] = [];
  bhCount = 0;
  preemptCount = 0;
  hardirqDepth = 0;
  softirqDepth = 0;
  /** Per hardirq block: may it be force-threaded? */
  readonly threaded: boolean[] = [];
  nonBlock = 0;
  /**
   * mmu_notifier_range_blockable() for the step being replayed: set before each step from its
   * activation (so not part of the snapshot or the state key, which hold the activations).
   */
  rangeBlockable = true;
  /** memalloc_nofs_save()/noio nesting: allocations lose __GFP_FS (noio: also __GFP_IO). */
  nofs = 0;
  noio = 0;
  /** PF_MEMALLOC (reclaim itself, memalloc_noreclaim): allocations do not enter reclaim. */
  pfMemalloc = 0;
  /** Open dma_fence_begin_signalling() annotations: what each took, for its end. */
  readonly signalCookies: import('../model/scenario.js').LockDecl[][] = [];
  /** Live ww acquire contexts: their class and the ww_mutexes they own. */
  readonly wwContexts = new Map<string, WwContext>();
  /** The ww class of each context ww_acquire_fini() ended (a second fini releases its map again). */
  readonly wwEnded = new Map<string, string>();
  /** on_edeadlk branches: which one this run of the path takes (-1: none), how many passed. */
  branchAt = -1;
  branchSeen = 0;
  /** Inside an on_edeadlk back-off path (the retry loop). */
  inRetry = 0;
  /** pagefault_disable() nesting: might_fault() is silent. */
  pagefaultDisabled = 0;
  /** Past MAX_LOCK_DEPTH: lockdep is off for this task, as the kernel turns it off. */
  lockdepOff = false;
  /** Iterations chosen by the `for: V` loops met so far (docs/scenario-format.md §11.2): later loops over V take as many. */
  readonly loopCounts = new Map<string, number>();
  private current: Frame | null = null;
  // A stream step's frame, made only when something reads it (most releases: nothing does).
  private pendingFile = '';
  private pendingLine = 0;
  private pendingLabel: string | null = null;
  private pendingSpelling = '';

  constructor(readonly name: string) {}

  /** The step being executed (its trace). */
  get frame(): Frame | null {
    if (this.pendingLabel !== null) {
      this.current = new StreamFrame(this.pendingFile, this.pendingLine, this.pendingLabel, this.pendingSpelling);
      this.pendingLabel = null;
    }
    return this.current;
  }

  set frame(frame: Frame | null) {
    this.pendingLabel = null;
    this.current = frame;
  }

  /** The frame of a top-level stream step at `file`:`line`, column 1. */
  streamStep(file: string, line: number, label: string, spelling: string): void {
    this.pendingFile = file;
    this.pendingLine = line;
    this.pendingLabel = label;
    this.pendingSpelling = spelling;
  }

  irqContext(): number {
    return (this.hardirqDepth > 0 ? 2 : 0) + (this.softirqDepth > 0 ? 1 : 0);
  }

  /** in_interrupt(): hard or soft irq context, or bottom halves disabled. */
  inInterrupt(): boolean {
    return this.hardirqDepth > 0 || this.softirqDepth > 0 || this.bhCount > 0;
  }

  softirqsEnabled(): boolean {
    return this.bhCount === 0 && this.softirqDepth === 0;
  }

  /** Everything the replay of the rest of a path depends on, as a copy (docs/scenario-format.md §11.3 explores from it). */
  snapshot(): TaskSnapshot {
    return {
      held: this.held.map(copyHeld),
      h1: this.h1,
      h2: this.h2,
      scalars: [this.hardirqsEnabled ? 1 : 0, this.bhCount, this.preemptCount, this.hardirqDepth, this.softirqDepth, this.nonBlock, this.nofs, this.noio,
        this.pfMemalloc, this.branchSeen, this.inRetry, this.pagefaultDisabled, this.lockdepOff ? 1 : 0],
      irqSaves: [...this.irqSaves],
      threaded: [...this.threaded],
      signalCookies: this.signalCookies.map((c) => [...c]),
      wwContexts: [...this.wwContexts].map(([k, c]) => [k, { ...c, owned: new Set(c.owned) }] as const),
      loopCounts: [...this.loopCounts],
      frame: this.frame,
    };
  }

  /** Back to a snapshot (which stays as it was: it may be restored again). */
  restore(s: TaskSnapshot): void {
    this.held.length = 0;
    for (const h of s.held) this.held.push(copyHeld(h));
    this.h1 = s.h1;
    this.h2 = s.h2;
    const v = s.scalars;
    this.hardirqsEnabled = v[0] === 1;
    [, this.bhCount, this.preemptCount, this.hardirqDepth, this.softirqDepth, this.nonBlock, this.nofs, this.noio, this.pfMemalloc, this.branchSeen, this.inRetry, this.pagefaultDisabled] = v;
    this.lockdepOff = v[12] === 1;
    this.irqSaves.splice(0, this.irqSaves.length, ...s.irqSaves);
    this.threaded.splice(0, this.threaded.length, ...s.threaded);
    this.signalCookies.splice(0, this.signalCookies.length, ...s.signalCookies.map((c) => [...c]));
    this.wwContexts.clear();
    for (const [k, c] of s.wwContexts) this.wwContexts.set(k, { ...c, owned: new Set(c.owned) });
    this.loopCounts.clear();
    for (const [k, n] of s.loopCounts) this.loopCounts.set(k, n);
    this.frame = s.frame;
  }

  /**
   * The replay state as a string: two executions at the same step with the same key replay
   * the rest identically (held stack with instances and read/trylock kinds, irq, softirq and
   * preemption state, RCU and non-block nesting, memalloc scopes, reclaim, signalling
   * sections, ww contexts, interrupt context). `loopVars`: the loop variables whose chosen
   * count still matters. Traces (frames) are not state.
   */
  stateKey(loopVars: ReadonlySet<string>): string {
    let k = '';
    for (const h of this.held)
      k += `${h.cls.id}/${h.instance ?? ''}/${h.read}${h.trylock ? 't' : ''}${h.references}/${h.irqContext}${h.hardirqsOff ? 'o' : ''}${h.nest ? `/${h.nest.cls}[${h.nest.instance ?? ''}]` : ''};`;
    k += `|${this.hardirqsEnabled ? 1 : 0},${this.bhCount},${this.preemptCount},${this.hardirqDepth},${this.softirqDepth},${this.nonBlock},${this.nofs},${this.noio},${this.pfMemalloc}`;
    k += `,${this.inRetry},${this.pagefaultDisabled},${this.lockdepOff ? 1 : 0}|${this.irqSaves.map(Number).join('')}|${this.threaded.map(Number).join('')}|`;
    for (const c of this.signalCookies) k += `${c.map((d) => d.name).join(',')};`;
    for (const [name, c] of [...this.wwContexts].sort(([a], [b]) => byteOrder(a, b)))
      k += `|${name}:${c.wwClass}:${[...c.owned].sort().join(',')}:${c.done ? 1 : 0}:${c.contending ?? ''}:${c.relock.join(',')}`;
    for (const [v, n] of this.loopCounts) if (loopVars.has(v)) k += `|${v}=${n}`;
    // Which on_edeadlk back-off this run takes is still ahead, or behind (ww.ts counts them).
    if (this.branchAt >= 0) k += `|b${Math.max(-1, this.branchAt - this.branchSeen)}`;
    return k;
  }
}

function copyHeld(h: HeldLock): HeldLock {
  const c = new HeldLock(h.cls, h.declName, h.instance, h.read, h.trylock, h.nest, h.irqContext, h.hardirqsOff, h.prevH1, h.prevH2, h.frame);
  c.references = h.references;
  return c;
}

/** A copy of a task's replay state (see `Task.snapshot`). */
export interface TaskSnapshot {
  readonly held: readonly HeldLock[];
  readonly h1: number;
  readonly h2: number;
  readonly scalars: readonly number[];
  readonly irqSaves: readonly boolean[];
  readonly threaded: readonly boolean[];
  readonly signalCookies: readonly (readonly import('../model/scenario.js').LockDecl[])[];
  readonly wwContexts: readonly (readonly [string, WwContext])[];
  readonly loopCounts: readonly (readonly [string, number])[];
  readonly frame: Frame | null;
}
