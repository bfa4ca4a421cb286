/**
 * mmu notifier invocations (docs/kernel-semantics.md §5): the notifier map held while the interval
 * and classic callbacks run; the interval read side, HMM faults, page faults, runtime PM.
 */
import type { Frame } from '../../model/location.js';
import type { Step } from '../../model/scenario.js';
import { GFP_KERNEL } from '../../model/gfp.js';
import type { Activation, Machine } from '../machine.js';
import type { Task } from '../task.js';
import type { Memory } from './memory.js';

export class Notifiers {
  constructor(
    private readonly m: Machine,
    private readonly memory: Memory,
  ) {}

  execute(task: Task, step: Step, frame: Frame, act: Activation, stack: Activation[]): void {
    switch (step.op) {
      case 'mmu_notifier':
        this.mmuNotifier(task, step.phase, step.blockable, step.label, stack, frame);
        break;
      case 'mmu_interval_read_begin': {
        // Waits for an invalidation in progress: its callbacks' locks must not be held here.
        const map = this.m.builtin('mmu_notifier_invalidate_range_start');
        this.m.touch(task, map, step.label);
        this.m.lockdep.sleepCheck(task, step.label, null);
        break;
      }
      case 'hmm_range_fault': {
        const mm = this.m.builtin('mmap_lock');
        this.m.lockdep.assertHeld(task, { cls: mm.name, instance: null }, mm);
        // Faulting pages in allocates like a page fault: GFP_KERNEL.
        this.memory.fsReclaim(task, 'acquire', GFP_KERNEL);
        this.memory.fsReclaim(task, 'release', GFP_KERNEL);
        this.m.lockdep.sleepCheck(task, step.label, null);
        break;
      }
      case 'might_fault': {
        if (task.pagefaultDisabled) break;
        this.m.lockdep.sleepCheck(task, step.label, null);
        const mm = this.m.builtin('mmap_lock');
        // might_lock_read(&mm->mmap_lock): the fault handler takes it for read.
        this.m.touch(task, mm, step.label, 1);
        break;
      }
      case 'pagefault_disable':
        task.pagefaultDisabled++;
        this.m.open(stack, step.body, frame, act.blockable, () => task.pagefaultDisabled--);
        break;
      case 'pm_runtime': {
        this.m.lockdep.sleepCheck(task, step.label, null);
        const hook = step.action === 'get' ? 'pm_runtime.resume' : 'pm_runtime.suspend';
        this.m.callFunctions(stack, this.m.program.hooks.get(hook) ?? [], frame, act.blockable, `${step.label} → ${hook}`, hook);
        break;
      }
    }
  }

  /**
   * mmu_notifier_invalidate_range_start/end(): the notifier map is held while the callbacks
   * run — interval notifiers' invalidate() first, then the classic callbacks, each of those in
   * a non-blocking section when the range is not blockable (the OOM reaper).
   */
  private mmuNotifier(task: Task, phase: 'start' | 'end', blockable: boolean, label: string, stack: Activation[], frame: Frame): void {
    if (blockable) this.m.lockdep.sleepCheck(task, label, null);
    const map = this.m.builtin('mmu_notifier_invalidate_range_start');
    this.m.take(task, map);
    stack.push({
      steps: [], index: 0, parent: frame, boundary: false, blockable,
      exit: () => {
        task.frame = frame;
        this.m.drop(task, map, `end of ${label}`);
      },
    });
    const classicHook = `mmu_notifier.invalidate_range_${phase}`;
    const classic = this.m.program.hooks.get(classicHook) ?? [];
    for (let i = classic.length - 1; i >= 0; i--) {
      const body = this.m.program.functions.get(classic[i]!);
      if (!body) continue;
      const entry: Frame = { loc: frame.loc, label: `${label} → ${classic[i]}`, spelling: frame.spelling, hook: classicHook, parent: frame.parent };
      if (blockable) stack.push({ steps: body, index: 0, parent: entry, exit: null, boundary: true, blockable });
      else {
        const wrapped: Step = { op: 'non_block_section', loc: frame.loc, label: 'non_block_start', spelling: 'non_block', body };
        stack.push({ steps: [wrapped], index: 0, parent: entry, exit: null, boundary: true, blockable });
      }
    }
    if (phase === 'start') {
      const interval = 'mmu_interval_notifier.invalidate';
      this.m.callFunctions(stack, this.m.program.hooks.get(interval) ?? [], frame, blockable, `${label} →`, interval);
    }
  }
}
