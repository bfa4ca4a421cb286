/**
 * Each pattern's `match` on hand-built findings: the mistake it names, the near misses it must
 * leave alone, and the priority order `diagnose` applies when several match.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AtomicReason, ChainEntry, LockLine, ReportBlock, TraceStep } from '../../src/model/finding.js';
import { STEP_VOCABULARY, stepSpelling } from '../../src/model/vocabulary.js';
import { PATTERNS, diagnose, patternById, type Diagnosable } from '../../src/patterns/index.js';

const FILE = 't.yaml';
let nextLine = 100;

/**
 * A frame as the replay makes it, written in these tests' shorthand: `SPELLING[: ARG]` is a
 * step, `... → FN` the frame of a callback it runs, `invoke: HOOK → FN` (or `{hook: HOOK...}`)
 * a hook's callback; the frame gets the spelling's op and category from the vocabulary, as the
 * replay's do. Frames written with the same `at` are the same step (same line).
 */
function fr(step: string, at?: number): TraceStep {
  const at0 = { file: FILE, line: at ?? nextLine++, column: 1, step };
  const s = stepSpelling(/^[^\s:→]+/.exec(step)?.[0] ?? '');
  if (!s) return at0;
  const hook = s.op === 'invoke' ? /^invoke: (?:\{hook: )?([\w.]+)/.exec(step)?.[1] : undefined;
  return { ...at0, op: s.op, category: s.category, ...(hook ? { hook } : {}) };
}

interface E {
  readonly from: string;
  readonly to: string;
  readonly path?: string;
  /** Frames outermost first; strings become fresh frames. */
  readonly stack: readonly (string | TraceStep)[];
}

const KERNEL_NAMES: Record<string, string> = {
  dma_resv: 'reservation_ww_class_mutex',
  mmap_lock: '&mm->mmap_lock',
  i_mmap_rwsem: '&mapping->i_mmap_rwsem',
};

function lockLine(lockdep: string): LockLine {
  return { name: lockdep, lockdep, instance: null, usage: '{+.+.}', wait: '{0:0}', at: null };
}

/**
 * A circular-dependency finding from its dependencies in cycle order: the first starts at the
 * lock being acquired, the last is the new dependency that closed the cycle.
 */
function cycle(edges: readonly E[], opts: { held?: readonly string[]; lockdep?: Record<string, string> } = {}): Diagnosable {
  const ld = (n: string): string => opts.lockdep?.[n] ?? KERNEL_NAMES[n] ?? n;
  const entry = (e: E): ChainEntry => {
    const stack = e.stack.map((s) => (typeof s === 'string' ? fr(s) : s));
    const last = stack[stack.length - 1]!;
    return { from: e.from, to: e.to, path: e.path ?? 'p', location: { file: last.file, line: last.line, column: last.column }, stack };
  };
  const chain = [entry(edges[edges.length - 1]!), ...edges.slice(0, -1).map(entry)];
  const locks = edges.map((e) => e.from);
  const report: ReportBlock[] = opts.held ? [{ kind: 'held', owner: 'p', locks: opts.held.map(lockLine) }] : [];
  return {
    rule: 'circular-dependency',
    message: `possible circular locking dependency: ${[...locks, locks[0]].join(' -> ')}`,
    locks,
    lockdep: locks.map(ld),
    chain,
    location: chain[0]!.location,
    report,
  };
}

/** A sleep-in-atomic (or other non-cycle) finding with its backtrace, outermost first. */
function sleep(frames: readonly string[], reasons: readonly AtomicReason[], rule = 'sleep-in-atomic'): Diagnosable {
  const stack = frames.map((s) => fr(s));
  const what = frames[frames.length - 1]!;
  return {
    rule,
    message:
      rule === 'sleep-in-atomic'
        ? `sleeping function called from invalid context: ${what} (${reasons.join(', ')})`
        : `invalid wait context: ${what}`,
    locks: [],
    lockdep: [],
    chain: [],
    location: { file: FILE, line: stack[stack.length - 1]!.line, column: 1 },
    report: [{ kind: 'held', owner: 'p', locks: [] }, { kind: 'trace', title: 'Call trace:', path: 'p', stack }],
    ...(rule === 'sleep-in-atomic' ? { atomic: reasons } : {}),
  };
}

const match = (id: string, f: Diagnosable): boolean => patternById(id)!.match(f);
const diag = (f: Diagnosable): string | null => diagnose(f)?.pattern ?? null;

// The kernel's boot-time priming, as the kernel model records it.
const PRIME = 'kernel:dma_resv_lockdep';
const primedReclaimToNotifier: E = { from: 'fs_reclaim', to: 'mmu_notifier_invalidate_range_start', path: PRIME, stack: ['fs_reclaim_acquire: GFP_KERNEL'] };
const primedNotifierToFence: E = { from: 'mmu_notifier_invalidate_range_start', to: 'dma_fence_map', path: PRIME, stack: ['lock_map_acquire: dma_fence_map'] };
const primedResvToReclaim: E = { from: 'dma_resv', to: 'fs_reclaim', path: PRIME, stack: ['fs_reclaim_acquire: GFP_KERNEL'] };
const primedMmapToAcquire: E = { from: 'mmap_lock', to: 'reservation_ww_class_acquire', path: PRIME, stack: ['ww_acquire_init: {ctx: kernel:ctx, class: reservation_ww_...'] };
const primedAcquireToResv: E = { from: 'reservation_ww_class_acquire', to: 'dma_resv', path: PRIME, stack: ['dma_resv_lock: {name: dma_resv[kernel:obj], ctx: kernel:ctx}'] };

describe('alloc-in-signalling', () => {
  const allocInSection = cycle([
    primedReclaimToNotifier,
    primedNotifierToFence,
    { from: 'dma_fence_map', to: 'vm->lock', path: 'run_job', stack: ['signalling', 'lock: vm->lock'] },
    { from: 'vm->lock', to: 'fs_reclaim', path: 'run_job', stack: ['signalling', 'kmalloc: GFP_KERNEL'] },
  ]);

  it('an allocation inside a signalling block, under a lock taken there', () => {
    expect(match('alloc-in-signalling', allocInSection)).toBe(true);
    expect(diag(allocInSection)).toBe('alloc-in-signalling');
  });

  it('GFP_NOFS: the cycle through the notifier map only', () => {
    const f = cycle([
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', 'kmalloc: GFP_NOFS'] },
    ]);
    expect(match('alloc-in-signalling', f)).toBe(true);
  });

  it('every allocation spelling of the vocabulary counts, and hmm_range_fault (it faults pages in)', () => {
    const allocations = STEP_VOCABULARY.filter((s) => s.category === 'allocation').map((s) => `${s.name}: GFP_KERNEL`);
    for (const step of [...allocations, 'alloc: GFP_NOIO', 'hmm_range_fault']) {
      const f = cycle([
        primedNotifierToFence,
        { from: 'dma_fence_map', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', step] },
      ]);
      expect(match('alloc-in-signalling', f), step).toBe(true);
    }
  });

  it('flat dma_fence_begin_signalling annotations: dma_fence_map held where the allocation closed the cycle', () => {
    const f = cycle(
      [
        primedReclaimToNotifier,
        primedNotifierToFence,
        { from: 'dma_fence_map', to: 'vm->lock', stack: ['lock: vm->lock'] },
        { from: 'vm->lock', to: 'fs_reclaim', stack: ['kmalloc: GFP_KERNEL'] },
      ],
      { held: ['dma_fence_map', 'vm->lock'] },
    );
    expect(match('alloc-in-signalling', f)).toBe(true);
  });

  it('a signal running callbacks is a signalling section', () => {
    const f = cycle([
      primedReclaimToNotifier,
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'F->lock', stack: ['signal: F'] },
      { from: 'F->lock', to: 'fs_reclaim', stack: ['signal: F → callback cb', 'kmalloc: GFP_KERNEL'] },
    ]);
    expect(match('alloc-in-signalling', f)).toBe(true);
  });

  it('near miss: the allocation is outside any section (signalling-lock-across-alloc)', () => {
    const f = cycle([
      primedReclaimToNotifier,
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'vm->lock', path: 'run_job', stack: ['signalling', 'lock: vm->lock'] },
      { from: 'vm->lock', to: 'fs_reclaim', path: 'bind', stack: ['with: vm->lock', 'kmalloc: GFP_KERNEL'] },
    ], { held: ['vm->lock'] });
    expect(match('alloc-in-signalling', f)).toBe(false);
    expect(diag(f)).toBe('signalling-lock-across-alloc');
  });

  it('near miss: no fence in the cycle', () => {
    const f = cycle([
      { from: 'fs_reclaim', to: 'S', stack: ['reclaim', 'invoke: shrinker.scan → scan', 'lock: S'] },
      { from: 'S', to: 'fs_reclaim', stack: ['signalling', 'kmalloc: GFP_KERNEL'] },
    ]);
    expect(match('alloc-in-signalling', f)).toBe(false);
  });

  it('a raw fs_reclaim_acquire in a section counts as an allocation; the priming\'s does not', () => {
    const f = cycle([
      primedReclaimToNotifier,
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'fs_reclaim', stack: ['signalling', 'fs_reclaim_acquire: GFP_KERNEL'] },
    ]);
    expect(match('alloc-in-signalling', f)).toBe(true);
    const g = cycle([
      primedResvToReclaim,
      primedReclaimToNotifier,
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'L', stack: ['signalling', 'lock: L'] },
      { from: 'L', to: 'dma_resv', stack: ['with: L', 'dma_resv_lock: dma_resv[bo]'] },
    ]);
    expect(match('alloc-in-signalling', g)).toBe(false);
  });

  it('near miss: another rule', () => {
    expect(match('alloc-in-signalling', { ...allocInSection, rule: 'recursive-locking' })).toBe(false);
  });
});

