/**
 * Walks a path's steps and turns each into what the kernel does: lock acquisitions and
 * releases for the lockdep model, irq/preemption state, sleeps, calls and hook invocations.
 * Iterative (an explicit activation stack), so no input can make it recurse deeply.
 */
import type { Frame, SourceLoc } from '../model/location.js';
import type { AcquireMode, AcquireStep, LockDecl, LockRef, PathDecl, Step } from '../model/scenario.js';
import { InputError } from '../load/errors.js';
import { releaseAtLeast } from '../model/kernel-release.js';
import { ENABLED_HARDIRQ, ENABLED_SOFTIRQ, type LockClass } from './classes.js';
import type { ReadKind } from './graph.js';
import type { DetectionSink } from './detections.js';
import type { Lockdep } from './lockdep.js';
import type { Activation, Machine, Program } from './machine.js';
import { Fences } from './kernel/fences.js';
import { Memory } from './kernel/memory.js';
import { Notifiers } from './kernel/notifiers.js';
import { Workqueues } from './kernel/workqueues.js';
import { WwTransactions } from './kernel/ww.js';
import { Task } from './task.js';
import { copyStack, Explorer, loopVariableCounts, sharedLoopVariables, type AlternativeStep } from './explore.js';

/** Calls and blocks open at once in one path: far beyond any real call chain. */
const MAX_ACTIVATIONS = 10_000;

/** Steps that open no block, call nothing and return nowhere: a stream runs them directly. */
const FLAT_OPS: ReadonlySet<Step['op']> = new Set<Step['op']>([
  'acquire', 'release', 'might_lock', 'lock_sync', 'downgrade_write', 'assert_held', 'hardirqs', 'softirqs',
  'preempt', 'non_block', 'sleep', 'cond_resched_lock', 'rcu', 'alloc', 'fs_reclaim', 'memalloc', 'signalling_annotation',
  'workqueue_flush', 'might_fault', 'mmu_interval_read_begin', 'hmm_range_fault', 'ww_acquire_init', 'ww_acquire',
]);
const STREAM_ACTIVATION: Activation = { steps: [], index: 0, parent: null, exit: null, boundary: true, blockable: true };

/**
 * A step a stream repeats (a template: one object for every event of the same op and
 * lock), with its lock declaration and class looked up once, while no declaration is replaced.
 */
export interface PreparedStep {
  readonly step: Step;
  decl: LockDecl | null;
  cls: LockClass | null;
  /** `lockGeneration` when decl and cls were looked up; -1: not yet. */
  gen: number;
}

/** Where the next step of a stack is (for an error at a meeting point). */
function nextLoc(stack: readonly Activation[]): SourceLoc | null {
  for (let i = stack.length - 1; i >= 0; i--) {
    const a = stack[i]!;
    if (a.index < a.steps.length) return a.steps[a.index]!.loc;
  }
  return null;
}

export class Interpreter implements Machine {
  /** Pseudo-locks the kernel code makes: `<ww_class>_acquire`, the workqueue maps. */
  private readonly pseudoLocks = new Map<string, LockDecl>();
  // The kernel model, one part per subsystem (src/replay/kernel/).
  private readonly memory = new Memory(this);
  private readonly fences = new Fences(this);
  private readonly notifiers = new Notifiers(this, this.memory);
  private readonly ww = new WwTransactions(this);
  private readonly workqueues = new Workqueues(this);
  /** Bumped when a lock's declaration is replaced: prepared steps look theirs up again. */
  lockGeneration = 0;
  /** The alternatives of the path being replayed (null: a stream, which has none). */
  private explorer: Explorer | null = null;
  /** `for: V` loops per variable among the functions (a stream declares none). */
  private functionLoops: ReadonlyMap<string, number> | null = null;
  /** `extern` calls met: their names (sorted on output) and how many sites. */
  readonly externs = new Set<string>();
  private readonly externSites = new Set<Step>();

  constructor(
    readonly lockdep: Lockdep,
    readonly program: Program,
    private readonly onInputError: (error: InputError) => void,
    readonly sink: DetectionSink,
    /** Executions that meet in the same state continue as one (docs/scenario-format.md §11.3). */
    private readonly mergeStates = true,
  ) {}

