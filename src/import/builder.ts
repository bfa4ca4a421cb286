/**
 * The scenario builder every report kind (kinds/) reconstructs its scenario with. One lock
 * class per lockdep class (kernel classes and pseudo-locks from the built-in model), one path
 * per dependency the report shows (chain entries, usage traces, "acquired at" stacks), one
 * path for the current task with its held locks, steps nested in functions named after the
 * stack frames, and an `expect` naming the finding. Whatever is not in the report and had to
 * be chosen is recorded as a guess: a `# guess:` comment in the YAML and a line of the summary.
 */
import type { KernelProfile, LockType } from '../model/scenario.js';
import { byteOrder } from '../model/order.js';
import { BUILTIN, KERNEL_MODEL_LOCKS, chooseProfile, classKind, collectLocks, hintsOf, inferType, irqEnabled, irqSafe, kernelLockType, readableName, splitSubclass, type ClassInfo, type KernelLockName, type ProfileChoice } from './classes.js';
import { framePrim, isInternal, primitive, splitStack, stepPrim, type Context, type Prim, type SplitStack } from './classify.js';
import { ruleOf, type ReportChainEntry, type PrintedFrame, type ReportHeldLock, type KernelReport, type ReportLock } from './report.js';
import { acquisitionSteps, OPEN_ANNOTATION, type Acquisition, type AcquisitionSteps, type HoldingBlock, type Irq } from './acquire.js';
import { involvesOf, type DocPath, type Generated, type ScenarioDoc } from './doc.js';
import type { YStep } from './yaml.js';

/** Held locks (by their `#N` in the held-locks block) taken otherwise than the default. */
export interface HeldChoices {
  /** Taken with a trylock (no dependency into it was recorded). */
  readonly trylock?: ReadonlySet<number>;
  /** Taken for read. */
  readonly read?: ReadonlySet<number>;
}

/** One lock held around the code of a level (a function body, or the path's own steps). */
interface Placed {
  readonly level: number;
  readonly open: YStep[];
  readonly close: YStep[];
  /** Taking it disabled hard interrupts. */
  readonly irqsOff: boolean;
  readonly block?: HoldingBlock;
  readonly comment?: string;
}

const SUFFIX = ' (kernel)';

/** fencedep names from the kernel model (`kernel:kswapd`) cannot be redeclared next to it. */
function localName(n: string): string {
  return n.startsWith('kernel:') ? `${n.slice(7)}${SUFFIX}` : n;
}

export class ScenarioBuilder {
  readonly classes = new Map<string, ClassInfo>();
  private readonly functions = new Map<string, { steps: YStep[]; text: string }>();
  private readonly paths: DocPath[] = [];
  private readonly pathNames = new Set<string>();
  private readonly fences = new Map<string, string>();
  readonly guesses: string[] = [];
  readonly notes: string[] = [];
  /** The steps use the kernel model: `include: [kernel]`. */
  kernelUsed = false;
  profile!: ProfileChoice;
  private ctxSeq = 0;
  readonly invented: string[] = [];
  private readonly expectedLocks: string[] = [];

  constructor(
    readonly report: KernelReport,
    private readonly kernelEdges: ReadonlySet<string>,
    /** Choices the report leaves open, made otherwise than by default (search.ts). */
    private readonly choices: HeldChoices = {},
  ) {
    this.setupClasses();
  }

  // ------------------------------------------------------------------ classes

  private register(ref: ReportLock, frames: readonly PrintedFrame[]): void {
    const [base] = splitSubclass(ref.name);
    let c = this.classes.get(base);
    if (!c) {
      const what = classKind(base);
      c = {
        base, what, key: base, type: 'map', guess: null, usage: ref.usage, wait: ref.wait, used: false,
        instances: new Set(), hints: [],
      };
      this.classes.set(base, c);
    }
    if (!c.usage && ref.usage) c.usage = ref.usage;
    if (!c.wait && ref.wait) c.wait = ref.wait;
    if (ref.instance && /^[0-9a-f]{8,16}$/i.test(ref.instance)) c.instances.add(ref.instance);
    c.hints.push(...hintsOf(ref, frames));
  }

  private setupClasses(): void {
    for (const { ref, frames } of collectLocks(this.report)) this.register(ref, frames);
    this.profile = chooseProfile(this.report, this.classes);
    const keys = new Set<string>();
    for (const c of this.classes.values()) {
      if (c.what.kind === 'kernel') {
        kernelLock(c, c.what.name);
      } else if (c.what.kind === 'decl') {
        inferType(c, this.profile.rawNesting);
        let k = this.report.fencedep ? localName(readableName(c.base)) : readableName(c.base);
        if (BUILTIN.has(k) || KERNEL_MODEL_LOCKS.has(k) || keys.has(k)) {
          let n = 2;
          while (keys.has(`${k} ${n}`)) n++;
          k = `${k} ${n}`;
        }
        keys.add(k);
        c.key = k;
      }
    }
  }

