/**
 * "possible irq lock inversion dependency detected": how the other lock got its usage, the
 * shortest dependency path between the two, and the task whose usage change closes it.
 */
import type { ScenarioBuilder } from '../builder.js';
import type { Context } from '../classify.js';

export function reconstructIrqInversion(b: ScenarioBuilder): void {
  const r = b.report;
  const state = (r.state ?? 'HARDIRQ').replace('-READ', '');
  const other = r.other;
  const tookUnsafe = r.direction === 'took-unsafe';
  if (other) {
    const blk = [...r.forwardDeps, ...r.backwardDeps].find((d) => d.lock.name === other.name);
    const want = tookUnsafe ? new RegExp(`^${state}-ON-`) : new RegExp(`^IN-${state}-`);
    const u = blk?.usages.find((x) => want.test(x.usage));
    // fencedep prints where the other lock got its usage ("... which became ... at:").
    const became = tookUnsafe ? r.unsafeAt : r.safeAt;
    const rw = /READ/.test(r.state ?? '') ? 'R' : 'W';
    const becameUsage = tookUnsafe ? `${state}-ON-${rw}` : `IN-${state}-${rw}`;
    if (u) b.usagePath(u.usage, other, u.frames, u.usage, u.path);
    else if (became) b.usagePath(becameUsage, other, became.frames, becameUsage, became.path);
    else b.guesses.push(`no trace of how ${other.name} became ${tookUnsafe ? `${state}-unsafe` : `${state}-safe`}: not reproduced`);
  }
  if (r.fencedep) {
    // fencedep prints the shortest path as chain entries: #1 is taken under the changed lock or its predecessor.
    b.fencedepChainPaths(tookUnsafe ? r.next!.name : other?.name ?? '', r.chain, true);
  } else {
    b.dependencyPaths(r.forwardDeps, tookUnsafe);
  }
  const context: Context = tookUnsafe ? (state === 'HARDIRQ' ? 'hardirq' : 'softirq') : 'process';
  b.currentPath((s, p) => b.targetSteps(r.next!, s, p, { needOn: !tookUnsafe, context }), { context });
  b.expectLock(r.next?.name);
  b.expectLock(other?.name);
}
