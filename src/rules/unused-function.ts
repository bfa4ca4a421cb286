/**
 * unused-function — a warning (revision 1.1): a function of the file that no path calls, no
 * hook or fence registers, and nothing reaches, so none of its steps is ever checked.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { text } from './layout.js';

export default defineRule<Detections['unused-function']>({
  meta: {
    id: 'unused-function',
    heading: 'function never called',
    group: 'design',
    description: 'a function that is declared and never called, registered on a hook, or reached',
    defaultSeverity: 'warn',
  },
  build({ name, location }) {
    return {
      message: `function "${name}" is never called, registered on a hook or reached from a path: its steps are not checked`,
      path: '',
      locks: [],
      lockdep: [],
      location,
      chain: [],
      distinct: name,
      report: [text(`function ${name} is declared here but nothing runs it; call it from a path, register it on a hook, or remove it.`)],
    };
  },
});
