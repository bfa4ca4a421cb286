/**
 * The graph's JSON (graphology's serialization: `Graph.from(json)` reads it back) and its SVG
 * (the DOT drawn by Graphviz compiled to WebAssembly, in-process, loaded on first use).
 */
import type { Viz } from '@viz-js/viz';
import { jsonText } from '../model/escape.js';
import type { FenceGraph } from './model.js';

/** graphology's serialization of the graph, every attribute included. */
export function formatGraphJson(g: FenceGraph): string {
  return `${jsonText(g.export(), 2)}\n`;
}

let viz: Promise<Viz> | undefined;

/** The Graphviz instance, compiled once per process (the module is loaded only when a graph is drawn). */
export function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
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
