/**
 * How a lock is taken and released in the scenario language: an acquisition the import decided
 * on (class, subclass, mode, irq variant, trylock, instance) spelled as the steps that take it
 * and release it, or as the block that holds it (`reclaim:`, `signalling:`).
 */
import { stepSpelling } from '../model/vocabulary.js';
import type { ClassInfo } from './classes.js';
import type { Prim } from './classify.js';
import type { YStep, YVal } from './yaml.js';

/** The irq variant of a spinning acquisition in process context. */
export type Irq = 'none' | 'irq' | 'irqsave' | 'bh';

export interface Acquisition {
  readonly info: ClassInfo;
  readonly subclass: number;
  readonly mode: 'read' | 'write';
  readonly irq: Irq;
  readonly trylock: boolean;
  readonly instance: string | null;
  /** How the target is taken when it is a pseudo-lock or a special class. */
  readonly prim: Prim | null;
}

/** The blocks that hold a built-in class, each with the annotation that opens it and stays open. */
export const OPEN_ANNOTATION = {
  reclaim: { key: 'fs_reclaim_acquire', arg: 'GFP_KERNEL' },
  signalling: { key: 'dma_fence_begin_signalling', arg: null },
} as const satisfies Record<string, YStep>;
export type HoldingBlock = keyof typeof OPEN_ANNOTATION;

export interface AcquisitionSteps {
  readonly open: YStep[];
  readonly close: YStep[];
  /** A block that holds the lock instead (`reclaim`, `signalling`): its steps go inside. */
  readonly block?: HoldingBlock;
  readonly comment?: string;
  /** The steps need the kernel model (`include: [kernel]`). */
  readonly kernel?: boolean;
  /** The lock step itself disables hard interrupts (its `_irq` or `_irqsave` spelling). */
  readonly irqsOff?: boolean;
}

/** `name` or `name[instance]`. */
export function lockName(a: Acquisition): string {
  return a.instance ? `${a.info.key}[${a.instance}]` : a.info.key;
}

function lockArg(a: Acquisition, extra: Record<string, YVal> = {}): YVal {
  const name = lockName(a);
  if (a.subclass === 0 && Object.keys(extra).length === 0) return name;
  return { name, ...(a.subclass ? { nested: a.subclass } : {}), ...extra };
}

/**
 * Steps that take `a` and steps that release it, or a block that holds it. Every lock step is
 * checked against the step vocabulary: a spelling that takes (or releases) a lock of that type.
 */
export function acquisitionSteps(a: Acquisition, ctxFor: (ww: string) => string | null, openCtx: (ww: string) => string): AcquisitionSteps {
  const steps = spell(a, ctxFor, openCtx);
  for (const [list, want] of [[steps.open, a.trylock ? 'trylock' : 'lock'], [steps.close, 'unlock']] as const) {
    for (const st of list) {
      const s = stepSpelling(st.key);
      // Irqs off around a nested spinlock; a ww acquire context opened and closed.
      if (s?.category === 'context' || s?.category === 'ww transaction') continue;
      const type = a.info.mapDecl ? 'map' : a.info.type;
      const fits = s?.lock && (s.category === want || (want === 'trylock' && s.category === 'lock')) && (s.lock.types.length === 0 || s.lock.types.includes(type) || a.info.what.kind !== 'decl');
      if (!fits) throw new Error(`the import spelled ${want} of a ${type} "${st.key}", which the step vocabulary does not have as one`);
    }
  }
  return steps;
}

