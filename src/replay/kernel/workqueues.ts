/** Workqueues: the `(wq_completion)` and `(work_completion)` maps of kernel/workqueue.c. */
import type { Frame } from '../../model/location.js';
import type { LockDecl, PathDecl, Step } from '../../model/scenario.js';
import type { Machine } from '../machine.js';
import type { Task } from '../task.js';

export class Workqueues {
  constructor(private readonly m: Machine) {}

  /** __flush_work()/flush_workqueue(): sleep, and "take" the map the work runs under. */
  flush(task: Task, step: Step & { op: 'workqueue_flush' }): void {
    this.m.lockdep.sleepCheck(task, step.label, null);
    this.m.touch(task, this.workqueueClass(step.kind, step.name), step.label);
  }

  /**
   * process_one_work(): the queue's map, then the work's, held around the work function.
   * Takes them; `end` drops them when the work function returns.
   */
  beginWork(task: Task, path: PathDecl, work: { item: string; queue: string }): { frame: Frame; end: () => void } {
    const frame: Frame = { loc: path.loc, label: `work ${work.item} on ${work.queue}`, spelling: null, hook: null, parent: null };
    const queueMap = this.workqueueClass('queue', work.queue);
    const workMap = this.workqueueClass('work', work.item);
    task.frame = frame;
    this.m.take(task, queueMap);
    this.m.take(task, workMap);
    return {
      frame,
      end: () => {
        task.frame = frame;
        this.m.drop(task, workMap, 'end of work');
        this.m.drop(task, queueMap, 'end of work');
      },
    };
  }

  /** `(wq_completion)Q` or `(work_completion)W`, the workqueue code's lockdep maps. */
  private workqueueClass(kind: 'work' | 'queue', name: string): LockDecl {
    return this.m.pseudoLock(`${kind === 'work' ? '(work_completion)' : '(wq_completion)'}${name}`);
  }
}
