/**
 * The replayable form of a scenario, produced by the loader (src/load) from YAML, JSON or
 * a JSONL stream, and consumed by the replay (src/replay). Kernel aliases are already
 * resolved here: `spin_lock_irqsave: A` is an `acquire` with `irq: 'save'`.
 */
import type { CodeLoc, SourceLoc } from './location.js';

export const LOCK_TYPES = [
  'mutex', 'rt_mutex', 'spinlock', 'raw_spinlock', 'rwlock', 'rwsem', 'percpu_rwsem',
  'ww_mutex', 'semaphore', 'srcu', 'map',
] as const;
export type LockType = (typeof LOCK_TYPES)[number];

export interface LockDecl {
  /** Scenario name (the key under `locks:`). */
  readonly name: string;
  readonly type: LockType;
  /** Class name as lockdep prints it; defaults to `name`. For ww_mutex: `<ww_class>_mutex`. */
  readonly lockdep: string;
  readonly wwClass?: string;
  readonly description?: string;
  /** Where it was declared; `builtin` for the kernel's pseudo-locks. */
  readonly loc: SourceLoc;
}

/** The ww class of a ww_mutex or acquire context that names none (every dma_resv lock's). */
export const DEFAULT_WW_CLASS = 'reservation_ww_class';

/** The pseudo-lock lockdep holds for each acquire context of a ww class (ww_acquire_init()). */
export function wwAcquireLock(wwClass: string): string {
  return `${wwClass}_acquire`;
}

/** `dma_resv[bo_a]` → { cls: 'dma_resv', instance: 'bo_a' }; bare `A` → instance null. */
export interface LockRef {
  readonly cls: string;
  readonly instance: string | null;
}

/** What the acquisition does to irq state around it (the `_irq`, `_irqsave`, `_bh` aliases). */
export type IrqEffect = 'none' | 'irq' | 'irqsave' | 'bh';

/**
 * `read` is what the kernel's `read` argument will be decided from: for an rwlock, `read` is a
 * queued-rwlock reader (recursive in irq context or with BH disabled); for rwsem and maps it
 * is a non-recursive reader; `recursive_read` is always recursive.
 */
export type AcquireMode = 'write' | 'read' | 'recursive_read';

interface StepBase {
  readonly loc: SourceLoc;
  /** The step as written, shortened for traces: `spin_lock_irqsave: A`. */
  readonly label: string;
  /** The step's name as written (`spin_lock_irqsave`): its entry in the vocabulary (vocabulary.ts). */
  readonly spelling: string;
  /** `at:` (revision 1.1): where the step is in the C code the scenario describes. */
  readonly at?: CodeLoc;
  /**
   * `model_rule:`: the step stands for a documented rule that the kernel does not annotate
   * (drm_sched's signalling path): the rule and its source. `--lockdep-only` skips the step
   * (a block's steps still run, without the block).
   */
  readonly modelRule?: string;
}

export interface AcquireStep extends StepBase {
  readonly op: 'acquire';
  readonly lock: LockRef;
  readonly mode: AcquireMode;
  readonly subclass: number;
  readonly nestLock: LockRef | null;
  readonly trylock: boolean;
  readonly irq: IrqEffect;
  /** A ww_mutex taken in this acquire context (ww_mutex_lock(lock, ctx)). */
  readonly ctx?: string;
  /** ww_mutex_lock_slow(). */
  readonly slow?: boolean;
  /** The back-off path the code takes when this ww lock returns -EDEADLK. */
  readonly onEdeadlk?: readonly Step[];
  /** `edeadlk`: this attempt returns -EDEADLK (validated, not held). */
  readonly result?: 'edeadlk';
}

