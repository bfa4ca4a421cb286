/** The iterative Tarjan: agrees with brute force, and a 10,000-class ring does not overflow the stack. */
import { describe, expect, it } from 'vitest';
import { buildGraph, cyclesOnly, formatDot, onCycle, tarjan, toCsr } from '../../src/graph/index.js';
import type { GraphExport } from '../../src/replay/index.js';
import { rng } from '../rng.js';

function reach(adj: number[][], from: number): Set<number> {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length) for (const m of adj[todo.pop()!]!) if (!seen.has(m)) (seen.add(m), todo.push(m));
  return seen;
}

const ring = (n: number): (readonly [number, number])[] => Array.from({ length: n }, (_, i) => [i, (i + 1) % n] as const);

describe('tarjan', () => {
  it('agrees with mutual reachability on random graphs', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = rng(seed);
      const n = 1 + Math.floor(random() * 30);
      const edges: [number, number][] = [];
      for (let e = 0; e < n * 2; e++) edges.push([Math.floor(random() * n), Math.floor(random() * n)]);
      const adj: number[][] = Array.from({ length: n }, () => []);
      for (const [a, b] of edges) adj[a]!.push(b);
      const { component } = tarjan(n, toCsr(n, edges));
      const reaches = adj.map((_, v) => reach(adj, v));
      for (let a = 0; a < n; a++)
        for (let b = 0; b < n; b++)
          expect(component[a] === component[b], `seed ${seed}: ${a}, ${b}`).toBe(reaches[a]!.has(b) && reaches[b]!.has(a));
    }
  });

  it('numbers components in reverse topological order', () => {
    // 0 -> 1 <-> 2 -> 3: {3} completes first, then {1,2}, then {0}.
    const { component, count } = tarjan(4, toCsr(4, [[0, 1], [1, 2], [2, 1], [2, 3]]));
    expect(count).toBe(3);
    expect(component[3]).toBeLessThan(component[1]!);
    expect(component[1]).toBe(component[2]);
    expect(component[1]).toBeLessThan(component[0]!);
  });

  it('a self-loop is a cycle, a lone node is not', () => {
    const { cyclic } = onCycle(3, toCsr(3, [[0, 0], [1, 2]]));
    expect([...cyclic]).toEqual([1, 0, 0]);
  });

  it('a 10,000-node ring and a 100,000-node ring: one component, no stack overflow', () => {
    for (const n of [10_000, 100_000]) {
      const { count } = tarjan(n, toCsr(n, ring(n)));
      expect(count).toBe(1);
      // A path (no closing edge) is n components, each of one node, none on a cycle.
      const path = ring(n).slice(0, -1);
      const open = onCycle(n, toCsr(n, path));
      expect(open.cyclic.every((x) => x === 0)).toBe(true);
    }
  });

  it('the graph model of a 10,000-class ring: every class and dependency on the cycle, DOT for all of it', () => {
    const n = 10_000;
    const graph: GraphExport = {
      classes: Array.from({ length: n }, (_, i) => ({ name: `l${i}`, lockdep: `&lock_${String(i).padStart(5, '0')}`, type: 'mutex' })),
      dependencies: ring(n).map(([from, to]) => ({ from, to, kinds: ['EN'], path: 'p', location: null, step: null, files: [] })),
    };
    const g = cyclesOnly(buildGraph({ file: 'ring', scenario: 'ring', graph, findings: [] }));
    expect(g.order).toBe(n);
    expect(g.size).toBe(n);
    expect(formatDot(g).split('\n').filter((l) => l.includes(' -> '))).toHaveLength(n);
  });
});
