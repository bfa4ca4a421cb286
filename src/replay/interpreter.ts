/**
 * Walks a path's steps and turns each into what the kernel does: lock acquisitions and
 * releases for the lockdep model, irq/preemption state, sleeps, calls and hook invocations.
 * Iterative (an explicit activation stack), so no input can make it recurse deeply.
 */
import type { Frame, SourceLoc } from '../model/location.js';
import type { AcquireMode, AcquireStep, FenceDecl, LockDecl, LockRef, PathDecl, ScenarioOptions, Step } from '../model/scenario.js';
import { InputError } from '../load/errors.js';
import { GFP_DIRECT_RECLAIM, GFP_FS, GFP_IO, GFP_KERNEL, GFP_NOLOCKDEP } from '../model/gfp.js';
import { ENABLED_HARDIRQ, ENABLED_SOFTIRQ, lockLine, type LockClass } from './classes.js';
import type { LockLine } from '../model/finding.js';
import type { ReadKind } from './graph.js';
import { traceStep, type DetectionSink, type Lockdep } from './lockdep.js';
import { Task } from './task.js';

export interface Program {
  readonly locks: ReadonlyMap<string, LockDecl>;
  readonly fences: ReadonlyMap<string, FenceDecl>;
  readonly options: ScenarioOptions;
  readonly functions: ReadonlyMap<string, readonly Step[]>;
  readonly hooks: ReadonlyMap<string, readonly string[]>;
}

/** A running step list: a path, a function body, a hook callback or a block. */
interface Activation {
  readonly steps: readonly Step[];
  index: number;
  /** The frame of the step that opened it (trace parent of its steps). */
  readonly parent: Frame | null;
  /** Runs when the activation ends or is unwound by `return` (releases a `with` lock, ...). */
  readonly exit: (() => void) | null;
  /** A function boundary: `return` unwinds up to and including it. */
  readonly boundary: boolean;
  /** mmu_notifier_range_blockable() as seen inside. */
  readonly blockable: boolean;
}

/** Steps that open no block, call nothing and return nowhere: a stream runs them directly. */
const FLAT_OPS: ReadonlySet<Step['op']> = new Set<Step['op']>([
  'acquire', 'release', 'might_lock', 'lock_sync', 'downgrade_write', 'assert_held', 'hardirqs', 'softirqs',
  'preempt', 'non_block', 'sleep', 'cond_resched_lock', 'rcu', 'alloc', 'fs_reclaim', 'memalloc', 'signalling_annotation',
  'workqueue_flush', 'might_fault', 'mmu_interval_read_begin', 'hmm_range_fault', 'ww_acquire_init', 'ww_acquire',
]);
const STREAM_ACTIVATION: Activation = { steps: [], index: 0, parent: null, exit: null, boundary: true, blockable: true };

export class Interpreter {
  /** Per-fence pseudo-locks of the precise fence model. */
  private readonly fenceMaps = new Map<string, LockDecl>();
  /** Pseudo-locks the kernel code makes: `<ww_class>_acquire`, the workqueue maps. */
  private readonly kernelMaps = new Map<string, LockDecl>();

  constructor(
    private readonly lockdep: Lockdep,
    private readonly program: Program,
    private readonly onInputError: (error: InputError) => void,
    /** Findings beyond lockdep (the ww design rules). */
    private readonly sink: DetectionSink,
  ) {}

  /** A fresh task in the path's initial context. */
  newTask(name: string, context: PathDecl['context'] = 'process', irqsEnabled = true): Task {
    const task = new Task(name);
    task.hardirqsEnabled = irqsEnabled && context !== 'hardirq';
    if (context === 'hardirq') {
      task.hardirqDepth = 1;
      task.threaded.push(true);
    } else if (context === 'softirq') {
      task.softirqDepth = 1;
    }
    return task;
  }

  /**
   * Replay a path: its success path, then once per on_edeadlk back-off met there, the path
   * again taking that back-off (the runs share the graph; findings are reported once).
   */
  runPath(path: PathDecl): void {
    const branches = this.runOnce(path, -1);
    for (let k = 0; k < branches; k++) this.runOnce(path, k);
  }

  /** One run of a path; returns how many on_edeadlk branch points it passed. */
  private runOnce(path: PathDecl, branchAt: number): number {
    const task = this.newTask(path.name, path.context, path.irqsEnabled);
    task.branchAt = branchAt;
    if (!path.work) {
      this.run(task, path.steps, null);
      this.lockdep.pathEnd(task);
      return task.branchSeen;
    }
    // process_one_work(): the queue's map, then the work's, held around the work function.
    const frame: Frame = { loc: path.loc, label: `work ${path.work.item} on ${path.work.queue}`, parent: null };
    const queue = this.workqueueClass('queue', path.work.queue);
    const work = this.workqueueClass('work', path.work.item);
    task.frame = frame;
    this.lockdep.acquire(task, this.lockdep.classes.classOf(queue, 0), queue.name, null, 0, false, null);
    this.lockdep.acquire(task, this.lockdep.classes.classOf(work, 0), work.name, null, 0, false, null);
    this.run(task, path.steps, frame);
    task.frame = frame;
    this.lockdep.release(task, { cls: work.name, instance: null }, 'end of work', work);
    this.lockdep.release(task, { cls: queue.name, instance: null }, 'end of work', queue);
    this.lockdep.pathEnd(task);
    return task.branchSeen;
  }

