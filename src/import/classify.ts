/**
 * What the frames of a kernel stack say: which ones are lockdep's own, which ones are the
 * locking primitive (and so the type and mode of the acquisition), which ones are the entry
 * boilerplate around the code that matters, and in which context (process, softirq, hardirq)
 * the code ran.
 */
import type { LockType } from '../model/scenario.js';
import { stepSpelling, type StepSpelling } from '../model/vocabulary.js';
import type { PrintedFrame } from './report.js';

/** lockdep, printk and stack-dumping internals: never part of the code being modelled. */
const INTERNAL = new Set([
  'lock_acquire', '__lock_acquire', 'lock_release', '__lock_release', 'lock_sync', 'mark_lock', 'mark_lock_irq', 'mark_usage',
  'mark_held_locks', 'validate_chain', 'check_prev_add', 'check_prevs_add', 'check_noncircular', 'check_irq_usage',
  'check_usage_forwards', 'check_usage_backwards', 'check_deadlock', 'check_wait_context', 'valid_state', 'print_usage_bug',
  'print_circular_bug', 'print_deadlock_bug', 'print_unlock_imbalance_bug', 'print_lock_invalid_wait_context', 'print_bad_irq_dependency',
  'print_irq_inversion_bug', 'dump_stack', 'dump_stack_lvl', '__dump_stack', 'show_stack', 'dump_backtrace', 'show_trace_log_lvl',
  '__might_sleep', '__might_resched', '___might_sleep', '__might_fault_check', 'lockdep_hardirqs_on_prepare', 'lockdep_hardirqs_on',
  '__trace_hardirqs_on_caller', 'trace_hardirqs_on', 'trace_hardirqs_off', 'register_lock_class', 'lock_is_held_type', 'look_up_lock_class',
  'hlock_class', 'rcu_is_watching', 'lock_acquired', 'lock_contended', '_printk', 'printk', 'vprintk', 'vprintk_emit', '__warn',
  'report_bug', 'debug_check_no_locks_held', '__schedule_bug', 'lock_acquire.part', 'lockdep_print_held_locks', 'lockdep_rcu_suspicious',
  '__bfs', 'check_path', 'check_redundant', 'print_shortest_lock_dependencies',
]);

export function isInternal(fn: string): boolean {
  return INTERNAL.has(fn) || fn.startsWith('__pfx_') || /^(?:lockdep_|__lockdep_)/.test(fn);
}

/** What a primitive frame says about the acquisition. */
export interface Prim {
  /** The family of lock or operation. */
  readonly op:
    | 'spin' | 'raw_spin' | 'rwlock' | 'mutex' | 'rt_mutex' | 'rwsem' | 'percpu_rwsem' | 'ww_mutex' | 'ww_acquire' | 'map' | 'srcu' | 'srcu_sync'
    | 'alloc' | 'fs_reclaim' | 'fence_wait' | 'signalling' | 'notifier' | 'interval_read' | 'might_fault' | 'flush_work' | 'flush_workqueue'
    | 'mmap' | 'i_mmap' | 'rcu' | 'sleep' | 'unlock';
  readonly mode?: 'read' | 'write';
  readonly irq?: 'irq' | 'irqsave' | 'bh';
  readonly trylock?: boolean;
}

function spinVariant(fn: string): Pick<Prim, 'irq' | 'trylock'> {
  const irq = /irqsave/.test(fn) ? 'irqsave' : /_irq\b|_irq$|_irq_/.test(fn) ? 'irq' : /_bh/.test(fn) ? 'bh' : undefined;
  return { ...(irq ? { irq } : {}), ...(/trylock/.test(fn) ? { trylock: true } : {}) };
}

