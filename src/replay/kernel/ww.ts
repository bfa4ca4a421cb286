/**
 * ww_mutex acquire contexts (docs/kernel-semantics.md §2): lockdep's view of a transaction (one lock
 * nested under the context), the ww debug checks and the design rules beyond lockdep.
 */
import type { Frame } from '../../model/location.js';
import type { LockLine } from '../../model/finding.js';
import { DEFAULT_WW_CLASS, wwAcquireLock, type AcquireStep, type LockDecl, type Step } from '../../model/scenario.js';
import { InputError } from '../../load/errors.js';
import { lockLine, type LockClass } from '../classes.js';
import { traceStep } from '../lockdep.js';
import type { Activation, Machine } from '../machine.js';
import type { Task } from '../task.js';

export class WwTransactions {
  constructor(private readonly m: Machine) {}

  execute(task: Task, step: Step): void {
    switch (step.op) {
      case 'ww_acquire_init': {
        const map = this.acquireClass(step.wwClass);
        this.m.take(task, map, 0, false, step.ctx);
        task.wwContexts.set(step.ctx, { wwClass: step.wwClass, owned: new Set(), done: false, contending: null, relock: [] });
        task.wwEnded.delete(step.ctx);
        break;
      }
      case 'ww_acquire': {
        const ctx = task.wwContexts.get(step.ctx);
        if (step.action === 'done') {
          if (ctx?.done) this.misuse(task, step.ctx, 'ww_ctx->done_acquire', 'ww_acquire_done() called twice', null);
          if (ctx) ctx.done = true;
          break;
        }
        if (step.action === 'unlock_all') {
          if (!ctx) break;
          // Newest first, as drm_exec_unlock_all() walks its array in reverse.
          for (const key of [...ctx.owned].reverse()) {
            const { decl, instance } = this.parseKey(key);
            this.m.drop(task, decl, step.label, instance);
          }
          ctx.relock = [...ctx.owned];
          ctx.owned.clear();
          break;
        }
        if (ctx && ctx.owned.size) this.misuse(task, step.ctx, 'ctx->acquired', `ww_acquire_fini() while the context still holds ${[...ctx.owned].join(', ')}`, null);
        const wwClass = ctx?.wwClass ?? task.wwEnded.get(step.ctx) ?? DEFAULT_WW_CLASS;
        this.m.drop(task, this.acquireClass(wwClass), step.label, step.ctx);
        task.wwContexts.delete(step.ctx);
        task.wwEnded.set(step.ctx, wwClass);
        break;
      }
    }
  }

