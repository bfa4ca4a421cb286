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

export function formatDot(g: FenceGraph): string {
  const { scenario, file, cyclesOnly } = g.getAttributes();
  const out: string[] = [];
  out.push(`digraph ${dotId(scenario)} {`);
  out.push(`  graph [label=${dotLabel(titleLines(scenario, file, cyclesOnly))}, labelloc=t, fontname="Helvetica", fontsize=12];`);
  out.push('  node [shape=box, fontname="Helvetica", fontsize=11];');
  out.push('  edge [fontname="Helvetica", fontsize=9];');
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