  info(name: string): { info: ClassInfo; subclass: number } {
    const [base, subclass] = splitSubclass(name);
    let c = this.classes.get(base);
    if (!c) {
      this.register({ name, usage: null, wait: null, instance: null, at: [] }, []);
      c = this.classes.get(base)!;
      if (c.what.kind === 'kernel') {
        kernelLock(c, c.what.name);
      } else if (c.what.kind === 'decl') {
        inferType(c, this.profile.rawNesting);
        c.key = readableName(base);
      }
    }
    return { info: c, subclass };
  }

  // ------------------------------------------------------------------ acquisitions

  private defaultMode(c: ClassInfo): 'read' | 'write' {
    if (!['rwsem', 'rwlock', 'percpu_rwsem', 'map', 'srcu'].includes(c.type) && c.what.kind !== 'kernel') return 'write';
    const u = (c.usage ?? '').replace(/[{}]/g, '');
    const write = u !== '' && (u[0] !== '.' || u[2] !== '.');
    const read = u !== '' && (u[1] !== '.' || u[3] !== '.');
    if (c.type === 'percpu_rwsem') return write && !read ? 'write' : 'read';
    return read && !write ? 'read' : 'write';
  }

  spinning(c: ClassInfo): boolean {
    return c.what.kind === 'decl' && ['spinlock', 'raw_spinlock', 'rwlock'].includes(c.type);
  }

  /** The irq variant of a process-context acquisition, consistent with the class's usage. */
  private irqFor(c: ClassInfo, prim: Prim | null, needOn: boolean, context: Context): { irq: Irq; guess: string | null } {
    if (!this.spinning(c) || context !== 'process') return { irq: prim?.irq ?? 'none', guess: null };
    if (needOn) return { irq: 'none', guess: null };
    if (prim?.irq) return { irq: prim.irq, guess: null };
    const safe = irqSafe(c.usage);
    if (safe.hard) return { irq: 'irqsave', guess: `${c.base} is taken in hardirq context elsewhere: irqs saved here` };
    if (safe.soft) return { irq: 'bh', guess: `${c.base} is taken in softirq context elsewhere: bottom halves disabled here` };
    if (neverWithIrqsOn(c.usage)) return { irq: 'irqsave', guess: `${c.base} is never taken with irqs on (its usage): irqs saved here` };
    // Taken with hardirqs on but never with softirqs on: bottom halves disabled. Not for the lock
    // whose state a report is about: marking ENABLED_HARDIRQ reported and stopped before ENABLED_SOFTIRQ.
    const on = irqEnabled(c.usage);
    const marking = (this.report.kind === 'irq-inversion' || this.report.kind === 'inconsistent-lock-state') && this.report.next !== null && splitSubclass(this.report.next.name)[0] === c.base;
    if (on && on.hard && !on.soft && !marking) return { irq: 'bh', guess: `${c.base} is never taken with softirqs on (its usage): bottom halves disabled here` };
    return { irq: 'none', guess: null };
  }

  acq(ref: ReportLock | string, prim: Prim | null, opts: { needOn?: boolean; context?: Context; read?: boolean } = {}): { a: Acquisition; guess: string | null } {
    const name = typeof ref === 'string' ? ref : ref.name;
    const { info, subclass } = this.info(name);
    info.used = true;
    const context = opts.context ?? 'process';
    const { irq, guess } = this.irqFor(info, prim, opts.needOn ?? false, context);
    // `read`: true for read, false for write; absent, what the stack's primitive or the usage says.
    const mode: 'read' | 'write' = opts.read === true ? 'read' : opts.read === false ? 'write' : prim?.mode ?? this.defaultMode(info);
    let instance: string | null = null;
    if (typeof ref !== 'string' && ref.instance && info.instances.size > 1 && this.report.kind === 'recursive-locking' && this.report.next && splitSubclass(this.report.next.name)[0] === info.base) {
      instance = `p${ref.instance.slice(-6)}`;
    }
    if (typeof ref !== 'string' && ref.instance && this.report.fencedep && !/^[0-9a-f]{8,16}$/i.test(ref.instance)) instance = ref.instance;
    return { a: { info, subclass, mode, irq, trylock: prim?.trylock ?? false, instance, prim }, guess };
  }

  /** The steps of an acquisition (acquire.ts), noting when they need the kernel model. */
  lockSteps(a: Acquisition, path: PathState | null, inCtx = true): AcquisitionSteps {
    const steps = acquisitionSteps(a, (ww) => (inCtx ? path?.ctx.get(ww) ?? null : null), (ww) => path?.openCtx(ww) ?? 'ticket');
    if (steps.kernel) this.kernelUsed = true;
    return steps;
  }