/** The primitive a frame is, or null when it is code that calls one. */
export function primitive(fn: string): Prim | null {
  let m: RegExpExecArray | null;
  if (/^(?:_raw_|__raw_|do_raw_)?spin_(?:un)?lock/.test(fn) || /^queued_spin_lock/.test(fn) || /^_raw_spin_trylock/.test(fn)) {
    if (/unlock/.test(fn)) return { op: 'unlock', ...spinVariant(fn) };
    return { op: 'spin', ...spinVariant(fn) };
  }
  if (/^raw_spin_(?:rq_)?lock/.test(fn) || /^raw_spin_rq_/.test(fn)) return { op: 'raw_spin', ...spinVariant(fn) };
  if ((m = /^(?:_raw_|__raw_|queued_|do_raw_)?(read|write)_(?:un)?(?:lock|trylock)/.exec(fn))) {
    if (/unlock/.test(fn)) return { op: 'unlock', mode: m[1] === 'read' ? 'read' : 'write' };
    return { op: 'rwlock', mode: m[1] === 'read' ? 'read' : 'write', ...spinVariant(fn) };
  }
  if (/^(?:__)?mutex_(?:un)?lock|^__mutex_lock|^mutex_trylock|^__mutex_unlock/.test(fn)) {
    if (/unlock/.test(fn)) return { op: 'unlock' };
    return { op: 'mutex', ...(/trylock/.test(fn) ? { trylock: true } : {}) };
  }
  if (/^rt_mutex_(?:lock|trylock|slowlock)|^__rt_mutex/.test(fn)) return { op: 'rt_mutex' };
  if ((m = /^(?:__)?(?:percpu_down|percpu_up)_(read|write)|^__percpu_down_(read|write)|^percpu_rwsem_/.exec(fn))) {
    if (/percpu_up/.test(fn)) return { op: 'unlock' };
    return { op: 'percpu_rwsem', mode: /write/.test(fn) ? 'write' : 'read' };
  }
  if (/^cpus_read_lock|^get_online_cpus|^__sb_start_write|^sb_start_(?:write|pagefault|intwrite)|^mnt_want_write|^file_start_write|^cgroup_threadgroup_change_begin/.test(fn)) {
    return { op: 'percpu_rwsem', mode: 'read' };
  }
  if (/^cpus_write_lock|^percpu_down_write|^freeze_super|^sb_wait_write/.test(fn)) return { op: 'percpu_rwsem', mode: 'write' };
  if (/^(?:__)?(?:down|up)_(read|write)|^rwsem_down_(read|write)|^__down_(read|write)|^down_(read|write)_(?:killable|interruptible|trylock|nested)/.test(fn)) {
    if (/^up_|__up_/.test(fn)) return { op: 'unlock', mode: /read/.test(fn) ? 'read' : 'write' };
    return { op: 'rwsem', mode: /read/.test(fn) ? 'read' : 'write', ...(/trylock/.test(fn) ? { trylock: true } : {}) };
  }
  if (/^mmap_(read|write)_(?:lock|trylock)|^__mmap_lock|^lock_mm_and_find_vma|^mmap_assert/.test(fn)) return { op: 'mmap', mode: /write/.test(fn) ? 'write' : 'read' };
  if (/^mmap_(?:read|write)_unlock/.test(fn)) return { op: 'unlock', mode: /write/.test(fn) ? 'write' : 'read' };
  if (/^i_mmap_lock_(read|write)/.test(fn)) return { op: 'i_mmap', mode: /write/.test(fn) ? 'write' : 'read' };
  if (/^(?:__)?ww_mutex_(?:lock|trylock)|^__ww_mutex|^dma_resv_(?:lock|trylock)|^ww_mutex_lock_slow|^ttm_bo_reserve|^drm_modeset_lock$|^modeset_lock/.test(fn)) {
    return { op: 'ww_mutex', ...(/trylock/.test(fn) ? { trylock: true } : {}) };
  }
  if (/^(?:ww_mutex_unlock|dma_resv_unlock|ttm_bo_unreserve)/.test(fn)) return { op: 'unlock' };
  if (/^ww_acquire_init|^drm_exec_init|^drm_modeset_acquire_init/.test(fn)) return { op: 'ww_acquire' };
  if (/^lock_map_acquire|^lock_map_release|^lock_map_sync/.test(fn)) return { op: 'map' };
  if (/^__srcu_read_lock|^srcu_read_lock/.test(fn)) return { op: 'srcu', mode: 'read' };
  if (/^(?:__)?synchronize_srcu/.test(fn)) return { op: 'srcu_sync' };
  if (/^(?:__)?fs_reclaim_acquire/.test(fn)) return { op: 'fs_reclaim' };
  if (
    /^(?:__)?(?:kmalloc|kzalloc|kcalloc|krealloc|kvmalloc|kvzalloc|vmalloc|vzalloc|kmemdup|kstrdup)/.test(fn) ||
    /^(?:__)?kmem_cache_alloc|^slab_(?:pre_)?alloc|^slab_alloc|^might_alloc|^__alloc_pages|^alloc_pages|^prepare_alloc_pages|^alloc_pages_mpol|^folio_alloc|^__folio_alloc|^__get_free_pages|^get_zeroed_page|^__vmalloc|^mempool_alloc|^kmalloc_trace|^__kmem_cache_alloc|^kmalloc_node|^__kmalloc/.test(fn)
  ) {
    return { op: 'alloc' };
  }
  if (/^__dma_fence_might_wait|^dma_fence_wait|^dma_fence_default_wait|^dma_resv_wait_timeout|^dma_fence_wait_timeout/.test(fn)) return { op: 'fence_wait' };
  if (/^dma_fence_begin_signalling/.test(fn)) return { op: 'signalling' };
  if (/^(?:__)?mmu_notifier_invalidate_range_start|^mn_itree_invalidate|^mn_hlist_invalidate_range_start/.test(fn)) return { op: 'notifier' };
  if (/^mmu_interval_read_begin/.test(fn)) return { op: 'interval_read' };
  if (/^__might_fault|^might_fault|^_copy_(?:from|to)_user|^copy_(?:from|to)_user|^__get_user|^__put_user|^strncpy_from_user|^_inline_copy/.test(fn)) return { op: 'might_fault' };
  if (/^(?:__)?flush_work|^__cancel_work(?:_timer|_sync)?|^cancel_work_sync|^cancel_delayed_work_sync|^touch_work_lockdep_map|^__flush_delayed_work/.test(fn)) return { op: 'flush_work' };
  if (/^(?:__)?flush_workqueue|^drain_workqueue|^touch_wq_lockdep_map|^destroy_workqueue/.test(fn)) return { op: 'flush_workqueue' };
  if (/^rcu_read_lock|^rcu_lock_acquire/.test(fn)) return { op: 'rcu' };
  if (/^(?:msleep|usleep_range|schedule_timeout|schedule$|__schedule$|wait_for_completion|wait_event|synchronize_rcu|cond_resched|__cond_resched|might_sleep)/.test(fn)) return { op: 'sleep' };
  return null;
}