describe('notifier-in-signalling', () => {
  it('mmu_interval_read_begin inside a signalling section', () => {
    const f = cycle([
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling: {fences: [pt_update_fence]}', 'mmu_interval_read_begin'] },
    ]);
    expect(match('notifier-in-signalling', f)).toBe(true);
    expect(diag(f)).toBe('notifier-in-signalling');
  });

  it('through a lock taken in the section', () => {
    const f = cycle([
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'L', stack: ['signalling', 'lock: L'] },
      { from: 'L', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', 'with: L', 'mmu_notifier_invalidate_range_start'] },
    ]);
    expect(match('notifier-in-signalling', f)).toBe(true);
  });

  it('near miss: an allocation is alloc-in-signalling', () => {
    const f = cycle([
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', 'kmalloc: GFP_NOFS'] },
    ]);
    expect(match('notifier-in-signalling', f)).toBe(false);
    expect(diag(f)).toBe('alloc-in-signalling');
  });

  it('near miss: read_begin outside any section, under a lock the section takes', () => {
    const f = cycle([
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'L', stack: ['signalling', 'lock: L'] },
      { from: 'L', to: 'mmu_notifier_invalidate_range_start', stack: ['with: L', 'mmu_interval_read_begin'] },
    ]);
    expect(match('notifier-in-signalling', f)).toBe(false);
  });
});

