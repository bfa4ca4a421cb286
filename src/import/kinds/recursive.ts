/** "possible recursive locking detected": the task takes a class it already holds. */
import type { ScenarioBuilder } from '../builder.js';

export function reconstructRecursive(b: ScenarioBuilder): void {
  const r = b.report;
  b.currentPath((s, p) => b.targetSteps(r.next!, s, p), { irqsDisabled: b.irqsOffInReport() });
  b.expectLock(r.next?.name);
}
