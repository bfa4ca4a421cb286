/**
 * The dependency graph: direct dependencies prev → next between lock classes, each with
 * lockdep's four dependency kinds and where it was first recorded; and the searches over
 * *strong* paths (lockdep-design.rst, "Recursive read locks") that the checks are built on.
 *
 * Searches are breadth-first, iterative, over (class, arrived-via-only-*R) states, so they
 * return the shortest strong path and are complete where lockdep's per-class marking may
 * not be. Nothing here recurses: a 100k-class ring is just a long queue.
 */
import type { Frame } from '../model/location.js';

/** Dependency kinds: S/E = prev shared/exclusive, R/N = next recursive-read / not. */
export const DEP_SR = 1;
export const DEP_ER = 2;
export const DEP_SN = 4;
export const DEP_EN = 8;
const DEP_S_ANY = DEP_SR | DEP_SN;
const DEP_N_ANY = DEP_SN | DEP_EN;

/** `read` as lockdep stores it: 0 exclusive, 1 non-recursive reader, 2 recursive reader. */
export type ReadKind = 0 | 1 | 2;

export function depKind(prevRead: ReadKind, nextRead: ReadKind): number {
  return 1 << ((prevRead === 0 ? 1 : 0) + (nextRead !== 2 ? 2 : 0));
}

/** The same dependency seen from `to` (lockdep's calc_depb): ER and SN swap places. */
function backwardKinds(kinds: number): number {
  return (kinds & (DEP_SR | DEP_EN)) | ((kinds & DEP_ER) << 1) | ((kinds & DEP_SN) >> 1);
}


/** `SR`, `ER`, `SN`, `EN`: the kinds in a dependency's mask. */
export function kindNames(kinds: number): string[] {
  return (['SR', 'ER', 'SN', 'EN'] as const).filter((_, i) => kinds & (1 << i));
}

/** Where a dependency (or a usage bit) was first seen. */
export interface Provenance {
  readonly path: string;
  readonly frame: Frame | null;
}

export interface Dependency {
  readonly from: number;
  readonly to: number;
  kinds: number;
  bkinds: number;
  readonly first: Provenance;
}

/** A search hit: the class found and the dependencies from the root to it, in walk order. */
export interface PathHit {
  readonly cls: number;
  readonly onlyXR: boolean;
  readonly deps: readonly Dependency[];
}

/** Called on every state reached by a strong path; `true` stops the search there. */
export type Visit = (cls: number, onlyXR: boolean) => boolean;

/**
 * Besides the dependencies, the graph keeps a topological order of its strongly connected
 * components, maintained on every insertion (Pearce & Kelly's dynamic topological sort, with
 * components merged when a dependency closes a cycle). It answers "can next reach prev at
 * all?" without a search in the common case, so the strong-path search only runs where a
 * cycle is possible; this is what keeps a kernel-sized graph cheap to build.
 */
export class DependencyGraph {
  private readonly fwd: Dependency[][] = [];
  private readonly bwd: Dependency[][] = [];
  private readonly byPair = new Map<number, Dependency>();
  /** Union-find parent: a class's component representative. */
  private comp: Int32Array = new Int32Array(0);
  /** Position of a component (by its representative) in the topological order. */
  private ord: Float64Array = new Float64Array(0);
  private members: number[][] = [];
  private anyMerged = false;
  private markF: Int32Array = new Int32Array(0);
  private markB: Int32Array = new Int32Array(0);
  private markGen = 0;
  /** The last region mayReach() collected, reusable while nothing else was marked since. */
  private reached: { from: number; to: number; gen: number; edges: number; comps: number[] } | null = null;
  private stamp: Int32Array = new Int32Array(0);
  private parentState: Int32Array = new Int32Array(0);
  private parentDep: (Dependency | null)[] = [];
  private queue: Int32Array = new Int32Array(0);
  private generation = 0;
  edges = 0;