  /** `(wq_completion)Q` or `(work_completion)W`, the workqueue code's lockdep maps. */
  private workqueueClass(kind: 'work' | 'queue', name: string): LockDecl {
    const full = `${kind === 'work' ? '(work_completion)' : '(wq_completion)'}${name}`;
    let decl = this.kernelMaps.get(full);
    if (!decl) {
      decl = { name: full, type: 'map', lockdep: full, loc: { file: '<builtin>', line: 0, column: 0 } };
      this.kernelMaps.set(full, decl);
    }
    return decl;
  }

  /** Run steps to their end (or a `return`), with `parent` as the trace parent. */
  run(task: Task, steps: readonly Step[], parent: Frame | null): void {
    const stack: Activation[] = [{ steps, index: 0, parent, exit: null, boundary: true, blockable: true }];
    while (stack.length) {
      const act = stack[stack.length - 1]!;
      if (act.index >= act.steps.length) {
        stack.pop();
        this.leave(task, act);
        continue;
      }
      const step = act.steps[act.index++]!;
      const frame: Frame = { loc: step.loc, label: step.label, parent: act.parent };
      task.frame = frame;
      this.execute(task, step, frame, act, stack);
    }
  }

  /** One step of a stream at `loc`: a flat step runs directly, a block through `run`. */
  runStep(task: Task, step: Step, loc: SourceLoc): void {
    if (FLAT_OPS.has(step.op)) {
      const frame: Frame = { loc, label: step.label, parent: null };
      task.frame = frame;
      this.execute(task, step, frame, STREAM_ACTIVATION, []);
    } else {
      this.run(task, [step], null);
    }
  }

  private open(stack: Activation[], body: readonly Step[], parent: Frame, blockable: boolean, exit: (() => void) | null): void {
    stack.push({ steps: body, index: 0, parent, exit, boundary: false, blockable });
  }