describe('resv-in-signalling', () => {
  const resvInSection = cycle([
    primedResvToReclaim,
    primedReclaimToNotifier,
    primedNotifierToFence,
    { from: 'dma_fence_map', to: 'dma_resv', path: 'run_job', stack: ['signalling', 'dma_resv_lock: dma_resv[bo]'] },
  ]);

  it('a reservation taken inside a signalling section', () => {
    expect(match('resv-in-signalling', resvInSection)).toBe(true);
    expect(diag(resvInSection)).toBe('resv-in-signalling');
  });

  it('the acquire context counts too', () => {
    const f = cycle([
      primedAcquireToResv,
      primedResvToReclaim,
      primedReclaimToNotifier,
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'reservation_ww_class_acquire', stack: ['signalling', 'ww_acquire_init: {ctx: c, class: reservation_ww_class}'] },
    ]);
    expect(match('resv-in-signalling', f)).toBe(true);
  });

  it('a ww_mutex of the reservation class under another scenario name', () => {
    const f = cycle(
      [
        { from: 'bo', to: 'fs_reclaim', path: PRIME, stack: ['fs_reclaim_acquire: GFP_KERNEL'] },
        primedReclaimToNotifier,
        primedNotifierToFence,
        { from: 'dma_fence_map', to: 'bo', stack: ['signalling', 'lock: bo[y]'] },
      ],
      { lockdep: { bo: 'reservation_ww_class_mutex' } },
    );
    expect(match('resv-in-signalling', f)).toBe(true);
  });

  it('takes priority over alloc-in-signalling when the section does both', () => {
    const f = cycle([
      { from: 'dma_resv', to: 'fs_reclaim', stack: ['signalling', 'kmalloc: GFP_KERNEL'] },
      primedReclaimToNotifier,
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'dma_resv', stack: ['signalling', 'dma_resv_lock: dma_resv[bo]'] },
    ]);
    expect(match('alloc-in-signalling', f)).toBe(true);
    expect(diag(f)).toBe('resv-in-signalling');
  });

  it('through the hierarchy: a lock of a section held elsewhere while reserving (amdkfd eviction fence)', () => {
    const f = cycle([
      primedAcquireToResv,
      { from: 'dma_resv', to: 'dma_fence_map', path: 'ttm evict', stack: ['dma_resv_wait_timeout: eviction_fence'] },
      { from: 'dma_fence_map', to: 'process_info->lock', path: 'evict worker', stack: ['signalling: {fences: [eviction_fence]}', 'mutex_lock: process_info->lock'] },
      { from: 'process_info->lock', to: 'reservation_ww_class_acquire', path: 'restore worker', stack: ['with: process_info->lock', 'ww_acquire_init: {ctx: ticket, class: reservation_ww_class}'] },
    ]);
    expect(match('resv-in-signalling', f)).toBe(true);
    expect(match('lock-held-across-fence-wait', f)).toBe(true);
    expect(diag(f)).toBe('resv-in-signalling');
  });

  it('near miss: the reservation is reached only through reclaim', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'L', stack: ['signalling', 'lock: L'] },
      { from: 'L', to: 'fs_reclaim', stack: ['with: L', 'kmalloc: GFP_KERNEL'] },
      { from: 'fs_reclaim', to: 'dma_resv', stack: ['reclaim', 'invoke: shrinker.scan → scan', 'dma_resv_lock: dma_resv[bo]'] },
      { from: 'dma_resv', to: 'dma_fence_map', stack: ['reclaim', 'invoke: shrinker.scan → scan', 'dma_resv_wait_timeout: F'] },
    ]);
    expect(match('resv-in-signalling', f)).toBe(false);
    expect(diag(f)).toBe('signalling-lock-across-alloc');
  });
});

