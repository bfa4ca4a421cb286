/** "Invalid wait context": the task takes a lock whose wait type its context or a held lock forbids. */
import type { ScenarioBuilder } from '../builder.js';
import type { Context } from '../classify.js';

/** invalid wait: the held lock lockdep found, as fencedep finds it (the first with the lowest inner wait type). */
function waitHolder(b: ScenarioBuilder): string | null {
  const r = b.report;
  if (r.notAllowedInside) return r.notAllowedInside.name;
  const next = r.next;
  if (!next?.wait) return null;
  const outer = next.wait[0] || next.wait[1];
  let curr = r.context ?? (b.profile.rawNesting ? 5 : 4);
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

export function reconstructInvalidWait(b: ScenarioBuilder): void {
  const r = b.report;
  const context: Context | null = r.context !== null && r.context <= (b.profile.rawNesting ? 3 : 2) ? (r.context === 2 ? 'hardirq' : 'softirq') : null;
  b.currentPath((s, p) => b.targetSteps(r.next!, s, p), { context });
  b.expectLock(r.next?.name);
  b.expectLock(waitHolder(b));
}
