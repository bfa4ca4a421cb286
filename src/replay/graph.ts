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

/** The first index of sorted[0, length) whose value is ≥ v. */
function lowerBound(sorted: Float64Array, length: number, v: number): number {
  let lo = 0;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Are lo + step·k, k = 1..count, strictly increasing and below hi? */
function spaced(lo: number, step: number, count: number, hi: number): boolean {
  let prev = lo;
  for (let k = 1; k <= count; k++) {
    const p = lo + step * k;
    if (!(p > prev) || !(p < hi)) return false;
    prev = p;
  }
  return true;
}

/** region[0, count) by position. */
function sortedByOrder(ord: Float64Array, region: Int32Array, count: number): number[] {
  const comps: number[] = [];
  for (let i = 0; i < count; i++) {
    const c = region[i]!;
    const p = ord[c]!;
    let j = comps.length;
    if (count > 16) {
      comps.push(c);
      continue;
    }
    // Insertion sort: regions are small.
    comps.push(c);
    while (j > 0 && ord[comps[j - 1]!]! > p) {
      comps[j] = comps[j - 1]!;
      j--;
    }
    comps[j] = c;
  }
  if (count > 16) comps.sort((a, b) => ord[a]! - ord[b]!);
  return comps;
}

function grownInt(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

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

/** How the last two-way search ended. */
const FORWARD_DONE = 0;
const BACKWARD_DONE = 1;
const MET = 2;

/**
 * Besides the dependencies, the graph keeps a topological order of its strongly connected
 * components, maintained on every insertion, with components merged when a dependency closes
 * a cycle. It answers "can next reach prev at all?" without a search in the common case, so
 * the strong-path search only runs where a cycle is possible; this is what keeps a
 * kernel-sized graph cheap to build.
 *
 * A dependency x → y against the order is repaired as in Pearce & Kelly's dynamic
 * topological sort, but searching from both ends at once (y forwards, x backwards, within
 * the window of the order between them) and stopping as soon as one side is exhausted: that
 * side alone moves, just past the other end (what y reaches, right after x; what reaches x,
 * right before y). Positions are doubles, so there is room between any two; when a gap runs
 * out, every position is spread out again. Only the rare dependency that closes a cycle
 * needs both sides whole (the cycle is where they meet).
 *
 * The order is kept on plain numbers (successor and predecessor class ids, the component of
 * each class, the sorted positions, scratch stacks), apart from the dependency objects the
 * searches and reports use.
 */
export class DependencyGraph {
  private readonly fwd: Dependency[][] = [];
  private readonly bwd: Dependency[][] = [];
  /** The same dependencies as class ids, for the order maintenance. */
  private readonly succ: number[][] = [];
  private readonly pred: number[][] = [];
  private readonly byPair = new Map<number, Dependency>();
  /** A class's component representative (always direct: merging updates every member). */
  private comp: Int32Array = new Int32Array(0);
  /** Position of a component (by its representative) in the topological order; all distinct. */
  private ord: Float64Array = new Float64Array(0);
  /** Members of each component, by representative; null while a component is one class. */
  private members: (number[] | null)[] = [];
  /** The positions of all components, ascending (where the gaps are). */
  private line: Float64Array = new Float64Array(64);
  private lineLength = 0;
  private markF: Int32Array = new Int32Array(0);
  private markB: Int32Array = new Int32Array(0);
  private markGen = 0;
  /** Scratch: the components searched forward and backward. */
  private regionF: Int32Array = new Int32Array(0);
  private regionB: Int32Array = new Int32Array(0);
  /**
   * The last two-way search (mayReach's): which side it exhausted, and how many components
   * that side has (in regionF or regionB). The insertion that usually follows reuses it, while
   * nothing else was marked since.
   */
  private reachedFrom = -1;
  private reachedTo = -1;
  private reachedGen = -1;
  private reachedEdges = -1;
  private reachedSide = MET;
  private reachedCount = 0;
  private stamp: Int32Array = new Int32Array(0);
  private parentState: Int32Array = new Int32Array(0);
  private parentDep: (Dependency | null)[] = [];
  private queue: Int32Array = new Int32Array(0);
  private generation = 0;
  edges = 0;

  /**
   * Make room for classes 0..n-1. A new class starts in the order at `initial(id)` (or next
   * to it, if another class is there): a guess close to the final order saves reordering.
   */
  grow(n: number, initial: (id: number) => number): void {
    if (this.comp.length < n) {
      const size = Math.max(n, this.comp.length * 2, 64);
      this.comp = grownInt(this.comp, size);
      const ord = new Float64Array(size);
      ord.set(this.ord);
      this.ord = ord;
      this.markF = grownInt(this.markF, size);
      this.markB = grownInt(this.markB, size);
      this.regionF = new Int32Array(size);
      this.regionB = new Int32Array(size);
    }
    while (this.fwd.length < n) {
      const id = this.fwd.length;
      // Placed before it is counted (a spread of the positions meanwhile leaves it out).
      const p = this.freePosition(initial(id));
      this.fwd.push([]);
      this.bwd.push([]);
      this.succ.push([]);
      this.pred.push([]);
      this.comp[id] = id;
      this.members.push(null);
      this.ord[id] = p;
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

  /**
   * Become a copy of `from` (a graph nothing has been added to yet): its dependencies as new
   * objects (their kinds grow with this graph's replay, not with `from`'s), its order, its
   * scratch and the memo of its last search, so this graph goes on exactly as `from` would.
   */
  adopt(from: DependencyGraph): void {
    if (this.fwd.length) throw new Error('DependencyGraph.adopt: the graph is not empty');
    const copies = new Map<Dependency, Dependency>();
    for (const [key, dep] of from.byPair) {
      const copy = { ...dep };
      copies.set(dep, copy);
      this.byPair.set(key, copy);
    }
    const copied = (deps: readonly Dependency[]): Dependency[] => deps.map((d) => copies.get(d)!);
    for (const list of from.fwd) this.fwd.push(copied(list));
    for (const list of from.bwd) this.bwd.push(copied(list));
    for (const list of from.succ) this.succ.push([...list]);
    for (const list of from.pred) this.pred.push([...list]);
    for (const list of from.members) this.members.push(list && [...list]);
    this.comp = from.comp.slice();
    this.ord = from.ord.slice();
    this.line = from.line.slice();
    this.lineLength = from.lineLength;
    this.markF = from.markF.slice();
    this.markB = from.markB.slice();
    this.markGen = from.markGen;
    this.regionF = from.regionF.slice();
    this.regionB = from.regionB.slice();
    this.reachedFrom = from.reachedFrom;
    this.reachedTo = from.reachedTo;
    this.reachedGen = from.reachedGen;
    this.reachedEdges = from.reachedEdges;
    this.reachedSide = from.reachedSide;
    this.reachedCount = from.reachedCount;
    this.stamp = from.stamp.slice();
    this.parentState = from.parentState.slice();
    this.parentDep = from.parentDep.map((d) => (d && copies.get(d)) ?? null);
    this.queue = from.queue.slice();
    this.generation = from.generation;
    this.edges = from.edges;
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
    this.succ[from]!.push(to);
    this.pred[to]!.push(from);
    this.edges++;
    this.keepOrder(from, to);
    return dep;
  }

  /**
   * Is there any path from → to (ignoring dependency kinds)? A necessary condition for a
   * strong path. Exact: components are ordered topologically, so only components between
   * the two in that order can lie on such a path.
   */
  mayReach(from: number, to: number): boolean {
    const cf = this.comp[from]!;
    const ct = this.comp[to]!;
    if (cf === ct) return true;
    if (this.ord[cf]! > this.ord[ct]!) return false;
    // The dependency to → from that usually follows reorders by this search: keep it.
    const side = this.twoWay(cf, ct);
    this.reachedFrom = cf;
    this.reachedTo = ct;
    this.reachedGen = this.markGen;
    this.reachedEdges = this.edges;
    return side === MET;
  }

  /**
   * Can component `y` reach component `x` (y before x in the order)? Searched forwards from
   * y and backwards from x in turns, within the window of the order between them, until the
   * searches meet (MET) or one side has nothing left: FORWARD_DONE (regionF holds everything
   * y reaches there) or BACKWARD_DONE (regionB, everything that reaches x there).
   */
  private twoWay(y: number, x: number): number {
    const { ord, comp, members, succ, pred, markF, markB, regionF, regionB } = this;
    const lo = ord[y]!;
    const hi = ord[x]!;
    const genF = ++this.markGen;
    const genB = ++this.markGen;
    regionF[0] = y;
    markF[y] = genF;
    regionB[0] = x;
    markB[x] = genB;
    let nF = 1;
    let nB = 1;
    let iF = 0;
    let iB = 0;
    for (;;) {
      if (iF === nF) {
        this.reachedSide = FORWARD_DONE;
        this.reachedCount = nF;
        return FORWARD_DONE;
      }
      const c = regionF[iF++]!;
      const groupF = members[c];
      for (let k = 0, count = groupF ? groupF.length : 1; k < count; k++) {
        const list = succ[groupF ? groupF[k]! : c]!;
        for (let j = 0; j < list.length; j++) {
          const d = comp[list[j]!]!;
          if (markF[d] === genF || ord[d]! > hi) continue;
          if (markB[d] === genB) return (this.reachedSide = MET);
          markF[d] = genF;
          regionF[nF++] = d;
        }
      }
      if (iB === nB) {
        this.reachedSide = BACKWARD_DONE;
        this.reachedCount = nB;
        return BACKWARD_DONE;
      }
      const e = regionB[iB++]!;
      const groupB = members[e];
      for (let k = 0, count = groupB ? groupB.length : 1; k < count; k++) {
        const list = pred[groupB ? groupB[k]! : e]!;
        for (let j = 0; j < list.length; j++) {
          const d = comp[list[j]!]!;
          if (markB[d] === genB || ord[d]! < lo) continue;
          if (markF[d] === genF) return (this.reachedSide = MET);
          markB[d] = genB;
          regionB[nB++] = d;
        }
      }
    }
  }

  /** Restore the topological order after from → to, merging a closed cycle. */
  private keepOrder(from: number, to: number): void {
    const cu = this.comp[from]!;
    const cv = this.comp[to]!;
    const ord = this.ord;
    if (cu === cv || ord[cu]! < ord[cv]!) return;
    // Valid only if the one dependency added since is this one.
    const reuse = this.reachedFrom === cv && this.reachedTo === cu && this.reachedGen === this.markGen && this.reachedEdges + 1 === this.edges;
    this.reachedFrom = -1;
    const side = reuse ? this.reachedSide : this.twoWay(cv, cu);
    if (side === FORWARD_DONE) this.moveNextTo(this.regionF, this.reachedCount, cu, true);
    else if (side === BACKWARD_DONE) this.moveNextTo(this.regionB, this.reachedCount, cv, false);
    else this.closeCycle(cu, cv);
  }

  /**
   * Move region[0, count), in its current relative order, right after (`after`) or right
   * before the component `anchor`: into the gap between the anchor and its neighbour.
   */
  private moveNextTo(region: Int32Array, count: number, anchor: number, after: boolean): void {
    const comps = sortedByOrder(this.ord, region, count);
    for (let attempt = 0; ; attempt++) {
      const a = this.ord[anchor]!;
      const i = lowerBound(this.line, this.lineLength, a);
      const lo = after ? a : i > 0 ? this.line[i - 1]! : a - count - 1;
      const hi = after ? (i + 1 < this.lineLength ? this.line[i + 1]! : a + count + 1) : a;
      const step = (hi - lo) / (count + 1);
      if (lo + step > lo && hi - step < hi && step > 0 && spaced(lo, step, count, hi)) {
        for (const c of comps) this.unline(this.ord[c]!);
        for (let k = 0; k < count; k++) {
          const p = lo + step * (k + 1);
          this.ord[comps[k]!] = p;
          this.inline(p);
        }
        return;
      }
      this.spread(attempt);
    }
  }

  /** Pearce–Kelly over both whole sides, merging the components on the cycle just closed. */
  private closeCycle(cu: number, cv: number): void {
    const { ord, markF, markB, regionF, regionB } = this;
    const genF = ++this.markGen;
    const nF = this.collect(cv, ord[cu]!, false, markF, genF, regionF);
    const nB = this.collect(cu, ord[cv]!, true, markB, ++this.markGen, regionB);
    // Components both reachable from `to` and reaching `from` lie on the cycle.
    const before: number[] = [];
    const cycle: number[] = [];
    const after: number[] = [];
    for (let i = 0; i < nB; i++) (markF[regionB[i]!] === genF ? cycle : before).push(regionB[i]!);
    const onCycle = ++this.markGen;
    for (const c of cycle) markB[c] = onCycle;
    for (let i = 0; i < nF; i++) if (markB[regionF[i]!] !== onCycle) after.push(regionF[i]!);
    // The region's old positions, reused in order: what reaches `from`, the cycle, what `to` reaches.
    const slots: number[] = [];
    for (const c of before) slots.push(ord[c]!);
    for (let i = 0; i < nF; i++) slots.push(ord[regionF[i]!]!);
    slots.sort((a, b) => a - b);
    let at = 0;
    for (const group of [before, cycle, after]) {
      group.sort((a, b) => ord[a]! - ord[b]!);
      for (const c of group) ord[c] = slots[at++]!;
    }
    this.merge(cycle);
  }

  /**
   * Components reachable from `start` (forward) or reaching it (backward) whose position
   * is within `bound` (≤ forward, ≥ backward), marked with `gen` in `mark`, into `out`;
   * returns how many. Iterative.
   */
  private collect(start: number, bound: number, backward: boolean, mark: Int32Array, gen: number, out: Int32Array): number {
    const { ord, comp, members } = this;
    const lists = backward ? this.pred : this.succ;
    let count = 0;
    out[count++] = start;
    mark[start] = gen;
    for (let i = 0; i < count; i++) {
      const c = out[i]!;
      const group = members[c];
      for (let k = 0, n = group ? group.length : 1; k < n; k++) {
        const list = lists[group ? group[k]! : c]!;
        for (let j = 0; j < list.length; j++) {
          const d = comp[list[j]!]!;
          if (mark[d] === gen || (backward ? ord[d]! < bound : ord[d]! > bound)) continue;
          mark[d] = gen;
          out[count++] = d;
        }
      }
    }
    return count;
  }

  /** Make the components one (the first in the order keeps its position). */
  private merge(comps: readonly number[]): void {
    let rep = comps[0]!;
    for (const c of comps) if (this.ord[c]! < this.ord[rep]!) rep = c;
    const all: number[] = [];
    for (const c of comps) {
      const group = this.members[c];
      if (group) all.push(...group);
      else all.push(c);
      this.members[c] = null;
      if (c !== rep) this.unline(this.ord[c]!);
    }
    for (const m of all) this.comp[m] = rep;
    this.members[rep] = all;
  }

  /** `wanted` if no component is there, else a free position just after it. */
  private freePosition(wanted: number): number {
    for (let attempt = 0; ; attempt++) {
      const i = lowerBound(this.line, this.lineLength, wanted);
      if (i === this.lineLength || this.line[i] !== wanted) {
        this.inline(wanted);
        return wanted;
      }
      const next = i + 1 < this.lineLength ? this.line[i + 1]! : wanted + 2;
      const p = wanted + (next - wanted) / 2;
      if (p > wanted && p < next) {
        this.inline(p);
        return p;
      }
      this.spread(attempt);
    }
  }

  private inline(p: number): void {
    if (this.lineLength === this.line.length) {
      const bigger = new Float64Array(2 * this.line.length);
      bigger.set(this.line);
      this.line = bigger;
    }
    const i = lowerBound(this.line, this.lineLength, p);
    this.line.copyWithin(i + 1, i, this.lineLength);
    this.line[i] = p;
    this.lineLength++;
  }

  private unline(p: number): void {
    const i = lowerBound(this.line, this.lineLength, p);
    this.line.copyWithin(i, i + 1, this.lineLength);
    this.lineLength--;
  }

  /**
   * Spread every position out evenly over (at least) their present range, order unchanged;
   * wider on each `attempt` that still found no room.
   */
  private spread(attempt: number): void {
    const reps: number[] = [];
    for (let c = 0; c < this.fwd.length; c++) if (this.comp[c] === c) reps.push(c);
    reps.sort((a, b) => this.ord[a]! - this.ord[b]!);
    const first = this.line[0]!;
    const step = Math.max(2 ** (attempt * 8), (this.line[this.lineLength - 1]! - first) / reps.length);
    for (let k = 0; k < reps.length; k++) this.line[k] = this.ord[reps[k]!] = first + k * step;
    this.lineLength = reps.length;
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
