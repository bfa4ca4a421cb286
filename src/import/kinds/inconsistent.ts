/**
 * "inconsistent lock state": where the class got its old usage, then the task giving it the
 * new one (an acquisition in an interrupt, with irqs on, or enabling irqs with it held).
 */
import type { ScenarioBuilder } from '../builder.js';
import type { Context } from '../classify.js';
import type { PrintedFrame } from '../report.js';

/** Does the stack end in enabling irqs or bottom halves (a fencedep step, or the kernel's tracing of it)? */
function enablesIrqs(stack: readonly PrintedFrame[]): boolean {
  const [first] = stack;
  if (first?.step !== undefined) return /^(?:local_irq_enable|local_irq_restore|irq_enable|local_bh_enable|bh_enable|\w+_unlock_(?:irq|irqrestore|bh))\b/.test(first.step);
  // The kernel marks the held locks from inside these (however deep lockdep's own frames go).
  return stack.some((f) => /^(?:__)?trace_hardirqs_on|^lockdep_hardirqs_on|^__local_bh_enable_ip$|^lockdep_softirqs_on/.test(f.fn));
}

export function reconstructInconsistent(b: ScenarioBuilder): void {
  const r = b.report;
  const lock = r.next!;
  if (r.registered && r.oldUsage) {
    const fd = r.registered.path;
    b.usagePath(r.oldUsage, lock, r.registered.frames, r.oldUsage, fd);
    if (r.registered.frames.some((f) => /^trace_hardirqs_on|unlock_irq/.test(f.fn))) {
      b.guesses.push(`{${r.oldUsage}} was registered when irqs were re-enabled with ${lock.name} held: modelled as taking it with irqs enabled`);
    }
  }
  const newUsage = r.newUsage ?? '';
  const inIrq = /^IN-(HARDIRQ|SOFTIRQ)/.exec(newUsage);
  const context: Context = inIrq ? (inIrq[1] === 'HARDIRQ' ? 'hardirq' : 'softirq') : 'process';
  const needOn = /-ON-/.test(newUsage);
  // The task enables irqs with the lock held (mark_held_locks): that is the step, not a new acquisition.
  const enable = needOn && (r.held ?? []).some((h) => h.lock.name === lock.name) && enablesIrqs(r.backtrace)
    ? (/^SOFTIRQ/.test(newUsage) ? 'local_bh_enable' : 'local_irq_enable')
    : null;
  if (enable) b.currentPath(() => [{ key: enable, arg: null, comment: `${enable === 'local_bh_enable' ? 'softirqs' : 'irqs'} enabled with ${lock.name} held` }], { context });
  else b.currentPath((s, p) => b.targetSteps(lock, s, p, { needOn, context }), { context });
  b.expectLock(lock.name);
}
