/**
 * `--stats`: the size of each replay (classes, dependencies, chains, events, as lockdep's
 * /proc/lockdep_stats counts them), the strongly connected components of its lock graph with
 * more than one class, and the time the file took. The SCC search is Tarjan's algorithm with
 * an explicit stack: no recursion, whatever the graph.
 */
import type { CheckStats } from '../model/finding.js';
import type { GraphExport, ReplayStats } from '../replay/index.js';

/** The number of strongly connected components with more than one class. */
export function countSccs(graph: Pick<GraphExport, 'classes' | 'dependencies'>): number {
  const n = graph.classes.length;
  const adj: number[][] = Array.from({ length: n }, () => []);
  for (const d of graph.dependencies) if (d.from !== d.to && d.from < n && d.to < n) adj[d.from].push(d.to);
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  let next = 0;
  let count = 0;
  // Call frames: the node and the position in its adjacency list.
  const frames: { v: number; i: number }[] = [];
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue;
    frames.push({ v: root, i: 0 });
    index[root] = low[root] = next++;
    stack.push(root);
    onStack[root] = 1;
    while (frames.length > 0) {
      const top = frames[frames.length - 1];
      const out = adj[top.v];
      if (top.i < out.length) {
        const w = out[top.i++];
        if (index[w] < 0) {
          index[w] = low[w] = next++;
          stack.push(w);
          onStack[w] = 1;
          frames.push({ v: w, i: 0 });
        } else if (onStack[w]) {
          low[top.v] = Math.min(low[top.v], index[w]);
        }
        continue;
      }
      frames.pop();
      if (frames.length > 0) {
        const parent = frames[frames.length - 1].v;
        low[parent] = Math.min(low[parent], low[top.v]);
      }
      if (low[top.v] === index[top.v]) {
        let size = 0;
        for (;;) {
          const w = stack.pop()!;
          onStack[w] = 0;
          size++;
          if (w === top.v) break;
        }
        if (size > 1) count++;
      }
    }
  }
  return count;
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
  return any ? { ...t, timeMs: roundMs(t.timeMs) } : null;
}