describe('wait-in-signalling and lock-held-across-fence-wait', () => {
  const section = fr('signalling', 10);

  const sameSection = cycle([
    { from: 'dma_fence_map', to: 'A', path: 't', stack: [section, 'lock: A'] },
    { from: 'A', to: 'dma_fence_map', path: 't', stack: [section, 'dma_fence_wait: F'] },
  ]);

  it('wait-in-signalling: lock and wait in one signalling block', () => {
    expect(match('wait-in-signalling', sameSection)).toBe(true);
    expect(match('lock-held-across-fence-wait', sameSection)).toBe(true);
    expect(diag(sameSection)).toBe('wait-in-signalling');
  });

  it('wait-in-signalling: nested blocks and a longer chain inside the section', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'A', stack: [section, 'lock: A'] },
      { from: 'A', to: 'B', stack: [section, 'with: B'] },
      { from: 'B', to: 'dma_fence_map', stack: [section, 'with: B', 'dma_resv_wait_timeout: F'] },
    ]);
    expect(match('wait-in-signalling', f)).toBe(true);
  });

  it('lock-held-across-fence-wait: the wait is in another path', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'obj_lock', path: 'worker', stack: ['signalling', 'lock: obj_lock'] },
      { from: 'obj_lock', to: 'dma_fence_map', path: 'ioctl', stack: ['with: obj_lock', 'dma_fence_wait: job_fence'] },
    ]);
    expect(match('wait-in-signalling', f)).toBe(false);
    expect(match('lock-held-across-fence-wait', f)).toBe(true);
    expect(diag(f)).toBe('lock-held-across-fence-wait');
  });

  it('near miss of wait-in-signalling: two different signalling blocks', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'A', stack: [fr('signalling', 20), 'lock: A'] },
      { from: 'A', to: 'dma_fence_map', stack: [fr('signalling', 30), 'dma_fence_wait: F'] },
    ]);
    expect(match('wait-in-signalling', f)).toBe(false);
    expect(diag(f)).toBe('lock-held-across-fence-wait');
  });

  it('precise fence model: fence classes are fence nodes', () => {
    const f = cycle([
      { from: 'fence:job_fence', to: 'obj_lock', stack: ['signalling: {fences: [job_fence]}', 'lock: obj_lock'] },
      { from: 'obj_lock', to: 'fence:job_fence', stack: ['with: obj_lock', 'dma_fence_wait: job_fence'] },
    ]);
    expect(match('lock-held-across-fence-wait', f)).toBe(true);
  });

  it('near miss: the dependency on the fence is not a wait (5.10 profile: a lock held at begin_signalling)', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'A', stack: ['signalling', 'lock: A'] },
      { from: 'A', to: 'dma_fence_map', stack: ['with: A', 'signalling'] },
    ]);
    expect(match('lock-held-across-fence-wait', f)).toBe(false);
    expect(match('wait-in-signalling', f)).toBe(false);
    expect(diag(f)).toBe(null);
  });

  it('near miss: reclaim between the section and the waiter', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'L', stack: ['signalling', 'lock: L'] },
      { from: 'L', to: 'fs_reclaim', stack: ['with: L', 'fs_reclaim_acquire: GFP_KERNEL'] },
      { from: 'fs_reclaim', to: 'S', stack: ['reclaim', 'invoke: shrinker.scan → scan', 'lock: S'] },
      { from: 'S', to: 'dma_fence_map', stack: ['reclaim', 'invoke: shrinker.scan → scan', 'with: S', 'dma_fence_wait: F'] },
    ]);
    expect(match('lock-held-across-fence-wait', f)).toBe(false);
  });

  it('near miss: the primed wait of the notifier map', () => {
    const f = cycle([
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', 'mmu_interval_read_begin'] },
    ]);
    expect(match('lock-held-across-fence-wait', f)).toBe(false);
    expect(match('wait-in-signalling', f)).toBe(false);
  });
});

describe('signalling-lock-across-alloc', () => {
  it('a lock of a signalling section held across GFP_KERNEL elsewhere', () => {
    const f = cycle([
      primedReclaimToNotifier,
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'vm->lock', stack: ['signalling', 'lock: vm->lock'] },
      { from: 'vm->lock', to: 'fs_reclaim', stack: ['kmalloc: GFP_KERNEL'] },
    ]);
    expect(match('signalling-lock-across-alloc', f)).toBe(true);
  });

  it('a lock taken under it is held across the allocation', () => {
    const f = cycle([
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'A', stack: ['signalling', 'lock: A'] },
      { from: 'A', to: 'B', stack: ['with: A', 'lock: B'] },
      { from: 'B', to: 'mmu_notifier_invalidate_range_start', stack: ['with: A', 'with: B', 'kmalloc: GFP_NOIO'] },
    ]);
    expect(match('signalling-lock-across-alloc', f)).toBe(true);
  });

  it('near miss: the lock is held across a fence wait, not an allocation', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'A', stack: ['signalling', 'lock: A'] },
      { from: 'A', to: 'dma_fence_map', stack: ['with: A', 'dma_fence_wait: F'] },
    ]);
    expect(match('signalling-lock-across-alloc', f)).toBe(false);
  });
});