  private execute(task: Task, step: Step, frame: Frame, act: Activation, stack: Activation[]): void {
    switch (step.op) {
      case 'acquire':
        this.acquire(task, step, stack, frame);
        break;
      case 'release':
        this.release(task, step.lock, step.label, step.irq);
        break;
      case 'with': {
        this.acquire(task, step.acquire, stack, frame);
        const lock = step.acquire.lock;
        this.open(stack, step.body, frame, act.blockable, () => {
          task.frame = frame;
          this.release(task, lock, `end of ${step.label}`, 'none');
        });
        break;
      }
      case 'might_lock': {
        const decl = this.decl(step.lock, step);
        if (!decl) break;
        const cls = this.lockdep.classes.classOf(decl, step.subclass);
        this.lockdep.acquire(task, cls, decl.name, step.lock.instance, this.readKind(task, decl, step.mode), false, null);
        if (decl.type !== 'semaphore') this.lockdep.release(task, step.lock, step.label, cls);
        break;
      }
      case 'lock_sync': {
        const decl = this.decl(step.lock, step);
        if (!decl) break;
        this.lockdep.sleepCheck(task, step.label, null);
        this.lockdep.acquire(task, this.lockdep.classes.classOf(decl, 0), decl.name, step.lock.instance, 0, false, null, true);
        break;
      }
      case 'downgrade_write': {
        const decl = this.decl(step.lock, step);
        if (decl) this.lockdep.downgrade(task, step.lock, step.label, decl);
        break;
      }
      case 'assert_held': {
        const decl = this.decl(step.lock, step);
        if (decl) this.lockdep.assertHeld(task, step.lock, decl);
        break;
      }
      case 'hardirqs':
        if (step.action === 'disable') task.hardirqsEnabled = false;
        else if (step.action === 'enable') this.enableHardirqs(task);
        else if (step.action === 'save') {
          task.irqSaves.push(task.hardirqsEnabled);
          task.hardirqsEnabled = false;
        } else this.restoreHardirqs(task);
        break;
      case 'softirqs':
        if (step.action === 'disable') task.bhCount++;
        else this.enableSoftirqs(task);
        break;
      case 'preempt':
        if (step.action === 'disable') task.preemptCount++;
        else if (task.preemptCount > 0) task.preemptCount--;
        break;
      case 'non_block':
        if (step.action === 'start') task.nonBlock++;
        else this.nonBlockEnd(task, step.label);
        break;
      case 'non_block_section':
        task.nonBlock++;
        this.open(stack, step.body, frame, act.blockable, () => {
          task.frame = frame;
          this.nonBlockEnd(task, `end of ${step.label}`);
        });
        break;
      case 'sleep':
        this.lockdep.sleepCheck(task, step.label, null);
        break;
      case 'cond_resched_lock': {
        const decl = this.decl(step.lock, step);
        if (!decl) break;
        const held = this.lockdep.findHeld(task, step.lock);
        if (!held) this.lockdep.assertHeld(task, step.lock, decl);
        this.lockdep.sleepCheck(task, step.label, null, null, held);
        break;
      }
      case 'irq_context':
        if (!this.enterIrq(task, step.context, step.threaded, step)) break;
        this.open(stack, step.body, frame, act.blockable, () => this.exitIrq(task, step.context));
        break;
      case 'rcu':
        if (step.action === 'lock') this.rcuLock(task, step.flavour);
        else this.rcuUnlock(task, step.flavour, step.label);
        break;
      case 'rcu_section':
        this.rcuLock(task, step.flavour);
        this.open(stack, step.body, frame, act.blockable, () => {
          task.frame = frame;
          this.rcuUnlock(task, step.flavour, `end of ${step.label}`);
        });
        break;
      case 'alloc':
        this.fsReclaim(task, 'acquire', step.gfp);
        this.fsReclaim(task, 'release', step.gfp);
        // might_sleep_if(gfpflags_allow_blocking(gfp)): the caller's flags, not the scoped ones.
        if (step.gfp & GFP_DIRECT_RECLAIM) this.lockdep.sleepCheck(task, step.label, null);
        break;
      case 'fs_reclaim':
        this.fsReclaim(task, step.action, step.gfp);
        break;
      case 'memalloc':
        if (step.action === 'save') this.memalloc(task, step.scope, 1);
        else this.memalloc(task, step.scope, -1);
        break;
      case 'memalloc_section':
        this.memalloc(task, step.scope, 1);
        this.open(stack, step.body, frame, act.blockable, () => this.memalloc(task, step.scope, -1));
        break;
      case 'reclaim': {
        const map = this.builtin('fs_reclaim');
        this.lockdep.acquire(task, this.lockdep.classes.classOf(map, 0), map.name, null, 0, false, null);
        task.pfMemalloc++;
        this.open(stack, step.body, frame, act.blockable, () => {
          task.frame = frame;
          task.pfMemalloc--;
          this.lockdep.release(task, { cls: map.name, instance: null }, `end of ${step.label}`, map);
        });
        break;
      }
      case 'signalling': {
        const cookies = this.beginSignalling(task, step.fences);
        this.open(stack, step.body, frame, act.blockable, () => {
          task.frame = frame;
          this.endSignalling(task, cookies, `end of ${step.label}`);
        });
        break;
      }
      case 'signalling_annotation':
        if (step.action === 'begin') task.signalCookies.push(this.beginSignalling(task, []));
        else if (task.signalCookies.length) this.endSignalling(task, task.signalCookies.pop()!, step.label);
        else this.lockdep.reportBadUnlock(task, step.label);
        break;
      case 'fence_wait': {
        const fence = this.fence(step.fence);
        // dma_fence_wait_timeout(): might_sleep(), __dma_fence_might_wait(), then
        // dma_fence_enable_sw_signaling() under the fence's lock.
        this.lockdep.sleepCheck(task, step.label, null);
        this.mightWait(task, this.fenceClass(fence));
        this.enableSignaling(task, fence, stack, frame, act);
        break;
      }
      case 'fence_enable':
        this.enableSignaling(task, this.fence(step.fence), stack, frame, act);
        break;
      case 'fence_signal':
        this.signal(task, this.fence(step.fence), step.locked, step.label, stack, frame, act);
        break;
      case 'fence_put': {
        const fence = this.fence(step.fence);
        if (fence.release) this.callFunctions(stack, [fence.release], frame, act.blockable, `${step.label} → release`);
        break;
      }
      case 'mmu_notifier':
        this.mmuNotifier(task, step.phase, step.blockable, step.label, stack, frame);
        break;
      case 'mmu_interval_read_begin': {
        // Waits for an invalidation in progress: its callbacks' locks must not be held here.
        const map = this.builtin('mmu_notifier_invalidate_range_start');
        this.lockdep.acquire(task, this.lockdep.classes.classOf(map, 0), map.name, null, 0, false, null);
        this.lockdep.release(task, { cls: map.name, instance: null }, step.label, map);
        this.lockdep.sleepCheck(task, step.label, null);
        break;
      }
      case 'hmm_range_fault': {
        const mm = this.builtin('mmap_lock');
        this.lockdep.assertHeld(task, { cls: mm.name, instance: null }, mm);
        // Faulting pages in allocates like a page fault: GFP_KERNEL.
        this.fsReclaim(task, 'acquire', GFP_KERNEL);
        this.fsReclaim(task, 'release', GFP_KERNEL);
        this.lockdep.sleepCheck(task, step.label, null);
        break;
      }
      case 'might_fault': {
        if (task.pagefaultDisabled) break;
        this.lockdep.sleepCheck(task, step.label, null);
        const mm = this.builtin('mmap_lock');
        // might_lock_read(&mm->mmap_lock): the fault handler takes it for read.
        this.lockdep.acquire(task, this.lockdep.classes.classOf(mm, 0), mm.name, null, 1, false, null);
        this.lockdep.release(task, { cls: mm.name, instance: null }, step.label, mm);
        break;
      }
      case 'pagefault_disable':
        task.pagefaultDisabled++;
        this.open(stack, step.body, frame, act.blockable, () => task.pagefaultDisabled--);
        break;
      case 'pm_runtime': {
        this.lockdep.sleepCheck(task, step.label, null);
        const hook = step.action === 'get' ? 'pm_runtime.resume' : 'pm_runtime.suspend';
        this.callFunctions(stack, this.program.hooks.get(hook) ?? [], frame, act.blockable, `${step.label} → ${hook}`);
        break;
      }
      case 'ww_acquire_init': {
        const map = this.wwAcquireClass(step.wwClass);
        this.lockdep.acquire(task, this.lockdep.classes.classOf(map, 0), map.name, step.ctx, 0, false, null);
        task.wwContexts.set(step.ctx, { wwClass: step.wwClass, owned: new Set(), done: false, contending: null });
        break;
      }
      case 'ww_acquire': {
        const ctx = task.wwContexts.get(step.ctx);
        if (step.action === 'done') {
          if (ctx?.done) this.wwMisuse(task, step.ctx, 'ww_ctx->done_acquire', 'ww_acquire_done() called twice', null);
          if (ctx) ctx.done = true;
          break;
        }
        if (ctx && ctx.owned.size) this.wwMisuse(task, step.ctx, 'ctx->acquired', `ww_acquire_fini() while the context still holds ${[...ctx.owned].join(', ')}`, null);
        const map = this.wwAcquireClass(ctx?.wwClass ?? 'reservation_ww_class');
        this.lockdep.release(task, { cls: map.name, instance: step.ctx }, step.label, map);
        task.wwContexts.delete(step.ctx);
        break;
      }
      case 'workqueue_flush': {
        // __flush_work()/flush_workqueue(): sleep, and "take" the map the work runs under.
        this.lockdep.sleepCheck(task, step.label, null);
        const map = this.workqueueClass(step.kind, step.name);
        this.lockdep.acquire(task, this.lockdep.classes.classOf(map, 0), map.name, null, 0, false, null);
        this.lockdep.release(task, { cls: map.name, instance: null }, step.label, map);
        break;
      }
      case 'call': {
        const body = this.program.functions.get(step.fn);
        if (!body) {
          this.onInputError(new InputError(`unknown function "${step.fn}"`, step.loc));
          break;
        }
        stack.push({ steps: body, index: 0, parent: frame, exit: null, boundary: true, blockable: act.blockable });
        break;
      }
      case 'invoke': {
        const fns = this.program.hooks.get(step.hook) ?? [];
        const blockable = step.blockable ?? act.blockable;
        // Pushed in reverse so that they run in registration order.
        for (let i = fns.length - 1; i >= 0; i--) {
          const fn = fns[i]!;
          const body = this.program.functions.get(fn);
          if (!body) continue;
          const hookFrame: Frame = { loc: step.loc, label: `${step.label} → ${fn}`, parent: act.parent };
          stack.push({ steps: body, index: 0, parent: hookFrame, exit: null, boundary: true, blockable });
        }
        break;
      }
      case 'if_blockable':
        this.open(stack, act.blockable ? step.then : step.else, frame, act.blockable, null);
        break;
      case 'return':
        // Leave the function (or the path), unwinding the blocks it opened.
        while (stack.length) {
          const top = stack.pop()!;
          this.leave(task, top);
          if (top.boundary) break;
        }
        break;
    }
  }