/** Outermost frames that only get the code running: syscalls, kthreads, initcalls, idle, irq entry. */
const BOILERPLATE = [
  /^entry_SYSCALL/, /^do_syscall_(?:64|x64|32)/, /^x64_sys_call$/, /^__x64_sys_/, /^__ia32_sys_/, /^__arm64_sys_/, /^__se_sys_/, /^__do_sys_/,
  /^ksys_ioctl$/, /^el0_/, /^el0t_/, /^do_el0_svc/, /^invoke_syscall/, /^ret_from_fork/, /^ret_from_kernel_thread/, /^kthread$/,
  /^worker_thread$/, /^process_one_work$/, /^process_scheduled_works$/, /^smpboot_thread_fn$/, /^do_one_initcall$/, /^do_initcalls$/,
  /^do_initcall_level$/, /^kernel_init/, /^start_kernel$/, /^x86_64_start_/, /^common_startup_64$/, /^secondary_startup_64/,
  /^start_secondary$/, /^secondary_start_kernel$/, /^cpu_startup_entry$/, /^do_idle$/, /^cpuidle_/, /^asm_/, /^common_interrupt$/,
  /^__common_interrupt$/, /^sysvec_/, /^__sysvec_/, /^irq_exit/, /^__irq_exit_rcu$/, /^smp_apic_timer_interrupt$/, /^apic_timer_interrupt$/,
  /^syscall_exit_to_user_mode/, /^exit_to_user_mode/, /^__syscall_exit_to_user_mode_work$/, /^tracehook_notify_resume$/, /^0x0$/,
  /^rest_init$/, /^arch_call_rest_init$/, /^el1h_64_/, /^el1_interrupt$/, /^gic_handle_irq$/, /^call_on_irq_stack$/, /^do_interrupt_handler$/,
  /^run_ksoftirqd$/, /^kthread_worker_fn$/,
];