  fence(fn: string | null): string {
    const key = 'fence';
    if (!this.fences.has(key)) this.fences.set(key, `the fence waited for${fn ? ` in ${fn}()` : ''}: the report does not name it`);
    return key;
  }

  /**
   * The steps of the innermost operation: taking `target` the way the primitive frames say.
   * Returns the steps and a comment (the guess, if any).
   */
  targetSteps(
    target: ReportLock | string,
    split: SplitStack,
    path: PathState,
    opts: { needOn?: boolean; context?: Context; caller?: string | null; withoutCtx?: boolean } = {},
  ): YStep[] {
    const prims = split.prims;
    const has = (op: Prim['op']): Prim | undefined => prims.find((p) => p.op === op);
    const name = typeof target === 'string' ? target : target.name;
    const [base] = splitSubclass(name);
    const context = opts.context ?? split.context;
    const caller = opts.caller ?? split.fns[split.fns.length - 1] ?? null;
    // A pseudo-lock taken as the map it is, for read when the stack says so.
    const asMap = (): YStep[] => {
      const acquire = prims.some((p) => p.op === 'map' && p.mode === 'read') ? 'lock_map_acquire_read' : 'lock_map_acquire';
      return [{ key: acquire, arg: base }, { key: 'lock_map_release', arg: base }];
    };
    if (base === 'fs_reclaim' || (base === 'mmu_notifier_invalidate_range_start' && (has('alloc') || has('fs_reclaim')))) {
      this.info(name).info.used = true;
      if (has('alloc')) return [{ key: 'kmalloc', arg: 'GFP_KERNEL', comment: 'guess: GFP_KERNEL (the report shows an allocation that may reclaim, not its gfp flags)' }];
      // Reclaim itself (kswapd's __fs_reclaim_acquire) takes it even under PF_MEMALLOC.
      if (base === 'fs_reclaim' && split.primFns.includes('reclaim')) return [{ key: 'reclaim', arg: [] }];
      return [{ key: 'fs_reclaim_acquire', arg: 'GFP_KERNEL' }, { key: 'fs_reclaim_release', arg: 'GFP_KERNEL' }];
    }
    if (base === 'mmu_notifier_invalidate_range_start') {
      this.info(name).info.used = true;
      if (has('interval_read')) return [{ key: 'mmu_interval_read_begin', arg: null }];
      if (has('notifier')) {
        return [
          { key: 'mmu_notifier_invalidate_range_start', arg: { blockable: true } },
          { key: 'mmu_notifier_invalidate_range_end', arg: { blockable: true } },
        ];
      }
      return asMap();
    }
    if (base === 'dma_fence_map') {
      this.info(name).info.used = true;
      if (has('signalling')) {
        // A kernel's dma_fence_begin_signalling: on 6.13 a trylock-then-read acquisition; in
        // fencedep's own report the scenario's signalling section, replayed as it was.
        if (this.profile.profile === '6.13' && !this.report.fencedep) {
          return [
            { key: 'lock_map_acquire_read', arg: base, comment: 'dma_fence_begin_signalling() before the 6.13 trylock change' },
            { key: 'lock_map_release', arg: base },
          ];
        }
        return [{ key: 'dma_fence_begin_signalling', arg: null }, { key: 'dma_fence_end_signalling', arg: null }];
      }
      const waitFn = split.primFns.find((f) => /wait/.test(f)) ?? null;
      if (has('fence_wait') || waitFn) return [{ key: 'dma_fence_wait', arg: this.fence(caller), comment: waitFn ? undefined : 'guess: a fence wait' }];
      return asMap();
    }
    const { info } = this.info(name);
    const w = info.what;
    if (w.kind === 'work') {
      info.used = true;
      return [{ key: 'flush_work', arg: w.item, ...(has('flush_work') ? {} : { comment: 'guess: waits for the work (flush_work)' }) }];
    }
    if (w.kind === 'queue') {
      info.used = true;
      return [{ key: 'flush_workqueue', arg: w.queue, ...(has('flush_workqueue') ? {} : { comment: 'guess: waits for the queue (flush_workqueue)' }) }];
    }
    if (w.kind === 'kernel' && w.name === 'mmap_lock' && has('might_fault')) {
      info.used = true;
      this.kernelUsed = true;
      return [{ key: 'might_fault', arg: null, comment: 'copy_to_user/copy_from_user: may fault and take mmap_lock for read' }];
    }
    const prim = prims.find((p) => p.op !== 'alloc' && p.op !== 'sleep' && p.op !== 'unlock') ?? null;
    const { a, guess } = this.acq(target, prim, { needOn: opts.needOn ?? false, context });
    const oc = this.lockSteps(a, path, !opts.withoutCtx);
    if (oc.block) {
      // A pseudo-lock held as a block taken as the operation: an empty block is the acquisition.
      return [{ key: oc.block, arg: null, body: [{ key: 'might_sleep', arg: null }], comment: oc.comment }];
    }
    const open = oc.open.map((s, i) => (i === oc.open.length - 1 && guess ? { ...s, comment: `guess: ${guess}` } : s));
    return [...open, ...oc.close];
  }

