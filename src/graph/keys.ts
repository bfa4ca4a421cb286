/**
 * The graph's node keys and which dependencies are the scenario's own, apart from src/graph/model.ts so that what uses them
 * without building a graph (`diff`) does not load graphology: a start then evaluates only
 * the code a check runs (`fencedep graph` imports the model when it builds one).
 */
import type { GraphExport } from '../model/graph.js';
import { byteOrder } from '../model/order.js';
import { isModelFile } from '../report/paths.js';

/** A dependency the scenario recorded: a step of a file that is not a built-in model on its stack (no step at all: nothing says it is the model's). */
export const ownDependency = (d: Pick<GraphExport['dependencies'][number], 'files'>): boolean =>
  d.files.length === 0 || d.files.some((f) => !isModelFile(f));

/**
 * The node key of every class of `graph.classes` (same index): its lockdep name; when several
 * classes share one (two scenario locks declared with the same `lockdep:`), the others get
 * `#2`, `#3`… in order of their scenario names, as lockdep numbers same-named classes.
 */
export function classKeys(graph: Pick<GraphExport, 'classes'>): string[] {
  const byLockdep = new Map<string, number[]>();
  graph.classes.forEach((c, i) => {
    const same = byLockdep.get(c.lockdep);
    if (same) same.push(i);
    else byLockdep.set(c.lockdep, [i]);
  });
  const keys: string[] = new Array(graph.classes.length);
  const taken = new Set(graph.classes.map((c) => c.lockdep));
  for (const [lockdep, members] of byLockdep) {
    members.sort((a, b) => byteOrder(graph.classes[a]!.name, graph.classes[b]!.name));
    keys[members[0]!] = lockdep;
    let version = 2;
    for (const i of members.slice(1)) {
      let key = `${lockdep}#${version++}`;
      while (taken.has(key)) key = `${lockdep}#${version++}`;
      taken.add(key);
      keys[i] = key;
    }
  }
  return keys;
}
