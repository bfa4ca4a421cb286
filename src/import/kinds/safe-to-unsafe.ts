/**
 * "HARDIRQ-safe -> HARDIRQ-unsafe lock order detected" (and softirq, read): where the safe and
 * the unsafe lock got their usage, the dependencies between them, and the task that links them.
 */
import type { ScenarioBuilder } from '../builder.js';

/**
 * The irq contexts a lock was written in, by its usage characters (`{+--.}`: hardirq write,
 * hardirq read, softirq write, softirq read; `-` or `?` is "used in").
 */
function writtenIn(usage: string | null): ('HARDIRQ' | 'SOFTIRQ')[] {
  const u = (usage ?? '').replace(/[{}]/g, '');
  return (['HARDIRQ', 'SOFTIRQ'] as const).filter((_, i) => /[-?]/.test(u[2 * i] ?? '.'));
}

export function reconstructSafeToUnsafe(b: ScenarioBuilder): void {
  const r = b.report;
  const safeUsage = `IN-${(r.state ?? 'HARDIRQ').replace('-READ', '')}-${/READ/.test(r.state ?? '') ? 'R' : 'W'}`;
  if (r.safe && r.safeAt && !b.byReportedStep(r.safeAt.path, r.safeAt.frames)) b.usagePath(`${r.state}-safe`, r.safe, r.safeAt.frames, safeUsage, r.safeAt.path);
  // fencedep prints one usage trace of the safe lock; the usage characters show the others,
  // and a read-held safe lock's irq check counts only its write usages (usage_accumulate()).
  if (r.fencedep && r.safe) {
    for (const state of writtenIn(r.safe.usage)) {
      const usage = `IN-${state}-W`;
      if (usage !== safeUsage) b.usagePath(usage, r.safe, [], usage);
    }
  }
  if (r.unsafe && r.unsafeAt && !b.byReportedStep(r.unsafeAt.path, r.unsafeAt.frames)) b.usagePath(`${r.state}-unsafe`, r.unsafe, r.unsafeAt.frames, `${(r.state ?? 'HARDIRQ').replace('-READ', '')}-ON-W`, r.unsafeAt.path);
  if (r.fencedep) {
    // The safe lock's usage was reached through its first dependency: a strong one.
    if (r.safe) b.fencedepChainPaths(r.safe.name, r.backwardChain, true);
    if (r.next) b.fencedepChainPaths(r.next.name, r.chain);
  } else {
    b.dependencyPaths(r.backwardDeps, false);
    b.dependencyPaths(r.forwardDeps, true);
  }
  b.currentPath((s, p) => b.targetSteps(r.next!, s, p), { irqsDisabled: b.irqsOffInReport(), ...(r.backtrace.length === 0 && r.next ? { frames: [] } : {}) });
  b.expectLock(r.safe?.name);
  b.expectLock(r.unsafe?.name);
}
