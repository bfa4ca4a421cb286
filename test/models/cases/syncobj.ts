/** drm/syncobj: lookups, fence replacement and timeline points, and the waits for userspace. */
import type { Case } from '../case.js';

const WAIT = 'DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT';

/** A path named `name` with `steps` (YAML flow items). */
function path(name: string, ...steps: string[]): string {
  return `  - name: ${name}\n    steps:\n${steps.map((s) => `      - ${s}\n`).join('')}`;
}

/** `call` inside a ww transaction holding dma_resv[bo]. */
function underResv(call: string): string {
  return path(
    'cs ioctl',
    '{ww_acquire_init: {ctx: t, class: reservation_ww_class}}',
    '{dma_resv_lock: {name: "dma_resv[bo]", ctx: t}}',
    `{call: "${call}"}`,
    '{dma_resv_unlock: "dma_resv[bo]"}',
    '{ww_acquire_fini: t}',
  );
}

/** `call` from a callback of a fence signalled in hard irq, and from process context. */
function fromIrqAndProcess(call: string): Pick<Case, 'bad' | 'badRules' | 'good'> {
  const decls = `fences:\n  job: {}\n  hw: { signalled_in: irq, callbacks: [hw_cb] }\n  point: { lock: "dma_fence_chain:lock" }\nfunctions:\n  hw_cb: [{call: "${call}"}]\n`;
  return {
    bad: `${decls}paths:\n${path('irq', '{signal: hw}')}${path('ioctl', `{call: "${call}"}`)}`,
    badRules: ['inconsistent-lock-state'],
    good: `fences:\n  job: {}\n  point: { lock: "dma_fence_chain:lock" }\npaths:\n${path('ioctl', `{call: "${call}"}`)}`,
  };
}

export const CASES: readonly Case[] = [
  {
    name: 'drm_syncobj_find_fence (WAIT_FOR_SUBMIT under a reservation: userspace cannot fault)',
    bad: `paths:\n${underResv(`drm_syncobj_find_fence(file, handle, 0, ${WAIT})`)}`,
    badRules: ['circular-dependency'],
    good: `paths:\n${path('submit', `{call: "drm_syncobj_find_fence(file, handle, 0, ${WAIT})"}`)}${underResv('drm_syncobj_find_fence(file, handle, 0, 0)')}`,
  },
  {
    name: 'drm_syncobj_find_fence:0 (the lookup from hard irq: syncobj_table_lock is not irq-safe)',
    bad: `fences:\n  hw: { signalled_in: irq, callbacks: [hw_cb] }\nfunctions:\n  hw_cb: [{call: "drm_syncobj_find_fence(file, handle, 0, 0)"}]\npaths:\n${path('irq', '{signal: hw}')}${path('ioctl', '{call: "drm_syncobj_find_fence(file, handle, 0, 0)"}')}`,
    badRules: ['inconsistent-lock-state'],
    good: `locks: {l: spinlock}\npaths:\n${path('ioctl', '{spin_lock: l}', '{call: "drm_syncobj_find_fence(file, handle, 0, 0)"}', '{spin_unlock: l}')}`,
  },
  {
    name: `drm_syncobj_find_fence:${WAIT} (with a lock held that the job's signalling path takes)`,
    bad: `locks: {m: mutex}\npaths:\n${path('submit', '{mutex_lock: m}', `{call: "drm_syncobj_find_fence(file, handle, 0, ${WAIT})"}`, '{mutex_unlock: m}')}${path('run_job', '{signalling: [{mutex_lock: m}, {mutex_unlock: m}]}')}`,
    badRules: ['circular-dependency'],
    good: `locks: {m: mutex}\npaths:\n${path('submit', `{call: "drm_syncobj_find_fence(file, handle, 0, ${WAIT})"}`, '{mutex_lock: m}', '{mutex_unlock: m}')}${path('run_job', '{signalling: [{mutex_lock: m}, {mutex_unlock: m}]}')}`,
  },
  {
    name: 'drm_syncobj_fence_add_wait (from hard irq: syncobj->lock is not irq-safe)',
    ...fromIrqAndProcess('drm_syncobj_fence_add_wait(so)'),
  },
  {
    name: 'drm_syncobj:wait_for_userspace (a page fault handler waiting for a submission)',
    bad: `paths:\n${path('fault', '{mmap_read_lock: mm}', `{call: "drm_syncobj_find_fence(file, handle, 0, ${WAIT})"}`, '{mmap_read_unlock: mm}')}`,
    badRules: ['recursive-locking'],
    good: `paths:\n${path('fault', '{mmap_read_lock: mm}', '{call: "drm_syncobj_find_fence(file, handle, 0, 0)"}', '{mmap_read_unlock: mm}')}`,
  },
  { name: 'drm_syncobj_replace_fence (from a fence callback in hard irq)', ...fromIrqAndProcess('drm_syncobj_replace_fence(so, job)') },
  { name: 'drm_syncobj_add_point (from a fence callback in hard irq)', ...fromIrqAndProcess('drm_syncobj_add_point(so, point, job, 1)') },
  {
    name: 'drm_syncobj_array_wait_timeout (under a spinlock)',
    bad: `locks: {l: spinlock}\nfences: {job: {}}\npaths:\n${path('wait ioctl', '{spin_lock: l}', '{call: "drm_syncobj_array_wait_timeout(so, job, 0)"}', '{spin_unlock: l}')}`,
    badRules: ['sleep-in-atomic'],
    good: `fences: {job: {}}\npaths:\n${path('wait ioctl', '{call: "drm_syncobj_array_wait_timeout(so, job, 0)"}')}`,
  },
  {
    name: 'drm_syncobj_array_wait_timeout:0 (inside an RCU read section)',
    bad: `fences: {job: {}}\npaths:\n${path('wait ioctl', '{rcu: [{call: "drm_syncobj_array_wait_timeout(so, job, 0)"}]}')}`,
    badRules: ['sleep-in-atomic'],
    good: `fences: {job: {}}\npaths:\n${path('wait ioctl', '{rcu: [{extern: dma_fence_get_rcu_safe}]}', '{call: "drm_syncobj_array_wait_timeout(so, job, 0)"}')}`,
  },
  {
    name: `drm_syncobj_array_wait_timeout:${WAIT} (under a reservation)`,
    bad: `fences: {job: {}}\npaths:\n${underResv(`drm_syncobj_array_wait_timeout(so, job, ${WAIT})`)}`,
    badRules: ['circular-dependency'],
    good: `fences: {job: {}}\npaths:\n${path('wait ioctl', `{call: "drm_syncobj_array_wait_timeout(so, job, ${WAIT})"}`)}`,
  },
];
