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

export function kindNames(kinds: number): string[] {
  const out: string[] = [];
  if (kinds & DEP_SR) out.push('SR');
  if (kinds & DEP_ER) out.push('ER');
  if (kinds & DEP_SN) out.push('SN');
  if (kinds & DEP_EN) out.push('EN');
  return out;
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

export class DependencyGraph {
  private readonly fwd: Dependency[][] = [];
  private readonly bwd: Dependency[][] = [];
  private readonly byPair = new Map<number, Dependency>();
  private stamp: Int32Array = new Int32Array(0);
  private parentState: Int32Array = new Int32Array(0);
  private parentDep: (Dependency | null)[] = [];
  private queue: Int32Array = new Int32Array(0);
  private generation = 0;
  edges = 0;

  /** Make room for classes 0..n-1. */
  grow(n: number): void {
    while (this.fwd.length < n) {
      this.fwd.push([]);
      this.bwd.push([]);
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
    return dep;
  }

  forEach(fn: (dep: Dependency) => void): void {
    for (const list of this.fwd) for (const dep of list) fn(dep);
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
