/**
 * `fencedep graph --format dot`: Graphviz DOT. Nodes are identified by their class name
 * (quoted), so the same class has the same id in every graph; edges on a finding's chain are
 * red and bold, and so are the classes they join; pseudo-locks (lockdep maps such as
 * fs_reclaim and dma_fence_map) are ellipses, locks boxes.
 *
 * Ids and labels are written by the DOT escaper (escape.ts): controls visible (Graphviz copies
 * them into SVG, where XML forbids them), `\` and `"` quoted, `&` disarmed in labels, lines on
 * `\n`; so `&mm->mmap_lock`, `(work_completion)(&w)` and names with quotes or backslashes come
 * out as written.
 */
import { dotId, dotLabel } from '../report/escape.js';
import { edgeLines, nodeLines, titleLines } from './labels.js';
import type { FenceGraph } from './model.js';

const HIGHLIGHT_NODE = 'color=red, fontcolor=red, penwidth=2';
const HIGHLIGHT_EDGE = 'color=red, fontcolor=red, penwidth=2.5, style=bold';

/**
 * Text is set in Courier: Graphviz sizes boxes and the drawing from its own estimate of the
 * text's width (the WebAssembly build has no font files to measure), and only for a
 * fixed-width font is the estimate (0.6 em a character) what every viewer draws, whichever
 * monospace font it substitutes. A proportional font drawn wider than estimated overflowed
 * the boxes and was cut at the drawing's right edge. `pad` keeps a margin round the drawing,
 * `margin` one inside each box.
 */
export const GRAPH_FONT = 'Courier';

export function formatDot(g: FenceGraph): string {
  const attrs = g.getAttributes();
  const out: string[] = [];
  out.push(`digraph ${dotId(attrs.scenario)} {`);
  out.push(`  graph [label=${dotLabel(titleLines(attrs))}, labelloc=t, fontname="${GRAPH_FONT}", fontsize=12, pad=0.3];`);
  out.push(`  node [shape=box, fontname="${GRAPH_FONT}", fontsize=11, margin="0.15,0.08"];`);
  out.push(`  edge [fontname="${GRAPH_FONT}", fontsize=9];`);
  if (g.order > 0) out.push('');
  g.forEachNode((key, a) => {
    const attrs = [`label=${dotLabel(nodeLines(key, a))}`];
    if (a.type === 'map') attrs.push('shape=ellipse');
    if (a.reported) attrs.push(HIGHLIGHT_NODE);
    out.push(`  ${dotId(key)} [${attrs.join(', ')}];`);
  });
  if (g.size > 0) out.push('');
  g.forEachEdge((_key, a, source, target) => {
    const attrs = [`label=${dotLabel(edgeLines(a))}`];
    if (a.reported) attrs.push(HIGHLIGHT_EDGE);
    out.push(`  ${dotId(source)} -> ${dotId(target)} [${attrs.join(', ')}];`);
  });
  out.push('}');
  return `${out.join('\n')}\n`;
}