describe('fence-wait-in-notifier', () => {
  const notifierWaits = cycle([
    { from: 'dma_fence_map', to: 'notifier_lock', path: 'submit', stack: ['signalling', 'lock: notifier_lock'] },
    {
      from: 'notifier_lock', to: 'dma_fence_map', path: 'kernel:munmap',
      stack: ['mmu_notifier_invalidate_range_start: {blockable: true} → userptr_invalidate', 'if: blockable', 'with: notifier_lock', 'dma_fence_wait: job_fence'],
    },
  ]);

  it('the callback waits holding a lock the signalling path takes', () => {
    expect(match('fence-wait-in-notifier', notifierWaits)).toBe(true);
    expect(match('lock-held-across-fence-wait', notifierWaits)).toBe(true);
    expect(diag(notifierWaits)).toBe('fence-wait-in-notifier');
  });

  it('an invoke of the interval notifier hook, through the notifier map', () => {
    const f = cycle([
      { from: 'mmu_notifier_invalidate_range_start', to: 'dma_fence_map', stack: ['invoke: mmu_interval_notifier.invalidate → cb', 'dma_fence_wait: F'] },
      { from: 'dma_fence_map', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', 'mmu_interval_read_begin'] },
    ]);
    expect(match('fence-wait-in-notifier', f)).toBe(true);
  });

  it('a frame keeps its hook however its label is shortened', () => {
    const truncated: TraceStep = {
      ...fr('invoke: {hook: ...'),
      step: 'invoke: {hook: mmu_interval_notifier.invalidate, blockab... → cb',
      hook: 'mmu_interval_notifier.invalidate',
    };
    const f = cycle([
      { from: 'dma_fence_map', to: 'N', stack: ['signalling', 'lock: N'] },
      { from: 'N', to: 'dma_fence_map', stack: [truncated, 'with: N', 'dma_fence_wait: F'] },
    ]);
    expect(match('fence-wait-in-notifier', f)).toBe(true);
  });

  it('near miss: the wait is not in a notifier callback', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'N', stack: ['signalling', 'lock: N'] },
      { from: 'N', to: 'dma_fence_map', stack: ['with: N', 'dma_fence_wait: F'] },
    ]);
    expect(match('fence-wait-in-notifier', f)).toBe(false);
  });

  it('near miss: the kernel\'s boot-time priming, and a raw lock_map_acquire of the notifier map', () => {
    const f = cycle([
      { from: 'mmu_notifier_invalidate_range_start', to: 'dma_fence_map', path: PRIME, stack: ['mmu_notifier_invalidate_range_start', 'dma_fence_wait: kernel:fence'] },
      { from: 'dma_fence_map', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', 'mmu_interval_read_begin'] },
    ]);
    expect(match('fence-wait-in-notifier', f)).toBe(false);
    const g = cycle([
      { from: 'mmu_notifier_invalidate_range_start', to: 'dma_fence_map', stack: ['lock_map_acquire: mmu_notifier_invalidate_range_start', 'dma_fence_wait: F'] },
      { from: 'dma_fence_map', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', 'mmu_interval_read_begin'] },
    ]);
    expect(match('fence-wait-in-notifier', g)).toBe(false);
  });

  it('an allocation in the signalling path is named first', () => {
    const f = cycle([
      { from: 'mmu_notifier_invalidate_range_start', to: 'dma_fence_map', stack: ['mmu_notifier_invalidate_range_start → cb', 'dma_fence_wait: F'] },
      { from: 'dma_fence_map', to: 'fs_reclaim', stack: ['signalling', 'kmalloc: GFP_KERNEL'] },
      { from: 'fs_reclaim', to: 'mmu_notifier_invalidate_range_start', stack: ['signalling', 'kmalloc: GFP_KERNEL'] },
    ]);
    expect(match('fence-wait-in-notifier', f)).toBe(true);
    expect(diag(f)).toBe('alloc-in-signalling');
  });
});

describe('circular-fence-dependency', () => {
  it('two fences waiting for each other in their sections (precise model)', () => {
    const f = cycle([
      { from: 'fence:f', to: 'fence:g', stack: ['signalling: {fences: [f]}', 'dma_fence_wait: g'] },
      { from: 'fence:g', to: 'fence:f', stack: ['signalling: {fences: [g]}', 'dma_fence_wait: f'] },
    ]);
    expect(match('circular-fence-dependency', f)).toBe(true);
    expect(diag(f)).toBe('circular-fence-dependency');
  });

  it('near miss: a lock in the loop (lock-held-across-fence-wait)', () => {
    const f = cycle([
      { from: 'fence:f', to: 'L', stack: ['signalling: {fences: [f]}', 'lock: L'] },
      { from: 'L', to: 'fence:f', stack: ['with: L', 'dma_fence_wait: f'] },
    ]);
    expect(match('circular-fence-dependency', f)).toBe(false);
    expect(diag(f)).toBe('lock-held-across-fence-wait');
  });
});