  /**
   * fs_reclaim_acquire()/release() as mm/page_alloc.c has them: with the scoped flags, when
   * the allocation may enter direct reclaim, hold fs_reclaim if __GFP_FS survives, and touch
   * the mmu notifier map (reclaim unmaps pages: the notifiers may run).
   */
  private fsReclaim(task: Task, action: 'acquire' | 'release', gfp: number): void {
    if (task.noio) gfp &= ~(GFP_IO | GFP_FS);
    else if (task.nofs) gfp &= ~GFP_FS;
    if (!(gfp & GFP_DIRECT_RECLAIM) || task.pfMemalloc || gfp & GFP_NOLOCKDEP) return;
    const reclaim = this.builtin('fs_reclaim');
    if (action === 'release') {
      if (gfp & GFP_FS) this.lockdep.release(task, { cls: reclaim.name, instance: null }, 'fs_reclaim_release', reclaim);
      return;
    }
    if (gfp & GFP_FS) this.lockdep.acquire(task, this.lockdep.classes.classOf(reclaim, 0), reclaim.name, null, 0, false, null);
    const notifier = this.builtin('mmu_notifier_invalidate_range_start');
    this.lockdep.acquire(task, this.lockdep.classes.classOf(notifier, 0), notifier.name, null, 0, false, null);
    this.lockdep.release(task, { cls: notifier.name, instance: null }, 'fs_reclaim_acquire', notifier);
  }