  /**
   * ww_mutex_lock(lock, ctx): -EALREADY (nothing at all) for a lock the context owns; otherwise
   * a sleeping acquisition of the ww class's mutex class with the context as nest_lock, so
   * lockdep sees the whole transaction as one lock.
   */
  lock(task: Task, step: AcquireStep, decl: LockDecl, ctxName: string, stack: Activation[], frame: Frame): void {
    const ctx = task.wwContexts.get(ctxName);
    if (!ctx) {
      this.m.inputError(new InputError(`ww acquire context "${ctxName}" is not initialised on this path (ww_acquire_init first)`, step.loc));
      return;
    }
    const key = `${decl.name}[${step.lock.instance ?? ''}]`;
    if (ctx.owned.has(key)) return;
    const cls = this.m.lockdep.classes.classOf(decl, step.subclass);
    const line = () => lockLine(cls, step.lock.instance, traceStep(frame));
    // The kernel's CONFIG_DEBUG_WW_MUTEXES checks (ww_mutex_lock_acquired(), ww_mutex_lock_slow()).
    if (ctx.done) this.misuse(task, ctxName, 'ww_ctx->done_acquire', `${key} taken after ww_acquire_done()`, line());
    if (decl.wwClass !== ctx.wwClass) this.misuse(task, ctxName, 'ww_ctx->ww_class != ww->ww_class', `${key} is of ${decl.wwClass}, the context of ${ctx.wwClass}`, line());
    if (step.slow && !ctx.contending) this.misuse(task, ctxName, '!ctx->contending_lock', `slow-path lock of ${key} with no -EDEADLK before it`, line());
    if (ctx.contending) {
      if (step.result === 'edeadlk') this.misuse(task, ctxName, 'ww_ctx->contending_lock', `a second -EDEADLK (${key}) before backing off from ${ctx.contending}`, line());
      else {
        if (ctx.contending !== key) this.misuse(task, ctxName, 'ww_ctx->contending_lock != ww', `after -EDEADLK on ${ctx.contending}, ${key} is taken instead`, line());
        if (ctx.owned.size) this.misuse(task, ctxName, 'ww_ctx->acquired > 0', `after -EDEADLK on ${ctx.contending}, ${key} is taken while the context still holds ${[...ctx.owned].join(', ')}`, line());
        ctx.contending = null;
      }
    }
    if (ctx.owned.size) {
      if (!step.onEdeadlk && step.result === undefined && !step.slow && task.inRetry === 0)
        this.m.sink.report('ww-edeadlk-unhandled', { site: this.m.lockdep.site(task), lock: line(), ctx: ctxName, owned: [...ctx.owned] });
      this.lockBetweenReservations(task, cls, ctxName, line);
    }
    const branch = step.onEdeadlk !== undefined && ctx.owned.size > 0 && task.branchSeen++ === task.branchAt;
    if (step.result === 'edeadlk' && ctx.owned.size === 0)
      this.misuse(task, ctxName, 'ctx->acquired == 0', `-EDEADLK on ${key}, but a context that holds no lock never gets -EDEADLK`, line());
    this.m.lockdep.sleepCheck(task, step.label, cls, step.lock.instance);
    const nest = { cls: this.acquireClass(ctx.wwClass).name, instance: ctxName };
    this.m.lockdep.acquire(task, cls, decl.name, step.lock.instance, 0, false, nest);
    if (step.result === 'edeadlk' || branch) {
      // -EDEADLK: validated like an acquisition, then released; the context must back off.
      this.m.lockdep.release(task, step.lock, `${step.label} (-EDEADLK)`, decl);
      ctx.contending = key;
      if (branch) {
        task.inRetry++;
        this.m.open(stack, step.onEdeadlk!, frame, true, () => task.inRetry--);
      }
      return;
    }
    ctx.owned.add(key);
    // The retry after a back-off that dropped everything: the loop body locks the others again.
    if (step.slow && ctx.relock.length) {
      for (const k of ctx.relock) {
        if (ctx.owned.has(k)) continue;
        const { decl: d, instance } = this.parseKey(k);
        this.m.lockdep.acquire(task, this.m.lockdep.classes.classOf(d, 0), d.name, instance, 0, false, nest);
        ctx.owned.add(k);
      }
      ctx.relock = [];
    }
  }

  /** A key of `WwContext.owned` (`decl[instance]`; names have no brackets) back to its lock. */
  private parseKey(key: string): { decl: LockDecl; instance: string | null } {
    const [, name, instance] = /^([^[]*)\[(.*)\]$/.exec(key)!;
    return { decl: this.m.program.locks.get(name!)!, instance: instance || null };
  }

  /** docs/kernel-semantics.md §8.6 item 26: a plain lock held between two reservations of a context. */
  private lockBetweenReservations(task: Task, cls: LockClass, ctxName: string, line: () => LockLine): void {
    const held = task.held;
    const first = held.findIndex((h) => h.cls === cls && h.nest?.instance === ctxName);
    if (first < 0) return;
    for (let i = first + 1; i < held.length; i++) {
      const h = held[i]!;
      if (h.cls === cls || !h.cls.check || h.cls.type === 'map') continue;
      this.m.sink.report('ww-lock-between-reservations', {
        site: this.m.lockdep.site(task), reservation: line(), between: this.m.lockdep.line(h), first: this.m.lockdep.line(held[first]!), ctx: ctxName,
      });
      return;
    }
  }

  private misuse(task: Task, ctx: string, check: string, what: string, lock: LockLine | null): void {
    this.m.sink.report('ww-misuse', { site: this.m.lockdep.site(task), check, what, lock, ctx });
  }

  /** The pseudo-lock `<ww_class>_acquire` of a ww class's acquire contexts. */
  private acquireClass(wwClass: string): LockDecl {
    return this.m.pseudoLock(wwAcquireLock(wwClass));
  }
}