describe('fault-under-resv', () => {
  const copyUnderResv = cycle([
    primedMmapToAcquire,
    primedAcquireToResv,
    { from: 'dma_resv', to: 'mmap_lock', path: 'execbuf', stack: ['copy_from_user'] },
  ]);

  it('copy_from_user under a reservation', () => {
    expect(match('fault-under-resv', copyUnderResv)).toBe(true);
    expect(diag(copyUnderResv)).toBe('fault-under-resv');
  });

  it('every faulting access counts, under another lock taken after the reservation', () => {
    for (const step of ['might_fault', 'copy_to_user', 'get_user', 'put_user']) {
      const f = cycle([
        primedMmapToAcquire,
        primedAcquireToResv,
        { from: 'dma_resv', to: 'L', stack: ['lock: L'] },
        { from: 'L', to: 'mmap_lock', stack: ['with: L', step] },
      ]);
      expect(match('fault-under-resv', f), step).toBe(true);
    }
  });

  it('near miss: mmap_read_lock under a reservation is not a fault', () => {
    const f = cycle([
      primedMmapToAcquire,
      primedAcquireToResv,
      { from: 'dma_resv', to: 'mmap_lock', stack: ['mmap_read_lock'] },
    ]);
    expect(match('fault-under-resv', f)).toBe(false);
  });

  it('near miss: a fault under a driver lock, no reservation in the cycle', () => {
    const f = cycle([
      { from: 'mmap_lock', to: 'L', stack: ['mmap_read_lock', 'lock: L'] },
      { from: 'L', to: 'mmap_lock', stack: ['with: L', 'copy_to_user'] },
    ]);
    expect(match('fault-under-resv', f)).toBe(false);
  });
});

describe('notifier-lock-across-alloc', () => {
  const nofsUnderNotifierLock = cycle([
    { from: 'mmu_notifier_invalidate_range_start', to: 'notifier_lock', path: 'kernel:munmap', stack: ['mmu_notifier_invalidate_range_start: {blockable: true} → cb', 'with: notifier_lock'] },
    { from: 'notifier_lock', to: 'mmu_notifier_invalidate_range_start', path: 'fault', stack: ['with: notifier_lock', 'kmalloc: GFP_NOFS'] },
  ]);

  it('a notifier lock held across GFP_NOFS', () => {
    expect(match('notifier-lock-across-alloc', nofsUnderNotifierLock)).toBe(true);
    expect(diag(nofsUnderNotifierLock)).toBe('notifier-lock-across-alloc');
  });

  it('GFP_KERNEL, through fs_reclaim, with the callback run from kswapd (priority over the shrinker pattern)', () => {
    const f = cycle([
      primedReclaimToNotifier,
      { from: 'mmu_notifier_invalidate_range_start', to: 'notifier_lock', path: 'kernel:kswapd', stack: ['reclaim', 'call: kernel:shrink_node', 'mmu_notifier_invalidate_range_start: {blockable: true} → cb', 'with: notifier_lock'] },
      { from: 'notifier_lock', to: 'fs_reclaim', stack: ['with: notifier_lock', 'kmalloc: GFP_KERNEL'] },
    ]);
    expect(match('notifier-lock-across-alloc', f)).toBe(true);
    expect(match('shrinker-blocking-lock', f)).toBe(true);
    expect(diag(f)).toBe('notifier-lock-across-alloc');
  });

  it('mmu_interval_read_begin under the notifier lock', () => {
    const f = cycle([
      { from: 'mmu_notifier_invalidate_range_start', to: 'update', stack: ['invoke: mmu_interval_notifier.invalidate → cb', 'lock: update'] },
      { from: 'update', to: 'mmu_notifier_invalidate_range_start', stack: ['with: update', 'mmu_interval_read_begin'] },
    ]);
    expect(match('notifier-lock-across-alloc', f)).toBe(true);
  });

  it('a lock taken directly under the notifier map (a raw lock_map_acquire) counts', () => {
    const f = cycle([
      { from: 'mmu_notifier_invalidate_range_start', to: 'Y', stack: ['lock_map_acquire: mmu_notifier_invalidate_range_start', 'lock: Y'] },
      { from: 'Y', to: 'X', stack: ['with: Y', 'lock: X'] },
      { from: 'X', to: 'mmu_notifier_invalidate_range_start', stack: ['with: X', 'kmalloc: GFP_NOFS'] },
    ]);
    expect(match('notifier-lock-across-alloc', f)).toBe(true);
  });

  it('near miss: the notifier map only leads to the primed fence wait', () => {
    const f = cycle([
      primedNotifierToFence,
      { from: 'dma_fence_map', to: 'L', stack: ['signalling', 'lock: L'] },
      { from: 'L', to: 'mmu_notifier_invalidate_range_start', stack: ['with: L', 'kmalloc: GFP_NOFS'] },
    ]);
    expect(match('notifier-lock-across-alloc', f)).toBe(false);
    expect(diag(f)).toBe('signalling-lock-across-alloc');
  });

  it('near miss: the callback\'s lock only reaches the allocation through a fence (signalling-lock-across-alloc)', () => {
    const f = cycle([
      { from: 'mmu_notifier_invalidate_range_start', to: 'N', stack: ['mmu_notifier_invalidate_range_start → cb', 'lock: N'] },
      { from: 'N', to: 'dma_fence_map', stack: ['mmu_notifier_invalidate_range_start → cb', 'with: N', 'dma_fence_wait: F'] },
      { from: 'dma_fence_map', to: 'L', stack: ['signalling', 'lock: L'] },
      { from: 'L', to: 'mmu_notifier_invalidate_range_start', stack: ['with: L', 'kmalloc: GFP_NOFS'] },
    ]);
    expect(match('notifier-lock-across-alloc', f)).toBe(false);
    expect(diag(f)).toBe('signalling-lock-across-alloc');
  });
});