  /**
   * mmu_notifier_invalidate_range_start/end(): the notifier map is held while the callbacks
   * run — interval notifiers' invalidate() first, then the classic callbacks, each of those in
   * a non-blocking section when the range is not blockable (the OOM reaper).
   */
  private mmuNotifier(task: Task, phase: 'start' | 'end', blockable: boolean, label: string, stack: Activation[], frame: Frame): void {
    if (blockable) this.lockdep.sleepCheck(task, label, null);
    const map = this.builtin('mmu_notifier_invalidate_range_start');
    this.lockdep.acquire(task, this.lockdep.classes.classOf(map, 0), map.name, null, 0, false, null);
    stack.push({
      steps: [], index: 0, parent: frame, boundary: false, blockable,
      exit: () => {
        task.frame = frame;
        this.lockdep.release(task, { cls: map.name, instance: null }, `end of ${label}`, map);
      },
    });
    const classic = this.program.hooks.get(`mmu_notifier.invalidate_range_${phase}`) ?? [];
    for (let i = classic.length - 1; i >= 0; i--) {
      const body = this.program.functions.get(classic[i]!);
      if (!body) continue;
      const entry: Frame = { loc: frame.loc, label: `${label} → ${classic[i]}`, parent: frame.parent };
      if (blockable) stack.push({ steps: body, index: 0, parent: entry, exit: null, boundary: true, blockable });
      else {
        const wrapped: Step = { op: 'non_block_section', loc: frame.loc, label: 'non_block_start', body };
        stack.push({ steps: [wrapped], index: 0, parent: entry, exit: null, boundary: true, blockable });
      }
    }
    if (phase === 'start') this.callFunctions(stack, this.program.hooks.get('mmu_interval_notifier.invalidate') ?? [], frame, blockable, `${label} →`);
  }

  // ------------------------------------------------------------------ fences

  private fence(name: string): FenceDecl {
    const fence = this.program.fences.get(name);
    if (!fence) throw new Error(`fence ${name} is not declared`);
    return fence;
  }

  /**
   * The pseudo-lock a fence's signalling and waits use: `dma_fence_map` (one for every fence,
   * as in the kernel) or, with `fence_model: precise`, the fence's own class.
   */
  private fenceClass(fence: FenceDecl | null): LockDecl {
    if (!fence || this.program.options.fenceModel !== 'precise') return this.builtin('dma_fence_map');
    let decl = this.fenceMaps.get(fence.name);
    if (!decl) {
      decl = { name: `fence:${fence.name}`, type: 'map', lockdep: `fence:${fence.name}`, loc: fence.loc };
      this.fenceMaps.set(fence.name, decl);
    }
    return decl;
  }

  /** In the kernel: dma_fence_begin_signalling() for each class; the cookies say what to end. */
  private beginSignalling(task: Task, fences: readonly string[]): LockDecl[] {
    const maps = fences.length && this.program.options.fenceModel === 'precise'
      ? fences.map((f) => this.fenceClass(this.fence(f)))
      : [this.fenceClass(null)];
    const taken: LockDecl[] = [];
    for (const map of maps) {
      // Nested in a section of the same class, or atomic: nothing is annotated.
      const held = this.lockdep.findHeld(task, { cls: map.name, instance: null });
      if ((held && held.read !== 0) || this.lockdep.inAtomic(task)) continue;
      this.lockdep.acquire(task, this.lockdep.classes.classOf(map, 0), map.name, null, 1, this.signallingIsTrylock(), null);
      taken.push(map);
    }
    return taken;
  }

  private endSignalling(task: Task, taken: readonly LockDecl[], what: string): void {
    for (let i = taken.length - 1; i >= 0; i--) this.lockdep.release(task, { cls: taken[i]!.name, instance: null }, what, taken[i]!);
  }

  /** Since v6.13 (2facdd6002ad) a signalling section is a read *trylock* of the map. */
  private signallingIsTrylock(): boolean {
    return this.program.options.kernel === '6.13';
  }

  /**
   * __dma_fence_might_wait(): a wait is a write acquisition of the map; a wait inside one's own
   * section drops the read hold first and takes it again after, so only locks taken inside the
   * section and still held make it a deadlock.
   */
  private mightWait(task: Task, map: LockDecl): void {
    const ref = { cls: map.name, instance: null };
    const held = this.lockdep.findHeld(task, ref);
    const reader = held !== null && held.read !== 0;
    if (reader) this.lockdep.release(task, ref, 'dma_fence_wait', map);
    const cls = this.lockdep.classes.classOf(map, 0);
    this.lockdep.acquire(task, cls, map.name, null, 0, false, null);
    this.lockdep.release(task, ref, 'dma_fence_wait', map);
    if (reader) this.lockdep.acquire(task, cls, map.name, null, 1, this.signallingIsTrylock(), null);
  }

