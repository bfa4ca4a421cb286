/** "bad unlock balance detected": the task releases a lock it does not hold. */
import type { LockType } from '../../model/scenario.js';
import type { ScenarioBuilder } from '../builder.js';
import type { Prim, SplitStack } from '../classify.js';
import type { ReportLock } from '../report.js';
import type { YStep } from '../yaml.js';

function releaseSteps(b: ScenarioBuilder, released: ReportLock, split: SplitStack): YStep[] {
  const un = split.prims.find((p) => p.op === 'unlock');
  const { info } = b.info(released.name);
  info.used = true;
  if (info.what.kind === 'decl' && !info.usage) {
    // Only the name is printed: the type comes from the unlock primitive.
    const fn = split.primFns.join(' ');
    const type: LockType = /mutex/.test(fn) ? 'mutex' : /up_read|up_write/.test(fn) ? 'rwsem' : /raw_spin/.test(fn) ? 'raw_spinlock' : /spin/.test(fn) ? 'spinlock' : /read_unlock|write_unlock/.test(fn) ? 'rwlock' : /percpu_up/.test(fn) ? 'percpu_rwsem' : /rcu/.test(released.name) ? 'map' : 'mutex';
    info.type = type;
    info.guess = /mutex|up_|spin|_unlock/.test(fn) ? null : 'only the name is printed: a mutex assumed';
  }
  const mode = un?.mode ?? (/up_read|read_unlock/.test(split.primFns.join(' ')) ? 'read' : 'write');
  const { a } = b.acq({ ...released, at: [] }, { op: 'spin', mode, ...(un?.irq ? { irq: un.irq } : {}) } as Prim);
  const oc = b.lockSteps({ ...a, mode }, null);
  if (oc.block) return [{ key: 'lock_map_release', arg: released.name }];
  return oc.close.map((s, i) => (i === 0 ? { ...s, comment: 'not held: the unbalanced release' } : s));
}

export function reconstructBadUnlock(b: ScenarioBuilder): void {
  const r = b.report;
  const released = r.next!;
  b.currentPath((s) => releaseSteps(b, released, s));
  b.expectLock(released.name);
}
