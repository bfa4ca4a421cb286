/**
 * "possible circular locking dependency detected": one path per dependency of the chain
 * (`-> #N` entries, innermost first; the kernel model's own dependencies come from its
 * include), then the task that closes the cycle holding its held locks.
 */
import { bySameStep, type ScenarioBuilder } from '../builder.js';
import type { ReportLock } from '../report.js';

/** The dependency of every chain entry into its parent, as a path. */
function chainPaths(b: ScenarioBuilder): void {
  const r = b.report;
  const entries = [...r.chain].sort((x, y) => x.index - y.index);
  const byIndex = new Map(entries.map((e) => [e.index, e]));
  for (const e of [...entries].reverse()) {
    if (e.index === 0) continue;
    // Entry #0 is always the lock being acquired: a paste cut before it still names it.
    const parent = byIndex.get(e.index - 1) ?? (e.index === 1 && r.next ? { index: 0, lock: r.next, frames: [] } : undefined);
    if (!parent) {
      r.notes.push(`chain entry #${e.index - 1} is missing: the dependency into #${e.index} was not generated`);
      continue;
    }
    const from = parent.lock.name;
    const to = e.lock.name;
    // Recorded by the step that recorded the dependency into the parent (fs_reclaim_acquire:
    // X -> fs_reclaim, then fs_reclaim -> the notifier map): the parent's path records it too.
    if (r.fencedep && parent.index > 0 && bySameStep(e, parent)) {
      b.notes.push(`-> #${e.index}: ${to} under ${from}: taken by the same step as #${parent.index}`);
      continue;
    }
    // A kernel-model dependency comes from include: [kernel]; in fencedep's own report, only
    // one the model's paths recorded (a scenario's fs_reclaim_acquire records its own).
    if (b.isKernelEdge(from, to) && (!r.fencedep || e.path === undefined || e.path.startsWith('kernel:'))) {
      b.kernelUsed = true;
      const how = e.frames.some((f) => f.fn === 'dma_resv_lockdep') || e.path === 'kernel:dma_resv_lockdep' ? 'boot-time priming (dma_resv_lockdep)' : 'the kernel model';
      b.notes.push(`-> #${e.index}: ${to} under ${from}: ${how}, from include: [kernel]`);
      continue;
    }
    const split = b.split(e.frames);
    const fnInner = split.fns[split.fns.length - 1];
    const name = e.path ?? `#${e.index}: ${fnInner ?? 'code'} takes ${to} under ${from}`;
    const parentInfo = b.info(from).info;
    const comment = [`-> #${e.index}: the dependency ${from} -> ${to}`];
    // A work item's own maps come from running it on its queue.
    if (parentInfo.what.kind === 'work' && e.frames.some((f) => f.fn === 'process_one_work' || f.fn === 'worker_thread')) {
      const queue = b.queueOf() ?? 'events';
      if (!b.queueOf()) b.guesses.push(`the queue of ${from} is not in the report: "events" assumed`);
      b.buildPath({
        name, comment, frames: e.frames, held: [
          { ref: { name: `(wq_completion)${queue}`, usage: null, wait: null, instance: null, at: [] } },
          { ref: parent.lock },
        ],
        op: (s, p) => b.targetSteps(e.lock, s, p),
      });
      continue;
    }
    b.buildPath({
      name,
      comment,
      frames: e.frames,
      held: [{ ref: { ...parent.lock, at: [] }, atTop: true, comment: e.path !== undefined ? undefined : `guess: where ${from} was taken is not in the report` }],
      op: (s, p) => b.targetSteps(e.lock, s, p),
    });
  }
}

export function reconstructCircular(b: ScenarioBuilder): void {
  const r = b.report;
  chainPaths(b);
  b.currentPath((s, p) => b.targetSteps(r.next!, s, p), { irqsDisabled: b.irqsOffInReport() });
  const names = r.chain.length > 0 ? r.chain.map((e) => e.lock.name) : (r.chainExists ?? [r.next?.name, r.prev?.name].filter((x): x is string => !!x));
  if (r.chain.length === 0) b.guesses.push('the report has no dependency chain: only the current task was generated, the cycle cannot close');
  for (const n of names) b.expectLock(n);
  // A chain cut before entry #0: the lock being acquired closes the cycle all the same.
  if (r.chain.length > 0 && r.next && !r.chain.some((e) => e.index === 0)) b.expectLock(r.next.name);
}