  // ------------------------------------------------------------------ paths

  private fnName(name: string, steps: YStep[]): string {
    const text = JSON.stringify(steps);
    const base = localName(name);
    let candidate = base;
    for (let n = 2; ; n++) {
      const f = this.functions.get(candidate);
      if (!f) {
        this.functions.set(candidate, { steps, text });
        return candidate;
      }
      if (f.text === text) return candidate;
      candidate = `${base} (${n})`;
    }
  }

  /** Nest `target` in the functions `fns` (outermost first), holding `placed` at their levels. */
  private assemble(fns: readonly string[], placed: readonly Placed[], target: YStep[]): YStep[] {
    let inner: YStep[] = target;
    for (let level = fns.length; level >= 0; level--) {
      let body: YStep[] = level === fns.length ? inner : [{ key: 'call', arg: this.fnName(fns[level]!, inner) }];
      const here = placed.filter((p) => p.level === level);
      for (let k = here.length - 1; k >= 0; k--) {
        const p = here[k]!;
        if (p.block) body = [{ key: p.block, arg: null, body, ...(p.comment ? { comment: p.comment } : {}) }];
        else {
          const open = p.open.map((s, i) => (i === 0 && p.comment ? { ...s, comment: p.comment } : s));
          body = [...open, ...body, ...[...p.close]];
        }
      }
      inner = body;
    }
    return inner;
  }

  private addPath(p: Omit<DocPath, 'name'> & { name: string }): void {
    let name = localName(p.name).replace(/[[\]]/g, '');
    if (this.pathNames.has(name)) {
      let n = 2;
      while (this.pathNames.has(`${name} (${n})`)) n++;
      name = `${name} (${n})`;
    }
    this.pathNames.add(name);
    this.paths.push({ ...p, name });
  }

  /** The stack of a dependency or usage trace, split; fencedep traces are read as steps. */
  split(frames: readonly PrintedFrame[], known: Context | null = null): SplitStack & { markers: Map<string, number> } {
    const markers = new Map<string, number>();
    if (frames.some((f) => f.where !== undefined)) {
      // fencedep: innermost first; `call`/`invoke` frames are functions, the innermost step is the operation.
      const outer = [...frames].reverse();
      const fns: string[] = [];
      let context: Context = known ?? 'process';
      const op = outer[outer.length - 1];
      for (const f of outer.slice(0, -1)) {
        if (f.step?.startsWith('call:') || f.step?.startsWith('invoke:')) fns.push(f.fn);
        else if (f.fn === 'hardirq' || f.fn === 'softirq') {
          context = f.fn;
          fns.length = 0;
          markers.clear();
        } else if (f.fn === 'context' || f.fn === 'irqs') {
          // The bottom of a path's traces: `context: hardirq` (and `irqs: disabled`).
          const c = /context: (hardirq|softirq)/.exec(f.step ?? '');
          if (c) context = c[1] as Context;
        } else if (f.where) markers.set(f.where, fns.length);
      }
      const prims: Prim[] = [];
      const primFns: string[] = [];
      if (op) {
        const p = stepPrim(op.step ?? op.fn);
        if (p) prims.push(p);
        primFns.push(op.fn);
        if (op.step?.startsWith('call:') || op.step?.startsWith('invoke:')) fns.push(op.fn);
      }
      return { prims, primFns, fns, context, dropped: 0, markers };
    }
    return { ...splitStack(frames, known), markers };
  }

  /** Levels of held locks in a stack of `n` functions: where their `at:` function is, in order. */
  private levels(held: readonly ReportLock[], fns: readonly string[], markers: Map<string, number>): number[] {
    const known = held.map((l) => {
      for (const f of l.at) {
        if (f.where !== undefined && markers.has(f.where)) return markers.get(f.where)!;
        if (isInternal(f.fn) || primitive(f.fn)) continue;
        const i = fns.lastIndexOf(localName(f.fn));
        if (i >= 0) return i + 1;
        break;
      }
      return -1;
    });
    const out: number[] = [];
    let prev = 0;
    for (let j = 0; j < known.length; j++) {
      let lv = known[j]!;
      if (lv < 0) {
        lv = fns.length;
        for (let k = j + 1; k < known.length; k++) if (known[k]! >= prev) {
          lv = known[k]!;
          break;
        }
      }
      lv = Math.max(lv, prev);
      out.push(lv);
      prev = lv;
    }
    return out;
  }

