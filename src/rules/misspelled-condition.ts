/**
 * misspelled-condition — a warning (revision 1.1): an `if` condition written as free text
 * that is a small edit away from a keyword the model gives a meaning to (`blockable`), so
 * both branches are replayed where the keyword would have chosen one.
 */
import type { Detections } from '../replay/detections.js';
import { defineRule } from './rule.js';
import { text } from './layout.js';

export default defineRule<Detections['misspelled-condition']>({
  meta: {
    id: 'misspelled-condition',
    heading: 'if: condition looks like a keyword',
    group: 'design',
    description: 'an `if` condition a small edit away from a keyword of the model (`blockable`)',
    defaultSeverity: 'warn',
  },
  build({ condition, keyword, location }) {
    return {
      message: `\`if: ${condition}\` is free text, replayed both ways; did you mean the keyword "${keyword}"?`,
      path: '',
      locks: [],
      lockdep: [],
      location,
      chain: [],
      distinct: `${location.file}:${location.line}:${location.column}`,
      report: [text(`"${condition}" is not a keyword: both branches are replayed. Write \`if: ${keyword}\` for the model's meaning.`)],
    };
  },
});
