/**
 * docs/kernel-semantics.md §8.6, the kernel-model items (9–20): ww transactions, the dma_fence
 * annotations, allocations and reclaim, mmu notifiers and HMM. Each item is the failing
 * scenario with the exact findings the kernel's lockdep (or might_sleep) gives it, and the
 * fixed or clean variant. Where an item relies on the boot-time priming
 * (`dma_resv_lockdep()`), the scenario includes the kernel model.
 */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../src/model/finding.js';
import { replayYaml, yaml } from '../rules/rule-tester.js';

async function run(source: string): Promise<readonly Finding[]> {
  const out = await replayYaml(source);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings;
}

/** `rule lock,lock` with the locks sorted: the rule and lock set of each finding, in order. */
async function findings(source: string): Promise<string[]> {
  return (await run(source)).map((f) => `${f.rule} ${[...f.locks].sort().join(',')}`);
}

/** A cycle as lockdep prints it: the classes from the lock being acquired, and "Chain exists of". */
function cycle(f: Finding): { locks: readonly string[]; lockdep: readonly string[]; chainExistsOf: string | null } {
  const text = f.report.flatMap((b) => (b.kind === 'text' ? [b.text] : []));
  const at = text.indexOf('Chain exists of:');
  return { locks: f.locks, lockdep: f.lockdep, chainExistsOf: at >= 0 ? text[at + 1]!.trim() : null };
}

const FS = 'fs_reclaim';
const MN = 'mmu_notifier_invalidate_range_start';
const FENCE = 'dma_fence_map';

