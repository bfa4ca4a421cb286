/**
 * ww-edeadlk-unhandled — beyond lockdep: a second ww_mutex is taken in an acquire context
 * with no back-off path. Any ww lock after the first can return -EDEADLK (wait-die or wound-
 * wait); code that cannot back off either ignores the error or never expected it.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, lock, shown, text } from './layout.js';

export default defineRule<Detections['ww-edeadlk-unhandled']>({
  meta: {
    id: 'ww-edeadlk-unhandled',
    heading: 'ww_mutex: -EDEADLK not handled',
    group: 'design',
    description: 'a second ww lock in an acquire context with no back-off path for -EDEADLK',
    defaultSeverity: 'error',
  },
  build({ site, lock: l, ctx, owned }) {
    return {
      message: `${shown(l)} is taken in ww context ${ctx}, which already holds ${owned.join(', ')}, with no back-off path for -EDEADLK`,
      path: site.path,
      locks: [l.name],
      lockdep: [l.lockdep],
      location: site.location,
      chain: [],
      report: [
        text(`${site.path} takes a ww_mutex in context ${ctx}:`), lock(l),
        text(`while the context already holds: ${owned.join(', ')}`), blank,
        text('This lock can return -EDEADLK; the scenario has no `on_edeadlk` back-off path (or `result: edeadlk`).'),
        blank, held(site), blank, currentTrace(site),
      ],
    };
  },
});