  /**
   * Take over what `from` (an interpreter of the same program's models) replayed to: the
   * lockdep state, the pseudo-locks it made and the extern calls it met.
   */
  adopt(from: Interpreter): void {
    this.lockdep.adopt(from.lockdep);
    for (const [name, decl] of from.pseudoLocks) this.pseudoLocks.set(name, decl);
    this.fences.adopt(from.fences);
    for (const name of from.externs) this.externs.add(name);
    for (const step of from.externSites) this.externSites.add(step);
  }

  inputError(error: InputError): void {
    this.onInputError(error);
  }

  pseudoLock(name: string): LockDecl {
    let decl = this.pseudoLocks.get(name);
    if (!decl) {
      decl = { name, type: 'map', lockdep: name, loc: { file: '<builtin>', line: 0, column: 0 } };
      this.pseudoLocks.set(name, decl);
    }
    return decl;
  }

  take(task: Task, decl: LockDecl, read: ReadKind = 0, trylock = false, instance: string | null = null, nest: LockRef | null = null): void {
    this.lockdep.acquire(task, this.lockdep.classes.classOf(decl, 0), decl.name, instance, read, trylock, nest);
  }

  drop(task: Task, decl: LockDecl, what: string, instance: string | null = null): void {
    this.lockdep.release(task, { cls: decl.name, instance }, what, decl);
  }

  touch(task: Task, decl: LockDecl, what: string, read: ReadKind = 0): void {
    this.take(task, decl, read);
    this.drop(task, decl, what);
  }

  enterHardirq(task: Task, threaded: boolean): void {
    task.irqSaves.push(task.hardirqsEnabled);
    task.hardirqsEnabled = false;
    task.hardirqDepth++;
    task.threaded.push(threaded);
  }

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

  /**
   * One run of a path: every execution its alternatives allow (docs/scenario-format.md §11.3), depth first in replay
   * order; returns how many on_edeadlk branch points an execution passed at most.
   */
  private runOnce(path: PathDecl, branchAt: number): number {
    const task = this.newTask(path.name, path.context, path.irqsEnabled);
    task.branchAt = branchAt;
    let bottom: Activation;
    if (!path.work) {
      // A path in an interrupt or with irqs off says so at the bottom of its traces, where the
      // kernel's show the irq entry frames.
      const how = [path.context !== 'process' ? `context: ${path.context}` : '', path.irqsEnabled ? '' : 'irqs: disabled'].filter((x) => x).join(', ');
      bottom = { steps: path.steps, index: 0, parent: how ? { loc: path.loc, label: how, spelling: null, hook: null, parent: null } : null, exit: null, boundary: true, blockable: true };
    } else {
      const work = this.workqueues.beginWork(task, path, path.work);
      bottom = { steps: path.steps, index: 0, parent: work.frame, exit: work.end, boundary: true, blockable: true };
    }
    const initial = { irqs: task.hardirqsEnabled, bh: task.bhCount };
    const explorer = new Explorer(() => this.sharedLoopVars(path), (e) => this.onInputError(e), this.mergeStates);
    this.explorer = explorer;
    let branches = 0;
    try {
      let stack: Activation[] = [bottom];
      for (;;) {
        if (this.drive(task, stack)) this.endTask(task, initial);
        branches = Math.max(branches, task.branchSeen);
        const d = explorer.next();
        if (!d) break;
        explorer.abandoned = false;
        explorer.joinPending = false;
        task.restore(d.snap);
        stack = copyStack(d.stack);
        this.takeAlternative(task, d.step, d.frame, stack, d.alt);
      }
    } finally {
      this.explorer = null;
    }
    return branches;
  }

  /**
   * An execution of a path ends: locks still held (lockdep's exit check), and the kernel's
   * "syscall left IRQs disabled" when irqs or bottom halves are still off that were on at its start.
   */
  endTask(task: Task, initial: { readonly irqs: boolean; readonly bh: number }): void {
    this.lockdep.pathEnd(task);
    const hardirqs = initial.irqs && !task.hardirqsEnabled;
    const softirqs = task.bhCount > initial.bh;
    if (hardirqs || softirqs) this.sink.report('irqs-left-disabled', { site: this.lockdep.site(task), hardirqs, softirqs });
  }