describe('docs/kernel-semantics.md §8.6 kernel-model edge cases', () => {
  describe('9. ww acquire contexts (lockdep part)', () => {
    // Two reservations in one transaction, with the -EDEADLK back-off every driver writes,
    // then a re-lock of a reservation the context owns (-EALREADY: no lockdep event at all,
    // so one unlock per object is balanced).
    it('two dma_resv_lock in one ctx, and a re-lock of an owned one: nothing', async () => {
      expect(await findings(yaml`
        include: [kernel]
        paths:
          - name: execbuf
            steps:
              - ww_acquire_init: {ctx: ticket, class: reservation_ww_class}
              - dma_resv_lock: {name: "dma_resv[bo_a]", ctx: ticket}
              - dma_resv_lock:
                  name: "dma_resv[bo_b]"
                  ctx: ticket
                  on_edeadlk:
                    - dma_resv_unlock: "dma_resv[bo_a]"
                    - dma_resv_lock_slow: {name: "dma_resv[bo_b]", ctx: ticket}
                    - dma_resv_lock: {name: "dma_resv[bo_a]", ctx: ticket}
              - dma_resv_lock: {name: "dma_resv[bo_a]", ctx: ticket}   # -EALREADY
              - ww_acquire_done: ticket
              - dma_resv_unlock: "dma_resv[bo_b]"
              - dma_resv_unlock: "dma_resv[bo_a]"
              - ww_acquire_fini: ticket
      `)).toEqual([]);
    });

    it('without a back-off path lockdep is still silent; only the ww design rule speaks', async () => {
      const out = await run(yaml`
        include: [kernel]
        paths:
          - name: execbuf
            steps:
              - ww_acquire_init: {ctx: ticket, class: reservation_ww_class}
              - dma_resv_lock: {name: "dma_resv[bo_a]", ctx: ticket}
              - dma_resv_lock: {name: "dma_resv[bo_b]", ctx: ticket}
              - dma_resv_unlock: "dma_resv[bo_b]"
              - dma_resv_unlock: "dma_resv[bo_a]"
              - ww_acquire_fini: ticket
      `);
      expect(out.map((f) => f.rule)).toEqual(['ww-edeadlk-unhandled']);
    });

    it('two dma_resv_lock with no ctx: recursive locking on reservation_ww_class_mutex', async () => {
      const out = await run(yaml`
        include: [kernel]
        paths:
          - name: execbuf
            steps:
              - dma_resv_lock: "dma_resv[bo_a]"
              - dma_resv_lock: "dma_resv[bo_b]"
              - dma_resv_unlock: "dma_resv[bo_b]"
              - dma_resv_unlock: "dma_resv[bo_a]"
      `);
      expect(out.map((f) => [f.rule, f.locks, f.lockdep, f.location.line])).toEqual([
        ['recursive-locking', ['dma_resv'], ['reservation_ww_class_mutex'], 6],
      ]);
    });

    it('a second ww_acquire_init of the class while the first is live: recursive locking on the acquire class', async () => {
      const nested = await run(yaml`
        include: [kernel]
        paths:
          - name: execbuf
            steps:
              - ww_acquire_init: {ctx: outer, class: reservation_ww_class}
              - ww_acquire_init: {ctx: inner, class: reservation_ww_class}
              - ww_acquire_fini: inner
              - ww_acquire_fini: outer
      `);
      expect(nested.map((f) => [f.rule, f.lockdep, f.location.line])).toEqual([
        ['recursive-locking', ['reservation_ww_class_acquire'], 6],
      ]);
      // One transaction after the other is fine.
      expect(await findings(yaml`
        include: [kernel]
        paths:
          - name: execbuf
            steps:
              - ww_acquire_init: {ctx: first, class: reservation_ww_class}
              - ww_acquire_fini: first
              - ww_acquire_init: {ctx: second, class: reservation_ww_class}
              - ww_acquire_fini: second
      `)).toEqual([]);
    });
  });

  describe('10. the classic fence deadlock', () => {
    const classic = (profile: string, waiter: string) => yaml`
      options: {kernel: "${profile}"}
      locks: {A: mutex}
      fences: {f: {}}
      paths:
        - name: signaller
          steps:
            - dma_fence_begin_signalling
            - mutex_lock: A
            - mutex_unlock: A
            - signal: f
            - dma_fence_end_signalling
        - name: waiter
          steps: ${waiter}
    `;
    const holdsA = '[{mutex_lock: A}, {dma_fence_wait: f}, {mutex_unlock: A}]';

    for (const profile of ['5.10', '6.13']) {
      it(`A taken in a signalling section, A held across a wait: circular (${profile})`, async () => {
        const out = await run(classic(profile, holdsA));
        expect(out.map((f) => [f.rule, f.path, f.location.line])).toEqual([['circular-dependency', 'waiter', 13]]);
        // The wait is the acquisition that closes it: dma_fence_map -> A -> dma_fence_map.
        expect(cycle(out[0]!)).toEqual({ locks: [FENCE, 'A'], lockdep: [FENCE, 'A'], chainExistsOf: null });
      });

      it(`fixed: A dropped before the wait (${profile})`, async () => {
        expect(await findings(classic(profile, '[{mutex_lock: A}, {mutex_unlock: A}, {dma_fence_wait: f}]'))).toEqual([]);
      });
    }
  });

  describe('11. a lock held when a signalling section begins', () => {
    const heldBefore = (profile: string) => yaml`
      options: {kernel: "${profile}"}
      locks: {A: mutex}
      paths:
        - name: t1
          steps: [{mutex_lock: A}, dma_fence_begin_signalling, dma_fence_end_signalling, {mutex_unlock: A}]
        - name: t2
          steps: [dma_fence_begin_signalling, {mutex_lock: A}, {mutex_unlock: A}, dma_fence_end_signalling]
    `;

    it('v5.10–v6.12 (a plain read acquisition): reported, a false positive', async () => {
      const out = await run(heldBefore('5.10'));
      expect(out.map((f) => `${f.rule} ${f.path}`)).toEqual(['circular-dependency t2']);
      expect(out[0]!.locks).toEqual(['A', FENCE]);
    });

    it('v6.13+ (a read trylock, 2facdd6002ad): not reported', async () => {
      expect(await findings(heldBefore('6.13'))).toEqual([]);
    });

    it('v5.10 fixed: A taken only inside the section, on both paths', async () => {
      expect(await findings(yaml`
        options: {kernel: "5.10"}
        locks: {A: mutex}
        paths:
          - name: t1
            steps: [dma_fence_begin_signalling, {mutex_lock: A}, {mutex_unlock: A}, dma_fence_end_signalling]
          - name: t2
            steps: [dma_fence_begin_signalling, {mutex_lock: A}, {mutex_unlock: A}, dma_fence_end_signalling]
      `)).toEqual([]);
    });
  });

  describe('12. a wait inside one\'s own signalling section', () => {
    const own = (profile: string, body: string) => yaml`
      options: {kernel: "${profile}"}
      locks: {A: mutex}
      fences: {f: {}}
      paths:
        - name: run_job
          steps: [{signalling: ${body}}]
    `;
    for (const profile of ['5.10', '6.13']) {
      it(`the section alone: nothing (${profile})`, async () => {
        expect(await findings(own(profile, '[{dma_fence_wait: f}]'))).toEqual([]);
      });

      it(`a lock taken in the section and held across the wait: circular (${profile})`, async () => {
        const out = await run(own(profile, '[{mutex_lock: A}, {dma_fence_wait: f}, {mutex_unlock: A}]'));
        expect(out.map((f) => `${f.rule} ${f.locks.join(' -> ')}`)).toEqual([`circular-dependency ${FENCE} -> A`]);
      });
    }
  });

  describe('13. begin_signalling in atomic context', () => {
    const section = (locks: string, steps: string) => yaml`
      locks: ${locks}
      fences: {f: {}}
      paths:
        - name: t
          steps: ${steps}
        - name: waiter
          steps: [{mutex_lock: A}, {dma_fence_wait: f}, {mutex_unlock: A}]
    `;

    it('under a spinlock: no annotation, and a wait there is the might_sleep BUG, not a cycle', async () => {
      const out = await run(section('{S: spinlock, A: mutex}', '[{spin_lock: S}, dma_fence_begin_signalling, {dma_fence_wait: f}, dma_fence_end_signalling, {spin_unlock: S}]'));
      expect(out.map((f) => [f.rule, f.locks, f.heading])).toEqual([
        ['sleep-in-atomic', ['S'], 'BUG: sleeping function called from invalid context'],
      ]);
      expect(out[0]!.message).toContain('(in_atomic)');
      // Nothing was acquired: A taken later in the "section" gets no edge from dma_fence_map.
      expect(await findings(section('{S: spinlock, A: mutex}', '[{spin_lock: S}, dma_fence_begin_signalling, {spin_unlock: S}, {mutex_lock: A}, {mutex_unlock: A}, dma_fence_end_signalling]'))).toEqual([]);
    });

    it('under local_irq_disable only: annotated (in_atomic() is false), the wait is the BUG via irqs_disabled', async () => {
      const out = await run(section('{A: mutex}', '[local_irq_disable, dma_fence_begin_signalling, {dma_fence_wait: f}, dma_fence_end_signalling, local_irq_enable]'));
      expect(out.map((f) => [f.rule, f.locks])).toEqual([['sleep-in-atomic', []]]);
      expect(out[0]!.message).toContain('(irqs_disabled)');
      // The annotation was taken: A inside it, held elsewhere across a wait, is a cycle.
      expect(await findings(section('{A: mutex}', '[local_irq_disable, dma_fence_begin_signalling, local_irq_enable, {mutex_lock: A}, {mutex_unlock: A}, dma_fence_end_signalling]'))).toEqual([
        `circular-dependency A,${FENCE}`,
      ]);
    });

    it('fixed: the wait outside the spinlock', async () => {
      expect(await findings(section('{S: spinlock, A: mutex}', '[{spin_lock: S}, {spin_unlock: S}, dma_fence_begin_signalling, dma_fence_end_signalling, {dma_fence_wait: f}]'))).toEqual([]);
    });
  });

  describe('14. an allocation in a signalling section', () => {
    const alloc = (steps: string) => yaml`
      include: [kernel]
      fences: {job_fence: {}}
      paths:
        - name: run_job
          steps:
            - signalling: ${steps}
    `;

    it('GFP_KERNEL: circular through the primed fs_reclaim --> mmu_notifier_invalidate_range_start --> dma_fence_map', async () => {
      const out = await run(alloc('[{kmalloc: GFP_KERNEL}, {signal: job_fence}]'));
      expect(out.map((f) => [f.rule, f.path, f.location.line])).toEqual([['circular-dependency', 'run_job', 6]]);
      expect(cycle(out[0]!)).toEqual({
        locks: [FS, MN, FENCE],
        lockdep: [FS, MN, FENCE],
        chainExistsOf: `${FS} --> ${MN} --> ${FENCE}`,
      });
      // The closing dependency is the run_job's; the other two are the boot-time priming's.
      expect(out[0]!.chain.map((c) => `${c.from} -> ${c.to} (${c.path})`)).toEqual([
        `${FENCE} -> ${FS} (run_job)`,
        `${FS} -> ${MN} (kernel:dma_resv_lockdep)`,
        `${MN} -> ${FENCE} (kernel:dma_resv_lockdep)`,
      ]);
    });

    it('GFP_NOFS, GFP_NOIO, and GFP_KERNEL in a nofs/noio scope: still circular, through the notifier map', async () => {
      for (const steps of [
        '[{kmalloc: GFP_NOFS}]',
        '[{kmalloc: GFP_NOIO}]',
        '[{memalloc_nofs: [{kmalloc: GFP_KERNEL}]}]',
        '[{memalloc_noio: [{kmalloc: GFP_KERNEL}]}]',
      ]) {
        const out = await run(alloc(steps));
        expect(out.map((f) => `${f.rule} ${f.locks.join(' -> ')}`), steps).toEqual([`circular-dependency ${MN} -> ${FENCE}`]);
      }
    });

    it('GFP_NOWAIT, GFP_ATOMIC, and GFP_KERNEL in a noreclaim scope: clean', async () => {
      for (const steps of ['[{kmalloc: GFP_NOWAIT}]', '[{kmalloc: GFP_ATOMIC}]', '[{memalloc_noreclaim: [{kmalloc: GFP_KERNEL}]}]'])
        expect(await findings(alloc(steps)), steps).toEqual([]);
    });
  });

  describe('15. dma_resv in and around signalling', () => {
    it('dma_resv_lock inside a signalling section: circular via resv -> fs_reclaim -> notifier -> dma_fence_map', async () => {
      const out = await run(yaml`
        include: [kernel]
        fences: {job_fence: {}}
        paths:
          - name: run_job
            steps:
              - signalling:
                  - dma_resv_lock: "dma_resv[bo]"
                  - dma_resv_unlock: "dma_resv[bo]"
                  - signal: job_fence
      `);
      expect(out.map((f) => f.rule)).toEqual(['circular-dependency']);
      expect(cycle(out[0]!)).toEqual({
        locks: ['dma_resv', FS, MN, FENCE],
        lockdep: ['reservation_ww_class_mutex', FS, MN, FENCE],
        chainExistsOf: `reservation_ww_class_mutex --> ${MN} --> ${FENCE}`,
      });
    });

    it('waiting on a fence while holding dma_resv (with or without a ctx): allowed, as the priming says', async () => {
      expect(await findings(yaml`
        include: [kernel]
        fences: {job_fence: {}}
        paths:
          - name: evict
            steps:
              - dma_resv_lock: "dma_resv[bo]"
              - dma_fence_wait: job_fence
              - dma_resv_unlock: "dma_resv[bo]"
          - name: validate
            steps:
              - ww_acquire_init: {ctx: ticket, class: reservation_ww_class}
              - dma_resv_lock: {name: "dma_resv[bo]", ctx: ticket}
              - dma_resv_wait_timeout: job_fence
              - dma_resv_unlock: "dma_resv[bo]"
              - ww_acquire_fini: ticket
          - name: run_job
            steps:
              - signalling: [{signal: job_fence}]
      `)).toEqual([]);
    });
  });

  describe('16. might_fault under dma_resv', () => {
    const fault = (steps: string) => yaml`
      include: [kernel]
      paths:
        - name: ioctl
          steps: ${steps}
    `;

    it('copy_to_user holding a dma_resv lock: circular against the primed &mm->mmap_lock -> reservation_ww_class_acquire', async () => {
      const out = await run(fault('[{dma_resv_lock: "dma_resv[bo]"}, copy_to_user, {dma_resv_unlock: "dma_resv[bo]"}]'));
      expect(out.map((f) => [f.rule, f.location.line])).toEqual([['circular-dependency', 4]]);
      expect(cycle(out[0]!)).toEqual({
        locks: ['mmap_lock', 'reservation_ww_class_acquire', 'dma_resv'],
        lockdep: ['&mm->mmap_lock', 'reservation_ww_class_acquire', 'reservation_ww_class_mutex'],
        chainExistsOf: '&mm->mmap_lock --> reservation_ww_class_acquire --> reservation_ww_class_mutex',
      });
    });

    it('fixed: copy before locking, or with page faults disabled', async () => {
      expect(await findings(fault('[copy_from_user, {dma_resv_lock: "dma_resv[bo]"}, {dma_resv_unlock: "dma_resv[bo]"}, copy_to_user]'))).toEqual([]);
      expect(await findings(fault('[{dma_resv_lock: "dma_resv[bo]"}, {pagefault_disable: [copy_to_user]}, {dma_resv_unlock: "dma_resv[bo]"}]'))).toEqual([]);
    });
  });

  describe('17. a notifier lock held across an allocation', () => {
    const held = (gfp: string) => yaml`
      include: [kernel]
      locks: {D: mutex}
      hooks:
        mmu_interval_notifier.invalidate: [invalidate]
      functions:
        invalidate: [{mutex_lock: D}, {mutex_unlock: D}]
      paths:
        - name: update
          steps: [{mutex_lock: D}, {kmalloc: "${gfp}"}, {mutex_unlock: D}]
    `;

    it('GFP_NOFS / GFP_NOIO: circular through the notifier map alone', async () => {
      for (const gfp of ['GFP_NOFS', 'GFP_NOIO']) {
        const out = await run(held(gfp));
        expect(out.map((f) => `${f.rule} ${f.path} ${f.locks.join(' -> ')}`), gfp).toEqual([`circular-dependency update ${MN} -> D`]);
      }
    });

    it('GFP_KERNEL: the chain goes through fs_reclaim', async () => {
      const out = await run(held('GFP_KERNEL'));
      expect(out.map((f) => f.rule)).toEqual(['circular-dependency']);
      expect(cycle(out[0]!)).toEqual({ locks: [FS, MN, 'D'], lockdep: [FS, MN, 'D'], chainExistsOf: `${FS} --> ${MN} --> D` });
    });

    it('fixed: GFP_NOWAIT (or allocating before taking D)', async () => {
      expect(await findings(held('GFP_NOWAIT'))).toEqual([]);
    });
  });

  describe('18. HMM ordering', () => {
    const hmm = (steps: string) => yaml`
      include: [kernel]
      locks: {update: mutex}
      hooks:
        mmu_interval_notifier.invalidate: [invalidate]
      functions:
        invalidate: [{mutex_lock: update}, {mutex_unlock: update}]
      paths:
        - name: fault
          steps: ${steps}
    `;

    it('mmu_interval_read_begin under the update lock: circular with the notifier map', async () => {
      const out = await run(hmm('[{mutex_lock: update}, mmu_interval_read_begin, {mutex_unlock: update}]'));
      expect(out.map((f) => `${f.rule} ${f.locks.join(' -> ')}`)).toEqual([`circular-dependency ${MN} -> update`]);
    });

    it('hmm_range_fault under the update lock: circular through its allocation', async () => {
      const out = await run(hmm('[mmap_read_lock, {mutex_lock: update}, hmm_range_fault, {mutex_unlock: update}, mmap_read_unlock]'));
      expect(out.map((f) => `${f.rule} ${f.locks.join(' -> ')}`)).toEqual([`circular-dependency ${FS} -> ${MN} -> update`]);
    });

    it('the documented loop (read_begin, mmap_read_lock, fault, unlock, lock update, retry check): clean', async () => {
      expect(await findings(hmm('[mmu_interval_read_begin, mmap_read_lock, hmm_range_fault, mmap_read_unlock, {mutex_lock: update}, {mutex_unlock: update}]'))).toEqual([]);
    });
  });

  describe('19. a non-blockable notifier that sleeps', () => {
    const notifier = (hook: string, body: string) => yaml`
      include: [kernel]
      locks: {D: mutex}
      hooks:
        ${hook}: [invalidate]
      functions:
        invalidate: ${body}
      paths: []
    `;

    it('a classic callback calling mutex_lock from the OOM reaper: the might_sleep BUG (non_block), no lockdep banner', async () => {
      const out = await run(notifier('mmu_notifier.invalidate_range_start', '[{mutex_lock: D}, {mutex_unlock: D}]'));
      expect(out.map((f) => [f.rule, f.locks, f.path, f.heading])).toEqual([
        ['sleep-in-atomic', ['D'], 'kernel:oom_reaper', 'BUG: sleeping function called from invalid context'],
      ]);
      expect(out[0]!.message).toContain('(non_block)');
    });

    it('fixed: mutex_trylock, or mutex_lock only when blockable', async () => {
      expect(await findings(notifier('mmu_notifier.invalidate_range_start', '[{mutex_trylock: D}, {mutex_unlock: D}]'))).toEqual([]);
      const ifBlockable = '[{if: blockable, then: [{mutex_lock: D}, {mutex_unlock: D}], else: [{mutex_trylock: D}, {mutex_unlock: D}]}]';
      expect(await findings(notifier('mmu_notifier.invalidate_range_start', ifBlockable))).toEqual([]);
    });

    it('an interval notifier is not bracketed by non_block_start() (mm/mmu_notifier.c mn_itree_invalidate): silent', async () => {
      // As in the kernel: only the classic hlist callbacks get non_block_start()/end().
      expect(await findings(notifier('mmu_interval_notifier.invalidate', '[{mutex_lock: D}, {mutex_unlock: D}]'))).toEqual([]);
    });
  });

  describe('20. shrinkers and reclaim', () => {
    const shrinker = (scan: string, others: string) => yaml`
      include: [kernel]
      locks: {L: mutex}
      hooks:
        shrinker.scan: [scan]
      functions:
        scan: ${scan}
      paths: ${others}
    `;
    const ioctl = '[{name: ioctl, steps: [{mutex_lock: L}, {kmalloc: GFP_KERNEL}, {mutex_unlock: L}]}]';

    it('allocations inside a shrinker are silent (PF_MEMALLOC), even GFP_KERNEL under its own lock', async () => {
      expect(await findings(shrinker('[{mutex_lock: L}, {kmalloc: GFP_KERNEL}, {mutex_unlock: L}]', '[]'))).toEqual([]);
    });

    it('a lock the shrinker takes, held elsewhere across GFP_KERNEL: circular via fs_reclaim', async () => {
      const out = await run(shrinker('[{mutex_lock: L}, {mutex_unlock: L}]', ioctl));
      expect(out.map((f) => `${f.rule} ${f.path} ${f.locks.join(' -> ')}`)).toEqual([`circular-dependency ioctl ${FS} -> L`]);
    });

    it('fixed: the shrinker only trylocks it', async () => {
      expect(await findings(shrinker('[{mutex_trylock: L}, {mutex_unlock: L}]', ioctl))).toEqual([]);
    });
  });
});
