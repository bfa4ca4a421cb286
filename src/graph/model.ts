/**
 * The dependency graph of one scenario as a graphology graph, the model `fencedep graph`
 * exports: a node per lock class, keyed by its lockdep name; an edge per dependency, with its
 * kinds and where it was first recorded; the edges of the findings' chains marked `reported`,
 * and whatever lies on a cycle (a strongly connected component, found iteratively) marked
 * `cycle`. Nodes and edges are inserted in sorted order, so every export is deterministic.
 */
import { DirectedGraph } from 'graphology';
import type { Finding } from '../model/finding.js';
import type { SourceLoc } from '../model/location.js';
import type { GraphExport } from '../model/graph.js';
import { onCycle, toCsr } from '../model/scc.js';

export interface NodeAttributes {
  /** The lockdep class name (`&mm->mmap_lock`), as lockdep prints it. */
  lockdep: string;
  /** The scenario's name for the class (`mmap_lock`). */
  name: string;
  /** mutex, rwsem, map (a pseudo-lock such as fs_reclaim or dma_fence_map)… */
  type: string;
  /** In a strongly connected component of more than one class (or with a dependency on itself). */
  cycle: boolean;
  /** On the chain of a finding. */
  reported: boolean;
}

export interface EdgeAttributes {
  /** lockdep's dependency kinds: any of `SR`, `ER`, `SN`, `EN` (empty for a finding's closing dependency that was not recorded). */
  kinds: string[];
  /** The path that first recorded it. */
  path: string;
  /** Where it was first recorded, and the step there. */
  location: SourceLoc | null;
  step: string | null;
  /** Both ends in the same strongly connected component. */
  cycle: boolean;
  /** On the chain of a finding. */
  reported: boolean;
  /** The rules of the findings whose chain it is on, sorted. */
  rules: string[];
}

export interface GraphAttributes {
  scenario: string;
  file: string;
  /** Only what lies on a cycle is kept (`--cycles`). */
  cyclesOnly: boolean;
}

export type FenceGraph = DirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>;

/** What a graph is built from: one file's replay. */
export interface GraphSource {
  readonly file: string;
  readonly scenario: string;
  readonly graph: GraphExport;
  readonly findings: readonly Finding[];
}

/** Code-unit order (never locale order): the same on every machine. */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

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

interface DraftEdge {
  source: string;
  target: string;
  attrs: EdgeAttributes;
}

/** Build the model of one file's replay. */
export function buildGraph(src: GraphSource): FenceGraph {
  const keys = classKeys(src.graph);
  const nodes = new Map<string, NodeAttributes>();
  const keyOfName = new Map<string, string>();
  src.graph.classes.forEach((c, i) => {
    nodes.set(keys[i]!, { lockdep: c.lockdep, name: c.name, type: c.type, cycle: false, reported: false });
    keyOfName.set(c.name, keys[i]!);
  });
  const edges = new Map<string, DraftEdge>();
  const pair = (s: string, t: string) => `${s}\u0000${t}`;
  for (const d of src.graph.dependencies) {
    const source = keys[d.from]!;
    const target = keys[d.to]!;
    const existing = edges.get(pair(source, target));
    if (existing) {
      // One dependency per pair of classes in the engine; merge the kinds should that change.
      existing.attrs.kinds = [...new Set([...existing.attrs.kinds, ...d.kinds])].sort();
      continue;
    }
    edges.set(pair(source, target), {
      source,
      target,
      attrs: {
        kinds: [...d.kinds], path: d.path, location: d.location, step: d.step,
        cycle: false, reported: false, rules: [],
      },
    });
  }

  // The findings' chains (chain entries name classes by their scenario names).
  const nodeKey = (name: string): string => {
    let key = keyOfName.get(name);
    if (key === undefined) {
      key = name;
      keyOfName.set(name, key);
      if (!nodes.has(key)) nodes.set(key, { lockdep: name, name, type: 'unknown', cycle: false, reported: false });
    }
    return key;
  };
  for (const f of src.findings) {
    for (const c of f.chain) {
      if (c.from === '' || c.to === '') continue;
      const source = nodeKey(c.from);
      const target = nodeKey(c.to);
      let edge = edges.get(pair(source, target));
      if (!edge) {
        // The dependency that closed the cycle, when the engine did not record it.
        const last = c.stack[c.stack.length - 1];
        edge = {
          source,
          target,
          attrs: {
            kinds: [], path: c.path, location: c.location, step: last ? last.step : null,
            cycle: false, reported: false, rules: [],
          },
        };
        edges.set(pair(source, target), edge);
      }
      edge.attrs.reported = true;
      if (!edge.attrs.rules.includes(f.rule)) edge.attrs.rules = [...edge.attrs.rules, f.rule].sort(byteOrder);
      nodes.get(source)!.reported = true;
      nodes.get(target)!.reported = true;
    }
  }

  // Cycles: Tarjan on the sorted node order.
  const order = [...nodes.keys()].sort(byteOrder);
  const at = new Map(order.map((k, i) => [k, i]));
  const sortedEdges = [...edges.values()].sort((a, b) => byteOrder(a.source, b.source) || byteOrder(a.target, b.target));
  const csr = toCsr(order.length, sortedEdges.map((e) => [at.get(e.source)!, at.get(e.target)!] as const));
  const { component, cyclic } = onCycle(order.length, csr);
  order.forEach((k, i) => {
    nodes.get(k)!.cycle = cyclic[i] === 1;
  });
  for (const e of sortedEdges) {
    const s = at.get(e.source)!;
    const t = at.get(e.target)!;
    e.attrs.cycle = cyclic[s] === 1 && component[s] === component[t];
  }

  const g: FenceGraph = new DirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>({ allowSelfLoops: true });
  g.replaceAttributes({ scenario: src.scenario, file: src.file, cyclesOnly: false });
  for (const k of order) g.addNode(k, nodes.get(k)!);
  sortedEdges.forEach((e, i) => g.addDirectedEdgeWithKey(`e${i}`, e.source, e.target, e.attrs));
  return g;
}

/** Only the classes and dependencies that lie on a cycle (`--cycles`); keys are kept. */
export function cyclesOnly(g: FenceGraph): FenceGraph {
  const out: FenceGraph = new DirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>({ allowSelfLoops: true });
  out.replaceAttributes({ ...g.getAttributes(), cyclesOnly: true });
  g.forEachNode((key, attrs) => {
    if (attrs.cycle) out.addNode(key, { ...attrs });
  });
  g.forEachEdge((key, attrs, source, target) => {
    if (attrs.cycle) out.addDirectedEdgeWithKey(key, source, target, { ...attrs, kinds: [...attrs.kinds], rules: [...attrs.rules] });
  });
  return out;
}
