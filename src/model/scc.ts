/**
 * Strongly connected components by Tarjan's algorithm, iterative (an explicit call stack of
 * node and next-edge cursors), on a CSR adjacency: no recursion, so a 100,000-class ring is as
 * safe as a triangle. graphology's own `stronglyConnectedComponents` is a recursive DFS and
 * overflows the stack on a 10,000-node ring. The one SCC
 * search of the project: the graph export (`cycle` marks) and `--stats` (SCC counts) use it.
 */

/** A directed graph on nodes 0..n-1 as CSR: the successors of v are targets[offsets[v]..offsets[v+1]). */
export interface Csr {
  readonly offsets: Int32Array;
  readonly targets: Int32Array;
}

/** CSR from an edge list on nodes 0..n-1. */
export function toCsr(n: number, edges: readonly (readonly [number, number])[]): Csr {
  const offsets = new Int32Array(n + 1);
  for (const [from] of edges) offsets[from + 1]++;
  for (let v = 0; v < n; v++) offsets[v + 1] += offsets[v];
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(edges.length);
  for (const [from, to] of edges) targets[fill[from]++] = to;
  return { offsets, targets };
}

/**
 * The component of every node: `component[v]` is the index of v's SCC, numbered in the order
 * Tarjan completes them (a reverse topological order of the condensation).
 */
export function tarjan(n: number, { offsets, targets }: Csr): { readonly component: Int32Array; readonly count: number } {
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const component = new Int32Array(n).fill(-1);
  const stack = new Int32Array(n); // Tarjan's node stack
  let sp = 0;
  const callNode = new Int32Array(n); // the DFS call stack: node, and its next edge
  const callEdge = new Int32Array(n);
  let next = 0;
  let count = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = offsets[root];
    index[root] = low[root] = next++;
    stack[sp++] = root;
    while (depth >= 0) {
      const v = callNode[depth];
      const e = callEdge[depth];
      if (e < offsets[v + 1]) {
        callEdge[depth] = e + 1;
        const w = targets[e];
        if (index[w] === -1) {
          index[w] = low[w] = next++;
          stack[sp++] = w;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = offsets[w];
        } else if (component[w] === -1 && index[w] < low[v]) {
          low[v] = index[w]; // w is on the stack
        }
        continue;
      }
      // v is done: pop it, propagate its low link to the caller, close its component if root.
      if (low[v] === index[v]) {
        let w: number;
        do {
          w = stack[--sp];
          component[w] = count;
        } while (w !== v);
        count++;
      }
      depth--;
      if (depth >= 0) {
        const u = callNode[depth];
        if (low[v] < low[u]) low[u] = low[v];
      }
    }
  }
  return { component, count };
}

/**
 * Which nodes lie on a cycle: in a strongly connected component of more than one node, or
 * with an edge to themselves.
 */
export function onCycle(n: number, csr: Csr): { readonly component: Int32Array; readonly cyclic: Uint8Array } {
  const { component, count } = tarjan(n, csr);
  const size = new Int32Array(count);
  for (let v = 0; v < n; v++) size[component[v]]++;
  const cyclic = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    if (size[component[v]] > 1) cyclic[v] = 1;
    else for (let e = csr.offsets[v]; e < csr.offsets[v + 1]; e++) if (csr.targets[e] === v) cyclic[v] = 1;
  }
  return { component, cyclic };
}