  /**
   * Make room for classes 0..n-1. A new class starts in the order at `initial(id)`: any
   * distinct integers will do, but a guess close to the final order saves reordering.
   */
  grow(n: number, initial: (id: number) => number): void {
    if (this.comp.length < n) {
      const size = Math.max(n, this.comp.length * 2, 64);
      const comp = new Int32Array(size);
      comp.set(this.comp);
      const ord = new Float64Array(size);
      ord.set(this.ord);
      const markF = new Int32Array(size);
      markF.set(this.markF);
      const markB = new Int32Array(size);
      markB.set(this.markB);
      this.comp = comp;
      this.ord = ord;
      this.markF = markF;
      this.markB = markB;
    }
    while (this.fwd.length < n) {
      const id = this.fwd.length;
      this.fwd.push([]);
      this.bwd.push([]);
      this.comp[id] = id;
      this.ord[id] = initial(id);
      this.members.push([id]);
    }
    if (this.stamp.length < 2 * n) {
      const size = Math.max(2 * n, this.stamp.length * 2, 64);
      const stamp = new Int32Array(size);
      stamp.set(this.stamp);
      this.stamp = stamp;
      this.parentState = new Int32Array(size);
      this.queue = new Int32Array(size);
      this.parentDep = new Array(size).fill(null);
    }
  }

  /** Every dependency, in the order first recorded. */
  dependencies(): readonly Dependency[] {
    return [...this.byPair.values()];
  }

  get(from: number, to: number): Dependency | undefined {
    return this.byPair.get(from * 4194304 + to);
  }

  /** Record `kind` on from → to; returns the dependency (new or merged). */
  add(from: number, to: number, kind: number, first: Provenance): Dependency {
    const key = from * 4194304 + to;
    let dep = this.byPair.get(key);
    if (dep) {
      dep.kinds |= kind;
      dep.bkinds = backwardKinds(dep.kinds);
      return dep;
    }
    dep = { from, to, kinds: kind, bkinds: backwardKinds(kind), first };
    this.byPair.set(key, dep);
    this.fwd[from]!.push(dep);
    this.bwd[to]!.push(dep);
    this.edges++;
    this.keepOrder(from, to);
    return dep;
  }

  private find(x: number): number {
    if (!this.anyMerged) return x;
    const comp = this.comp;
    let root = x;
    while (comp[root] !== root) root = comp[root]!;
    while (comp[x] !== root) {
      const next = comp[x]!;
      comp[x] = root;
      x = next;
    }
    return root;
  }

  /**
   * Is there any path from → to (ignoring dependency kinds)? A necessary condition for a
   * strong path. Exact: components are ordered topologically, so only components between
   * the two in that order can lie on such a path.
   */
  mayReach(from: number, to: number): boolean {
    const cf = this.find(from);
    const ct = this.find(to);
    if (cf === ct) return true;
    if (this.ord[cf]! > this.ord[ct]!) return false;
    const gen = ++this.markGen;
    // The dependency to → from that usually follows reorders exactly this region: keep it.
    this.reached = { from: cf, to: ct, gen, edges: this.edges, comps: this.collect(cf, this.ord[ct]!, false, this.markF, gen) };
    return this.markF[ct] === gen;
  }

  /**
   * Components reachable from `start` (forward) or reaching it (backward) whose position
   * is within `bound` (≤ forward, ≥ backward), marked with `gen` in `mark`. Iterative.
   */
  private collect(start: number, bound: number, backward: boolean, mark: Int32Array, gen: number): number[] {
    const { ord } = this;
    const lists = backward ? this.bwd : this.fwd;
    const found = [start];
    mark[start] = gen;
    for (let i = 0; i < found.length; i++) {
      const c = found[i]!;
      const members = this.anyMerged ? this.members[c]! : null;
      const count = members ? members.length : 1;
      for (let k = 0; k < count; k++) {
        const list = lists[members ? members[k]! : c]!;
        for (let j = 0; j < list.length; j++) {
          const dep = list[j]!;
          const d = this.find(backward ? dep.from : dep.to);
          if (mark[d] === gen) continue;
          if (backward ? ord[d]! < bound : ord[d]! > bound) continue;
          mark[d] = gen;
          found.push(d);
        }
      }
    }
    return found;
  }

