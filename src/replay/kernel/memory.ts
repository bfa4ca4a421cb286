/**
 * Memory allocation and reclaim (docs/kernel-semantics.md §4): might_alloc()'s annotations by gfp
 * flags and the task's memalloc scopes, and reclaim itself.
 */
import type { Frame } from '../../model/location.js';
import type { Step } from '../../model/scenario.js';
import { GFP_DIRECT_RECLAIM, GFP_FS, GFP_IO, GFP_NOLOCKDEP } from '../../model/gfp.js';
import type { Activation, Machine } from '../machine.js';
import type { Task } from '../task.js';

export class Memory {
  constructor(private readonly m: Machine) {}

  execute(task: Task, step: Step, frame: Frame, act: Activation, stack: Activation[]): void {
    switch (step.op) {
      case 'alloc':
        this.fsReclaim(task, 'acquire', step.gfp);
        this.fsReclaim(task, 'release', step.gfp);
        // might_sleep_if(gfpflags_allow_blocking(gfp)): the caller's flags, not the scoped ones.
        if (step.gfp & GFP_DIRECT_RECLAIM) this.m.lockdep.sleepCheck(task, step.label, null);
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
        this.m.open(stack, step.body, frame, act.blockable, () => this.memalloc(task, step.scope, -1));
        break;
      case 'reclaim': {
        const map = this.m.builtin('fs_reclaim');
        this.m.take(task, map);
        task.pfMemalloc++;
        this.m.open(stack, step.body, frame, act.blockable, () => {
          task.frame = frame;
          task.pfMemalloc--;
          this.m.drop(task, map, `end of ${step.label}`);
        });
        break;
      }
    }
  }

  /**
   * fs_reclaim_acquire()/release() as mm/page_alloc.c has them: with the scoped flags, when
   * the allocation may enter direct reclaim, hold fs_reclaim if __GFP_FS survives, and touch
   * the mmu notifier map (reclaim unmaps pages: the notifiers may run).
   */
  fsReclaim(task: Task, action: 'acquire' | 'release', gfp: number): void {
    if (task.noio) gfp &= ~(GFP_IO | GFP_FS);
    else if (task.nofs) gfp &= ~GFP_FS;
    if (!(gfp & GFP_DIRECT_RECLAIM) || task.pfMemalloc || gfp & GFP_NOLOCKDEP) return;
    const reclaim = this.m.builtin('fs_reclaim');
    if (action === 'release') {
      if (gfp & GFP_FS) this.m.drop(task, reclaim, 'fs_reclaim_release');
      return;
    }
    if (gfp & GFP_FS) this.m.take(task, reclaim);
    const notifier = this.m.builtin('mmu_notifier_invalidate_range_start');
    this.m.take(task, notifier);
    this.m.drop(task, notifier, 'fs_reclaim_acquire');
  }

  private memalloc(task: Task, scope: 'nofs' | 'noio' | 'noreclaim', delta: 1 | -1): void {
    const key = scope === 'noreclaim' ? 'pfMemalloc' : scope;
    task[key] = Math.max(0, task[key] + delta);
  }
}
