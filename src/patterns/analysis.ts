/**
 * What the patterns read of a finding, computed once per finding: for a cycle, its
 * dependencies in cycle order with the steps that recorded them; the fence nodes of the cycle;
 * the locks held where the finding was made; the backtrace of the site; the reasons of a
 * sleep report. Everything here is a pure function of the finding (the memo is invisible).
 *
 * A step is known by its trace frame's category and hook (the replay copies them from the
 * vocabulary, src/model/vocabulary.ts): a pattern asks "an allocation", never "kmalloc", so
 * every spelling of a category counts, including the ones added later. Labels are for people.
 */
import type { AtomicReason, TraceStep } from '../model/finding.js';
import { hookFamily, type HookFamily, type StepCategory } from '../model/vocabulary.js';
import type { Diagnosable } from './pattern.js';

export const DMA_FENCE_MAP = 'dma_fence_map';
export const FS_RECLAIM = 'fs_reclaim';
export const NOTIFIER_MAP = 'mmu_notifier_invalidate_range_start';
export const MMAP_LOCK = '&mm->mmap_lock';
/** The ww acquire context's lockdep class of reservations (ww_acquire_init). */
export const RESV_ACQUIRE = 'reservation_ww_class_acquire';
export const RESV_CLASSES: ReadonlySet<string> = new Set(['reservation_ww_class_mutex', RESV_ACQUIRE]);
/** The kernel model's boot-time priming (`dma_resv_lockdep()`), docs/kernel-semantics.md §3.5. */
export const PRIMING_PATH = 'kernel:dma_resv_lockdep';
/** The precise fence model gives each fence class F its own node, `fence:F`. */
export const FENCE_CLASS_PREFIX = 'fence:';

/** Steps that allocate: allocations, and faults (faulting a page in allocates it, as `hmm_range_fault` does). */
const ALLOCATING: ReadonlySet<StepCategory> = new Set(['allocation', 'fault']);
/** Frames whose nested steps run in a fence signalling critical section (a `signalling` block, a `signal` running callbacks). */
const SIGNALLING: ReadonlySet<StepCategory> = new Set(['signalling section', 'signal']);
/** Frames whose nested steps are fence callbacks or `dma_fence_ops` (run under the fence's lock). */
const FENCE_CODE: ReadonlySet<StepCategory> = new Set(['fence wait', 'signal', 'signal with lock held', 'fence']);
const NOTIFIER_HOOKS: ReadonlySet<HookFamily> = new Set(['mmu_notifier', 'mmu_interval_notifier']);

const familyOf = (s: TraceStep): HookFamily | null => (s.hook === undefined ? null : hookFamily(s.hook));

/** A step that allocates (or faults pages in). */
export function allocates(s: TraceStep | undefined): boolean {
  return s?.category !== undefined && ALLOCATING.has(s.category);
}

/** A frame running mmu notifier callbacks (the kernel's invocation, or an `invoke` of a notifier hook). */
export function isNotifierFrame(s: TraceStep): boolean {
  if (s.category === 'notifier') return true;
  const family = familyOf(s);
  return family !== null && NOTIFIER_HOOKS.has(family);
}

/** A frame of reclaim: a `reclaim` block or a shrinker callback. */
export function isShrinkerFrame(s: TraceStep): boolean {
  return s.category === 'reclaim' || familyOf(s) === 'shrinker';
}

/** A synchronous runtime PM transition: the `pm_runtime_*_sync` steps, or the callbacks they run. */
export function isRuntimePmFrame(s: TraceStep): boolean {
  if (s.category === 'runtime pm') return true;
  const family = familyOf(s);
  return family === 'pm_runtime' || family === 'dev_pm_ops';
}

/** A fence signalling critical section (a `signalling` block, or a `signal` running callbacks). */
export function isSignallingFrame(s: TraceStep): boolean {
  return s.category !== undefined && SIGNALLING.has(s.category);
}

/** A frame whose nested steps are fence callbacks or fence ops (run under the fence's spinlock). */
export function isFenceCallbackFrame(s: TraceStep): boolean {
  if (s.category !== undefined && FENCE_CODE.has(s.category)) return true;
  return familyOf(s) === 'dma_fence';
}

