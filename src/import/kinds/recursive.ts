/** "possible recursive locking detected": the task takes a class it already holds. */
import type { ScenarioBuilder } from '../builder.js';

export function reconstructRecursive(b: ScenarioBuilder): void {
  const r = b.report;
  // A ww_mutex taken in an acquire context names it as nest_lock, and lockdep accepts the
  // second lock of its class (check_deadlock()): reported, it was taken without one (the
  // exporter's resv locked by dma_buf_detach() inside a drm_exec transaction).
  b.currentPath((s, p) => b.targetSteps(r.next!, s, p, { withoutCtx: true }), { irqsDisabled: b.irqsOffInReport() });
  b.expectLock(r.next?.name);
}
