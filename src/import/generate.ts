/**
 * KernelReport → scenario. One lock class per lockdep class (kernel classes and pseudo-locks
 * from the built-in model), one path per dependency the report shows (chain entries, usage
 * traces, "acquired at" stacks), one path for the current task with its held locks, steps
 * nested in functions named after the stack frames, and an `expect` naming the finding.
 * Whatever is not in the report and had to be chosen is recorded as a guess: a `# guess:`
 * comment in the YAML and a line of the summary.
 */
import type { KernelProfile, LockType } from '../model/scenario.js';
import { BUILTIN, KERNEL_MODEL_LOCKS, chooseProfile, classKind, collectLocks, hintsOf, inferType, irqEnabled, irqSafe, kernelLockType, readableName, splitSubclass, type ClassInfo, type KernelLockName, type ProfileChoice } from './classes.js';
import { isInternal, primitive, splitStack, type Context, type Prim, type SplitStack } from './classify.js';
import { ruleOf, type ChainEntry, type Frame, type HeldLock, type KernelReport, type LockRef } from './report.js';
import type { YStep, YVal } from './yaml.js';

export interface ExpectEntry {
  readonly rule: string;
  readonly involves: readonly string[];
  readonly comment?: string;
}

export interface GenPath {
  name: string;
  readonly comment: string[];
  context: Context;
  irqsDisabled: boolean;
  work: { item: string; queue: string } | null;
  steps: YStep[];
}

export interface ScenarioDoc {
  readonly header: string[];
  readonly name: string;
  readonly description: string;
  readonly include: string[];
  readonly profile: ProfileChoice;
  readonly locks: { key: string; type: LockType; lockdep: string | null; wwClass?: string; comment: string | null }[];
  readonly fences: { key: string; description: string }[];
  readonly functions: { name: string; steps: YStep[] }[];
  readonly notes: string[];
  readonly paths: GenPath[];
  expect: ExpectEntry[];
}

export interface Generated {
  readonly report: KernelReport;
  readonly doc: ScenarioDoc;
  /** The rule and lockdep classes the report shows (invented classes included). */
  readonly expected: { readonly rule: string; readonly lockdep: readonly string[] };
  /** lockdep names the import made up (a sleeping lock the BUG does not name). */
  readonly invented: readonly string[];
  readonly guesses: string[];
}

type Irq = 'none' | 'irq' | 'irqsave' | 'bh';

interface Acq {
  readonly info: ClassInfo;
  readonly subclass: number;
  readonly mode: 'read' | 'write';
  readonly irq: Irq;
  readonly trylock: boolean;
  readonly instance: string | null;
  /** How the target is taken when it is a pseudo-lock or a special class. */
  readonly prim: Prim | null;
}

/** One lock held around the code of a level (a function body, or the path's own steps). */
interface Placed {
  readonly level: number;
  readonly open: YStep[];
  readonly close: YStep[];
  readonly block?: string;
  readonly comment?: string;
}

const SUFFIX = ' (kernel)';

/** fencedep names from the kernel model (`kernel:kswapd`) cannot be redeclared next to it. */
function localName(n: string): string {
  return n.startsWith('kernel:') ? `${n.slice(7)}${SUFFIX}` : n;
}

export class Generator {
  readonly classes = new Map<string, ClassInfo>();
  private readonly functions = new Map<string, { steps: YStep[]; text: string }>();
  private readonly paths: GenPath[] = [];
  private readonly pathNames = new Set<string>();
  private readonly fences = new Map<string, string>();
  readonly guesses: string[] = [];
  private readonly notes: string[] = [];
  private kernelUsed = false;
  private profile!: ProfileChoice;
  private ctxSeq = 0;
  private readonly invented: string[] = [];

  constructor(
    private readonly r: KernelReport,
    private readonly kernelEdges: ReadonlySet<string>,
  ) {}

  // ------------------------------------------------------------------ classes

