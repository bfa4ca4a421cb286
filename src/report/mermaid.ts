/**
 * A finding's chain as a Mermaid flowchart, for the markdown reporter:
 *
 *   flowchart LR
 *     n0["fs_reclaim"]
 *     n1["mmu_notifier_invalidate_range_start"]
 *     n0 -->|"kswapd · kernel/reclaim.yaml:40"| n1
 *     n1 ==>|"scheduler run_job · fixtures/x.yaml:31 · closes the cycle"| n0
 *     linkStyle 1 stroke:#d73a49,stroke-width:3px
 *
 * Nodes are lockdep class names, in order of first appearance along the chain; an edge is a
 * dependency (held → taken) labelled with the path and the file:line that recorded it; the
 * dependency that closed the cycle is thick and red. Every label is a quoted string written by
 * the Mermaid escaper (escape.ts: entity codes such as `#quot;`, `#35;`, `#37;`), so no class
 * name can break out of it or carry a directive. Only this subset of the syntax is ever written.
 */
import type { Finding } from '../model/finding.js';
import { mermaidLabel } from './escape.js';
import { closingIndex, lockdepNamer } from './findings.js';

export const CLOSING_STYLE = 'stroke:#d73a49,stroke-width:3px';

const quoted = (s: string): string => mermaidLabel([s]);

/** The flowchart of a finding's chain, or null for a finding without one. */
export function chainFlowchart(f: Finding): string | null {
  if (f.chain.length === 0) return null;
  const lockdep = lockdepNamer(f);
  const closing = closingIndex(f);
  const ids = new Map<string, string>();
  const nodes: string[] = [];
  const node = (name: string): string => {
    const label = lockdep(name);
    let id = ids.get(label);
    if (id === undefined) {
      id = `n${ids.size}`;
      ids.set(label, id);
      nodes.push(`  ${id}[${quoted(label)}]`);
    }
    return id;
  };
  const edges: string[] = [];
  f.chain.forEach((c, i) => {
    const from = node(c.from);
    const to = node(c.to);
    const where = `${c.location.file}:${c.location.line}`;
    const label = i === closing ? `${c.path} · ${where} · closes the cycle` : `${c.path} · ${where}`;
    edges.push(`  ${from} ${i === closing ? '==>' : '-->'}|${quoted(label)}| ${to}`);
  });
  const lines = ['flowchart LR', ...nodes, ...edges];
  if (closing >= 0) lines.push(`  linkStyle ${closing} ${CLOSING_STYLE}`);
  return lines.join('\n');
}