export function isBoilerplate(fn: string): boolean {
  return BOILERPLATE.some((r) => r.test(fn));
}

/** Frames at which interrupt handling starts: the code inside runs in that context. */
const HARDIRQ_ENTRY = [
  /^__handle_irq_event_percpu$/, /^handle_irq_event/, /^handle_(?:edge|level|fasteoi|simple|percpu_devid)_irq$/, /^irq_work_single$/,
  /^irq_work_run/, /^__sysvec_irq_work$/, /^__hrtimer_run_queues$/, /^hrtimer_interrupt$/, /^generic_handle_(?:domain_)?irq/,
  /^handle_irq_desc$/, /^__handle_domain_irq$/, /^handle_domain_irq$/,
];
const SOFTIRQ_ENTRY = [
  /^__do_softirq$/, /^handle_softirqs$/, /^do_softirq/, /^run_timer_softirq$/, /^__run_timers$/, /^call_timer_fn$/, /^tasklet_action/,
  /^net_rx_action$/, /^rcu_core$/, /^rcu_do_batch$/, /^blk_done_softirq$/, /^run_ksoftirqd$/, /^__napi_poll$/, /^expire_timers$/,
];

export type Context = 'process' | 'softirq' | 'hardirq';

export interface SplitStack {
  /** The primitive frames, innermost first (what the innermost operation is). */
  readonly prims: readonly Prim[];
  readonly primFns: readonly string[];
  /** The code, outermost first, boilerplate removed. */
  readonly fns: string[];
  readonly context: Context;
  /** Frames left out (boilerplate and frames past the cap). */
  readonly dropped: number;
}

const MAX_FUNCTIONS = 14;

/** Split a kernel stack (innermost first) into the primitive, the code, and the context. */
export function splitStack(frames: readonly PrintedFrame[], knownContext: Context | null = null): SplitStack {
  let i = 0;
  const prims: Prim[] = [];
  const primFns: string[] = [];
  while (i < frames.length) {
    const fn = frames[i]!.fn;
    if (isInternal(fn)) {
      i++;
      continue;
    }
    const p = primitive(fn);
    if (!p) break;
    prims.push(p);
    primFns.push(fn);
    i++;
  }
  let callers = frames.slice(i).map((f) => f.fn);
  let context: Context = knownContext ?? 'process';
  // The innermost irq entry frame decides the context; everything outside it is the interrupted code.
  for (let k = 0; k < callers.length; k++) {
    const fn = callers[k]!;
    const hard = HARDIRQ_ENTRY.some((r) => r.test(fn));
    const soft = SOFTIRQ_ENTRY.some((r) => r.test(fn));
    if (hard || soft) {
      if (knownContext === null) context = hard ? 'hardirq' : 'softirq';
      // Keep the timer callback / tasklet function itself, drop the machinery.
      callers = callers.slice(0, k);
      break;
    }
  }
  let dropped = frames.length - i - callers.length;
  while (callers.length > 0 && isBoilerplate(callers[callers.length - 1]!)) {
    callers.pop();
    dropped++;
  }
  // Boilerplate can also sit inside (a kthread function called by kthread): drop it wherever it is.
  const kept = callers.filter((fn) => !isBoilerplate(fn) && !isInternal(fn) && primitive(fn) === null);
  dropped += callers.length - kept.length;
  let capped = kept;
  if (capped.length > MAX_FUNCTIONS) {
    dropped += capped.length - MAX_FUNCTIONS;
    capped = capped.slice(0, MAX_FUNCTIONS);
  }
  return { prims, primFns, fns: capped.reverse(), context, dropped };
}