  /**
   * A path: hold `held` (placed by their `at:` functions), then do `op` in the innermost frame.
   * `held` comes with the modes and irq variants chosen by the caller.
   */
  buildPath(opts: {
    name: string;
    comment: string[];
    frames: readonly PrintedFrame[];
    context?: Context | null;
    held: readonly { ref: ReportLock; read?: boolean; trylock?: boolean; irq?: Irq; comment?: string; atTop?: boolean }[];
    op: (split: SplitStack, path: PathState) => YStep[];
    irqsDisabled?: boolean;
    synthesize?: boolean;
    /** The `at:` frames of the lock being taken: the innermost frames when there is no stack. */
    targetAt?: readonly PrintedFrame[];
    /** The held locks stay held when the path ends (a task returning to user space with them). */
    keepHeld?: boolean;
  }): void {
    let frames = opts.frames;
    const path = new PathState(() => `ticket${++this.ctxSeq === 1 ? '' : this.ctxSeq}`);
    // No stack: follow the `at:` functions of the held locks (said in a comment).
    if (frames.length === 0 && opts.synthesize) {
      const fnsAt: PrintedFrame[] = [];
      for (const h of opts.held) {
        const f = h.ref.at.find((x) => !isInternal(x.fn) && !primitive(x.fn) && x.fn !== 'process_one_work');
        if (f && !fnsAt.some((y) => y.fn === f.fn)) fnsAt.unshift(f);
      }
      const inner = opts.targetAt ?? [];
      const innerCaller = inner.find((x) => !isInternal(x.fn) && !primitive(x.fn));
      if (innerCaller && !fnsAt.some((y) => y.fn === innerCaller.fn)) fnsAt.unshift(innerCaller);
      frames = [...inner.filter((x) => primitive(x.fn)), ...fnsAt];
      if (frames.length > 0) opts.comment.push('the report has no stack for this task: its steps follow the `at:` functions of the locks');
      this.report.notes.push('the report ends before the stack of the current task: its path follows the `at:` functions');
    }
    const split = this.split(frames, opts.context ?? null);
    let context = split.context;
    let work: { item: string; queue: string } | null = null;
    let held = [...opts.held];
    // (wq_completion)Q + (work_completion)W at the bottom: the task runs a work item.
    const q = held[0] && this.info(held[0].ref.name).info.what;
    const wk = held[1] && this.info(held[1].ref.name).info.what;
    if (q?.kind === 'queue' && wk?.kind === 'work') {
      work = { item: wk.item, queue: q.queue };
      held = held.slice(2);
    }
    const levels = this.levels(held.map((h) => h.ref), split.fns, split.markers);
    const placed: Placed[] = [];
    held.forEach((h, j) => {
      const atFn = h.ref.at.find((f) => !isInternal(f.fn) && !primitive(f.fn));
      const onStack = atFn && (split.fns.includes(localName(atFn.fn)) || (atFn.where !== undefined && split.markers.has(atFn.where)));
      if (atFn && !onStack && !h.atTop && !this.report.fencedep) h = { ...h, comment: [h.comment, `taken in ${atFn.fn}(), not on this stack: placed here`].filter((x) => x).join('; ') };
      const prim = h.ref.at.map(framePrim).find((p) => p && p.op !== 'unlock') ?? null;
      const { a, guess } = this.acq(h.ref, prim ?? (h.irq ? { op: 'spin', irq: h.irq === 'none' ? undefined : h.irq } as Prim : null), { context, read: h.read });
      const acq = { ...a, ...(h.irq && h.irq !== 'none' && this.spinning(a.info) ? { irq: h.irq } : {}), ...(h.trylock ? { trylock: true } : {}) };
      const oc = this.lockSteps(acq, path);
      const comment = [oc.comment, h.comment, guess ? `guess: ${guess}` : undefined].filter((x) => x).join('; ');
      if (opts.keepHeld) {
        // Left held: a block cannot stay open, its opening annotation can.
        const open = oc.block ? [OPEN_ANNOTATION[oc.block]] : oc.open;
        placed.push({ level: h.atTop ? 0 : levels[j]!, open, close: [], irqsOff: oc.irqsOff === true, ...(comment ? { comment } : {}) });
        return;
      }
      placed.push({ level: h.atTop ? 0 : levels[j]!, open: oc.open, close: oc.close, irqsOff: oc.irqsOff === true, ...(oc.block ? { block: oc.block } : {}), ...(comment ? { comment } : {}) });
    });
    let target = opts.op(split, path);
    if (opts.irqsDisabled && context === 'process' && !placed.some((p) => p.irqsOff)) {
      target = [{ key: 'local_irq_disable', arg: null, comment: 'the report says irqs were disabled here' }, ...target, { key: 'local_irq_enable', arg: null }];
    }
    let steps = this.assemble(split.fns, placed, target);
    if (split.dropped > 0 && !this.report.fencedep) opts.comment.push(`${split.dropped} frame(s) of entry code and lockdep internals left out`);
    // A work item runs in process context: an interrupt arrives while it runs.
    if (work && (context === 'hardirq' || context === 'softirq')) {
      steps = [{ key: context, arg: null, body: steps }];
      context = 'process';
    }
    this.addPath({ name: opts.name, comment: opts.comment, context, irqsDisabled: false, work, steps });
  }

