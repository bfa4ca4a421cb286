/**
 * inconsistent-lock-state — lockdep's "inconsistent lock state": one class is both taken in
 * an interrupt handler and taken with that interrupt enabled, so the handler can interrupt
 * a holder on the same CPU and spin (or sleep) on the lock forever.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, lock, shown, text } from './layout.js';

export default defineRule<Detections['inconsistent-lock-state']>({
  meta: {
    id: 'inconsistent-lock-state',
    heading: 'WARNING: inconsistent lock state',
    group: 'lockdep',
    description: 'a lock is taken in irq context and also with that irq enabled',
    defaultSeverity: 'error',
  },
  build({ site, lock: l, oldUsage, newUsage, registered }) {
    return {
      message: `inconsistent {${oldUsage}} -> {${newUsage}} usage of ${shown(l)}`,
      path: site.path,
      locks: [l.name],
      lockdep: [l.lockdep],
      location: site.location,
      chain: [],
      report: [
        text(`inconsistent {${oldUsage}} -> {${newUsage}} usage.`),
        text(`${site.path} ${site.irqState} takes:`), lock(l),
        { kind: 'trace', title: `{${oldUsage}} state was registered at:`, path: registered.path, stack: registered.stack },
        blank, text('other info that might help us debug this:'),
        { kind: 'scenario', title: ' Possible unsafe locking scenario:', columns: ['CPU0'], rows: [[`lock(${l.lockdep});`], ['<Interrupt>'], [`  lock(${l.lockdep});`]] },
        blank, text(' *** DEADLOCK ***'), blank, held(site), blank, currentTrace(site),
      ],
    };
  },
});
