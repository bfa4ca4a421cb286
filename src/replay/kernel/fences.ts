/**
 * dma_fence signalling annotations (docs/kernel-semantics.md §3): signalling sections, waits and
 * signals as drivers/dma-buf/dma-fence.c annotates them, in the lockdep or precise model.
 */
import { DMA_FENCE_MAP, preciseFenceClass } from '../../model/fence-class.js';
import type { Frame } from '../../model/location.js';
import { forEachStep, type FenceDecl, type LockDecl, type Step } from '../../model/scenario.js';
import type { Activation, Machine } from '../machine.js';
import type { Task } from '../task.js';

export class Fences {
  /** Per-fence pseudo-locks of the precise fence model. */
  private readonly fenceMaps = new Map<string, LockDecl>();

  constructor(private readonly m: Machine) {}

  /** Take over the pseudo-locks `from` made, so classes keep the declarations they were made of. */
  adopt(from: Fences): void {
    for (const [name, decl] of from.fenceMaps) this.fenceMaps.set(name, decl);
  }

  execute(task: Task, step: Step, frame: Frame, act: Activation, stack: Activation[]): void {
    switch (step.op) {
      case 'signalling': {
        const cookies = this.beginSignalling(task, step.fences.length || !this.precise() ? step.fences : this.signalledIn(step.body));
        this.m.open(stack, step.body, frame, act.blockable, () => {
          task.frame = frame;
          this.endSignalling(task, cookies, `end of ${step.label}`);
        });
        break;
      }
      case 'signalling_annotation':
        if (step.action === 'begin') task.signalCookies.push(this.beginSignalling(task, []));
        else if (task.signalCookies.length) this.endSignalling(task, task.signalCookies.pop()!, step.label);
        else this.m.lockdep.reportBadUnlock(task, step.label);
        break;
      case 'fence_wait': {
        const fence = this.fence(step.fence);
        // dma_fence_wait_timeout(): might_sleep(), __dma_fence_might_wait(), then
        // dma_fence_enable_sw_signaling() under the fence's lock.
        this.m.lockdep.sleepCheck(task, step.label, null);
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
        if (fence.release) this.m.callFunctions(stack, [fence.release], frame, act.blockable, `${step.label} → release`, null);
        break;
      }
    }
  }

  private fence(name: string): FenceDecl {
    const fence = this.m.program.fences.get(name);
    if (!fence) throw new Error(`fence ${name} is not declared`);
    return fence;
  }

  /**
   * The pseudo-lock a fence's signalling and waits use: `dma_fence_map` (one for every fence,
   * as in the kernel) or, with `fence_model: precise`, the fence's own class.
   */
  private precise(): boolean {
    return this.m.program.options.fenceModel === 'precise';
  }

  /**
   * The fences a section signals when it does not say: those its steps (and the functions they
   * call, and those registered on the hooks they invoke: a model's section around a driver's
   * callback) signal. Only the precise model needs to know.
   */
  private signalledIn(body: readonly Step[]): string[] {
    const fences = new Set<string>();
    const seen = new Set<string>();
    const todo: (readonly Step[])[] = [body];
    while (todo.length) {
      forEachStep(todo.pop()!, (s) => {
        if (s.op === 'fence_signal' && !s.locked) fences.add(s.fence);
        else if (s.op === 'call' || s.op === 'invoke') {
          for (const name of s.op === 'call' ? [s.fn] : (this.m.program.hooks.get(s.hook) ?? [])) {
            if (seen.has(name)) continue;
            seen.add(name);
            const fn = this.m.program.functions.get(name);
            if (fn) todo.push(fn);
          }
        }
      });
    }
    return [...fences];
  }

  private fenceClass(fence: FenceDecl | null): LockDecl {
    if (!fence || this.m.program.options.fenceModel !== 'precise') return this.m.builtin(DMA_FENCE_MAP);
    let decl = this.fenceMaps.get(fence.name);
    if (!decl) {
      const name = preciseFenceClass(fence.name);
      decl = { name, type: 'map', lockdep: name, loc: fence.loc };
      this.fenceMaps.set(fence.name, decl);
    }
    return decl;
  }