  // ------------------------------------------------------------------ report kinds

  isKernelEdge(from: string, to: string): boolean {
    return this.kernelEdges.has(`${splitSubclass(from)[0]}\u0000${splitSubclass(to)[0]}`);
  }

  /**
   * Was this usage or dependency recorded by the very step the report stops at? (A kmalloc in
   * a hardirq block: fs_reclaim became irq-safe, then fs_reclaim -> the notifier map.) The
   * report's own path replays it; another path doing so first would change what is found.
   */
  byReportedStep(path: string | undefined, frames: readonly PrintedFrame[]): boolean {
    return this.report.fencedep && path === this.report.backtracePath && sameSteps(frames, this.report.backtrace);
  }

  /** fencedep's chain entries from `from`: entry #1 is taken under `from`, each next under the one before. */
  fencedepChainPaths(from: string, entries: readonly ReportChainEntry[], fromExclusive = false): void {
    let prevName = from;
    let prev: ReportChainEntry | null = null;
    for (const e of [...entries].sort((a, b) => a.index - b.index)) {
      // Recorded by the step that recorded the one before (a kmalloc: X -> fs_reclaim -> the
      // notifier map), or by the step the report stops at: that step's path records it too.
      if ((prev && bySameStep(e, prev)) || this.byReportedStep(e.path, e.frames)) {
        prevName = e.lock.name;
        continue;
      }
      prev = e;
      // The report does not say how `from` was held; exclusively makes the dependency strong.
      const read = fromExclusive && prevName === from ? { read: false } : {};
      // fs_reclaim -> the notifier map by fs_reclaim_acquire or an allocation: the step takes both
      // (under a held fs_reclaim, a reclaim: block, it would take neither).
      const op = e.frames[0] ? framePrim(e.frames[0])?.op : undefined;
      const stepTakesFrom = splitSubclass(prevName)[0] === 'fs_reclaim' && (op === 'fs_reclaim' || op === 'alloc');
      this.buildPath({
        name: e.path ?? `${prevName} -> ${e.lock.name}`,
        comment: [`the dependency ${prevName} -> ${e.lock.name}`],
        frames: e.frames,
        held: stepTakesFrom ? [] : [{ ref: { name: prevName, usage: null, wait: null, instance: null, at: [] }, atTop: true, ...read }],
        op: (s, p) => this.targetSteps(e.lock, s, p),
        // fs_reclaim, which the step takes itself, never taken with irqs on: nor here.
        irqsDisabled: stepTakesFrom && neverWithIrqsOn(this.info(prevName).info.usage),
      });
      prevName = e.lock.name;
    }
  }

  queueOf(): string | null {
    for (const c of this.classes.values()) if (c.what.kind === 'queue') return c.what.queue;
    return this.report.workqueue?.queue ?? null;
  }

  private taskName(): string {
    return this.report.backtracePath ?? this.report.task ?? 'current task';
  }

  /** The current task: held locks, then `op` on its stack. */
  currentPath(op: (split: SplitStack, path: PathState) => YStep[], extra: { context?: Context | null; irqsDisabled?: boolean; name?: string; frames?: readonly PrintedFrame[] } = {}): void {
    const r = this.report;
    // The task runs a work item and takes its map under its queue's: the path is the work.
    const runsWorkItem = r.held?.length === 1 && r.next !== null && this.info(r.held[0]!.lock.name).info.what.kind === 'queue' &&
      this.info(r.next.name).info.what.kind === 'work' && runsWork(r.next.at);
    const held = (runsWorkItem ? [...r.held!, { index: 1, lock: r.next! }] : takenBefore(r.held ?? [], r.next)).map((h) => {
      const read = (r.prev && h.lock.name === r.prev.name && r.prevRead) || this.choices.read?.has(h.index) ? true : undefined;
      const trylock = this.choices.trylock?.has(h.index) === true;
      const chosen = [trylock ? 'with a trylock' : '', this.choices.read?.has(h.index) ? 'for read' : ''].filter((x) => x).join(', ');
      return { ref: h.lock, ...(read ? { read } : {}), ...(trylock ? { trylock } : {}), ...(chosen ? { comment: `guess: taken ${chosen}, the choice with which the replay finds the report's cycle` } : {}) };
    });
    if (r.held === null && r.prev && r.kind !== 'recursive-locking') held.push({ ref: r.prev });
    if (r.held === null) r.notes.push('no held-locks block: only the lock the report says is held');
    let irqHeld = held;
    // Irqs disabled in process context: the innermost spinning held lock saved them.
    const wantIrqsOff = extra.irqsDisabled === true;
    let disabledByLock = false;
    if (wantIrqsOff) {
      for (let k = held.length - 1; k >= 0; k--) {
        const info = this.info(held[k]!.ref.name).info;
        if (this.spinning(info)) {
          const fromAt = held[k]!.ref.at.map(framePrim).find((p) => p?.irq);
          if (!fromAt?.irq || fromAt.irq === 'irqsave' || fromAt.irq === 'irq') {
            irqHeld = held.map((h, i) => (i === k ? { ...h, irq: fromAt?.irq ?? 'irqsave', comment: fromAt?.irq ? undefined : 'guess: irqs were disabled (the report says so): taken with irqs saved' } : h));
            disabledByLock = true;
          }
          break;
        }
      }
    }
    const frames = extra.frames ?? (r.backtrace.length > 0 ? r.backtrace : r.chain.find((e) => e.index === 0)?.frames ?? []);
    const context: Context | null = extra.context ?? (r.irq?.hardirq ? 'hardirq' : r.irq?.softirq ? 'softirq' : r.backtraceInIrq ? null : null);
    this.buildPath({
      name: extra.name ?? this.taskName(),
      comment: [`the task of the report, holding the locks of its held-locks block, ${r.kind === 'bad-unlock' ? 'releases the lock' : r.kind === 'sleep-in-atomic' ? 'sleeps' : r.kind === 'lock-held-at-exit' ? 'returns to user space' : 'takes the lock'} on its stack`],
      frames,
      context,
      held: irqHeld,
      op: runsWorkItem ? () => [] : op,
      irqsDisabled: wantIrqsOff && !disabledByLock,
      synthesize: true,
      targetAt: r.next?.at ?? [],
      keepHeld: r.kind === 'lock-held-at-exit',
    });
  }