  private sharedLoopVars(path: PathDecl): ReadonlySet<string> {
    this.functionLoops ??= loopVariableCounts(this.program.functions.values());
    return sharedLoopVariables(this.functionLoops, path.steps);
  }


  /** Run steps to their end (or a `return`), with `parent` as the trace parent. */
  run(task: Task, steps: readonly Step[], parent: Frame | null): void {
    this.drive(task, [{ steps, index: 0, parent, exit: null, boundary: true, blockable: true }]);
  }

  /** Run an activation stack to its end: true, or false when the execution stopped (it met an earlier one). */
  private drive(task: Task, stack: Activation[]): boolean {
    const explorer = this.explorer;
    while (stack.length) {
      if (explorer?.joinPending) {
        explorer.joinPending = false;
        // Where executions meet: the next step, or at the end of the path the last one replayed.
        if (!explorer.arrive(task, stack, nextLoc(stack) ?? task.frame?.loc ?? null, 'join')) return false;
      }
      const act = stack[stack.length - 1]!;
      if (act.index >= act.steps.length) {
        stack.pop();
        this.leave(task, act);
        continue;
      }
      const step = act.steps[act.index++]!;
      const frame: Frame = { loc: step.loc, label: step.label, spelling: step.spelling, hook: null, parent: act.parent, ...(step.at ? { at: step.at } : {}), ...(step.modelRule ? { modelRule: step.modelRule } : {}) };
      task.frame = frame;
      task.rangeBlockable = act.blockable;
      if (step.modelRule !== undefined && this.program.options.lockdepOnly) {
        // lockdep's view only: the model's rule is not replayed; a block's steps still run.
        if ('body' in step) this.open(stack, step.body, act.parent, act.blockable, null);
        continue;
      }
      this.execute(task, step, frame, act, stack);
      if (explorer?.abandoned) return false;
      if (stack.length > MAX_ACTIVATIONS) {
        // Only a cycle the loader cannot see (a fence callback signalling its own fence, a
        // notifier callback invalidating again...) gets here: stop this path, say where.
        this.onInputError(new InputError(
          `calls nested more than ${MAX_ACTIVATIONS} deep: a function reaches itself through a hook or fence callback (here: ${frame.label})`,
          step.loc,
        ));
        while (stack.length) this.leave(task, stack.pop()!);
        return false;
      }
    }
    return true;
  }

  /** At an alternative: go on with the first, defer the others (in replay order). */
  private fork(task: Task, step: AlternativeStep, frame: Frame, stack: Activation[]): void {
    const count = step.op === 'loop' ? (step.variable !== null && task.loopCounts.has(step.variable) ? 1 : 3) : 2;
    const explorer = this.explorer;
    if (explorer && count > 1) {
      if (!explorer.arrive(task, stack, step.loc, 'alternative')) return;
      const snap = task.snapshot();
      const copy = copyStack(stack);
      for (let alt = count - 1; alt >= 1; alt--) explorer.defer({ snap, stack: copy, step, frame, alt });
    }
    this.takeAlternative(task, step, frame, stack, 0);
  }

  /** Take alternative `alt` of `step` (`then` 0, `else` 1; a loop's iterations 0, 1, 2). */
  private takeAlternative(task: Task, step: AlternativeStep, frame: Frame, stack: Activation[], alt: number): void {
    const blockable = stack[stack.length - 1]!.blockable;
    const join = (): void => {
      if (this.explorer) this.explorer.joinPending = true;
    };
    const branch = (label: string): Frame => ({ ...frame, label });
    if (step.op !== 'loop') {
      const taken = alt === 0 ? 'then' : 'else';
      const at = branch(`${step.label} (${taken})`);
      task.frame = at;
      if (step.op === 'if_trylock' && alt === 0) this.acquire(task, step.acquire, stack, at);
      const body = alt === 0 ? step.then : step.else;
      // An empty branch joins at once: the step after the if is where branches meet.
      if (body.length) this.open(stack, body, at, blockable, join);
      else join();
      return;
    }
    let n = alt;
    if (step.variable !== null) {
      const chosen = task.loopCounts.get(step.variable);
      if (chosen === undefined) task.loopCounts.set(step.variable, alt);
      else n = chosen;
    }
    if (n === 0) join();
    const token = {};
    // The last iteration goes below the first on the stack.
    for (let i = n; i >= 1; i--) {
      const at = branch(`${step.label} (iteration ${i} of ${n})`);
      stack.push({ steps: step.iterations[i - 1]!, index: 0, parent: at, exit: join, boundary: false, blockable, loop: token });
    }
  }

