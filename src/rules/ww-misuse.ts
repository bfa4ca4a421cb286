/**
 * ww-misuse — beyond lockdep: what the kernel's CONFIG_DEBUG_WW_MUTEXES checks catch
 * (DEBUG_LOCKS_WARN_ON in ww_mutex_lock_acquired(), ww_mutex_lock_slow(), ww_acquire_fini()).
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, lock, text } from './layout.js';

export default defineRule<Detections['ww-misuse']>({
  meta: {
    id: 'ww-misuse',
    heading: 'WARNING: DEBUG_LOCKS_WARN_ON (ww_mutex)',
    group: 'design',
    description: 'ww_mutex API misuse the kernel\'s ww debug checks catch',
    defaultSeverity: 'error',
  },
  build({ site, check, what, lock: l, ctx }) {
    return {
      heading: `WARNING: DEBUG_LOCKS_WARN_ON(${check})`,
      message: `ww_mutex misuse in context ${ctx}: ${what}`,
      path: site.path,
      locks: l ? [l.name] : [],
      lockdep: l ? [l.lockdep] : [],
      location: site.location,
      chain: [],
      report: [text(`${site.path}: ${what}`), ...(l ? [lock(l)] : []), blank, held(site), blank, currentTrace(site)],
    };
  },
});
