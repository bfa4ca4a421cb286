/**
 * sleep-in-atomic — the scheduler's "BUG: sleeping function called from invalid context":
 * something that may sleep (a sleeping lock, a blocking allocation, a fence wait...) runs
 * with a spinlock held, preemption or interrupts disabled, in irq context, in an RCU
 * read-side section, or in a non-blocking section (non_block_start, the OOM reaper's
 * mmu notifier calls).
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, shown, text, uniq } from './layout.js';

export default defineRule<Detections['sleep-in-atomic']>({
  meta: {
    id: 'sleep-in-atomic',
    heading: 'BUG: sleeping function called from invalid context',
    group: 'lockdep',
    description: 'something that may sleep runs in atomic context, with irqs off, in RCU or in a non-blocking section',
    defaultSeverity: 'error',
  },
  build({ site, sleepingLock, what, reasons, atomicLocks, inAtomic, irqsDisabled, nonBlock, preemptCount, rcuDepth }) {
    const holding = atomicLocks.length ? ` while holding ${atomicLocks.map(shown).join(', ')}` : '';
    const names = uniq([...(sleepingLock ? [sleepingLock.name] : []), ...atomicLocks.map((l) => l.name)]);
    const lockdep = uniq([...(sleepingLock ? [sleepingLock.lockdep] : []), ...atomicLocks.map((l) => l.lockdep)]);
    return {
      message: `sleeping function called from invalid context: ${what}${holding} (${reasons.join(', ')})`,
      path: site.path,
      locks: names,
      lockdep,
      location: site.location,
      chain: [],
      atomic: reasons,
      report: [
        text(`at ${site.location.file}:${site.location.line}:${site.location.column} ${what}`),
        text(`in_atomic(): ${inAtomic ? 1 : 0}, irqs_disabled(): ${irqsDisabled ? 1 : 0}, non_block: ${nonBlock}, name: ${site.path}`),
        text(`preempt_count: ${preemptCount}, expected: 0`),
        text(`RCU nest depth: ${rcuDepth}, expected: 0`),
        blank, held(site), blank, currentTrace(site, 'Call trace:'),
      ],
    };
  },
});
