import { describe, expect, it } from 'vitest';
import { DEP_EN, DEP_SR, DependencyGraph } from '../../src/replay/graph.js';

function rng(seed: number): () => number {
  let x = seed;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

/** Plain reachability by brute force, the reference the ordered filter must agree with. */
function reaches(adj: number[][], from: number, to: number): boolean {
  const seen = new Set([from]);
  const todo = [from];
  while (todo.length) {
    const n = todo.pop()!;
    if (n === to) return true;
    for (const m of adj[n]!) if (!seen.has(m)) (seen.add(m), todo.push(m));
  }
  return false;
}

const prov = { path: 't', frame: null };

describe('DependencyGraph', () => {
  it('mayReach agrees with brute-force reachability under random insertions, cycles included', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const random = rng(seed);
      const n = 5 + Math.floor(random() * 40);
      const g = new DependencyGraph();
      // Shuffled initial positions: the order must be repaired, not given.
      const initial = [...Array(n).keys()].sort(() => random() - 0.5);
      g.grow(n, (id) => initial[id]!);
      const adj: number[][] = Array.from({ length: n }, () => []);
      for (let e = 0; e < n * 3; e++) {
        const a = Math.floor(random() * n);
        const b = Math.floor(random() * n);
        if (a === b) continue;
        // As the engine does: ask whether the new dependency closes a cycle, then add it.
        expect(g.mayReach(b, a), `seed ${seed}: ${b} ⇝ ${a}`).toBe(reaches(adj, b, a));
        g.add(a, b, DEP_EN, prov);
        adj[a]!.push(b);
        for (let q = 0; q < 5; q++) {
          const x = Math.floor(random() * n);
          const y = Math.floor(random() * n);
          expect(g.mayReach(x, y), `seed ${seed}: ${x} ⇝ ${y}`).toBe(x === y || reaches(adj, x, y));
        }
      }
    }
  });

  it('finds the shortest strong path and skips weak ones', () => {
    const g = new DependencyGraph();
    g.grow(4, (id) => id);
    g.add(0, 1, DEP_EN, prov);
    g.add(1, 2, DEP_EN, prov);
    g.add(2, 3, DEP_EN, prov);
    g.add(0, 3, DEP_EN, prov);
    const hit = g.search(0, false, false, (c) => c === 3);
    expect(hit?.deps.map((d) => [d.from, d.to])).toEqual([[0, 3]]);
    // 0 -SR-> 1 -SR-> 2: arriving at 1 through *R, an S* dependency is not strong.
    const w = new DependencyGraph();
    w.grow(3, (id) => id);
    w.add(0, 1, DEP_SR, prov);
    w.add(1, 2, DEP_SR, prov);
    expect(w.search(0, false, false, (c) => c === 2)).toBeNull();
  });

  it('searches a 100k-class ring without recursion', () => {
    const n = 100_000;
    const g = new DependencyGraph();
    g.grow(n, (id) => id);
    for (let i = 0; i + 1 < n; i++) g.add(i, i + 1, DEP_EN, prov);
    expect(g.mayReach(0, n - 1)).toBe(true);
    const hit = g.search(0, false, false, (c) => c === n - 1);
    expect(hit?.deps.length).toBe(n - 1);
    g.add(n - 1, 0, DEP_EN, prov);
    expect(g.mayReach(n - 1, 5)).toBe(true);
  });
});
