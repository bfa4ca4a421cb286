import { describe, expect, it } from 'vitest';
import { DEP_EN, DEP_SR, DependencyGraph } from '../../src/replay/graph.js';
import { rng } from '../rng.js';

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

  it('stays exact while classes arrive mid-way and their guessed positions collide', () => {
    for (let seed = 1; seed <= 200; seed++) {
      const random = rng(seed * 7919);
      const g = new DependencyGraph();
      const adj: number[][] = [];
      let n = 0;
      // Guesses from a tiny range: most collide with a class already there.
      const guessRange = 1 + Math.floor(random() * 6);
      const grow = (k: number) => {
        g.grow(n + k, () => Math.floor(random() * guessRange));
        for (let i = 0; i < k; i++) adj.push([]);
        n += k;
      };
      grow(2 + Math.floor(random() * 5));
      const steps = 40 + Math.floor(random() * 200);
      for (let e = 0; e < steps; e++) {
        if (random() < 0.15) grow(1 + Math.floor(random() * 3));
        // Chains into one spot, so many classes move into the same gap.
        const a = random() < 0.3 ? 0 : Math.floor(random() * n);
        const b = random() < 0.3 ? n - 1 : Math.floor(random() * n);
        if (a === b) continue;
        expect(g.mayReach(b, a), `seed ${seed}: ${b} ⇝ ${a}`).toBe(reaches(adj, b, a));
        g.add(a, b, DEP_EN, prov);
        adj[a]!.push(b);
        const x = Math.floor(random() * n);
        const y = Math.floor(random() * n);
        expect(g.mayReach(x, y), `seed ${seed}: ${x} ⇝ ${y}`).toBe(x === y || reaches(adj, x, y));
      }
      // Every pair at the end.
      const wrong: string[] = [];
      for (let x = 0; x < n; x++) for (let y = 0; y < n; y++) if (g.mayReach(x, y) !== (x === y || reaches(adj, x, y))) wrong.push(`${x} ⇝ ${y}`);
      expect(wrong, `seed ${seed}`).toEqual([]);
    }
  });

  it('makes room when many classes move into one gap, and keeps long chains against the order', () => {
    // A hub last in the order taking classes before it: each moves right after the hub, before
    // the one that moved last, halving the gap every time until the positions are spread out.
    const n = 400;
    const g = new DependencyGraph();
    g.grow(n, (id) => id);
    const adj: number[][] = Array.from({ length: n }, () => []);
    const hub = n - 1;
    for (let k = 0; k < hub; k++) {
      expect(g.mayReach(k, hub)).toBe(false);
      g.add(hub, k, DEP_EN, prov);
      adj[hub]!.push(k);
      if (k > 0) {
        // And a chain through them against the order: k → k-1.
        expect(g.mayReach(k - 1, k)).toBe(false);
        g.add(k, k - 1, DEP_EN, prov);
        adj[k]!.push(k - 1);
      }
    }
    for (let x = 0; x < n; x += 7) for (let y = 0; y < n; y += 5) expect(g.mayReach(x, y), `${x} ⇝ ${y}`).toBe(x === y || reaches(adj, x, y));
    // Closing the chain into the hub: one component.
    g.add(0, hub, DEP_EN, prov);
    expect(g.mayReach(0, hub) && g.mayReach(hub, 0) && g.mayReach(10, 300)).toBe(true);
    // Every new class guessed at the same position: each goes into the gap after it.
    const random = rng(5);
    const h = new DependencyGraph();
    const hadj: number[][] = [];
    for (let id = 0; id < 300; id++) {
      h.grow(id + 1, () => 1000);
      hadj.push([]);
      const a = Math.floor(random() * (id + 1));
      if (a === id || id < 100) continue;
      expect(h.mayReach(id, a)).toBe(reaches(hadj, id, a));
      h.add(a, id, DEP_EN, prov);
      hadj[a]!.push(id);
    }
    for (let x = 0; x < 300; x += 3) for (let y = 0; y < 300; y += 11) expect(h.mayReach(x, y), `${x} ⇝ ${y}`).toBe(x === y || reaches(hadj, x, y));
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