  /** F's lock taken with irqs saved around F's enable_signaling (dma_fence_enable_sw_signaling). */
  private enableSignaling(task: Task, fence: FenceDecl, stack: Activation[], frame: Frame, act: Activation): void {
    this.fenceLocked(task, fence, stack, frame, act, fence.enableSignaling ? [fence.enableSignaling] : [], `${frame.label} → enable_signaling`, null);
  }

  /**
   * dma_fence_signal(): begin_signalling, F's lock with irqs saved, F's callbacks and the
   * dma_fence.callback hooks under it, unlock, end_signalling. A fence signalled from an
   * interrupt handler is signalled in hardirq context wherever the scenario writes it.
   */
  private signal(task: Task, fence: FenceDecl, locked: boolean, label: string, stack: Activation[], frame: Frame, act: Activation): void {
    const callbacks = [...fence.callbacks, ...(this.program.hooks.get('dma_fence.callback') ?? [])];
    if (locked) {
      // dma_fence_signal_locked(): lockdep_assert_held(fence->lock), no annotation.
      this.lockdep.assertHeld(task, fence.lock, this.program.locks.get(fence.lock.cls)!);
      this.callFunctions(stack, callbacks, frame, act.blockable, `${label} → callback`);
      return;
    }
    const inIrq = fence.signalledIn === 'irq' && task.hardirqDepth === 0;
    if (inIrq) {
      task.irqSaves.push(task.hardirqsEnabled);
      task.hardirqsEnabled = false;
      task.hardirqDepth++;
      task.threaded.push(true);
    }
    const cookies = this.beginSignalling(task, [fence.name]);
    this.fenceLocked(task, fence, stack, frame, act, callbacks, `${label} → callback`, () => {
      this.endSignalling(task, cookies, label);
      if (inIrq) this.exitIrq(task, 'hardirq');
    });
  }

  /** Run `fns` with F's lock held (irqs saved), then `after`. */
  private fenceLocked(
    task: Task, fence: FenceDecl, stack: Activation[], frame: Frame, act: Activation, fns: readonly string[], via: string, after: (() => void) | null,
  ): void {
    const decl = this.program.locks.get(fence.lock.cls)!;
    task.irqSaves.push(task.hardirqsEnabled);
    task.hardirqsEnabled = false;
    const cls = this.lockdep.classes.classOf(decl, 0);
    this.lockdep.acquire(task, cls, decl.name, fence.lock.instance, 0, false, null);
    const unlock = () => {
      task.frame = frame;
      this.lockdep.release(task, fence.lock, `${frame.label} (unlock ${decl.name})`, decl);
      this.restoreHardirqs(task);
      if (after) after();
    };
    if (!fns.length) {
      unlock();
      return;
    }
    stack.push({ steps: [], index: 0, parent: frame, exit: unlock, boundary: false, blockable: act.blockable });
    this.callFunctions(stack, fns, frame, act.blockable, via);
  }

  /** Push functions to run in order, each a function boundary, traced through `via`. */
  private callFunctions(stack: Activation[], fns: readonly string[], frame: Frame, blockable: boolean, via: string): void {
    for (let i = fns.length - 1; i >= 0; i--) {
      const body = this.program.functions.get(fns[i]!);
      if (!body) continue;
      const entry: Frame = { loc: frame.loc, label: `${via} ${fns[i]}`, parent: frame.parent };
      stack.push({ steps: body, index: 0, parent: entry, exit: null, boundary: true, blockable });
    }
  }

  private memalloc(task: Task, scope: 'nofs' | 'noio' | 'noreclaim', delta: 1 | -1): void {
    const key = scope === 'noreclaim' ? 'pfMemalloc' : scope;
    task[key] = Math.max(0, task[key] + delta);
  }

  /** A pseudo-lock every scenario has (the loader declares them). */
  private builtin(name: string): LockDecl {
    const decl = this.program.locks.get(name);
    if (!decl) throw new Error(`built-in lock ${name} is not declared`);
    return decl;
  }

  private leave(task: Task, act: Activation): void {
    if (act.exit) act.exit();
  }

  private decl(ref: LockRef, step: Step): LockDecl | null {
    const decl = this.program.locks.get(ref.cls);
    if (!decl) this.onInputError(new InputError(`unknown lock "${ref.cls}"`, step.loc));
    return decl ?? null;
  }

  /** The kernel's `read` argument: rwlock readers are recursive in interrupt context (qrwlock). */
  private readKind(task: Task, decl: LockDecl, mode: AcquireMode): ReadKind {
    if (mode === 'write') return 0;
    if (mode === 'recursive_read') return 2;
    if (decl.type === 'rwlock') return task.inInterrupt() ? 2 : 1;
    if (decl.type === 'srcu') return 2;
    return 1;
  }

