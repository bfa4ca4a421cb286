/**
 * Per-path state, as lockdep and the scheduler keep it per task: the held-lock stack, the
 * chain key, irq/softirq/preemption state and the non_block count.
 */
import type { Frame, SourceLoc } from '../model/location.js';
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
}