export type Step =
  | AcquireStep
  | (StepBase & { readonly op: 'release'; readonly lock: LockRef; readonly irq: IrqEffect })
  /** scoped acquire: `with`/`do`. The lock is released when the body ends or returns. */
  | (StepBase & { readonly op: 'with'; readonly acquire: AcquireStep; readonly body: readonly Step[] })
  | (StepBase & { readonly op: 'might_lock'; readonly lock: LockRef; readonly mode: AcquireMode; readonly subclass: number })
  /** lockdep's lock_sync(): the dependency of a write acquisition, never held (synchronize_srcu). */
  | (StepBase & { readonly op: 'lock_sync'; readonly lock: LockRef })
  | (StepBase & { readonly op: 'downgrade_write'; readonly lock: LockRef })
  | (StepBase & { readonly op: 'assert_held'; readonly lock: LockRef })
  | (StepBase & { readonly op: 'hardirqs'; readonly action: 'disable' | 'enable' | 'save' | 'restore' })
  | (StepBase & { readonly op: 'softirqs'; readonly action: 'disable' | 'enable' })
  | (StepBase & { readonly op: 'preempt'; readonly action: 'disable' | 'enable' })
  | (StepBase & { readonly op: 'non_block'; readonly action: 'start' | 'end' })
  | (StepBase & { readonly op: 'non_block_section'; readonly body: readonly Step[] })
  /** might_sleep/cond_resched (may sleep) and msleep/schedule/wait_event… (does sleep): same check. */
  | (StepBase & { readonly op: 'sleep' })
  | (StepBase & { readonly op: 'cond_resched_lock'; readonly lock: LockRef })
  | (StepBase & { readonly op: 'irq_context'; readonly context: 'hardirq' | 'softirq'; readonly threaded: boolean; readonly body: readonly Step[] })
  | (StepBase & { readonly op: 'rcu'; readonly flavour: RcuFlavour; readonly action: 'lock' | 'unlock' })
  | (StepBase & { readonly op: 'rcu_section'; readonly flavour: RcuFlavour; readonly body: readonly Step[] })
  /** might_alloc(gfp): every allocation's lockdep annotations and sleep check. */
  | (StepBase & { readonly op: 'alloc'; readonly gfp: number })
  /** The raw fs_reclaim_acquire()/fs_reclaim_release() annotations. */
  | (StepBase & { readonly op: 'fs_reclaim'; readonly action: 'acquire' | 'release'; readonly gfp: number })
  | (StepBase & { readonly op: 'memalloc'; readonly scope: MemallocScope; readonly action: 'save' | 'restore' })
  | (StepBase & { readonly op: 'memalloc_section'; readonly scope: MemallocScope; readonly body: readonly Step[] })
  /** The body runs as reclaim does: fs_reclaim held, PF_MEMALLOC set. */
  | (StepBase & { readonly op: 'reclaim'; readonly body: readonly Step[] })
  /** dma_fence_begin_signalling() … end around the body; `fences`: what it signals (precise model). */
  | (StepBase & { readonly op: 'signalling'; readonly fences: readonly string[]; readonly body: readonly Step[] })
  | (StepBase & { readonly op: 'signalling_annotation'; readonly action: 'begin' | 'end' })
  | (StepBase & { readonly op: 'fence_wait'; readonly fence: string })
  /** dma_fence_signal (annotated) or dma_fence_signal_locked (F's lock held, no annotation). */
  | (StepBase & { readonly op: 'fence_signal'; readonly fence: string; readonly locked: boolean })
  /** dma_fence_add_callback / dma_fence_enable_sw_signaling: F's lock, then enable_signaling. */
  | (StepBase & { readonly op: 'fence_enable'; readonly fence: string })
  /** dma_fence_put: may be the last reference, running F's release. */
  | (StepBase & { readonly op: 'fence_put'; readonly fence: string })
  /** The kernel's notifier invocation: the map held while the callbacks run. */
  | (StepBase & { readonly op: 'mmu_notifier'; readonly phase: 'start' | 'end'; readonly blockable: boolean })
  | (StepBase & { readonly op: 'mmu_interval_read_begin' })
  | (StepBase & { readonly op: 'hmm_range_fault' })
  /** might_fault(): may sleep and take mmap_lock for read, unless page faults are disabled. */
  | (StepBase & { readonly op: 'might_fault' })
  | (StepBase & { readonly op: 'pagefault_disable'; readonly body: readonly Step[] })
  | (StepBase & { readonly op: 'pm_runtime'; readonly action: 'get' | 'put'; readonly device: string })
  /** ww_acquire_init(ctx, class): the context is a lock of class `<class>_acquire`. */
  | (StepBase & { readonly op: 'ww_acquire_init'; readonly ctx: string; readonly wwClass: string })
  | (StepBase & { readonly op: 'ww_acquire'; readonly action: 'done' | 'fini' | 'unlock_all'; readonly ctx: string })
  /** flush_work/cancel_work_sync (a work item) or flush_workqueue/drain_workqueue (a queue). */
  | (StepBase & { readonly op: 'workqueue_flush'; readonly kind: 'work' | 'queue'; readonly name: string })
  /** `fn`: the key in `Scenario.functions` (`name`, or `name(a, b)` for a call with arguments). */
  | (StepBase & { readonly op: 'call'; readonly fn: string })
  /** A call to code the scenario does not model: replays nothing, counted in the stats. */
  | (StepBase & { readonly op: 'extern'; readonly fn: string })
  | (StepBase & { readonly op: 'invoke'; readonly hook: string; readonly blockable: boolean | null })
  | (StepBase & { readonly op: 'if_blockable'; readonly then: readonly Step[]; readonly else: readonly Step[] })
  /** `if: COND` (free text): both branches are alternatives of the execution. */
  | (StepBase & { readonly op: 'if_cond'; readonly cond: string; readonly then: readonly Step[]; readonly else: readonly Step[] })
  /** `if: {since: R}`: `then` when the release replayed is R or later, `else` before. */
  | (StepBase & { readonly op: 'if_since'; readonly since: string; readonly then: readonly Step[]; readonly else: readonly Step[] })
  /** `if: {trylock: X}`: `then` runs with X taken by `acquire` (a trylock), `else` without it. */
  | (StepBase & { readonly op: 'if_trylock'; readonly acquire: AcquireStep; readonly then: readonly Step[]; readonly else: readonly Step[] })
  /**
   * A loop taken zero, one and two times (three alternatives). `iterations`: the body of the
   * first and of the second iteration (the same list unless `for: V` renames `$V` per iteration).
   */
  | (StepBase & { readonly op: 'loop'; readonly variable: string | null; readonly iterations: readonly [readonly Step[], readonly Step[]] })
  | (StepBase & { readonly op: 'break' })
  | (StepBase & { readonly op: 'continue' })
  | (StepBase & { readonly op: 'return' });