/** `dma_fence_map`, or a fence's own class `fence:F` of the precise fence model. */
function isFenceClass(name: string, cls: string): boolean {
  return cls === DMA_FENCE_MAP || cls.startsWith(FENCE_CLASS_PREFIX) || name.startsWith(FENCE_CLASS_PREFIX);
}

/** A class name without its subclass: `A` of `A/1`. */
function classOf(name: string): string {
  return name.replace(/\/\d+$/, '');
}

/** One dependency of a cycle, with the step that first recorded it. */
export interface Edge {
  /** Scenario names, as in the chain. */
  readonly from: string;
  readonly to: string;
  /** lockdep class names, subclass stripped. */
  readonly fromClass: string;
  readonly toClass: string;
  readonly path: string;
  readonly stack: readonly TraceStep[];
  /** The innermost step: what recorded the dependency (undefined for an empty stack). */
  readonly step: TraceStep | undefined;
  /** The frames around the innermost step, outermost first. */
  readonly enclosing: readonly TraceStep[];
  /** The dependency whose recording closed the cycle (the finding's own site). */
  readonly closing: boolean;
}

export interface Analysis {
  /** A cycle's dependencies in cycle order (empty for other findings). */
  readonly edges: readonly Edge[];
  /** lockdep classes of the finding, subclass stripped. */
  readonly classes: ReadonlySet<string>;
  /** Scenario names of the cycle's fence nodes: `dma_fence_map`, and `fence:F` in the precise fence model. */
  readonly fenceNodes: ReadonlySet<string>;
  /** lockdep classes held where the finding was made. */
  readonly held: readonly string[];
  /** The site's backtrace, outermost first (the innermost is the step that triggered the finding). */
  readonly frames: readonly TraceStep[];
  /** A sleep report's reasons: `in_atomic`, `irqs_disabled`, `non_block`, `rcu`, `irq_context`. */
  readonly reasons: readonly AtomicReason[];
}

const memo = new WeakMap<object, Analysis>();

export function analyze(finding: Diagnosable): Analysis {
  let a = memo.get(finding);
  if (!a) {
    a = compute(finding);
    memo.set(finding, a);
  }
  return a;
}

function compute(f: Diagnosable): Analysis {
  const lockdepOf = new Map<string, string>();
  if (f.locks.length === f.lockdep.length) f.locks.forEach((n, i) => lockdepOf.set(n, f.lockdep[i]!));
  const cls = (name: string): string => classOf(lockdepOf.get(name) ?? name);

  // chain[0] is the new dependency prev → next; chain[1..] the existing next → … → prev.
  const ordered = f.rule === 'circular-dependency' && f.chain.length > 1 ? [...f.chain.slice(1), f.chain[0]!] : [];
  const edges: Edge[] = ordered.map((c) => {
    const step = c.stack.length ? c.stack[c.stack.length - 1] : undefined;
    return {
      from: c.from,
      to: c.to,
      fromClass: cls(c.from),
      toClass: cls(c.to),
      path: c.path,
      stack: c.stack,
      step,
      enclosing: c.stack.slice(0, -1),
      closing: c === f.chain[0],
    };
  });

  const fenceNodes = new Set<string>();
  for (const e of edges) {
    if (isFenceClass(e.from, e.fromClass)) fenceNodes.add(e.from);
    if (isFenceClass(e.to, e.toClass)) fenceNodes.add(e.to);
  }

  // The site: the first chain entry (for a cycle, the dependency that closed it), else the
  // report's backtrace.
  let held: string[] = [];
  let frames: readonly TraceStep[] = [];
  for (const b of f.report ?? []) {
    if (b.kind === 'held') held = b.locks.map((l) => classOf(l.lockdep));
    if (b.kind === 'trace') frames = b.stack;
  }
  if (f.chain.length && f.chain[0]!.stack.length) frames = f.chain[0]!.stack;

  return { edges, classes: new Set(f.lockdep.map(classOf)), fenceNodes, held, frames, reasons: f.atomic ?? [] };
}