  /** One step of a stream at `loc`: a flat step runs directly, a block through `run`. */
  runStep(task: Task, step: Step, loc: SourceLoc): void {
    if (FLAT_OPS.has(step.op)) {
      const frame: Frame = { loc, label: step.label, spelling: step.spelling, hook: null, parent: null };
      task.frame = frame;
      this.execute(task, step, frame, STREAM_ACTIVATION, []);
    } else {
      this.run(task, [step], null);
    }
  }

  /**
   * `runStep` of a prepared step at `file`:`line`: lock acquisitions and releases without
   * looking the lock up, nor making a frame nobody reads.
   */
  runPrepared(task: Task, prep: PreparedStep, file: string, line: number): void {
    const step = prep.step;
    if (step.op === 'acquire' && step.ctx === undefined) {
      task.streamStep(file, line, step.label, step.spelling);
      if (prep.gen !== this.lockGeneration || prep.cls === null) {
        const decl = this.decl(step.lock, step);
        if (!decl) return;
        prep.decl = decl;
        prep.cls = this.lockdep.classes.classOf(decl, step.subclass);
        prep.gen = this.lockGeneration;
      }
      this.acquireAs(task, step, prep.decl!, prep.cls!);
    } else if (step.op === 'release') {
      task.streamStep(file, line, step.label, step.spelling);
      if (prep.gen !== this.lockGeneration) {
        const decl = this.program.locks.get(step.lock.cls);
        if (!decl) {
          this.releaseAs(task, step.lock, step.label, step.irq, undefined);
          return;
        }
        prep.decl = decl;
        prep.gen = this.lockGeneration;
      }
      this.releaseAs(task, step.lock, step.label, step.irq, prep.decl!);
    } else {
      this.runStep(task, step, { file, line, column: 1 });
    }
  }