export type RcuFlavour = 'rcu' | 'rcu_bh' | 'rcu_sched';
/** memalloc_nofs/noio (strip __GFP_FS / __GFP_IO|__GFP_FS) and noreclaim (PF_MEMALLOC). */
export type MemallocScope = 'nofs' | 'noio' | 'noreclaim';
export type StepOp = Step['op'];

export type PathContext = 'process' | 'softirq' | 'hardirq';

export interface PathDecl {
  readonly name: string;
  readonly context: PathContext;
  readonly irqsEnabled: boolean;
  /** A work item's function: runs holding `(wq_completion)queue` and `(work_completion)item`. */
  readonly work?: { readonly item: string; readonly queue: string };
  readonly steps: readonly Step[];
  readonly loc: SourceLoc;
}

export interface FenceDecl {
  readonly name: string;
  readonly description?: string;
  /** The spinlock passed to dma_fence_init (an instance may be named). */
  readonly lock: LockRef;
  readonly signalledIn: 'irq' | 'process';
  readonly enableSignaling: string | null;
  readonly release: string | null;
  readonly callbacks: readonly string[];
  readonly loc: SourceLoc;
}

export interface Expectation {
  readonly rule: string;
  readonly involves: readonly string[];
  readonly path: string | null;
  readonly loc: SourceLoc;
}

export type KernelProfile = '5.10' | '6.13';
export type FenceModel = 'lockdep' | 'precise';

export interface ScenarioOptions {
  /** lockdep's behaviour: the profile the release falls in (src/model/kernel-release.ts). */
  readonly kernel: KernelProfile;
  /** The release `options.kernel` names, for the models' `if: {since}`; null: current mainline. */
  readonly release: string | null;
  /** `--lockdep-only`: steps marked `model_rule:` are not replayed (lockdep's view of the kernel). */
  readonly lockdepOnly: boolean;
  readonly fenceModel: FenceModel;
  readonly warn: readonly string[];
}

export interface Scenario {
  readonly file: string;
  readonly name: string;
  readonly description: string | null;
  /** Every lock class usable in the scenario: built-in pseudo-locks, includes, then the file's own. */
  readonly locks: ReadonlyMap<string, LockDecl>;
  readonly fences: ReadonlyMap<string, FenceDecl>;
  readonly functions: ReadonlyMap<string, readonly Step[]>;
  /** hook name → registered function names, in registration order. */
  readonly hooks: ReadonlyMap<string, readonly string[]>;
  /** Included models' paths first, then the file's own, in order. */
  readonly paths: readonly PathDecl[];
  /** null: no `expect` key (the file passes only when clean). */
  readonly expect: 'clean' | readonly Expectation[] | null;
  readonly options: ScenarioOptions;
  /** `library: true` (revision 1.1): only meant to be included; no paths, no expect. */
  readonly library?: boolean;
  /** What the loader noticed without replaying (revision 1.1 warnings), in file order. */
  readonly notices?: readonly Notice[];
}

/** A warning the loader finds in the scenario's text: an unused function, a condition that looks like a keyword. */
export type Notice =
  | { readonly kind: 'unused-function'; readonly name: string; readonly loc: SourceLoc }
  | { readonly kind: 'misspelled-condition'; readonly condition: string; readonly keyword: string; readonly loc: SourceLoc; readonly at?: CodeLoc };

/**
 * Visit every step, nested ones included (block bodies, both branches of `if`, back-off paths),
 * in order; iterative, so nesting depth costs no stack. Calls are not followed.
 */
export function forEachStep(steps: readonly Step[], visit: (s: Step) => void): void {
  const stack: { list: readonly Step[]; i: number }[] = [{ list: steps, i: 0 }];
  while (stack.length) {
    const top = stack[stack.length - 1]!;
    if (top.i >= top.list.length) {
      stack.pop();
      continue;
    }
    const s = top.list[top.i++]!;
    visit(s);
    if (s.op === 'if_blockable' || s.op === 'if_cond' || s.op === 'if_since' || s.op === 'if_trylock') stack.push({ list: s.else, i: 0 }, { list: s.then, i: 0 });
    else if (s.op === 'loop') {
      if (s.iterations[1] !== s.iterations[0]) stack.push({ list: s.iterations[1], i: 0 });
      stack.push({ list: s.iterations[0], i: 0 });
    }
    else if ('body' in s) stack.push({ list: s.body, i: 0 });
    else if (s.op === 'acquire' && s.onEdeadlk) stack.push({ list: s.onEdeadlk, i: 0 });
  }
}
