/** The text of nodes and edges, shared by the DOT and Mermaid writers (lines, unescaped). */
import type { EdgeAttributes, NodeAttributes } from './model.js';

/** The node key (the lockdep name, `#2`… when shared), and the scenario's name below it when it differs. */
export function nodeLines(key: string, a: NodeAttributes): string[] {
  return a.name !== a.lockdep ? [key, `(${a.name})`] : [key];
}

/** The kinds, the path that first recorded the dependency, and `file:line` there. */
export function edgeLines(a: EdgeAttributes): string[] {
  const lines: string[] = [];
  if (a.kinds.length > 0) lines.push(a.kinds.join(' '));
  if (a.path !== '') lines.push(a.path);
  if (a.location !== null) lines.push(`${a.location.file}:${a.location.line}`);
  return lines;
}

/** The title of a graph: scenario, file, and whether it was cut down to its cycles. */
export function titleLines(scenario: string, file: string, cyclesOnly: boolean): string[] {
  return [cyclesOnly ? `${scenario} (cycles only)` : scenario, file];
}
