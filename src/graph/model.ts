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
import { isModelFile, relativeFile } from '../report/paths.js';
import { byteOrder } from '../model/order.js';
import { classKeys, ownDependency } from './keys.js';

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
  /** Touched by the scenario: an end of one of its own dependencies (see `own` of an edge). */
  own: boolean;
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
  /**
   * Recorded by the scenario: a step of its files is on the recording's stack (its paths, or
   * its callbacks the models' paths invoke). Otherwise the built-in models' own dependency:
   * their priming, and what lockdep's rules move there (`--hide-model` leaves it out).
   */
  own: boolean;
}

export interface GraphAttributes {
  scenario: string;
  file: string;
  /** Only what lies on a cycle is kept (`--cycles`). */
  cyclesOnly: boolean;
  /** The models' own classes and dependencies are left out (`--hide-model`). */
  modelHidden: boolean;
  /** Only this finding's chain is drawn (`--finding`): its number in the file, rule and fingerprint. */
  finding: { index: number; rule: string; fingerprint: string } | null;
}

export type FenceGraph = DirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>;

/** What a graph is built from: one file's replay. */
export interface GraphSource {
  readonly file: string;
  readonly scenario: string;
  readonly graph: GraphExport;
  readonly findings: readonly Finding[];
  /**
   * File names (the title, the locations) are made relative to it, as the other outputs do,
   * so that an absolute input does not put absolute paths in labels. Absent: kept as given.
   */
  readonly cwd?: string;
}

interface DraftEdge {
  source: string;
  target: string;
  attrs: EdgeAttributes;
}

/** Build the model of one file's replay. */
export function buildGraph(src: GraphSource): FenceGraph {
  const shown = (file: string): string => (src.cwd === undefined ? file : relativeFile(file, src.cwd));
  const at = (l: SourceLoc | null): SourceLoc | null => (l === null ? null : { ...l, file: shown(l.file) });
  const keys = classKeys(src.graph);
  const nodes = new Map<string, NodeAttributes>();
  const keyOfName = new Map<string, string>();
  src.graph.classes.forEach((c, i) => {
    nodes.set(keys[i]!, { lockdep: c.lockdep, name: c.name, type: c.type, cycle: false, reported: false, own: false });
    keyOfName.set(c.name, keys[i]!);
  });
  const edges = new Map<string, DraftEdge>();
  const pair = (s: string, t: string) => `${s}\u0000${t}`;
  for (const d of src.graph.dependencies) {
    const source = keys[d.from]!;
    const target = keys[d.to]!;
    const own = ownDependency(d);
    if (own) nodes.get(source)!.own = nodes.get(target)!.own = true;
    const existing = edges.get(pair(source, target));
    if (existing) {
      // One dependency per pair of classes in the engine; merge the kinds should that change.
      existing.attrs.kinds = [...new Set([...existing.attrs.kinds, ...d.kinds])].sort();
      existing.attrs.own ||= own;
      continue;
    }
    edges.set(pair(source, target), {
      source,
      target,
      attrs: {
        kinds: [...d.kinds], path: d.path, location: at(d.location), step: d.step,
        cycle: false, reported: false, rules: [], own,
      },
    });
  }

  // The findings' chains (chain entries name classes by their scenario names).
  const nodeKey = (name: string): string => {
    let key = keyOfName.get(name);
    if (key === undefined) {
      key = name;
      keyOfName.set(name, key);
      if (!nodes.has(key)) nodes.set(key, { lockdep: name, name, type: 'unknown', cycle: false, reported: false, own: false });
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
            kinds: [], path: c.path, location: at(c.location), step: last ? last.step : null,
            cycle: false, reported: false, rules: [], own: c.stack.length === 0 || c.stack.some((st) => !isModelFile(st.file)),
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
  const index = new Map(order.map((k, i) => [k, i]));
  const sortedEdges = [...edges.values()].sort((a, b) => byteOrder(a.source, b.source) || byteOrder(a.target, b.target));
  const csr = toCsr(order.length, sortedEdges.map((e) => [index.get(e.source)!, index.get(e.target)!] as const));
  const { component, cyclic } = onCycle(order.length, csr);
  order.forEach((k, i) => {
    nodes.get(k)!.cycle = cyclic[i] === 1;
  });
  for (const e of sortedEdges) {
    const s = index.get(e.source)!;
    const t = index.get(e.target)!;
    e.attrs.cycle = cyclic[s] === 1 && component[s] === component[t];
  }

  const g: FenceGraph = new DirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>({ allowSelfLoops: true });
  g.replaceAttributes({ scenario: src.scenario, file: shown(src.file), cyclesOnly: false, modelHidden: false, finding: null });
  for (const k of order) g.addNode(k, nodes.get(k)!);
  sortedEdges.forEach((e, i) => g.addDirectedEdgeWithKey(`e${i}`, e.source, e.target, e.attrs));
  return g;
}

/**
 * The dependencies `keep` accepts and the classes they join (and, with `keepNode`, the classes
 * it accepts as well); keys and order are kept, the attributes copied, `view` set.
 */
function subgraph(g: FenceGraph, view: Partial<GraphAttributes>, keep: (e: EdgeAttributes) => boolean, keepNode: (n: NodeAttributes) => boolean = () => false): FenceGraph {
  const out: FenceGraph = new DirectedGraph<NodeAttributes, EdgeAttributes, GraphAttributes>({ allowSelfLoops: true });
  out.replaceAttributes({ ...g.getAttributes(), ...view });
  const nodes = new Set<string>();
  g.forEachNode((key, attrs) => {
    if (keepNode(attrs)) nodes.add(key);
  });
  g.forEachEdge((_key, attrs, source, target) => {
    if (keep(attrs)) nodes.add(source).add(target);
  });
  g.forEachNode((key, attrs) => {
    if (nodes.has(key)) out.addNode(key, { ...attrs });
  });
  g.forEachEdge((key, attrs, source, target) => {
    if (keep(attrs)) out.addDirectedEdgeWithKey(key, source, target, { ...attrs, kinds: [...attrs.kinds], rules: [...attrs.rules] });
  });
  return out;
}

/** Only the classes and dependencies that lie on a cycle (`--cycles`); keys are kept. */
export function cyclesOnly(g: FenceGraph): FenceGraph {
  return subgraph(g, { cyclesOnly: true }, (e) => e.cycle, (n) => n.cycle);
}

/**
 * Without the built-in models' own dependencies (`--hide-model`): what the scenario recorded,
 * and what a finding's chain needs (a cycle closing through the model's priming stays whole);
 * a model class none of those touch goes with them.
 */
export function modelHidden(g: FenceGraph): FenceGraph {
  return subgraph(g, { modelHidden: true }, (e) => e.own || e.reported);
}

/**
 * Only one finding's chain (`--finding`): build the graph with that finding alone, then this
 * keeps the dependencies of its chain and the classes they join.
 */
export function findingOnly(g: FenceGraph, finding: NonNullable<GraphAttributes['finding']>): FenceGraph {
  return subgraph(g, { finding }, (e) => e.reported);
}