  /** Pearce–Kelly: restore the topological order after from → to, merging a closed cycle. */
  private keepOrder(from: number, to: number): void {
    const cu = this.find(from);
    const cv = this.find(to);
    const ord = this.ord;
    if (cu === cv || ord[cu]! < ord[cv]!) return;
    const reached = this.reached;
    this.reached = null;
    // Valid only if the one dependency added since is this one.
    const reuse = reached !== null && reached.from === cv && reached.to === cu && reached.gen === this.markGen && reached.edges + 1 === this.edges;
    const genF = reuse ? reached.gen : ++this.markGen;
    const forward = reuse ? reached.comps : this.collect(cv, ord[cu]!, false, this.markF, genF);
    const backward = this.collect(cu, ord[cv]!, true, this.markB, ++this.markGen);
    // Components both reachable from `to` and reaching `from` lie on a cycle just closed.
    const cycle: number[] = [];
    for (const c of backward) if (this.markF[c] === genF) cycle.push(c);
    const onCycle = ++this.markGen;
    for (const c of cycle) this.markB[c] = onCycle;
    const before = cycle.length ? backward.filter((c) => this.markB[c] !== onCycle) : backward;
    const after = cycle.length ? forward.filter((c) => this.markB[c] !== onCycle) : forward;
    // The region's old positions, reused in order: what reaches `from`, the cycle, what `to` reaches.
    const slots = new Float64Array(before.length + forward.length);
    let n = 0;
    for (const c of forward) slots[n++] = ord[c]!;
    for (const c of before) slots[n++] = ord[c]!;
    slots.sort();
    n = this.place(before, slots, 0);
    if (cycle.length) {
      n = this.place(cycle, slots, n);
      this.merge(cycle);
    }
    this.place(after, slots, n);
  }

  /** Make the components one (the first keeps its position). */
  private merge(comps: readonly number[]): void {
    let rep = comps[0]!;
    for (const c of comps) if (this.ord[c]! < this.ord[rep]!) rep = c;
    this.anyMerged = true;
    for (const c of comps) {
      if (c === rep) continue;
      this.comp[c] = rep;
      this.members[rep]!.push(...this.members[c]!);
      this.members[c] = [];
    }
  }

  /** Give `comps`, in their current relative order, the positions slots[at…]. */
  private place(comps: readonly number[], slots: Float64Array, at: number): number {
    const ord = this.ord;
    // Positions are integers well inside ±2^30: pack (position, component) into one number.
    const keys = new Float64Array(comps.length);
    for (let i = 0; i < comps.length; i++) keys[i] = (ord[comps[i]!]! + 1073741824) * 4194304 + comps[i]!;
    keys.sort();
    for (let i = 0; i < keys.length; i++) ord[keys[i]! % 4194304] = slots[at++]!;
    return at;
  }


  /**
   * Breadth-first search along strong paths from `root`, forwards (locks taken after) or
   * backwards (locks held before). `visit` sees the root first, then every newly reached
   * state in order of distance; the first `true` ends the search with the path to it.
   */
  search(root: number, rootOnlyXR: boolean, backward: boolean, visit: Visit): PathHit | null {
    const gen = ++this.generation;
    const { stamp, parentState, parentDep, queue } = this;
    const lists = backward ? this.bwd : this.fwd;
    let head = 0;
    let tail = 0;
    const rootState = root * 2 + (rootOnlyXR ? 1 : 0);
    stamp[rootState] = gen;
    parentState[rootState] = -1;
    parentDep[rootState] = null;
    queue[tail++] = rootState;
    while (head < tail) {
      const state = queue[head++]!;
      const cls = state >> 1;
      const onlyXR = (state & 1) === 1;
      if (visit(cls, onlyXR)) return this.hit(state);
      const list = lists[cls]!;
      for (let i = 0; i < list.length; i++) {
        const dep = list[i]!;
        let kinds = backward ? dep.bkinds : dep.kinds;
        // -(*R)-> followed by -(S*)-> is not a strong path.
        if (onlyXR) kinds &= ~DEP_S_ANY;
        if (kinds === 0) continue;
        const next = backward ? dep.from : dep.to;
        const nextOnlyXR = (kinds & DEP_N_ANY) === 0;
        const nextState = next * 2 + (nextOnlyXR ? 1 : 0);
        if (stamp[nextState] === gen) continue;
        // Arriving with *N is never weaker than arriving with only *R.
        if (nextOnlyXR && stamp[next * 2] === gen) continue;
        stamp[nextState] = gen;
        parentState[nextState] = state;
        parentDep[nextState] = dep;
        queue[tail++] = nextState;
      }
    }
    return null;
  }

  private hit(state: number): PathHit {
    const deps: Dependency[] = [];
    for (let s = state; this.parentState[s]! >= 0; s = this.parentState[s]!) deps.push(this.parentDep[s]!);
    deps.reverse();
    return { cls: state >> 1, onlyXR: (state & 1) === 1, deps };
  }
}