// ---------------------------------------------------------------------------------------
// Predicates the patterns share

export function isCycle(f: Diagnosable): boolean {
  return f.rule === 'circular-dependency' && analyze(f).edges.length > 0;
}

export function hasFence(a: Analysis): boolean {
  return a.fenceNodes.size > 0;
}

export function isResv(cls: string): boolean {
  return RESV_CLASSES.has(cls);
}

/** A cycle through a reservation class: its analysis, or null. */
export function resvCycle(f: Diagnosable): Analysis | null {
  if (!isCycle(f)) return null;
  const a = analyze(f);
  return [...a.classes].some(isResv) ? a : null;
}

/** Possible recursive locking of a reservation, made while a ww acquire context is held: one locked without the context. */
export function lockedWithoutContext(f: Diagnosable): boolean {
  if (f.rule !== 'recursive-locking') return false;
  const a = analyze(f);
  return [...a.classes].some((c) => isResv(c) && c !== RESV_ACQUIRE) && a.held.includes(RESV_ACQUIRE);
}

export function isMmapLock(e: Edge, end: 'from' | 'to'): boolean {
  const [name, cls] = end === 'from' ? [e.from, e.fromClass] : [e.to, e.toClass];
  return cls === MMAP_LOCK || classOf(name) === 'mmap_lock';
}

/** The kernel's pseudo-locks: a fence node, `fs_reclaim`, the mmu notifier map. */
export function isPseudo(a: Analysis, name: string, cls: string): boolean {
  return a.fenceNodes.has(name) || cls === FS_RECLAIM || cls === NOTIFIER_MAP;
}

/** A dependency on `fs_reclaim` or the notifier map recorded by an allocation. */
export function isAllocEdge(e: Edge): boolean {
  return allocates(e.step) && (e.toClass === FS_RECLAIM || e.toClass === NOTIFIER_MAP);
}

/**
 * A dependency on reclaim: an allocation, or entering reclaim explicitly (a `reclaim` block, the
 * raw `fs_reclaim_acquire` annotation — which is how the kernel's priming declares that
 * dma_resv holders may allocate, and how i915 taints its shrinker's locks).
 */
export function isReclaimEdge(e: Edge): boolean {
  if (isAllocEdge(e)) return true;
  return e.step?.category === 'reclaim' && e.toClass === FS_RECLAIM;
}

/** A dependency on a fence node recorded by a fence wait. */
export function isWaitEdge(a: Analysis, e: Edge): boolean {
  return e.step?.category === 'fence wait' && a.fenceNodes.has(e.to);
}

/** Was the dependency recorded inside a fence signalling section? */
export function inSignalling(a: Analysis, e: Edge): boolean {
  if (a.fenceNodes.has(e.from)) return true; // only a signalling section records fence → X
  if (e.enclosing.some(isSignallingFrame)) return true;
  return e.closing && a.held.some((c) => c === DMA_FENCE_MAP || c.startsWith(FENCE_CLASS_PREFIX));
}

/**
 * Follow the cycle from the dependency leaving `start`, and tell whether an edge satisfying
 * `found` comes before the walk enters a node for which `stop` holds (the start excluded).
 */
export function reaches(a: Analysis, start: string, found: (e: Edge) => boolean, stop: (e: Edge) => boolean): boolean {
  const n = a.edges.length;
  const first = a.edges.findIndex((e) => e.from === start);
  if (first < 0) return false;
  for (let k = 0; k < n; k++) {
    const e = a.edges[(first + k) % n]!;
    if (found(e)) return true;
    if (stop(e)) return false;
  }
  return false;
}

/** The dependency leaving `node` in the cycle. */
export function edgeFrom(a: Analysis, node: string): Edge | undefined {
  return a.edges.find((e) => e.from === node);
}

/** Two frames are one step of one scenario. */
export function sameFrame(x: TraceStep, y: TraceStep): boolean {
  return x.file === y.file && x.line === y.line && x.column === y.column && x.step === y.step;
}
