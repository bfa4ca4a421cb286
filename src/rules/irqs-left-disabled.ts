/**
 * irqs-left-disabled — a warning (revision 1.1): a path ends with hard irqs or softirqs still
 * disabled, what the kernel's syscall exit reports as "syscall %lu left IRQs disabled".
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { blank, currentTrace, held, text } from './layout.js';

export default defineRule<Detections['irqs-left-disabled']>({
  meta: {
    id: 'irqs-left-disabled',
    heading: 'WARNING: syscall left IRQs disabled',
    group: 'design',
    description: 'a path ends with hard irqs or softirqs (bottom halves) still disabled',
    defaultSeverity: 'warn',
  },
  build({ site, hardirqs, softirqs }) {
    const what = hardirqs && softirqs ? 'hard irqs and softirqs' : hardirqs ? 'hard irqs' : 'softirqs';
    return {
      message: `path "${site.path}" ends with ${what} disabled: the ${hardirqs ? 'local_irq_disable/save' : 'local_bh_disable'} that turned them off has no matching enable on this path`,
      path: site.path,
      locks: [],
      lockdep: [],
      location: site.location,
      chain: [],
      distinct: site.path,
      report: [text(`${site.path} returns with ${what} disabled ${site.irqState}`), blank, held(site), blank, currentTrace(site, 'last step:')],
    };
  },
});