  /** In the kernel: dma_fence_begin_signalling() for each class; the cookies say what to end. */
  private beginSignalling(task: Task, fences: readonly string[]): LockDecl[] {
    // Precise: the section is also each fence's own node (dma_fence_map stays, so the kernel's
    // priming — "fences may be waited for in reclaim and notifiers" — still applies).
    const maps = this.precise() ? [this.fenceClass(null), ...fences.map((f) => this.fenceClass(this.fence(f)))] : [this.fenceClass(null)];
    const taken: LockDecl[] = [];
    for (const map of maps) {
      // Nested in a section of the same class, or atomic: nothing is annotated.
      const held = this.m.lockdep.findHeld(task, { cls: map.name, instance: null });
      if ((held && held.read !== 0) || this.m.lockdep.inAtomic(task)) continue;
      this.m.take(task, map, 1, this.signallingIsTrylock());
      taken.push(map);
    }
    return taken;
  }

  private endSignalling(task: Task, taken: readonly LockDecl[], what: string): void {
    for (let i = taken.length - 1; i >= 0; i--) this.m.drop(task, taken[i]!, what);
  }

  /** Since v6.13 (2facdd6002ad) a signalling section is a read *trylock* of the map. */
  private signallingIsTrylock(): boolean {
    return this.m.program.options.kernel === '6.13';
  }

  /**
   * __dma_fence_might_wait(): a wait is a write acquisition of the map; a wait inside one's own
   * section drops the read hold first and takes it again after, so only locks taken inside the
   * section and still held make it a deadlock.
   */
  private mightWait(task: Task, map: LockDecl): void {
    const held = this.m.lockdep.findHeld(task, { cls: map.name, instance: null });
    const reader = held !== null && held.read !== 0;
    if (reader) this.m.drop(task, map, 'dma_fence_wait');
    this.m.touch(task, map, 'dma_fence_wait');
    if (reader) this.m.take(task, map, 1, this.signallingIsTrylock());
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
    const callbacks = [...fence.callbacks, ...(this.m.program.hooks.get('dma_fence.callback') ?? [])];
    if (locked) {
      // dma_fence_signal_locked(): lockdep_assert_held(fence->lock), no annotation.
      this.m.lockdep.assertHeld(task, fence.lock, this.m.program.locks.get(fence.lock.cls)!);
      this.m.callFunctions(stack, callbacks, frame, act.blockable, `${label} → callback`, null);
      return;
    }
    const inIrq = fence.signalledIn === 'irq' && task.hardirqDepth === 0;
    if (inIrq) this.m.enterHardirq(task, true);
    const cookies = this.beginSignalling(task, [fence.name]);
    this.fenceLocked(task, fence, stack, frame, act, callbacks, `${label} → callback`, () => {
      this.endSignalling(task, cookies, label);
      if (inIrq) this.m.exitIrq(task, 'hardirq');
    });
  }

  /** Run `fns` with F's lock held (irqs saved), then `after`. */
  private fenceLocked(
    task: Task, fence: FenceDecl, stack: Activation[], frame: Frame, act: Activation, fns: readonly string[], via: string, after: (() => void) | null,
  ): void {
    const decl = this.m.program.locks.get(fence.lock.cls)!;
    // spin_lock_irqsave(fence->lock)
    task.irqSaves.push(task.hardirqsEnabled);
    task.hardirqsEnabled = false;
    this.m.take(task, decl, 0, false, fence.lock.instance);
    const unlock = () => {
      task.frame = frame;
      this.m.drop(task, decl, `${frame.label} (unlock ${decl.name})`, fence.lock.instance);
      this.m.restoreHardirqs(task);
      if (after) after();
    };
    if (!fns.length) {
      unlock();
      return;
    }
    stack.push({ steps: [], index: 0, parent: frame, exit: unlock, boundary: false, blockable: act.blockable });
    this.m.callFunctions(stack, fns, frame, act.blockable, via, null);
  }
}