  private register(ref: LockRef, frames: readonly Frame[]): void {
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
    for (const { ref, frames } of collectLocks(this.r)) this.register(ref, frames);
    this.profile = chooseProfile(this.r, this.classes);
    const keys = new Set<string>();
    for (const c of this.classes.values()) {
      if (c.what.kind === 'kernel') {
        kernelLock(c, c.what.name);
      } else if (c.what.kind === 'decl') {
        inferType(c, this.profile.profile);
        let k = this.r.fencedep ? localName(readableName(c.base)) : readableName(c.base);
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

  private info(name: string): { info: ClassInfo; subclass: number } {
    const [base, subclass] = splitSubclass(name);
    let c = this.classes.get(base);
    if (!c) {
      this.register({ name, usage: null, wait: null, instance: null, at: [] }, []);
      c = this.classes.get(base)!;
      if (c.what.kind === 'kernel') {
        kernelLock(c, c.what.name);
      } else if (c.what.kind === 'decl') {
        inferType(c, this.profile.profile);
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

  private spinning(c: ClassInfo): boolean {
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
    const marking = (this.r.kind === 'irq-inversion' || this.r.kind === 'inconsistent-lock-state') && this.r.next !== null && splitSubclass(this.r.next.name)[0] === c.base;
    if (on && on.hard && !on.soft && !marking) return { irq: 'bh', guess: `${c.base} is never taken with softirqs on (its usage): bottom halves disabled here` };
    return { irq: 'none', guess: null };
  }

  private acq(ref: LockRef | string, prim: Prim | null, opts: { needOn?: boolean; context?: Context; read?: boolean } = {}): { a: Acq; guess: string | null } {
    const name = typeof ref === 'string' ? ref : ref.name;
    const { info, subclass } = this.info(name);
    info.used = true;
    const context = opts.context ?? 'process';
    const { irq, guess } = this.irqFor(info, prim, opts.needOn ?? false, context);
    // `read`: true for read, false for write; absent, what the stack's primitive or the usage says.
    const mode: 'read' | 'write' = opts.read === true ? 'read' : opts.read === false ? 'write' : prim?.mode ?? this.defaultMode(info);
    let instance: string | null = null;
    if (typeof ref !== 'string' && ref.instance && info.instances.size > 1 && this.r.kind === 'recursive-locking' && this.r.next && splitSubclass(this.r.next.name)[0] === info.base) {
      instance = `p${ref.instance.slice(-6)}`;
    }
    if (typeof ref !== 'string' && ref.instance && this.r.fencedep && !/^[0-9a-f]{8,16}$/i.test(ref.instance)) instance = ref.instance;
    return { a: { info, subclass, mode, irq, trylock: prim?.trylock ?? false, instance, prim }, guess };
  }

  private ref(a: Acq): string {
    return a.instance ? `${a.info.key}[${a.instance}]` : a.info.key;
  }

  private lockArg(a: Acq, extra: Record<string, YVal> = {}): YVal {
    const name = this.ref(a);
    if (a.subclass === 0 && Object.keys(extra).length === 0) return name;
    return { name, ...(a.subclass ? { nested: a.subclass } : {}), ...extra };
  }

  /** Steps that take `a` and steps that release it, or a block that holds it. */
  private openClose(a: Acq, ctxFor: (ww: string) => string | null, openCtx: (ww: string) => string): { open: YStep[]; close: YStep[]; block?: string; comment?: string } {
    const c = a.info;
    const w = c.what;
    if (w.kind === 'builtin') {
      if (c.base === 'fs_reclaim') return { open: [], close: [], block: 'reclaim', comment: 'fs_reclaim held: reclaim (kswapd, direct reclaim, a shrinker)' };
      if (c.base === 'dma_fence_map') return { open: [], close: [], block: 'signalling', comment: 'dma_fence_map held: a fence signalling section' };
      return { open: [{ key: 'lock_map_acquire', arg: c.base }], close: [{ key: 'lock_map_release', arg: c.base }] };
    }
    if (w.kind === 'rcu') {
      const sfx = w.flavour === 'rcu' ? '' : w.flavour === 'rcu_bh' ? '_bh' : '_sched';
      return { open: [{ key: `rcu_read_lock${sfx}`, arg: null }], close: [{ key: `rcu_read_unlock${sfx}`, arg: null }] };
    }
    if (w.kind === 'ww_acquire') {
      // The reservation class is the kernel model's (dma_resv).
      if (w.wwClass === 'reservation_ww_class') this.kernelUsed = true;
      const ctx = openCtx(w.wwClass);
      return { open: [{ key: 'ww_acquire_init', arg: { ctx, class: w.wwClass } }], close: [{ key: 'ww_acquire_fini', arg: ctx }] };
    }
    if (w.kind === 'kernel') {
      this.kernelUsed = true;
      if (w.name === 'mmap_lock' || w.name === 'i_mmap_rwsem') {
        const base = w.name === 'mmap_lock' ? 'mmap' : 'i_mmap';
        const rw = a.mode === 'read' ? 'read' : 'write';
        const lock = w.name === 'mmap_lock' ? `${base}_${rw}_${a.trylock ? 'trylock' : 'lock'}` : `${base}_lock_${rw}`;
        const unlock = w.name === 'mmap_lock' ? `${base}_${rw}_unlock` : `${base}_unlock_${rw}`;
        const arg = a.instance ?? null;
        return { open: [{ key: lock, arg }], close: [{ key: unlock, arg }] };
      }
      // dma_resv: every reservation lock is reservation_ww_class_mutex.
      const ctx = ctxFor('reservation_ww_class');
      const key = a.trylock ? 'dma_resv_trylock' : 'dma_resv_lock';
      const arg: YVal = ctx && !a.trylock ? { name: this.ref(a), ctx } : this.ref(a);
      return { open: [{ key, arg }], close: [{ key: 'dma_resv_unlock', arg: this.ref(a) }] };
    }
    if (w.kind === 'work' || w.kind === 'queue') {
      // A workqueue map held outside a work item's own pair: declared and taken as the map it is.
      c.mapDecl = true;
      c.key = `${w.kind === 'work' ? 'work' : 'wq'} ${w.kind === 'work' ? w.item : w.queue}`.replace(/[[\]]/g, '');
      return { open: [{ key: 'lock_map_acquire', arg: c.key }], close: [{ key: 'lock_map_release', arg: c.key }] };
    }
    const r = this.ref(a);
    const irqSfx = (irq: Irq): [string, string] =>
      irq === 'irq' ? ['_irq', '_irq'] : irq === 'irqsave' ? ['_irqsave', '_irqrestore'] : irq === 'bh' ? ['_bh', '_bh'] : ['', ''];
    switch (c.type) {
      case 'mutex':
        if (a.trylock) return { open: [{ key: 'mutex_trylock', arg: r }], close: [{ key: 'mutex_unlock', arg: r }] };
        return { open: [{ key: a.subclass ? 'mutex_lock_nested' : 'mutex_lock', arg: this.lockArg(a) }], close: [{ key: 'mutex_unlock', arg: r }] };
      case 'spinlock':
      case 'raw_spinlock': {
        const p = c.type === 'spinlock' ? 'spin' : 'raw_spin';
        const [l, u] = irqSfx(a.irq);
        if (a.subclass) {
          if (a.irq === 'none') return { open: [{ key: `${p}_lock_nested`, arg: this.lockArg(a) }], close: [{ key: `${p}_unlock`, arg: r }] };
          const save = a.irq === 'bh' ? ['local_bh_disable', 'local_bh_enable'] : ['local_irq_disable', 'local_irq_enable'];
          return {
            open: [{ key: save[0]!, arg: null }, { key: `${p}_lock_nested`, arg: this.lockArg(a) }],
            close: [{ key: `${p}_unlock`, arg: r }, { key: save[1]!, arg: null }],
          };
        }
        return { open: [{ key: `${p}_${a.trylock ? 'trylock' : 'lock'}${l}`, arg: r }], close: [{ key: `${p}_unlock${u}`, arg: r }] };
      }
      case 'rwlock': {
        const [l, u] = irqSfx(a.irq);
        const rw = a.mode === 'read' ? 'read' : 'write';
        return { open: [{ key: `${rw}_${a.trylock ? 'trylock' : 'lock'}${a.trylock ? '' : l}`, arg: r }], close: [{ key: `${rw}_unlock${a.trylock ? '' : u}`, arg: r }] };
      }
      case 'rwsem': {
        const rw = a.mode === 'read' ? 'read' : 'write';
        if (a.subclass) return { open: [{ key: `down_${rw}_nested`, arg: this.lockArg(a) }], close: [{ key: `up_${rw}`, arg: r }] };
        return { open: [{ key: `down_${rw}${a.trylock ? '_trylock' : ''}`, arg: r }], close: [{ key: `up_${rw}`, arg: r }] };
      }
      case 'percpu_rwsem': {
        const rw = a.mode === 'read' ? 'read' : 'write';
        if (a.subclass) return { open: [{ key: 'lock', arg: this.lockArg(a, { mode: rw }) }], close: [{ key: 'unlock', arg: r }] };
        return { open: [{ key: `percpu_down_${rw}`, arg: r }], close: [{ key: `percpu_up_${rw}`, arg: r }] };
      }
      case 'ww_mutex': {
        const ctx = ctxFor(c.wwClass ?? 'reservation_ww_class');
        const arg: YVal = ctx ? { name: r, ctx } : r;
        return { open: [{ key: a.trylock ? 'ww_mutex_trylock' : 'ww_mutex_lock', arg }], close: [{ key: 'ww_mutex_unlock', arg: r }] };
      }
      case 'srcu':
        return { open: [{ key: 'srcu_read_lock', arg: r }], close: [{ key: 'srcu_read_unlock', arg: r }] };
      case 'map':
        if (a.mode === 'read') return { open: [{ key: 'lock', arg: this.lockArg(a, { mode: 'read' }) }], close: [{ key: 'lock_map_release', arg: r }] };
        return { open: [{ key: a.subclass ? 'lock' : 'lock_map_acquire', arg: this.lockArg(a) }], close: [{ key: 'lock_map_release', arg: r }] };
      default:
        return { open: [{ key: 'lock', arg: this.lockArg(a, a.mode === 'read' ? { mode: 'read' } : {}) }], close: [{ key: 'unlock', arg: r }] };
    }
  }

  private fence(fn: string | null): string {
    const key = 'fence';
    if (!this.fences.has(key)) this.fences.set(key, `the fence waited for${fn ? ` in ${fn}()` : ''}: the report does not name it`);
    return key;
  }

  /**
   * The steps of the innermost operation: taking `target` the way the primitive frames say.
   * Returns the steps and a comment (the guess, if any).
   */
  private targetSteps(
    target: LockRef | string,
    split: SplitStack,
    path: PathState,
    opts: { needOn?: boolean; context?: Context; caller?: string | null } = {},
  ): YStep[] {
    const prims = split.prims;
    const has = (op: Prim['op']): Prim | undefined => prims.find((p) => p.op === op);
    const name = typeof target === 'string' ? target : target.name;
    const [base] = splitSubclass(name);
    const context = opts.context ?? split.context;
    const caller = opts.caller ?? split.fns[split.fns.length - 1] ?? null;
    // A pseudo-lock taken as the map it is, for read when the stack says so.
    const asMap = (): YStep[] => [
      { key: prims.some((p) => p.op === 'map' && p.mode === 'read') ? 'lock_map_acquire_read' : 'lock_map_acquire', arg: base },
      { key: 'lock_map_release', arg: base },
    ];
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
        if (this.profile.profile === '6.13' && !this.r.fencedep) {
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
    const oc = this.openClose(a, (ww) => path.ctx.get(ww) ?? null, (ww) => path.openCtx(ww));
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

  private addPath(p: Omit<GenPath, 'name'> & { name: string }): void {
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
  private split(frames: readonly Frame[], known: Context | null = null): SplitStack & { markers: Map<string, number> } {
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
  private levels(held: readonly LockRef[], fns: readonly string[], markers: Map<string, number>): number[] {
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
  private buildPath(opts: {
    name: string;
    comment: string[];
    frames: readonly Frame[];
    context?: Context | null;
    held: readonly { ref: LockRef; read?: boolean; irq?: Irq; comment?: string; atTop?: boolean }[];
    op: (split: SplitStack, path: PathState) => YStep[];
    irqsDisabled?: boolean;
    synthesize?: boolean;
    /** The `at:` frames of the lock being taken: the innermost frames when there is no stack. */
    targetAt?: readonly Frame[];
  }): void {
    let frames = opts.frames;
    const path = new PathState(() => `ticket${++this.ctxSeq === 1 ? '' : this.ctxSeq}`);
    // No stack: follow the `at:` functions of the held locks (said in a comment).
    if (frames.length === 0 && opts.synthesize) {
      const fnsAt: Frame[] = [];
      for (const h of opts.held) {
        const f = h.ref.at.find((x) => !isInternal(x.fn) && !primitive(x.fn) && x.fn !== 'process_one_work');
        if (f && !fnsAt.some((y) => y.fn === f.fn)) fnsAt.unshift(f);
      }
      const inner = opts.targetAt ?? [];
      const innerCaller = inner.find((x) => !isInternal(x.fn) && !primitive(x.fn));
      if (innerCaller && !fnsAt.some((y) => y.fn === innerCaller.fn)) fnsAt.unshift(innerCaller);
      frames = [...inner.filter((x) => primitive(x.fn)), ...fnsAt];
      if (frames.length > 0) opts.comment.push('the report has no stack for this task: its steps follow the `at:` functions of the locks');
      this.r.notes.push('the report ends before the stack of the current task: its path follows the `at:` functions');
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
      if (atFn && !onStack && !h.atTop && !this.r.fencedep) h = { ...h, comment: [h.comment, `taken in ${atFn.fn}(), not on this stack: placed here`].filter((x) => x).join('; ') };
      const prim = h.ref.at.map(framePrim).find((p) => p && p.op !== 'unlock') ?? null;
      const { a, guess } = this.acq(h.ref, prim ?? (h.irq ? { op: 'spin', irq: h.irq === 'none' ? undefined : h.irq } as Prim : null), { context, read: h.read });
      const acq = h.irq && h.irq !== 'none' && this.spinning(a.info) ? { ...a, irq: h.irq } : a;
      const oc = this.openClose(acq, (ww) => path.ctx.get(ww) ?? null, (ww) => path.openCtx(ww));
      const comment = [oc.comment, h.comment, guess ? `guess: ${guess}` : undefined].filter((x) => x).join('; ');
      placed.push({ level: h.atTop ? 0 : levels[j]!, open: oc.open, close: oc.close, ...(oc.block ? { block: oc.block } : {}), ...(comment ? { comment } : {}) });
    });
    let target = opts.op(split, path);
    if (opts.irqsDisabled && context === 'process' && !placed.some((p) => p.open.some((s) => /irqsave|_irq$/.test(s.key)))) {
      target = [{ key: 'local_irq_disable', arg: null, comment: 'the report says irqs were disabled here' }, ...target, { key: 'local_irq_enable', arg: null }];
    }
    let steps = this.assemble(split.fns, placed, target);
    if (split.dropped > 0 && !this.r.fencedep) opts.comment.push(`${split.dropped} frame(s) of entry code and lockdep internals left out`);
    // A work item runs in process context: an interrupt arrives while it runs.
    if (work && (context === 'hardirq' || context === 'softirq')) {
      steps = [{ key: context, arg: null, body: steps }];
      context = 'process';
    }
    this.addPath({ name: opts.name, comment: opts.comment, context, irqsDisabled: false, work, steps });
  }

  // ------------------------------------------------------------------ report kinds

  private isKernelEdge(from: string, to: string): boolean {
    return this.kernelEdges.has(`${splitSubclass(from)[0]}\u0000${splitSubclass(to)[0]}`);
  }

  private chainPaths(): void {
    const r = this.r;
    const entries = [...r.chain].sort((a, b) => a.index - b.index);
    const byIndex = new Map(entries.map((e) => [e.index, e]));
    for (const e of [...entries].reverse()) {
      if (e.index === 0) continue;
      const parent = byIndex.get(e.index - 1);
      if (!parent) {
        r.notes.push(`chain entry #${e.index - 1} is missing: the dependency into #${e.index} was not generated`);
        continue;
      }
      const from = parent.lock.name;
      const to = e.lock.name;
      // Recorded by the step that recorded the dependency into the parent (fs_reclaim_acquire:
      // X -> fs_reclaim, then fs_reclaim -> the notifier map): the parent's path records it too.
      if (r.fencedep && parent.index > 0 && bySameStep(e, parent)) {
        this.notes.push(`-> #${e.index}: ${to} under ${from}: taken by the same step as #${parent.index}`);
        continue;
      }
      // A kernel-model dependency comes from include: [kernel]; in fencedep's own report, only
      // one the model's paths recorded (a scenario's fs_reclaim_acquire records its own).
      if (this.isKernelEdge(from, to) && (!r.fencedep || e.path === undefined || e.path.startsWith('kernel:'))) {
        this.kernelUsed = true;
        const how = e.frames.some((f) => f.fn === 'dma_resv_lockdep') || e.path === 'kernel:dma_resv_lockdep' ? 'boot-time priming (dma_resv_lockdep)' : 'the kernel model';
        this.notes.push(`-> #${e.index}: ${to} under ${from}: ${how}, from include: [kernel]`);
        continue;
      }
      const split = this.split(e.frames);
      const fnInner = split.fns[split.fns.length - 1];
      const name = e.path ?? `#${e.index}: ${fnInner ?? 'code'} takes ${to} under ${from}`;
      const parentInfo = this.info(from).info;
      const comment = [`-> #${e.index}: the dependency ${from} -> ${to}`];
      // A work item's own maps come from running it on its queue.
      if (parentInfo.what.kind === 'work' && e.frames.some((f) => f.fn === 'process_one_work' || f.fn === 'worker_thread')) {
        const queue = this.queueOf() ?? 'events';
        if (!this.queueOf()) this.guesses.push(`the queue of ${from} is not in the report: "events" assumed`);
        this.buildPath({
          name, comment, frames: e.frames, held: [
            { ref: { name: `(wq_completion)${queue}`, usage: null, wait: null, instance: null, at: [] } },
            { ref: parent.lock },
          ],
          op: (s, p) => this.targetSteps(e.lock, s, p),
        });
        continue;
      }
      this.buildPath({
        name,
        comment,
        frames: e.frames,
        held: [{ ref: { ...parent.lock, at: [] }, atTop: true, comment: e.path !== undefined ? undefined : `guess: where ${from} was taken is not in the report` }],
        op: (s, p) => this.targetSteps(e.lock, s, p),
      });
    }
  }

  /**
   * Was this usage or dependency recorded by the very step the report stops at? (A kmalloc in
   * a hardirq block: fs_reclaim became irq-safe, then fs_reclaim -> the notifier map.) The
   * report's own path replays it; another path doing so first would change what is found.
   */
  private byReportedStep(path: string | undefined, frames: readonly Frame[]): boolean {
    return this.r.fencedep && path === this.r.backtracePath && sameSteps(frames, this.r.backtrace);
  }

  /** fencedep's chain entries from `from`: entry #1 is taken under `from`, each next under the one before. */
  private fencedepChainPaths(from: string, entries: readonly ChainEntry[], fromExclusive = false): void {
    let prevName = from;
    let prev: ChainEntry | null = null;
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

  private queueOf(): string | null {
    for (const c of this.classes.values()) if (c.what.kind === 'queue') return c.what.queue;
    return this.r.workqueue?.queue ?? null;
  }

  private taskName(): string {
    return this.r.backtracePath ?? this.r.task ?? 'current task';
  }

  /** The current task: held locks, then `op` on its stack. */
  private currentPath(op: (split: SplitStack, path: PathState) => YStep[], extra: { context?: Context | null; irqsDisabled?: boolean; name?: string; frames?: readonly Frame[] } = {}): void {
    const r = this.r;
    // The task runs a work item and takes its map under its queue's: the path is the work.
    const runsWorkItem = r.held?.length === 1 && r.next !== null && this.info(r.held[0]!.lock.name).info.what.kind === 'queue' &&
      this.info(r.next.name).info.what.kind === 'work' && runsWork(r.next.at);
    const held = (runsWorkItem ? [...r.held!, { index: 1, lock: r.next! }] : takenBefore(r.held ?? [], r.next)).map((h) => {
      const read = r.prev && h.lock.name === r.prev.name && r.prevRead ? true : undefined;
      return { ref: h.lock, ...(read ? { read } : {}) };
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
      comment: [`the task of the report, holding the locks of its held-locks block, ${r.kind === 'bad-unlock' ? 'releases the lock' : r.kind === 'sleep-in-atomic' ? 'sleeps' : 'takes the lock'} on its stack`],
      frames,
      context,
      held: irqHeld,
      op: runsWorkItem ? () => [] : op,
      irqsDisabled: wantIrqsOff && !disabledByLock,
      synthesize: true,
      targetAt: r.next?.at ?? [],
    });
  }

  private usagePath(label: string, lock: LockRef, frames: readonly Frame[], usage: string, fencedepPath?: string): void {
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
          const oc = this.openClose(a, () => null, (ww) => p.openCtx(ww));
          if (!oc.block) return [...oc.open, ...oc.close];
        }
        return this.targetSteps(lock, s, p, { needOn, context });
      },
    });
  }

  /** The dependencies of a "dependencies between" list: `forward`: list[k+1] -> list[k]. */
  private dependencyPaths(blocks: KernelReport['forwardDeps'], forward: boolean): void {
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

  // ------------------------------------------------------------------ the whole report

  generate(source: string | null): Generated {
    const r = this.r;
    this.setupClasses();
    const expectedLocks: string[] = [];
    const uniqPush = (n: string | null | undefined): void => {
      if (n && !expectedLocks.includes(n)) expectedLocks.push(n);
    };
    const irqOff = r.irq ? !r.irq.hardirqsEnabled && !r.irq.hardirq : false;

    switch (r.kind) {
      case 'circular-dependency': {
        this.chainPaths();
        this.currentPath((s, p) => this.targetSteps(r.next!, s, p), { irqsDisabled: irqOff });
        const names = r.chain.length > 0 ? r.chain.map((e) => e.lock.name) : (r.chainExists ?? [r.next?.name, r.prev?.name].filter((x): x is string => !!x));
        if (r.chain.length === 0) this.guesses.push('the report has no dependency chain: only the current task was generated, the cycle cannot close');
        names.forEach(uniqPush);
        break;
      }
      case 'recursive-locking': {
        this.currentPath((s, p) => this.targetSteps(r.next!, s, p), { irqsDisabled: irqOff });
        uniqPush(r.next?.name);
        break;
      }
      case 'inconsistent-lock-state': {
        const lock = r.next!;
        if (r.registered && r.oldUsage) {
          const fd = r.registered.path;
          this.usagePath(r.oldUsage, lock, r.registered.frames, r.oldUsage, fd);
          if (r.registered.frames.some((f) => /^trace_hardirqs_on|unlock_irq/.test(f.fn))) {
            this.guesses.push(`{${r.oldUsage}} was registered when irqs were re-enabled with ${lock.name} held: modelled as taking it with irqs enabled`);
          }
        }
        const newUsage = r.newUsage ?? '';
        const inIrq = /^IN-(HARDIRQ|SOFTIRQ)/.exec(newUsage);
        const context: Context = inIrq ? (inIrq[1] === 'HARDIRQ' ? 'hardirq' : 'softirq') : 'process';
        const needOn = /-ON-/.test(newUsage);
        // The task enables irqs with the lock held (mark_held_locks): that is the step, not a new acquisition.
        const enable = needOn && (r.held ?? []).some((h) => h.lock.name === lock.name) && enablesIrqs(r.backtrace)
          ? (/^SOFTIRQ/.test(newUsage) ? 'local_bh_enable' : 'local_irq_enable')
          : null;
        if (enable) this.currentPath(() => [{ key: enable, arg: null, comment: `${enable === 'local_bh_enable' ? 'softirqs' : 'irqs'} enabled with ${lock.name} held` }], { context });
        else this.currentPath((s, p) => this.targetSteps(lock, s, p, { needOn, context }), { context });
        uniqPush(lock.name);
        break;
      }
      case 'safe-to-unsafe': {
        if (r.safe && r.safeAt && !this.byReportedStep(r.safeAt.path, r.safeAt.frames)) this.usagePath(`${r.state}-safe`, r.safe, r.safeAt.frames, `IN-${(r.state ?? 'HARDIRQ').replace('-READ', '')}-${/READ/.test(r.state ?? '') ? 'R' : 'W'}`, r.safeAt.path);
        if (r.unsafe && r.unsafeAt && !this.byReportedStep(r.unsafeAt.path, r.unsafeAt.frames)) this.usagePath(`${r.state}-unsafe`, r.unsafe, r.unsafeAt.frames, `${(r.state ?? 'HARDIRQ').replace('-READ', '')}-ON-W`, r.unsafeAt.path);
        if (r.fencedep) {
          // The safe lock's usage was reached through its first dependency: a strong one.
          if (r.safe) this.fencedepChainPaths(r.safe.name, r.backwardChain, true);
          if (r.next) this.fencedepChainPaths(r.next.name, r.chain);
        } else {
          this.dependencyPaths(r.backwardDeps, false);
          this.dependencyPaths(r.forwardDeps, true);
        }
        this.currentPath((s, p) => this.targetSteps(r.next!, s, p), { irqsDisabled: irqOff, ...(r.backtrace.length === 0 && r.next ? { frames: [] } : {}) });
        uniqPush(r.safe?.name);
        uniqPush(r.unsafe?.name);
        break;
      }
      case 'irq-inversion': {
        const state = (r.state ?? 'HARDIRQ').replace('-READ', '');
        const other = r.other;
        const tookUnsafe = r.direction === 'took-unsafe';
        if (other) {
          const blk = [...r.forwardDeps, ...r.backwardDeps].find((b) => b.lock.name === other.name);
          const want = tookUnsafe ? new RegExp(`^${state}-ON-`) : new RegExp(`^IN-${state}-`);
          const u = blk?.usages.find((x) => want.test(x.usage));
          // fencedep prints where the other lock got its usage ("... which became ... at:").
          const became = tookUnsafe ? r.unsafeAt : r.safeAt;
          const rw = /READ/.test(r.state ?? '') ? 'R' : 'W';
          const becameUsage = tookUnsafe ? `${state}-ON-${rw}` : `IN-${state}-${rw}`;
          if (u) this.usagePath(u.usage, other, u.frames, u.usage, u.path);
          else if (became) this.usagePath(becameUsage, other, became.frames, becameUsage, became.path);
          else this.guesses.push(`no trace of how ${other.name} became ${tookUnsafe ? `${state}-unsafe` : `${state}-safe`}: not reproduced`);
        }
        if (r.fencedep) {
          // fencedep prints the shortest path as chain entries: #1 is taken under the changed lock or its predecessor.
          this.fencedepChainPaths(tookUnsafe ? r.next!.name : other?.name ?? '', r.chain, true);
        } else {
          this.dependencyPaths(r.forwardDeps, tookUnsafe);
        }
        const context: Context = tookUnsafe ? (state === 'HARDIRQ' ? 'hardirq' : 'softirq') : 'process';
        this.currentPath((s, p) => this.targetSteps(r.next!, s, p, { needOn: !tookUnsafe, context }), { context });
        uniqPush(r.next?.name);
        uniqPush(other?.name);
        break;
      }
      case 'invalid-wait-context': {
        const context: Context | null = r.context !== null && r.context <= (this.profile.profile === '6.13' ? 3 : 2) ? (r.context === 2 ? 'hardirq' : 'softirq') : null;
        this.currentPath((s, p) => this.targetSteps(r.next!, s, p), { context });
        uniqPush(r.next?.name);
        uniqPush(this.waitHolder());
        break;
      }
      case 'bad-unlock': {
        const released = r.next!;
        this.currentPath((s) => this.releaseSteps(released, s));
        uniqPush(released.name);
        break;
      }
      case 'sleep-in-atomic': {
        const sl = r.sleep!;
        const atomic = (r.held ?? []).filter((h) => {
          const c = this.info(h.lock.name).info;
          return this.spinning(c) || c.what.kind === 'rcu';
        });
        for (const h of atomic) uniqPush(h.lock.name);
        const inIrq = r.backtraceInIrq;
        this.currentPath(
          (s) => {
            let steps = this.sleepSteps(s, uniqPush);
            if (sl.inAtomic && atomic.length === 0 && !inIrq) {
              steps = [{ key: 'preempt_disable', arg: null, comment: 'in_atomic() with no spinning lock held: preemption disabled' }, ...steps, { key: 'preempt_enable', arg: null }];
            }
            if (sl.nonBlock > 0) steps = [{ key: 'non_block_start', arg: null, comment: 'non_block: the report says a non-blocking section' }, ...steps, { key: 'non_block_end', arg: null }];
            if (sl.rcuDepth > 0 && !atomic.some((h) => this.info(h.lock.name).info.what.kind === 'rcu')) {
              steps = [{ key: 'rcu_read_lock', arg: null, comment: 'RCU nest depth > 0' }, ...steps, { key: 'rcu_read_unlock', arg: null }];
              uniqPush('rcu_read_lock');
            }
            return steps;
          },
          { irqsDisabled: sl.irqsDisabled && !inIrq, context: inIrq ? 'hardirq' : null },
        );
        break;
      }
    }

    // Declarations of the classes the steps use.
    const locks: ScenarioDoc['locks'] = [];
    for (const c of [...this.classes.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
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

  /** invalid wait: the held lock lockdep found, as fencedep finds it (the first with the lowest inner wait type). */
  private waitHolder(): string | null {
    const r = this.r;
    if (r.notAllowedInside) return r.notAllowedInside.name;
    const next = r.next;
    if (!next?.wait) return null;
    const outer = next.wait[0] || next.wait[1];
    let curr = r.context ?? (this.profile.profile === '6.13' ? 5 : 4);
    let holder: string | null = null;
    for (const h of r.held ?? []) {
      const inner = h.lock.wait?.[1] ?? 0;
      if (inner && inner < curr) {
        curr = inner;
        holder = h.lock.name;
      }
    }
    return outer > curr ? holder : null;
  }

  private releaseSteps(released: LockRef, split: SplitStack): YStep[] {
    const un = split.prims.find((p) => p.op === 'unlock');
    const { info } = this.info(released.name);
    info.used = true;
    if (info.what.kind === 'decl' && !info.usage) {
      // Only the name is printed: the type comes from the unlock primitive.
      const fn = split.primFns.join(' ');
      const type: LockType = /mutex/.test(fn) ? 'mutex' : /up_read|up_write/.test(fn) ? 'rwsem' : /raw_spin/.test(fn) ? 'raw_spinlock' : /spin/.test(fn) ? 'spinlock' : /read_unlock|write_unlock/.test(fn) ? 'rwlock' : /percpu_up/.test(fn) ? 'percpu_rwsem' : /rcu/.test(released.name) ? 'map' : 'mutex';
      info.type = type;
      info.guess = /mutex|up_|spin|_unlock/.test(fn) ? null : 'only the name is printed: a mutex assumed';
    }
    const mode = un?.mode ?? (/up_read|read_unlock/.test(split.primFns.join(' ')) ? 'read' : 'write');
    const { a } = this.acq({ ...released, at: [] }, { op: 'spin', mode, ...(un?.irq ? { irq: un.irq } : {}) } as Prim);
    const oc = this.openClose({ ...a, mode }, () => null, () => 'ticket');
    if (oc.block) return [{ key: 'lock_map_release', arg: released.name }];
    return oc.close.map((s, i) => (i === 0 ? { ...s, comment: 'not held: the unbalanced release' } : s));
  }

  private sleepSteps(split: SplitStack, uniqPush: (n: string) => void): YStep[] {
    const r = this.r;
    const sl = r.sleep!;
    const caller = split.fns[split.fns.length - 1] ?? 'code';
    const file = sl.file ?? '';
    if (sl.what) {
      // fencedep's own report names the step that slept.
      const m = /^([a-z_]+)(?::\s*(.+))?$/.exec(sl.what);
      const op = m?.[1] ?? 'might_sleep';
      const arg = m?.[2] ?? null;
      const lockOp = /^(?:mutex_lock\w*|down_(?:read|write)\w*|lock|with|percpu_down_\w+|ww_mutex_lock\w*|dma_resv_lock\w*|rt_mutex_lock)$/.exec(op);
      if (lockOp && arg) {
        const scen = arg.replace(/^\{name: /, '').replace(/[,}].*$/, '').replace(/\[.*\]$/, '').trim();
        const known = r.aliases.get(scen) ?? KERNEL_MODEL_LOCKS.get(scen);
        if (known) {
          uniqPush(known);
          const { a } = this.acq(known, stepPrim(sl.what));
          const oc = this.openClose(a, () => null, () => 'ticket');
          return [...oc.open, ...oc.close];
        }
        return this.inventLock(scen, op, caller, uniqPush, true);
      }
      if (/^(?:kmalloc|kzalloc|kvmalloc|vmalloc|alloc|alloc_pages|might_alloc)$/.test(op)) return [{ key: 'kmalloc', arg: arg ?? 'GFP_KERNEL' }];
      if (/wait/.test(op)) return [{ key: 'dma_fence_wait', arg: this.fence(caller) }];
      if (op === 'might_fault' || /copy_/.test(op)) {
        this.kernelUsed = true;
        return [{ key: 'might_fault', arg: null }];
      }
      return [{ key: /^(?:msleep|schedule|wait_event|wait_for_completion|might_sleep|cond_resched|sleep)$/.test(op) ? op : 'might_sleep', arg: null }];
    }
    const prim = split.prims.find((p) => p.op !== 'sleep') ?? null;
    const fns = split.primFns.join(' ');
    if (/kernel\/locking\/mutex\.c/.test(file) || prim?.op === 'mutex') return this.inventLock(`mutex in ${caller}`, 'mutex_lock', caller, uniqPush, false);
    if (/kernel\/locking\/rwsem\.c/.test(file) || prim?.op === 'rwsem') return this.inventLock(`rwsem in ${caller}`, /write/.test(fns) ? 'down_write' : 'down_read', caller, uniqPush, false);
    if (/mm\/(?:slab|slub|page_alloc|vmalloc)\.c|include\/linux\/sched\/mm\.h|mm\/slab\.h/.test(file) || prim?.op === 'alloc') {
      return [{ key: 'kmalloc', arg: 'GFP_KERNEL', comment: 'guess: GFP_KERNEL (the report shows a blocking allocation, not its flags)' }];
    }
    if (/mm\/memory\.c/.test(file) || prim?.op === 'might_fault') {
      this.kernelUsed = true;
      return [{ key: 'might_fault', arg: null }];
    }
    if (prim?.op === 'fence_wait') return [{ key: 'dma_fence_wait', arg: this.fence(caller) }];
    return [{ key: 'might_sleep', arg: null, comment: `${split.primFns[0] ?? 'the code'} may sleep (${file || 'file not printed'})` }];
  }

  private inventLock(name: string, op: string, caller: string, uniqPush: (n: string) => void, named: boolean): YStep[] {
    const type: LockType = /down_|rwsem/.test(op) ? 'rwsem' : /percpu/.test(op) ? 'percpu_rwsem' : /ww_|dma_resv/.test(op) ? 'ww_mutex' : 'mutex';
    const c = this.info(name).info;
    if (c.what.kind === 'decl' && !c.usage) {
      c.type = type;
      c.guess = named ? 'the sleeping lock is named only by its scenario name in the report' : `the BUG does not name the ${type} ${caller}() takes: a class of its own`;
    }
    c.used = true;
    if (!this.invented.includes(c.base)) this.invented.push(c.base);
    uniqPush(c.base);
    const { a } = this.acq(c.base, null);
    const oc = this.openClose({ ...a, mode: /read/.test(op) ? 'read' : 'write' }, () => null, () => 'ticket');
    return [...oc.open, ...oc.close];
  }
}

/** A class of the kernel model's locks: its scenario name and type. */
function kernelLock(c: ClassInfo, name: KernelLockName): void {
  c.key = name;
  c.type = kernelLockType(name);
}

/** A ww acquire context per ww class, opened on demand in a path. */
class PathState {
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
function takenBefore(held: readonly HeldLock[], next: LockRef | null): readonly HeldLock[] {
  const at = next?.at[0];
  if (!next || !at) return held;
  const takenBySameStep = (h: HeldLock): boolean =>
    h.lock.name !== next.name &&
    (at.where !== undefined ? h.lock.at[0]?.where === at.where : at.fn === 'fs_reclaim_acquire' && h.lock.name === 'fs_reclaim');
  let n = held.length;
  while (n > 0 && takenBySameStep(held[n - 1]!)) n--;
  return n === held.length ? held : held.slice(0, n);
}

/** Taken by running a work item: the kernel's process_one_work(), fencedep's `work W on Q`. */
function runsWork(at: readonly Frame[]): boolean {
  const f = at[0];
  return f !== undefined && (f.fn === 'process_one_work' || (f.fn === 'work' && f.where !== undefined));
}

/** Does the stack end in enabling irqs or bottom halves (a fencedep step, or the kernel's tracing of it)? */
function enablesIrqs(stack: readonly Frame[]): boolean {
  const [first] = stack;
  if (first?.step !== undefined) return /^(?:local_irq_enable|local_irq_restore|irq_enable|local_bh_enable|bh_enable|\w+_unlock_(?:irq|irqrestore|bh))\b/.test(first.step);
  // The kernel marks the held locks from inside these (however deep lockdep's own frames go).
  return stack.some((f) => /^(?:__)?trace_hardirqs_on|^lockdep_hardirqs_on|^__local_bh_enable_ip$|^lockdep_softirqs_on/.test(f.fn));
}

/** Do two of fencedep's traces name the same steps (a non-empty stack)? */
function sameSteps(a: readonly Frame[], b: readonly Frame[]): boolean {
  return a.length > 0 && a.length === b.length && a.every((f, i) => f.where !== undefined && f.where === b[i]!.where);
}

/**
 * Does a usage string show the class never taken with irqs on? (Only when no ENABLED bit
 * shows: a report made while marking ENABLED_HARDIRQ stops before ENABLED_SOFTIRQ is marked.)
 */
function neverWithIrqsOn(usage: string | null): boolean {
  const on = irqEnabled(usage);
  return on !== null && !on.hard && !on.soft;
}

/** Were two of fencedep's chain entries recorded by one step (the same path and steps)? */
function bySameStep(a: ChainEntry, b: ChainEntry): boolean {
  return a.path === b.path && sameSteps(a.frames, b.frames);
}

/** The primitive of an `at:` frame: a kernel function's, or a fencedep step's (`spin_trylock: L`). */
function framePrim(f: Frame): Prim | null {
  return f.step !== undefined ? stepPrim(f.step) : primitive(f.fn);
}

/** A fencedep trace step's operation as a primitive. */
function stepPrim(step: string): Prim | null {
  const op = /^([a-z_]+)/.exec(step)?.[1] ?? '';
  if (/^(?:mutex_lock|mutex_lock_nested|mutex_lock_interruptible|mutex_lock_killable)$/.test(op)) return { op: 'mutex' };
  if (op === 'mutex_trylock') return { op: 'mutex', trylock: true };
  const spin = /^(raw_spin|spin)_(lock|trylock)(_irq|_irqsave|_bh|_nested)?$/.exec(op);
  if (spin) return { op: spin[1] === 'raw_spin' ? 'raw_spin' : 'spin', ...(spin[3] && spin[3] !== '_nested' ? { irq: spin[3].slice(1) as 'irq' | 'irqsave' | 'bh' } : {}), ...(spin[2] === 'trylock' ? { trylock: true } : {}) };
  const rw = /^(read|write)_(lock|trylock)(_irq|_irqsave|_bh)?$/.exec(op);
  if (rw) return { op: 'rwlock', mode: rw[1] as 'read' | 'write', ...(rw[3] ? { irq: rw[3].slice(1) as 'irq' | 'irqsave' | 'bh' } : {}), ...(rw[2] === 'trylock' ? { trylock: true } : {}) };
  if (/^down_read/.test(op)) return { op: 'rwsem', mode: 'read', ...(/trylock/.test(op) ? { trylock: true } : {}) };
  if (/^down_write/.test(op)) return { op: 'rwsem', mode: 'write', ...(/trylock/.test(op) ? { trylock: true } : {}) };
  if (/^percpu_down_read/.test(op)) return { op: 'percpu_rwsem', mode: 'read' };
  if (/^percpu_down_write/.test(op)) return { op: 'percpu_rwsem', mode: 'write' };
  if (/^mmap_(read|write)/.test(op)) return { op: 'mmap', mode: /read/.test(op) ? 'read' : 'write' };
  if (/^i_mmap_lock_(read|write)/.test(op)) return { op: 'i_mmap', mode: /read/.test(op) ? 'read' : 'write' };
  if (/^(?:dma_resv_lock|ww_mutex_lock|dma_resv_lock_slow|ww_mutex_lock_slow)/.test(op)) return { op: 'ww_mutex' };
  if (/^(?:dma_resv_trylock|ww_mutex_trylock)$/.test(op)) return { op: 'ww_mutex', trylock: true };
  if (op === 'ww_acquire_init') return { op: 'ww_acquire' };
  if (/^(?:kmalloc|kzalloc|kvmalloc|vmalloc|alloc|alloc_pages|might_alloc)$/.test(op)) return { op: 'alloc' };
  if (op === 'fs_reclaim_acquire') return { op: 'fs_reclaim' };
  if (/^(?:dma_fence_wait|wait|dma_fence_wait_timeout|dma_resv_wait_timeout)$/.test(op)) return { op: 'fence_wait' };
  if (op === 'signalling' || op === 'dma_fence_begin_signalling') return { op: 'signalling' };
  if (op === 'mmu_notifier_invalidate_range_start') return { op: 'notifier' };
  if (op === 'mmu_interval_read_begin') return { op: 'interval_read' };
  if (/^(?:might_fault|copy_to_user|copy_from_user|get_user|put_user)$/.test(op)) return { op: 'might_fault' };
  if (/^(?:flush_work|cancel_work_sync)$/.test(op)) return { op: 'flush_work' };
  if (/^(?:flush_workqueue|drain_workqueue)$/.test(op)) return { op: 'flush_workqueue' };
  if (/^lock_map_acquire_read/.test(op)) return { op: 'map', mode: 'read' };
  if (/^lock_map_acquire/.test(op)) return { op: 'map' };
  if (op === 'srcu_read_lock') return { op: 'srcu', mode: 'read' };
  if (op === 'synchronize_srcu') return { op: 'srcu_sync' };
  if (op === 'rcu' || /^rcu_read_lock/.test(op)) return { op: 'rcu' };
  if (op === 'trylock') return { op: 'mutex', trylock: true };
  if (/mode: read/.test(step)) return { op: 'rwsem', mode: 'read' };
  return null;
}

/** `involves` names: the class names without subclass (an entry also matches `name/1`), once each. */
export function involvesOf(lockdep: readonly string[]): string[] {
  return [...new Set(lockdep.map((l) => splitSubclass(l)[0]))];
}

/** A scenario name: the kind, the task's command and the first class of the finding. */
export function scenarioName(r: KernelReport): string {
  const comm = (r.backtracePath ?? r.task ?? 'task').replace(/\/\d+$/, '').replace(/\/.*$/, '').replace(/[^A-Za-z0-9_.-]+/g, '-');
  const lock = (r.next?.name ?? r.prev?.name ?? 'lock').replace(/^&/, '').replace(/[^A-Za-z0-9_]+/g, '-').replace(/^-+|-+$/g, '');
  return `${r.kind}-${comm}-${lock}`.replace(/-+/g, '-').slice(0, 80);
}

export function generate(report: KernelReport, kernelEdges: ReadonlySet<string>, source: string | null = null): Generated {
  return new Generator(report, kernelEdges).generate(source);
}
