/**
 * `fencedep graph --format mermaid`: a Mermaid flowchart. Nodes get ids `n0`, `n1`… in the
 * graph's (sorted) order; labels are quoted, written by the Mermaid escaper (escape.ts: entity
 * codes for what Mermaid's parser, its directive scanner or the HTML it renders to would take)
 * with `<br/>` between lines; the title comment goes through it too (Mermaid applies a
 * `%%{init}%%` directive found in a comment). Edges on a finding's chain get a red linkStyle,
 * the classes they join the `reported` class; pseudo-locks are stadium-shaped.
 */
import { mermaidLabel, mermaidText } from '../report/escape.js';
import { edgeLines, nodeLines, titleLines } from './labels.js';
import type { FenceGraph } from './model.js';

export const REPORTED_STYLE = 'stroke:red,stroke-width:3px,color:red';

export function formatMermaid(g: FenceGraph): string {
  const out: string[] = [];
  const title = mermaidText(titleLines(g.getAttributes()).join(' — '));
  out.push(`%% fencedep graph: ${title}`);
  out.push('flowchart TD');
  const ids = new Map<string, string>();
  const reportedNodes: string[] = [];
  g.forEachNode((key, a) => {
    const id = `n${ids.size}`;
    ids.set(key, id);
    const label = mermaidLabel(nodeLines(key, a));
    out.push(`  ${id}${a.type === 'map' ? `([${label}])` : `[${label}]`}`);
    if (a.reported) reportedNodes.push(id);
  });
  const reportedEdges: number[] = [];
  let index = 0;
  g.forEachEdge((_key, a, source, target) => {
    const lines = edgeLines(a);
    const arrow = lines.length > 0 ? `-->|${mermaidLabel(lines)}|` : '-->';
    out.push(`  ${ids.get(source)} ${arrow} ${ids.get(target)}`);
    if (a.reported) reportedEdges.push(index);
    index++;
  });
  if (reportedNodes.length > 0) {
    out.push('  classDef reported stroke:red,stroke-width:2px,color:red');
    out.push(`  class ${reportedNodes.join(',')} reported`);
  }
  if (reportedEdges.length > 0) out.push(`  linkStyle ${reportedEdges.join(',')} ${REPORTED_STYLE}`);
  return `${out.join('\n')}\n`;
}