  private acquire(task: Task, step: AcquireStep, stack: Activation[], frame: Frame): void {
    const decl = this.decl(step.lock, step);
    if (!decl) return;
    if (step.ctx !== undefined) {
      this.wwLock(task, step, decl, step.ctx, stack, frame);
      return;
    }
    if (step.irq === 'irq') task.hardirqsEnabled = false;
    else if (step.irq === 'irqsave') {
      task.irqSaves.push(task.hardirqsEnabled);
      task.hardirqsEnabled = false;
    } else if (step.irq === 'bh') task.bhCount++;
    const cls = this.lockdep.classes.classOf(decl, step.subclass);
    // mutex_lock() and friends start with might_sleep(); trylocks never sleep.
    if (cls.sleeping && !step.trylock) this.lockdep.sleepCheck(task, step.label, cls, step.lock.instance);
    this.lockdep.acquire(task, cls, decl.name, step.lock.instance, this.readKind(task, decl, step.mode), step.trylock, step.nestLock);
  }

  /**
   * ww_mutex_lock(lock, ctx): -EALREADY (nothing at all) for a lock the context owns; otherwise
   * a sleeping acquisition of the ww class's mutex class with the context as nest_lock, so
   * lockdep sees the whole transaction as one lock.
   */
  private wwLock(task: Task, step: AcquireStep, decl: LockDecl, ctxName: string, stack: Activation[], frame: Frame): void {
    const ctx = task.wwContexts.get(ctxName);
    if (!ctx) {
      this.onInputError(new InputError(`ww acquire context "${ctxName}" is not initialised on this path (ww_acquire_init first)`, step.loc));
      return;
    }
    const key = `${decl.name}[${step.lock.instance ?? ''}]`;
    if (ctx.owned.has(key)) return;
    const cls = this.lockdep.classes.classOf(decl, step.subclass);
    const line = () => lockLine(cls, step.lock.instance, traceStep(frame));
    // The kernel's CONFIG_DEBUG_WW_MUTEXES checks (ww_mutex_lock_acquired(), ww_mutex_lock_slow()).
    if (ctx.done) this.wwMisuse(task, ctxName, 'ww_ctx->done_acquire', `${key} taken after ww_acquire_done()`, line());
    if (decl.wwClass !== ctx.wwClass) this.wwMisuse(task, ctxName, 'ww_ctx->ww_class != ww->ww_class', `${key} is of ${decl.wwClass}, the context of ${ctx.wwClass}`, line());
    if (step.slow && !ctx.contending) this.wwMisuse(task, ctxName, '!ctx->contending_lock', `slow-path lock of ${key} with no -EDEADLK before it`, line());
    if (ctx.contending) {
      if (step.result === 'edeadlk') this.wwMisuse(task, ctxName, 'ww_ctx->contending_lock', `a second -EDEADLK (${key}) before backing off from ${ctx.contending}`, line());
      else {
        if (ctx.contending !== key) this.wwMisuse(task, ctxName, 'ww_ctx->contending_lock != ww', `after -EDEADLK on ${ctx.contending}, ${key} is taken instead`, line());
        if (ctx.owned.size) this.wwMisuse(task, ctxName, 'ww_ctx->acquired > 0', `after -EDEADLK on ${ctx.contending}, ${key} is taken while the context still holds ${[...ctx.owned].join(', ')}`, line());
        ctx.contending = null;
      }
    }
    if (ctx.owned.size) {
      if (!step.onEdeadlk && step.result === undefined && !step.slow && task.inRetry === 0)
        this.sink.report('ww-edeadlk-unhandled', { site: this.lockdep.site(task), lock: line(), ctx: ctxName, owned: [...ctx.owned] });
      this.lockBetweenReservations(task, cls, ctxName, line);
    }
    const branch = step.onEdeadlk !== undefined && ctx.owned.size > 0 && task.branchSeen++ === task.branchAt;
    if (step.result === 'edeadlk' && ctx.owned.size === 0)
      this.wwMisuse(task, ctxName, 'ctx->acquired == 0', `-EDEADLK on ${key}, but a context that holds no lock never gets -EDEADLK`, line());
    this.lockdep.sleepCheck(task, step.label, cls, step.lock.instance);
    const nest = { cls: this.wwAcquireClass(ctx.wwClass).name, instance: ctxName };
    this.lockdep.acquire(task, cls, decl.name, step.lock.instance, 0, false, nest);
    if (step.result === 'edeadlk' || branch) {
      // -EDEADLK: validated like an acquisition, then released; the context must back off.
      this.lockdep.release(task, step.lock, `${step.label} (-EDEADLK)`, decl);
      ctx.contending = key;
      if (branch) {
        task.inRetry++;
        this.open(stack, step.onEdeadlk!, frame, true, () => task.inRetry--);
      }
      return;
    }
    ctx.owned.add(key);
  }