describe('shrinker-blocking-lock', () => {
  const shrinkerLock = cycle([
    { from: 'fs_reclaim', to: 'S', path: 'kernel:kswapd', stack: ['reclaim', 'call: kernel:shrink_node', 'invoke: shrinker.scan → scan', 'with: S'] },
    { from: 'S', to: 'fs_reclaim', path: 'ioctl', stack: ['with: S', 'kmalloc: GFP_KERNEL'] },
  ]);

  it('a lock taken in shrinker.scan, held across GFP_KERNEL', () => {
    expect(match('shrinker-blocking-lock', shrinkerLock)).toBe(true);
    expect(diag(shrinkerLock)).toBe('shrinker-blocking-lock');
  });

  it('shrinker.count, and a lock taken directly under fs_reclaim (i915 taints, the primed i_mmap_rwsem)', () => {
    const count = cycle([
      { from: 'K', to: 'S', stack: ['invoke: shrinker.count → count', 'with: K', 'lock: S'] },
      { from: 'S', to: 'fs_reclaim', stack: ['with: S', 'kmalloc: GFP_KERNEL'] },
      { from: 'fs_reclaim', to: 'K', stack: ['invoke: shrinker.count → count', 'lock: K'] },
    ]);
    expect(match('shrinker-blocking-lock', count)).toBe(true);
    const mmap = cycle([
      { from: 'fs_reclaim', to: 'i_mmap_rwsem', path: PRIME, stack: ['i_mmap_lock_write'] },
      { from: 'i_mmap_rwsem', to: 'fs_reclaim', stack: ['i_mmap_lock_read', 'kmalloc: GFP_KERNEL'] },
    ]);
    expect(match('shrinker-blocking-lock', mmap)).toBe(true);
  });

  it('a blocking dma_resv_lock in the shrinker: the priming declares reservations are held across allocations', () => {
    const f = cycle([
      { from: 'fs_reclaim', to: 'dma_resv', path: 'kernel:kswapd', stack: ['reclaim', 'call: kernel:shrink_node', 'invoke: shrinker.scan → i915_scan', 'dma_resv_lock: dma_resv[obj]'] },
      primedResvToReclaim,
    ]);
    expect(match('shrinker-blocking-lock', f)).toBe(true);
    expect(diag(f)).toBe('shrinker-blocking-lock');
  });

  it('a lock held while entering reclaim explicitly (a reclaim block, fs_reclaim_acquire)', () => {
    for (const step of ['reclaim', 'fs_reclaim_acquire: GFP_KERNEL']) {
      const f = cycle([
        { from: 'fs_reclaim', to: 'S', stack: ['reclaim', 'invoke: shrinker.scan → scan', 'lock: S'] },
        { from: 'S', to: 'fs_reclaim', stack: ['with: S', step] },
      ]);
      expect(match('shrinker-blocking-lock', f), step).toBe(true);
    }
  });

  it('near miss: the lock is not taken in reclaim', () => {
    const f = cycle([
      primedReclaimToNotifier,
      { from: 'mmu_notifier_invalidate_range_start', to: 'S', stack: ['lock_map_acquire: mmu_notifier_invalidate_range_start', 'lock: S'] },
      { from: 'S', to: 'fs_reclaim', stack: ['with: S', 'kmalloc: GFP_KERNEL'] },
    ]);
    expect(match('shrinker-blocking-lock', f)).toBe(false);
  });

  it('near miss: the shrinker waits for a fence and the signalling path allocates (alloc-in-signalling)', () => {
    const f = cycle([
      { from: 'fs_reclaim', to: 'S', stack: ['reclaim', 'invoke: shrinker.scan → scan', 'lock: S'] },
      { from: 'S', to: 'dma_fence_map', stack: ['reclaim', 'invoke: shrinker.scan → scan', 'with: S', 'dma_fence_wait: F'] },
      { from: 'dma_fence_map', to: 'fs_reclaim', stack: ['signalling', 'kmalloc: GFP_KERNEL'] },
    ]);
    expect(match('shrinker-blocking-lock', f)).toBe(false);
    expect(diag(f)).toBe('alloc-in-signalling');
  });
});

describe('fence-callback-sleeps', () => {
  it('a mutex in a fence callback: both findings', () => {
    const frames = ['signal: hw_fence → callback job_done_cb', 'lock: sched_lock'];
    expect(diag(sleep(frames, ['in_atomic', 'irqs_disabled']))).toBe('fence-callback-sleeps');
    expect(diag(sleep(frames, [], 'invalid-wait-context'))).toBe('fence-callback-sleeps');
  });

  it('dma_fence.callback hooks, enable_signaling under a wait, release under put', () => {
    for (const frame of ['invoke: dma_fence.callback → cb', 'dma_fence_wait: F → enable_signaling', 'dma_fence_add_callback: F', 'dma_fence_put: F', 'dma_fence_signal_locked: F']) {
      expect(match('fence-callback-sleeps', sleep(['path step', frame, 'msleep'], ['in_atomic'])), frame).toBe(true);
    }
  });

  it('near miss: the fence wait itself is what sleeps (under a spinlock)', () => {
    const f = sleep(['with: S', 'dma_fence_wait: F'], ['in_atomic']);
    expect(match('fence-callback-sleeps', f)).toBe(false);
    expect(diag(f)).toBe(null);
  });

  it('near miss: a cycle through a callback is not this pattern', () => {
    const f = cycle([
      { from: 'A', to: 'B', stack: ['signal: F → callback cb', 'lock: B'] },
      { from: 'B', to: 'A', stack: ['signal: F → callback cb', 'lock: A'] },
    ]);
    expect(match('fence-callback-sleeps', f)).toBe(false);
  });
});