  open(stack: Activation[], body: readonly Step[], parent: Frame | null, blockable: boolean, exit: (() => void) | null): void {
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
        this.enterIrq(task, step.context, step.threaded);
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
      case 'fs_reclaim':
      case 'memalloc':
      case 'memalloc_section':
      case 'reclaim':
        this.memory.execute(task, step, frame, act, stack);
        break;
      case 'signalling':
      case 'signalling_annotation':
      case 'fence_wait':
      case 'fence_enable':
      case 'fence_signal':
      case 'fence_put':
        this.fences.execute(task, step, frame, act, stack);
        break;
      case 'mmu_notifier':
      case 'mmu_interval_read_begin':
      case 'hmm_range_fault':
      case 'might_fault':
      case 'pagefault_disable':
      case 'pm_runtime':
        this.notifiers.execute(task, step, frame, act, stack);
        break;
      case 'ww_acquire_init':
      case 'ww_acquire':
        this.ww.execute(task, step);
        break;
      case 'workqueue_flush':
        this.workqueues.flush(task, step);
        break;
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
          const hookFrame: Frame = { loc: step.loc, label: `${step.label} → ${fn}`, spelling: step.spelling, hook: step.hook, parent: act.parent };
          stack.push({ steps: body, index: 0, parent: hookFrame, exit: null, boundary: true, blockable });
        }
        break;
      }
      case 'if_blockable':
        this.open(stack, act.blockable ? step.then : step.else, frame, act.blockable, null);
        break;
      case 'if_since': {
        // One branch, named in traces as the alternatives' are.
        const taken = releaseAtLeast(this.program.options.release, step.since);
        const at: Frame = { ...frame, label: `${step.label} (${taken ? 'then' : 'else'})` };
        task.frame = at;
        this.open(stack, taken ? step.then : step.else, at, act.blockable, null);
        break;
      }
      case 'if_cond':
      case 'if_trylock':
      case 'loop':
        this.fork(task, step, frame, stack);
        break;
      case 'break':
      case 'continue': {
        // Unwind to the innermost loop iteration (the loader checked there is one in this function).
        let token: object | undefined;
        while (stack.length && token === undefined) {
          const top = stack.pop()!;
          this.leave(task, top);
          token = top.loop;
        }
        if (step.op === 'break') while (stack.length && stack[stack.length - 1]!.loop === token) this.leave(task, stack.pop()!);
        break;
      }
      case 'extern':
        this.externs.add(step.fn);
        this.externSites.add(step);
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

  /** How many `extern` call sites were met. */
  get externCalls(): number {
    return this.externSites.size;
  }

  /** Push functions to run in order, each a function boundary, traced through `via` (callbacks of `hook`, if one). */
  callFunctions(stack: Activation[], fns: readonly string[], frame: Frame, blockable: boolean, via: string, hook: string | null): void {
    for (let i = fns.length - 1; i >= 0; i--) {
      const body = this.program.functions.get(fns[i]!);
      if (!body) continue;
      const entry: Frame = { loc: frame.loc, label: `${via} ${fns[i]}`, spelling: frame.spelling, hook, parent: frame.parent };
      stack.push({ steps: body, index: 0, parent: entry, exit: null, boundary: true, blockable });
    }
  }


  /** A pseudo-lock every scenario has (the loader declares them). */
  builtin(name: string): LockDecl {
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
      this.ww.lock(task, step, decl, step.ctx, stack, frame);
      return;
    }
    this.acquireAs(task, step, decl, this.lockdep.classes.classOf(decl, step.subclass));
  }

  /** An acquisition outside a ww acquire context, its declaration and class looked up. */
  private acquireAs(task: Task, step: AcquireStep, decl: LockDecl, cls: LockClass): void {
    if (step.irq === 'irq') task.hardirqsEnabled = false;
    else if (step.irq === 'irqsave') {
      task.irqSaves.push(task.hardirqsEnabled);
      task.hardirqsEnabled = false;
    } else if (step.irq === 'bh') task.bhCount++;
    // mutex_lock() and friends start with might_sleep(); trylocks never sleep.
    if (cls.sleeping && !step.trylock) this.lockdep.sleepCheck(task, step.label, cls, step.lock.instance);
    this.lockdep.acquire(task, cls, decl.name, step.lock.instance, this.readKind(task, decl, step.mode), step.trylock, step.nestLock);
  }

  private release(task: Task, ref: LockRef, what: string, irq: AcquireStep['irq']): void {
    this.releaseAs(task, ref, what, irq, this.program.locks.get(ref.cls));
  }

  /** A release, its declaration looked up (undefined: not declared). */
  private releaseAs(task: Task, ref: LockRef, what: string, irq: AcquireStep['irq'], decl: LockDecl | undefined): void {
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

  restoreHardirqs(task: Task): void {
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

  /**
   * An interrupt handler starts: lockdep's `__irq_enter()` / `lockdep_softirq_enter()`, which only
   * count the irq context up (`hardirq_context`, `softirq_context`) and touch no irq state. So the
   * kernel's own entry sequences replay as written: `irq_disable` then a `hardirq` block (the
   * selftest's HARDIRQ_ENTER(), as hardware entry disables irqs before the handler runs), and
   * `bh_disable`, `irq_disable`, then a `softirq` block (SOFTIRQ_ENTER(), as __do_softirq()
   * disables bottom halves). Inside a hardirq block hard irqs are off whatever they were.
   */
  private enterIrq(task: Task, context: 'hardirq' | 'softirq', threaded: boolean): void {
    if (context === 'hardirq') this.enterHardirq(task, threaded);
    else task.softirqDepth++;
  }

  exitIrq(task: Task, context: 'hardirq' | 'softirq'): void {
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