  /** kernel-semantics §8.6 item 26: a plain lock held between two reservations of a context. */
  private lockBetweenReservations(task: Task, cls: LockClass, ctxName: string, line: () => LockLine): void {
    const held = task.held;
    const first = held.findIndex((h) => h.cls === cls && h.nest?.instance === ctxName);
    if (first < 0) return;
    for (let i = first + 1; i < held.length; i++) {
      const h = held[i]!;
      if (h.cls === cls || !h.cls.check || h.cls.type === 'map') continue;
      this.sink.report('ww-lock-between-reservations', {
        site: this.lockdep.site(task), reservation: line(), between: this.lockdep.line(h), first: this.lockdep.line(held[first]!), ctx: ctxName,
      });
      return;
    }
  }

  private wwMisuse(task: Task, ctx: string, check: string, what: string, lock: LockLine | null): void {
    this.sink.report('ww-misuse', { site: this.lockdep.site(task), check, what, lock, ctx });
  }

  /** The pseudo-lock `<ww_class>_acquire` of a ww class's acquire contexts. */
  private wwAcquireClass(wwClass: string): LockDecl {
    const name = `${wwClass}_acquire`;
    let decl = this.kernelMaps.get(name);
    if (!decl) {
      decl = { name, type: 'map', lockdep: name, loc: { file: '<builtin>', line: 0, column: 0 } };
      this.kernelMaps.set(name, decl);
    }
    return decl;
  }

  private release(task: Task, ref: LockRef, what: string, irq: AcquireStep['irq']): void {
    const decl = this.program.locks.get(ref.cls);
    if (decl?.type === 'ww_mutex') for (const ctx of task.wwContexts.values()) ctx.owned.delete(`${decl.name}[${ref.instance ?? ''}]`);
    // A semaphore is invisible to lockdep: up() checks nothing.
    if (decl && decl.type !== 'semaphore') this.lockdep.release(task, ref, what, decl);
    if (irq === 'irq') this.enableHardirqs(task);
    else if (irq === 'irqsave') this.restoreHardirqs(task);
    else if (irq === 'bh') this.enableSoftirqs(task);
  }

  private enableHardirqs(task: Task): void {
    if (task.hardirqsEnabled) return;
    task.hardirqsEnabled = true;
    this.lockdep.markHeldLocks(task, ENABLED_HARDIRQ);
    if (task.softirqsEnabled()) this.lockdep.markHeldLocks(task, ENABLED_SOFTIRQ);
  }

  private restoreHardirqs(task: Task): void {
    const was = task.irqSaves.length ? task.irqSaves.pop()! : true;
    if (was) this.enableHardirqs(task);
    else task.hardirqsEnabled = false;
  }

  private enableSoftirqs(task: Task): void {
    if (task.bhCount === 0) return;
    task.bhCount--;
    if (task.softirqsEnabled() && task.hardirqsEnabled) this.lockdep.markHeldLocks(task, ENABLED_SOFTIRQ);
  }

  private nonBlockEnd(task: Task, what: string): void {
    if (task.nonBlock > 0) task.nonBlock--;
    else this.lockdep.reportBadUnlock(task, what);
  }

  /** An interrupt arrives: only possible where that interrupt is enabled. */
  private enterIrq(task: Task, context: 'hardirq' | 'softirq', threaded: boolean, step: Step): boolean {
    if (context === 'hardirq') {
      if (!task.hardirqsEnabled || task.hardirqDepth > 0) {
        this.onInputError(new InputError(
          'a hardirq block where hard interrupts are disabled cannot happen (the kernel takes no interrupt there); move it where irqs are enabled',
          step.loc,
        ));
        return false;
      }
      task.irqSaves.push(task.hardirqsEnabled);
      task.hardirqsEnabled = false;
      task.hardirqDepth++;
      task.threaded.push(threaded);
      return true;
    }
    if (!task.hardirqsEnabled || task.hardirqDepth > 0 || task.softirqDepth > 0 || task.bhCount > 0) {
      this.onInputError(new InputError(
        'a softirq block where softirqs cannot run (bottom halves or hard irqs disabled, or already in irq context) cannot happen; move it where they are enabled',
        step.loc,
      ));
      return false;
    }
    task.softirqDepth++;
    return true;
  }

  private exitIrq(task: Task, context: 'hardirq' | 'softirq'): void {
    if (context === 'hardirq') {
      task.hardirqDepth--;
      task.threaded.pop();
      task.hardirqsEnabled = task.irqSaves.pop() ?? true;
    } else {
      task.softirqDepth--;
    }
  }

  private rcuLock(task: Task, flavour: 'rcu' | 'rcu_bh' | 'rcu_sched'): void {
    if (flavour === 'rcu_bh') task.bhCount++;
    this.lockdep.pushRcu(task, this.lockdep.classes.rcuClass(flavour));
  }

  private rcuUnlock(task: Task, flavour: 'rcu' | 'rcu_bh' | 'rcu_sched', what: string): void {
    const cls = this.lockdep.classes.rcuClass(flavour);
    this.lockdep.release(task, { cls: cls.name, instance: null }, what, cls);
    if (flavour === 'rcu_bh') this.enableSoftirqs(task);
  }
}