function spell(a: Acquisition, ctxFor: (ww: string) => string | null, openCtx: (ww: string) => string): AcquisitionSteps {
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
    const ctx = openCtx(w.wwClass);
    return { open: [{ key: 'ww_acquire_init', arg: { ctx, class: w.wwClass } }], close: [{ key: 'ww_acquire_fini', arg: ctx }], kernel: w.wwClass === 'reservation_ww_class' };
  }
  if (w.kind === 'kernel') {
    if (w.name === 'mmap_lock' || w.name === 'i_mmap_rwsem') {
      const base = w.name === 'mmap_lock' ? 'mmap' : 'i_mmap';
      const rw = a.mode === 'read' ? 'read' : 'write';
      const lock = w.name === 'mmap_lock' ? `${base}_${rw}_${a.trylock ? 'trylock' : 'lock'}` : `${base}_lock_${rw}`;
      const unlock = w.name === 'mmap_lock' ? `${base}_${rw}_unlock` : `${base}_unlock_${rw}`;
      const arg = a.instance ?? null;
      return { open: [{ key: lock, arg }], close: [{ key: unlock, arg }], kernel: true };
    }
    // dma_resv: every reservation lock is reservation_ww_class_mutex.
    const ctx = ctxFor('reservation_ww_class');
    const key = a.trylock ? 'dma_resv_trylock' : 'dma_resv_lock';
    const arg: YVal = ctx && !a.trylock ? { name: lockName(a), ctx } : lockName(a);
    return { open: [{ key, arg }], close: [{ key: 'dma_resv_unlock', arg: lockName(a) }], kernel: true };
  }
  if (w.kind === 'work' || w.kind === 'queue') {
    // A workqueue map held outside a work item's own pair: declared and taken as the map it is.
    c.mapDecl = true;
    c.key = `${w.kind === 'work' ? 'work' : 'wq'} ${w.kind === 'work' ? w.item : w.queue}`.replace(/[[\]]/g, '');
    return { open: [{ key: 'lock_map_acquire', arg: c.key }], close: [{ key: 'lock_map_release', arg: c.key }] };
  }
  const r = lockName(a);
  const irqSfx = (irq: Irq): [string, string] =>
    irq === 'irq' ? ['_irq', '_irq'] : irq === 'irqsave' ? ['_irqsave', '_irqrestore'] : irq === 'bh' ? ['_bh', '_bh'] : ['', ''];
  switch (c.type) {
    case 'mutex':
      if (a.trylock) return { open: [{ key: 'mutex_trylock', arg: r }], close: [{ key: 'mutex_unlock', arg: r }] };
      return { open: [{ key: a.subclass ? 'mutex_lock_nested' : 'mutex_lock', arg: lockArg(a) }], close: [{ key: 'mutex_unlock', arg: r }] };
    case 'spinlock':
    case 'raw_spinlock': {
      const p = c.type === 'spinlock' ? 'spin' : 'raw_spin';
      const [l, u] = irqSfx(a.irq);
      if (a.subclass) {
        if (a.irq === 'none') return { open: [{ key: `${p}_lock_nested`, arg: lockArg(a) }], close: [{ key: `${p}_unlock`, arg: r }] };
        const save = a.irq === 'bh' ? ['local_bh_disable', 'local_bh_enable'] : ['local_irq_disable', 'local_irq_enable'];
        return {
          open: [{ key: save[0]!, arg: null }, { key: `${p}_lock_nested`, arg: lockArg(a) }],
          close: [{ key: `${p}_unlock`, arg: r }, { key: save[1]!, arg: null }],
        };
      }
      return { open: [{ key: `${p}_${a.trylock ? 'trylock' : 'lock'}${l}`, arg: r }], close: [{ key: `${p}_unlock${u}`, arg: r }], irqsOff: a.irq === 'irq' || a.irq === 'irqsave' };
    }
    case 'rwlock': {
      const [l, u] = irqSfx(a.irq);
      const rw = a.mode === 'read' ? 'read' : 'write';
      return { open: [{ key: `${rw}_${a.trylock ? 'trylock' : 'lock'}${a.trylock ? '' : l}`, arg: r }], close: [{ key: `${rw}_unlock${a.trylock ? '' : u}`, arg: r }], irqsOff: !a.trylock && (a.irq === 'irq' || a.irq === 'irqsave') };
    }
    case 'rwsem': {
      const rw = a.mode === 'read' ? 'read' : 'write';
      if (a.subclass) return { open: [{ key: `down_${rw}_nested`, arg: lockArg(a) }], close: [{ key: `up_${rw}`, arg: r }] };
      return { open: [{ key: `down_${rw}${a.trylock ? '_trylock' : ''}`, arg: r }], close: [{ key: `up_${rw}`, arg: r }] };
    }
    case 'percpu_rwsem': {
      const rw = a.mode === 'read' ? 'read' : 'write';
      if (a.subclass) return { open: [{ key: 'lock', arg: lockArg(a, { mode: rw }) }], close: [{ key: 'unlock', arg: r }] };
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
      if (a.mode === 'read') return { open: [{ key: 'lock', arg: lockArg(a, { mode: 'read' }) }], close: [{ key: 'lock_map_release', arg: r }] };
      return { open: [{ key: a.subclass ? 'lock' : 'lock_map_acquire', arg: lockArg(a) }], close: [{ key: 'lock_map_release', arg: r }] };
    default:
      return { open: [{ key: 'lock', arg: lockArg(a, a.mode === 'read' ? { mode: 'read' } : {}) }], close: [{ key: 'unlock', arg: r }] };
  }
}
