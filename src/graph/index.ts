/**
 * `fencedep graph`: one scenario's dependency graph as DOT, Mermaid, JSON (graphology's
 * serialization: `Graph.from(json)` reads it back) or SVG (the DOT drawn by Graphviz compiled
 * to WebAssembly, in-process). Every format is deterministic.
 */
import { instance, type Viz } from '@viz-js/viz';
import { formatDot } from './dot.js';
import { formatMermaid } from './mermaid.js';
import type { FenceGraph } from './model.js';

export { buildGraph, classKeys, cyclesOnly, type EdgeAttributes, type FenceGraph, type GraphAttributes, type GraphSource, type NodeAttributes } from './model.js';
export { formatDot, dotId, dotLabel } from './dot.js';
export { formatMermaid, mermaidLabel } from './mermaid.js';
export { onCycle, tarjan, toCsr, type Csr } from './scc.js';

export const GRAPH_FORMATS = ['dot', 'mermaid', 'json', 'svg'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

/** graphology's serialization of the graph, every attribute included. */
export function formatGraphJson(g: FenceGraph): string {
  return `${JSON.stringify(g.export(), null, 2)}\n`;
}

let viz: Promise<Viz> | undefined;

/** The Graphviz instance, compiled once per process. */
export function graphviz(): Promise<Viz> {
  viz ??= instance();
  return viz;
}

/** Draw DOT as SVG with Graphviz; throws with Graphviz's messages if it does not parse. */
export async function renderSvg(dot: string): Promise<string> {
  const result = (await graphviz()).render(dot, { format: 'svg' });
  if (result.status !== 'success') {
    throw new Error(`Graphviz could not render the graph: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}

export async function formatGraph(g: FenceGraph, format: GraphFormat): Promise<string> {
  switch (format) {
    case 'dot':
      return formatDot(g);
    case 'mermaid':
      return formatMermaid(g);
    case 'json':
      return formatGraphJson(g);
    case 'svg':
      return renderSvg(formatDot(g));
  }
}