/** The primitive of an `at:` frame: a kernel function's, or a fencedep step's (`spin_trylock: L`). */
export function framePrim(f: PrintedFrame): Prim | null {
  return f.step !== undefined ? stepPrim(f.step) : primitive(f.fn);
}

/** The primitive family of each lock type a step spelling takes. */
const FAMILY: Readonly<Record<LockType, Prim['op'] | null>> = {
  mutex: 'mutex', rt_mutex: 'rt_mutex', spinlock: 'spin', raw_spinlock: 'raw_spin', rwlock: 'rwlock', rwsem: 'rwsem',
  percpu_rwsem: 'percpu_rwsem', ww_mutex: 'ww_mutex', semaphore: null, srcu: 'srcu', map: 'map',
};

/** The types whose steps the import reads a mode from (a map only for read). */
const MODED: ReadonlySet<Prim['op']> = new Set(['rwlock', 'rwsem', 'percpu_rwsem', 'mmap', 'i_mmap', 'srcu']);

/**
 * A fencedep trace step's operation as a primitive, from the step vocabulary: its category,
 * operation and lock use (src/model/vocabulary.ts).
 */
export function stepPrim(step: string): Prim | null {
  const name = /^([a-z_]+)/.exec(step)?.[1] ?? '';
  const s = stepSpelling(name);
  return (s ? spellingPrim(s) : null) ?? (/mode: read/.test(step) ? { op: 'rwsem', mode: 'read' } : null);
}

function spellingPrim(s: StepSpelling): Prim | null {
  if (s.op === 'acquire' && s.lock) {
    const l = s.lock;
    const trylock = l.trylock === true;
    // `lock`/`trylock` of any type: only a trylock says something (a mutex assumed).
    if (l.types.length === 0) return trylock ? { op: 'mutex', trylock } : null;
    const op = l.fixed === 'mmap_lock' ? 'mmap' : l.fixed === 'i_mmap_rwsem' ? 'i_mmap' : FAMILY[l.types[0]!];
    if (!op) return null;
    const mode = l.mode === undefined ? undefined : l.mode === 'write' ? 'write' : 'read';
    return {
      op,
      ...(mode && (MODED.has(op) || (op === 'map' && mode === 'read')) ? { mode } : {}),
      ...(l.irq && l.irq !== 'none' ? { irq: l.irq } : {}),
      ...(trylock ? { trylock } : {}),
    };
  }
  switch (s.op) {
    case 'alloc':
      return { op: 'alloc' };
    case 'fs_reclaim':
      return s.fields?.action === 'acquire' ? { op: 'fs_reclaim' } : null;
    case 'fence_wait':
      return { op: 'fence_wait' };
    case 'signalling':
      return { op: 'signalling' };
    case 'signalling_annotation':
      return s.fields?.action === 'begin' ? { op: 'signalling' } : null;
    case 'mmu_notifier':
      return s.fields?.phase === 'start' ? { op: 'notifier' } : null;
    case 'mmu_interval_read_begin':
      return { op: 'interval_read' };
    case 'might_fault':
      return { op: 'might_fault' };
    case 'workqueue_flush':
      return { op: s.fields?.kind === 'queue' ? 'flush_workqueue' : 'flush_work' };
    case 'lock_sync':
      return s.lock?.types.includes('srcu') ? { op: 'srcu_sync' } : null;
    case 'rcu':
      return s.fields?.action === 'lock' ? { op: 'rcu' } : null;
    case 'rcu_section':
      return { op: 'rcu' };
    case 'ww_acquire_init':
      return { op: 'ww_acquire' };
    default:
      return null;
  }
}