  usagePath(label: string, lock: ReportLock, frames: readonly PrintedFrame[], usage: string, fencedepPath?: string): void {
    const inIrq = /^IN-(HARDIRQ|SOFTIRQ)/.exec(usage);
    const context: Context = inIrq ? (inIrq[1] === 'HARDIRQ' ? 'hardirq' : 'softirq') : 'process';
    const read = /-R$/.test(usage);
    const needOn = /-ON-/.test(usage) || /^(?:HARDIRQ|SOFTIRQ)-ON/.test(usage);
    this.buildPath({
      name: fencedepPath ?? `${label}: ${lock.name}`,
      comment: [`where ${lock.name} became ${usage}`],
      frames,
      context,
      held: [],
      op: (s, p) => {
        if (read) {
          const { a } = this.acq(lock, { op: 'rwlock', mode: 'read' }, { needOn, context, read: true });
          const oc = this.lockSteps(a, p);
          if (!oc.block) return [...oc.open, ...oc.close];
        }
        return this.targetSteps(lock, s, p, { needOn, context });
      },
    });
  }

  /** The dependencies of a "dependencies between" list: `forward`: list[k+1] -> list[k]. */
  dependencyPaths(blocks: KernelReport['forwardDeps'], forward: boolean): void {
    for (let k = 0; k + 1 < blocks.length; k++) {
      const here = blocks[k]!;
      const there = blocks[k + 1]!;
      const [from, to] = forward ? [there.lock, here.lock] : [here.lock, there.lock];
      if (this.isKernelEdge(from.name, to.name)) {
        this.kernelUsed = true;
        this.notes.push(`${to.name} under ${from.name}: from include: [kernel]`);
        continue;
      }
      this.buildPath({
        name: `${from.name} -> ${to.name}`,
        comment: [`the dependency ${from.name} -> ${to.name} ("acquired at")`],
        frames: here.acquiredAt,
        held: [{ ref: { ...from, at: [] }, atTop: true, comment: `guess: where ${from.name} was taken is not in the report` }],
        op: (s, p) => this.targetSteps(to, s, p),
      });
    }
  }

  /** The lockdep classes of the finding the report shows (once each, in order). */
  expectLock(n: string | null | undefined): void {
    if (n && !this.expectedLocks.includes(n)) this.expectedLocks.push(n);
  }

  /** The report says hard interrupts were disabled in process context. */
  irqsOffInReport(): boolean {
    const r = this.report;
    return r.irq ? !r.irq.hardirqsEnabled && !r.irq.hardirq : false;
  }

  // ------------------------------------------------------------------ the whole scenario

