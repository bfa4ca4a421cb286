/**
 * "BUG: sleeping function called from invalid context": the task sleeps (a sleeping lock, an
 * allocation, a fault, a fence wait) where it may not: under a spinning lock, in RCU, with
 * preemption or irqs disabled, in an interrupt.
 */
import type { LockType } from '../../model/scenario.js';
import type { ScenarioBuilder } from '../builder.js';
import { KERNEL_MODEL_LOCKS } from '../classes.js';
import { stepSpelling } from '../../model/vocabulary.js';
import { stepPrim, type SplitStack } from '../classify.js';
import type { YStep } from '../yaml.js';

function sleepSteps(b: ScenarioBuilder, split: SplitStack): YStep[] {
  const r = b.report;
  const sl = r.sleep!;
  const caller = split.fns[split.fns.length - 1] ?? 'code';
  const file = sl.file ?? '';
  if (sl.what) {
    // fencedep's own report names the step that slept.
    const m = /^([a-z_]+)(?::\s*(.+))?$/.exec(sl.what);
    const op = m?.[1] ?? 'might_sleep';
    const arg = m?.[2] ?? null;
    // What the step is, from the step vocabulary.
    const spelling = stepSpelling(op);
    if (spelling && (spelling.category === 'lock' || spelling.op === 'with') && arg) {
      const scen = arg.replace(/^\{name: /, '').replace(/[,}].*$/, '').replace(/\[.*\]$/, '').trim();
      const known = r.aliases.get(scen) ?? KERNEL_MODEL_LOCKS.get(scen);
      if (known) {
        b.expectLock(known);
        const { a } = b.acq(known, stepPrim(sl.what));
        const oc = b.lockSteps(a, null);
        return [...oc.open, ...oc.close];
      }
      return inventLock(b, scen, op, caller, true);
    }
    switch (spelling?.category) {
      case 'allocation':
        if (spelling.op === 'alloc') return [{ key: 'kmalloc', arg: arg ?? 'GFP_KERNEL' }];
        break;
      case 'fence wait':
        return [{ key: 'dma_fence_wait', arg: b.fence(caller) }];
      case 'fault':
        b.kernelUsed = true;
        return [{ key: 'might_fault', arg: null }];
      case 'sleep':
        return [{ key: op, arg: null }];
    }
    return [{ key: 'might_sleep', arg: null }];
  }
  const prim = split.prims.find((p) => p.op !== 'sleep') ?? null;
  const fns = split.primFns.join(' ');
  if (/kernel\/locking\/mutex\.c/.test(file) || prim?.op === 'mutex') return inventLock(b, `mutex in ${caller}`, 'mutex_lock', caller, false);
  if (/kernel\/locking\/rwsem\.c/.test(file) || prim?.op === 'rwsem') return inventLock(b, `rwsem in ${caller}`, /write/.test(fns) ? 'down_write' : 'down_read', caller, false);
  if (/mm\/(?:slab|slub|page_alloc|vmalloc)\.c|include\/linux\/sched\/mm\.h|mm\/slab\.h/.test(file) || prim?.op === 'alloc') {
    return [{ key: 'kmalloc', arg: 'GFP_KERNEL', comment: 'guess: GFP_KERNEL (the report shows a blocking allocation, not its flags)' }];
  }
  if (/mm\/memory\.c/.test(file) || prim?.op === 'might_fault') {
    b.kernelUsed = true;
    return [{ key: 'might_fault', arg: null }];
  }
  if (prim?.op === 'fence_wait') return [{ key: 'dma_fence_wait', arg: b.fence(caller) }];
  return [{ key: 'might_sleep', arg: null, comment: `${split.primFns[0] ?? 'the code'} may sleep (${file || 'file not printed'})` }];
}


function inventLock(b: ScenarioBuilder, name: string, op: string, caller: string, named: boolean): YStep[] {
  const type: LockType = /down_|rwsem/.test(op) ? 'rwsem' : /percpu/.test(op) ? 'percpu_rwsem' : /ww_|dma_resv/.test(op) ? 'ww_mutex' : 'mutex';
  const c = b.info(name).info;
  if (c.what.kind === 'decl' && !c.usage) {
    c.type = type;
    c.guess = named ? 'the sleeping lock is named only by its scenario name in the report' : `the BUG does not name the ${type} ${caller}() takes: a class of its own`;
  }
  c.used = true;
  if (!b.invented.includes(c.base)) b.invented.push(c.base);
  b.expectLock(c.base);
  const { a } = b.acq(c.base, null);
  const oc = b.lockSteps({ ...a, mode: /read/.test(op) ? 'read' : 'write' }, null);
  return [...oc.open, ...oc.close];
}

export function reconstructSleepInAtomic(b: ScenarioBuilder): void {
  const r = b.report;
  const sl = r.sleep!;
  const atomic = (r.held ?? []).filter((h) => {
    const c = b.info(h.lock.name).info;
    return b.spinning(c) || c.what.kind === 'rcu';
  });
  for (const h of atomic) b.expectLock(h.lock.name);
  const inIrq = r.backtraceInIrq;
  b.currentPath(
    (s) => {
      let steps = sleepSteps(b, s);
      if (sl.inAtomic && atomic.length === 0 && !inIrq) {
        steps = [{ key: 'preempt_disable', arg: null, comment: 'in_atomic() with no spinning lock held: preemption disabled' }, ...steps, { key: 'preempt_enable', arg: null }];
      }
      if (sl.nonBlock > 0) steps = [{ key: 'non_block_start', arg: null, comment: 'non_block: the report says a non-blocking section' }, ...steps, { key: 'non_block_end', arg: null }];
      if (sl.rcuDepth > 0 && !atomic.some((h) => b.info(h.lock.name).info.what.kind === 'rcu')) {
        steps = [{ key: 'rcu_read_lock', arg: null, comment: 'RCU nest depth > 0' }, ...steps, { key: 'rcu_read_unlock', arg: null }];
        b.expectLock('rcu_read_lock');
      }
      return steps;
    },
    { irqsDisabled: sl.irqsDisabled && !inIrq, context: inIrq ? 'hardirq' : null },
  );
}
