/**
 * Allocations and reclaim (docs/kernel-semantics.md §4): might_alloc()'s annotations by gfp flags
 * and scopes, reclaim holding fs_reclaim with PF_MEMALLOC, the sleep check.
 */
import { describe, expect, it } from 'vitest';
import { replayYaml, yaml } from '../rules/rule-tester.js';
import { loadScenarioText } from '../../src/load/index.js';
import { InputErrors } from '../../src/load/errors.js';

async function findings(source: string): Promise<string[]> {
  const out = await replayYaml(source);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings.map((f) => `${f.rule} ${[...f.locks].sort().join(',')}`);
}

/** A shrinker-like path takes L in reclaim; another holds L across an allocation. */
const underL = (alloc: string, wrap = (s: string) => s) => yaml`
  locks: {L: mutex}
  paths:
    - name: shrinker
      steps:
        - reclaim: [{mutex_lock: L}, {mutex_unlock: L}]
    - name: ioctl
      steps: ${wrap(`[{mutex_lock: L}, {kmalloc: "${alloc}"}, {mutex_unlock: L}]`)}
`;

describe('allocations', () => {
  it('GFP_KERNEL while holding a lock that reclaim takes: circular through fs_reclaim', async () => {
    expect(await findings(underL('GFP_KERNEL'))).toEqual(['circular-dependency L,fs_reclaim']);
    expect(await findings(underL('GFP_KERNEL | __GFP_NOWARN | __GFP_ZERO'))).toEqual(['circular-dependency L,fs_reclaim']);
  });

  it('no fs_reclaim without __GFP_FS or direct reclaim, or with the scopes that remove them', async () => {
    for (const gfp of ['GFP_NOFS', 'GFP_NOIO', 'GFP_NOWAIT', 'GFP_ATOMIC', 'GFP_KERNEL & ~__GFP_DIRECT_RECLAIM', 'GFP_KERNEL | __GFP_NOLOCKDEP'])
      expect(await findings(underL(gfp)), gfp).toEqual([]);
    expect(await findings(underL('GFP_KERNEL', (s) => `[{memalloc_nofs: ${s}}]`))).toEqual([]);
    expect(await findings(underL('GFP_KERNEL', (s) => `[{memalloc_noio: ${s}}]`))).toEqual([]);
    expect(await findings(underL('GFP_KERNEL', (s) => `[{memalloc_noreclaim: ${s}}]`))).toEqual([]);
    expect(await findings(underL('GFP_KERNEL', (s) => `[memalloc_nofs_save, ${s.slice(1, -1)}, memalloc_nofs_restore]`))).toEqual([]);
  });

  it('even GFP_NOFS touches the mmu notifier map: a notifier lock held across it is circular', async () => {
    const notifier = (gfp: string) => yaml`
      locks: {D: mutex}
      paths:
        - name: invalidate
          steps: [{lock_map_acquire: mmu_notifier_invalidate_range_start}, {mutex_lock: D}, {mutex_unlock: D}, {lock_map_release: mmu_notifier_invalidate_range_start}]
        - name: update
          steps: [{mutex_lock: D}, {kmalloc: ${gfp}}, {mutex_unlock: D}]
    `;
    expect(await findings(notifier('GFP_NOFS'))).toEqual(['circular-dependency D,mmu_notifier_invalidate_range_start']);
    expect(await findings(notifier('GFP_NOIO'))).toEqual(['circular-dependency D,mmu_notifier_invalidate_range_start']);
    expect(await findings(notifier('GFP_NOWAIT'))).toEqual([]);
  });

  it('allocations in reclaim are silent (PF_MEMALLOC)', async () => {
    expect(await findings(yaml`
      locks: {L: mutex}
      paths:
        - name: kswapd
          steps: [{reclaim: [{mutex_lock: L}, {kmalloc: GFP_KERNEL}, {mutex_unlock: L}]}]
    `)).toEqual([]);
  });

  it('a blocking allocation may sleep; an atomic one may not', async () => {
    const atomic = (gfp: string) => yaml`
      locks: {S: spinlock}
      paths:
        - name: t
          steps: [{spin_lock: S}, {kmalloc: ${gfp}}, {spin_unlock: S}]
    `;
    expect(await findings(atomic('GFP_KERNEL'))).toEqual(['sleep-in-atomic S']);
    expect(await findings(atomic('GFP_NOFS'))).toEqual(['sleep-in-atomic S']);
    expect(await findings(atomic('GFP_ATOMIC'))).toEqual([]);
    expect(await findings(atomic('GFP_NOWAIT'))).toEqual([]);
  });

  it('GFP_KERNEL in a hardirq handler: the reclaim maps are irq-inconsistent, then the sleep BUG', async () => {
    expect(await findings(yaml`
      paths:
        - name: t
          steps:
            - kmalloc: GFP_KERNEL
            - hardirq: [{kmalloc: GFP_KERNEL}]
    `)).toEqual([
      'inconsistent-lock-state fs_reclaim',
      // lockdep stops at the first report; fencedep goes on to the notifier map taken next.
      'inconsistent-lock-state mmu_notifier_invalidate_range_start',
      'sleep-in-atomic ',
    ]);
  });

  it('fs_reclaim_acquire nests as the lockdep selftests say', async () => {
    const nest = (inner: string) => yaml`
      paths:
        - name: t
          steps: [{fs_reclaim_acquire: GFP_KERNEL}, ${inner}, {fs_reclaim_release: GFP_KERNEL}]
    `;
    expect(await findings(nest('{might_alloc: GFP_KERNEL}'))).toEqual(['recursive-locking fs_reclaim']);
    expect(await findings(nest('{might_alloc: GFP_NOFS}'))).toEqual([]);
    expect(await findings(nest('memalloc_nofs_save, {might_alloc: GFP_KERNEL}, memalloc_nofs_restore'))).toEqual([]);
  });

  it('gfp flags are checked: position and did-you-mean', async () => {
    const text = 'paths:\n  - name: t\n    steps:\n      - kmalloc: GFP_KERNEL | __GFP_NOWRAN\n';
    const err = await loadScenarioText(text, { file: 'bad.yaml' }).then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(InputErrors);
    const e = (err as InputErrors).errors[0]!;
    expect(e.message).toContain('unknown gfp flag "__GFP_NOWRAN"');
    expect(e.message).toContain('did you mean "__GFP_NOWARN"?');
    expect(e.loc).toMatchObject({ line: 4, column: 31 });
  });
});