  /** The scenario: declarations of the classes the steps use, the paths, the `expect`. */
  finish(source: string | null): Generated {
    const r = this.report;
    const expectedLocks = this.expectedLocks;
    // Declarations of the classes the steps use.
    const locks: ScenarioDoc['locks'] = [];
    for (const c of [...this.classes.values()].sort((a, b) => byteOrder(a.key, b.key))) {
      if (!c.used || (c.what.kind !== 'decl' && !c.mapDecl)) continue;
      locks.push({
        key: c.key, type: c.mapDecl ? 'map' : c.type, lockdep: c.key === c.base ? null : c.base,
        ...(c.wwClass && c.type === 'ww_mutex' ? { wwClass: c.wwClass } : {}),
        comment: c.guess ? `guess: ${c.guess}` : null,
      });
      if (c.guess) this.guesses.push(`${c.base}: ${c.type} (${c.guess})`);
    }
    if (this.profile.guessed) this.guesses.push(`kernel profile ${this.profile.profile}: ${this.profile.why}`);
    for (const n of r.notes) this.guesses.push(n);

    const rule = ruleOf(r.kind);
    const name = scenarioName(r);
    const header = [
      `Imported by \`fencedep import\` from a kernel report${source ? ` in ${source}` : ''} (line ${r.startLine}):`,
      `  ${r.title}`,
      ...(r.version ? [`  kernel ${r.version}${r.task ? `, task ${r.task}` : ''}`] : r.task ? [`  task ${r.task}`] : []),
      'Lines marked "guess:" are choices the report does not settle: check them against the code.',
    ];
    const doc: ScenarioDoc = {
      header,
      name,
      description: `${r.title}${r.task ? ` (${r.task})` : ''}`,
      include: this.kernelUsed ? ['kernel'] : [],
      profile: this.profile,
      locks,
      fences: [...this.fences].map(([key, description]) => ({ key, description })),
      functions: [...this.functions].map(([n, f]) => ({ name: n, steps: f.steps })),
      notes: this.notes,
      paths: this.paths,
      expect: [{ rule, involves: involvesOf(expectedLocks) }],
    };
    return { report: r, doc, expected: { rule, lockdep: expectedLocks }, invented: this.invented, guesses: this.guesses };
  }
}

/** A class of the kernel model's locks: its scenario name and type. */
function kernelLock(c: ClassInfo, name: KernelLockName): void {
  c.key = name;
  c.type = kernelLockType(name);
}

/** A ww acquire context per ww class, opened on demand in a path. */
export class PathState {
  readonly ctx = new Map<string, string>();
  constructor(private readonly fresh: () => string) {}
  openCtx(ww: string): string {
    const c = this.fresh();
    this.ctx.set(ww, c);
    return c;
  }
}

/**
 * The held locks the report's task took before the step that takes `next`. A step can take
 * two classes, keeping the first held while it takes the second: `fs_reclaim_acquire()`
 * takes fs_reclaim, then the notifier map (and so does an allocation that may reclaim). The
 * first is then on top of the held locks; replaying the step takes it again, so it is not
 * held before the step. fencedep's reports name the place exactly (both at the step's
 * file:line:col); the kernel's show the notifier map taken in fs_reclaim_acquire() itself.
 */
function takenBefore(held: readonly ReportHeldLock[], next: ReportLock | null): readonly ReportHeldLock[] {
  const at = next?.at[0];
  if (!next || !at) return held;
  const takenBySameStep = (h: ReportHeldLock): boolean =>
    h.lock.name !== next.name &&
    (at.where !== undefined ? h.lock.at[0]?.where === at.where : at.fn === 'fs_reclaim_acquire' && h.lock.name === 'fs_reclaim');
  let n = held.length;
  while (n > 0 && takenBySameStep(held[n - 1]!)) n--;
  return n === held.length ? held : held.slice(0, n);
}

/** Taken by running a work item: the kernel's process_one_work(), fencedep's `work W on Q`. */
function runsWork(at: readonly PrintedFrame[]): boolean {
  const f = at[0];
  return f !== undefined && (f.fn === 'process_one_work' || (f.fn === 'work' && f.where !== undefined));
}

/** Do two of fencedep's traces name the same steps (a non-empty stack)? */
function sameSteps(a: readonly PrintedFrame[], b: readonly PrintedFrame[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((f, i) => f.where !== undefined && f.where === b[i]!.where);
}

/**
 * Does a usage string show the class never taken with irqs on? (Only when no ENABLED bit
 * shows: a report made while marking ENABLED_HARDIRQ stops before ENABLED_SOFTIRQ is marked.)
 */
export function neverWithIrqsOn(usage: string | null): boolean {
  const on = irqEnabled(usage);
  return on !== null && !on.hard && !on.soft;
}

/** Were two of fencedep's chain entries recorded by one step (the same path and steps)? */
export function bySameStep(a: ReportChainEntry, b: ReportChainEntry): boolean {
  return a.path === b.path && sameSteps(a.frames, b.frames);
}


/** A scenario name: the kind, the task's command and the first class of the finding. */
export function scenarioName(r: KernelReport): string {
  const comm = (r.backtracePath ?? r.task ?? 'task').replace(/\/\d+$/, '').replace(/\/.*$/, '').replace(/[^A-Za-z0-9_.-]+/g, '-');
  const lock = (r.next?.name ?? r.prev?.name ?? 'lock').replace(/^&/, '').replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-+|-+$/g, '');
  return `${r.kind}-${comm}-${lock}`.replace(/-+/g, '-').slice(0, 80);
}
