/**
 * `--stats`: the size of each replay (classes, dependencies, chains, events, as lockdep's
 * /proc/lockdep_stats counts them), the strongly connected components of its lock graph with
 * more than one class (src/model/scc.ts, the project's one Tarjan), and the time the file took.
 */
import type { CheckStats } from '../model/finding.js';
import { tarjan, toCsr } from '../model/scc.js';
import type { GraphExport } from '../model/graph.js';
import type { ReplayStats } from '../replay/index.js';

/** The number of strongly connected components with more than one class (a self-loop is not one). */
export function countSccs(graph: Pick<GraphExport, 'classes' | 'dependencies'>): number {
  const n = graph.classes.length;
  const edges: [number, number][] = [];
  for (const d of graph.dependencies) if (d.from !== d.to && d.from < n && d.to < n) edges.push([d.from, d.to]);
  const { component, count } = tarjan(n, toCsr(n, edges));
  const size = new Int32Array(count);
  for (let v = 0; v < n; v++) size[component[v]!]++;
  return size.filter((s) => s > 1).length;
}

/** A file's figures from its replay. */
export function fileStats(stats: ReplayStats, graph: GraphExport, timeMs: number): CheckStats {
  return {
    classes: stats.classes,
    dependencies: stats.edges,
    chains: stats.chains,
    sccs: countSccs(graph),
    events: stats.events,
    timeMs: roundMs(timeMs),
    ...(stats.externs.length ? { extern: stats.externs } : {}),
  };
}

export function roundMs(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** The figures of several files added up (null when none has figures). */
export function totalStats(list: readonly (CheckStats | undefined)[]): CheckStats | null {
  let any = false;
  const t = { classes: 0, dependencies: 0, chains: 0, sccs: 0, events: 0, timeMs: 0 };
  for (const s of list) {
    if (!s) continue;
    any = true;
    t.classes += s.classes;
    t.dependencies += s.dependencies;
    t.chains += s.chains;
    t.sccs += s.sccs;
    t.events += s.events;
    t.timeMs += s.timeMs;
  }
  const extern = [...new Set(list.flatMap((s) => s?.extern ?? []))].sort();
  return any ? { ...t, timeMs: roundMs(t.timeMs), ...(extern.length ? { extern } : {}) } : null;
}
