/**
 * ww-lock-between-reservations — opt-in warning, beyond lockdep (docs/kernel-semantics.md §8.6 item
 * 26): a lock taken inside a ww transaction between two reservations. The second reservation
 * is "nested" under the context, so lockdep records no dependency from that lock to it and
 * cannot see the deadlock with a task holding the reservation and waiting for the lock.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, lock, shown, text } from './layout.js';

export default defineRule<Detections['ww-lock-between-reservations']>({
  meta: {
    id: 'ww-lock-between-reservations',
    heading: 'ww_mutex: lock held between two reservations',
    group: 'design',
    description: 'a lock taken inside a ww transaction between two reservations (opt-in; lockdep cannot see it)',
    defaultSeverity: 'warn',
    optIn: true,
  },
  build({ site, reservation, between, first, ctx }) {
    return {
      message: `${shown(reservation)} is reserved in context ${ctx} while ${shown(between)}, taken after ${shown(first)}, is held: lockdep records no ${between.lockdep} -> ${reservation.lockdep} dependency`,
      path: site.path,
      locks: [between.name, reservation.name],
      lockdep: [between.lockdep, reservation.lockdep],
      location: site.location,
      chain: [],
      report: [
        text(`${site.path} reserves, in ww context ${ctx}:`), lock(reservation),
        text('while holding, taken after the context\'s first reservation:'), lock(between),
        blank,
        text('A task holding this reservation (in its own context) and waiting for that lock deadlocks with this one;'),
        text('ww back-off cannot resolve it, because the lock is not part of the transaction. lockdep is silent here.'),
        blank, held(site), blank, currentTrace(site),
      ],
    };
  },
});