describe('sleep-in-nonblocking-notifier', () => {
  it('reads the finding\'s reasons, not its message', () => {
    const f = sleep(['mmu_notifier_invalidate_range_start: {blockable: false} → cb', 'non_block_start', 'msleep'], ['non_block']);
    expect(match('sleep-in-nonblocking-notifier', { ...f, message: 'sleeping function called from invalid context: msleep' })).toBe(true);
    expect(match('sleep-in-nonblocking-notifier', { ...f, atomic: ['in_atomic'] })).toBe(false);
  });

  const nonBlocking = sleep(
    ['mmu_notifier_invalidate_range_start: {blockable: false} → gpu_invalidate', 'non_block_start', 'lock: notifier_lock'],
    ['non_block'],
  );

  it('a mutex in a classic notifier invoked by the OOM reaper', () => {
    expect(match('sleep-in-nonblocking-notifier', nonBlocking)).toBe(true);
    expect(diag(nonBlocking)).toBe('sleep-in-nonblocking-notifier');
  });

  it('an invoke with blockable: false', () => {
    const f = sleep(['invoke: {hook: mmu_notifier.invalidate_range_start, blockable: false} → cb', 'dma_fence_wait: F'], ['non_block']);
    expect(match('sleep-in-nonblocking-notifier', f)).toBe(true);
  });

  it('near miss: a non_block section outside any notifier', () => {
    expect(match('sleep-in-nonblocking-notifier', sleep(['non_block', 'msleep'], ['non_block']))).toBe(false);
  });

  it('near miss: a spinlock held in a blockable notifier (in_atomic, not non_block)', () => {
    const f = sleep(['mmu_notifier_invalidate_range_start: {blockable: true} → cb', 'with: S', 'msleep'], ['in_atomic']);
    expect(match('sleep-in-nonblocking-notifier', f)).toBe(false);
  });

  it('a fence callback run inside a non-blockable notifier is named as the callback', () => {
    const f = sleep(['mmu_notifier_invalidate_range_start: {blockable: false} → cb', 'non_block_start', 'signal: F → callback fcb', 'msleep'], ['in_atomic', 'irqs_disabled', 'non_block']);
    expect(match('sleep-in-nonblocking-notifier', f)).toBe(true);
    expect(diag(f)).toBe('fence-callback-sleeps');
  });
});

describe('diagnose', () => {
  it('null for a plain ABBA', () => {
    const f = cycle([
      { from: 'A', to: 'B', stack: ['with: A', 'lock: B'] },
      { from: 'B', to: 'A', stack: ['with: B', 'lock: A'] },
    ]);
    expect(diagnose(f)).toBe(null);
  });

  it('null for rules no pattern diagnoses', () => {
    const f = { ...sleep(['signal: F → callback cb', 'msleep'], ['in_atomic']), rule: 'bad-unlock' };
    expect(diagnose(f)).toBe(null);
  });

  it('gives the pattern and its remedy, and is pure', () => {
    const f = cycle([
      { from: 'dma_fence_map', to: 'obj_lock', stack: ['signalling', 'lock: obj_lock'] },
      { from: 'obj_lock', to: 'dma_fence_map', stack: ['with: obj_lock', 'dma_fence_wait: F'] },
    ]);
    const before = JSON.stringify(f);
    const d = diagnose(f);
    expect(d).toEqual({ pattern: 'lock-held-across-fence-wait', remedy: patternById('lock-held-across-fence-wait')!.meta.remedy });
    expect(diagnose(f)).toEqual(d);
    expect(JSON.stringify(f)).toBe(before);
  });

  it('the priority order is the documented one (the numbered list atop src/patterns/index.ts)', () => {
    const header = readFileSync(join(import.meta.dirname, '../../src/patterns/index.ts'), 'utf8').split('*/')[0]!;
    const documented = [...header.matchAll(/^ \* +(\d+)\. +([a-z][a-z0-9-]*) /gm)];
    expect(documented.map((m) => Number(m[1]))).toEqual(documented.map((_, i) => i + 1));
    expect(PATTERNS.map((p) => p.meta.id)).toEqual(documented.map((m) => m[2]));
    // The notifier diagnoses that are more specific come before the generic notifier-lock one.
    const at = (id: string) => PATTERNS.findIndex((p) => p.meta.id === id);
    expect(at('mmap-lock-in-notifier')).toBeLessThan(at('notifier-lock-across-alloc'));
    expect(at('fault-under-resv')).toBeLessThan(at('hmm-fault-under-resv'));
  });
});
