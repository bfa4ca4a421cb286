/**
 * invalid-wait-context — lockdep's "[ BUG: Invalid wait context ]": a lock whose wait type
 * is not allowed where it is taken (a mutex under a spinlock or in RCU, a spinlock_t under a
 * raw_spinlock_t or in a non-threaded hardirq with PREEMPT_RT-correct nesting).
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, lock, shown, text } from './layout.js';

export default defineRule<Detections['invalid-wait-context']>({
  meta: {
    id: 'invalid-wait-context',
    heading: 'BUG: Invalid wait context',
    group: 'lockdep',
    description: 'a lock is taken where its wait type is not allowed (e.g. a mutex under a spinlock)',
    defaultSeverity: 'error',
  },
  build({ site, next, holder, context, contextName }) {
    const where = holder ? `while holding ${shown(holder)} ${holder.wait}` : `in ${contextName} context`;
    return {
      message: `invalid wait context: ${shown(next)} ${next.wait} taken ${where}`,
      path: site.path,
      locks: holder ? [next.name, holder.name] : [next.name],
      lockdep: holder ? [next.lockdep, holder.lockdep] : [next.lockdep],
      location: site.location,
      chain: [],
      report: [
        text(`${site.path} is trying to lock:`), lock(next),
        text('other info that might help us debug this:'),
        text(`context-{${context}:${context}}`),
        ...(holder ? [text('which is not allowed inside:'), lock(holder)] : []),
        blank, held(site), blank, currentTrace(site),
      ],
    };
  },
});
