/** The text of nodes and edges, shared by the DOT and Mermaid writers (lines, unescaped). */
import type { EdgeAttributes, GraphAttributes, NodeAttributes } from './model.js';

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

/** The title of a graph: scenario, file, and what it was cut down to (`--cycles`, `--hide-model`, `--finding`). */
export function titleLines(a: GraphAttributes): string[] {
  const cut: string[] = [];
  if (a.finding !== null) cut.push(`finding ${a.finding.index}: ${a.finding.rule} ${a.finding.fingerprint}`);
  if (a.cyclesOnly) cut.push('cycles only');
  if (a.modelHidden) cut.push('kernel model hidden');
  return [cut.length > 0 ? `${a.scenario} (${cut.join(', ')})` : a.scenario, a.file];
}
