/**
 * Fences beyond the docs/kernel-semantics.md §8.6 items (the fence model, irq-signalled fences, callbacks), workqueues
 * and runtime PM.
 */
import { describe, expect, it } from 'vitest';
import { replayYaml, yaml } from '../rules/rule-tester.js';

async function findings(source: string): Promise<string[]> {
  const out = await replayYaml(source);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings.map((f) => `${f.rule} ${[...f.locks].sort().join(',')}`);
}

describe('fence model', () => {
  // Driver A waits on its fence under its lock; driver B takes its own lock while signalling.
  const twoDrivers = (model: string) => yaml`
    options: {fence_model: ${model}}
    locks: {a_lock: mutex, b_lock: mutex}
    fences: {a_fence: {}, b_fence: {}}
    paths:
      - name: driver A waits
        steps: [{mutex_lock: a_lock}, {dma_fence_wait: a_fence}, {mutex_unlock: a_lock}]
      - name: driver B signals
        steps:
          - signalling:
              fences: [b_fence]
              do: [{mutex_lock: a_lock}, {mutex_unlock: a_lock}, {signal: b_fence}]
  `;

  it('lockdep: one dma_fence_map ties every driver together, as in the kernel', async () => {
    expect(await findings(twoDrivers('lockdep'))).toEqual(['circular-dependency a_lock,dma_fence_map']);
  });

  it('precise: fences that never meet are not tied', async () => {
    expect(await findings(twoDrivers('precise'))).toEqual([]);
  });

  it('precise: a wait on G inside a section signalling F orders F before G', async () => {
    expect(await findings(yaml`
      options: {fence_model: precise}
      fences: {f: {}, g: {}}
      paths:
        - name: f waits for g
          steps: [{signalling: {fences: [f], do: [{dma_fence_wait: g}]}}]
        - name: g waits for f
          steps: [{signalling: {fences: [g], do: [{dma_fence_wait: f}]}}]
    `)).toEqual(['circular-dependency fence:f,fence:g']);
  });
});

describe('signalling', () => {
  it('callbacks run under the fence lock, in hardirq for a fence signalled from an interrupt', async () => {
    expect(await findings(yaml`
      locks: {M: mutex, S: spinlock}
      functions:
        done_cb: [{spin_lock: S}, {spin_unlock: S}]
        sleepy_cb: [{mutex_lock: M}, {mutex_unlock: M}]
      fences:
        hw_fence: {signalled_in: irq, callbacks: [done_cb]}
        sw_fence: {callbacks: [sleepy_cb]}
      paths:
        - name: submit
          steps: [{spin_lock: S}, {spin_unlock: S}]
        - name: irq
          steps: [{signal: hw_fence}]
        - name: worker
          steps: [{signal: sw_fence}]
    `)).toEqual([
      // S taken with irqs on in "submit", and in the hw fence's callback in hardirq
      'inconsistent-lock-state S',
      // ... where the (irq-safe) fence lock is held: safe -> unsafe
      'irq-inversion S,hw_fence->lock',
      // a mutex under sw_fence's spinlock
      'sleep-in-atomic M,sw_fence->lock',
      'invalid-wait-context M,sw_fence->lock',
    ]);
  });

  it('dma_fence_signal_locked asserts the fence lock', async () => {
    expect(await findings(yaml`
      fences: {f: {}}
      paths:
        - name: t
          steps: [{dma_fence_signal_locked: f}]
    `)).toEqual(['assert-held f->lock']);
  });

  it('an unmatched dma_fence_end_signalling is a bad unlock', async () => {
    expect(await findings(yaml`
      paths:
        - name: t
          steps: [dma_fence_end_signalling]
    `)).toEqual(['bad-unlock ']);
  });
});

describe('workqueues and runtime PM', () => {
  it('flushing a work while holding a lock the work takes', async () => {
    const wq = (flush: string) => yaml`
      locks: {reset_lock: mutex}
      paths:
        - name: reset work
          work: {item: "(&gpu->reset_work)", queue: gpu_wq}
          steps: [{mutex_lock: reset_lock}, {mutex_unlock: reset_lock}]
        - name: remove
          steps: [{mutex_lock: reset_lock}, ${flush}, {mutex_unlock: reset_lock}]
    `;
    expect(await findings(wq('{cancel_work_sync: "(&gpu->reset_work)"}'))).toEqual(['circular-dependency (work_completion)(&gpu->reset_work),reset_lock']);
    // The work runs under the queue's map, then its own: the cycle goes through both.
    expect(await findings(wq('{flush_workqueue: gpu_wq}'))).toEqual(['circular-dependency (work_completion)(&gpu->reset_work),(wq_completion)gpu_wq,reset_lock']);
    expect(await findings(wq('{flush_work: "(&gpu->other_work)"}'))).toEqual([]);
  });

  it('runtime PM resume runs its hooks: an allocation there inside a signalling section', async () => {
    expect(await findings(yaml`
      include: [kernel]
      functions:
        gpu_resume: [{kmalloc: GFP_KERNEL}]
      hooks:
        pm_runtime.resume: [gpu_resume]
      paths:
        - name: run_job
          steps: [{signalling: [{pm_runtime_get_sync: gpu}]}]
    `)).toEqual(['circular-dependency dma_fence_map,fs_reclaim,mmu_notifier_invalidate_range_start']);
  });
});

describe('cycles the loader cannot see', () => {
  it('a fence callback signalling its own fence stops with an input error, not a hang', async () => {
    const out = await replayYaml(yaml`
      functions:
        cb: [{signal: f}]
      fences:
        f: {callbacks: [cb]}
      paths:
        - name: t
          steps: [{signal: f}]
    `);
    expect(out.errors.map((e) => e.message)).toEqual([expect.stringContaining('a function reaches itself through a hook or fence callback')]);
  });
});

describe('precise fence model keeps the kernel contract', () => {
  it('a section that does not name its fences is tied to the fences it signals', async () => {
    expect(await findings(yaml`
      options: {fence_model: precise}
      locks: {L: mutex}
      fences: {f: {}}
      paths:
        - {name: waiter, steps: [{mutex_lock: L}, {dma_fence_wait: f}, {mutex_unlock: L}]}
        - name: signaller
          steps: [{signalling: [{mutex_lock: L}, {mutex_unlock: L}, {signal: f}]}]
    `)).toEqual(['circular-dependency L,fence:f']);
  });

  it('an allocation in a named section still meets the boot priming', async () => {
    expect(await findings(yaml`
      options: {fence_model: precise}
      include: [kernel]
      fences: {f: {}}
      paths:
        - name: run_job
          steps: [{signalling: {fences: [f], do: [{kmalloc: GFP_KERNEL}, {signal: f}]}}]
    `)).toEqual(['circular-dependency dma_fence_map,fs_reclaim,mmu_notifier_invalidate_range_start']);
  });
});
