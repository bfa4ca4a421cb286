/**
 * `diff` and `import` on revision 1.1 scenarios: a change inside a branch of a function with
 * arguments is a change like any other, and check's report of such a file (traces naming
 * branches, iterations and instances) imports back into a scenario that finds it again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { importLog } from '../../src/import/index.js';
import { cli } from '../cli/helpers.js';
import { scratch } from '../fuzz/harness.js';
import { checkYaml, sameSet } from '../import/helpers.js';

/** run_job's helper, called with the job's ring; `fallback` is its error branch. */
const design = (fallback: string) => `version: 1
name: ring
include: [kernel]
locks:
  ring_lock: { type: mutex, lockdep: "&ring->lock" }
functions:
  emit:
    params: [ring]
    steps:
      - mutex_lock: "ring_lock[$ring]"
      - if: "ring->space < n"
        then: [{kmalloc: GFP_NOWAIT}]
        else: [${fallback}]
      - mutex_unlock: "ring_lock[$ring]"
paths:
  - name: run_job
    steps:
      - signalling:
          - loop: {for: job, do: [{call: "emit(gfx)"}]}
`;

const fx = scratch('lang-diff');
afterAll(() => fx.cleanup());

describe('revision 1.1 scenarios in diff and import', () => {
  it('diff: an allocation added to an else branch is an introduced finding, its trace names the branch', async () => {
    const before = fx.write('before/ring.yaml', design('might_sleep'));
    const after = fx.write('after/ring.yaml', design('{kmalloc: GFP_KERNEL}'));
    const r = await cli(['diff', '--no-color', before, after, '--format', 'json']);
    expect(r.err).toBe('');
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out);
    const introduced = j.files[0].findings.introduced as { rule: string; lockdep: string[]; chain: { stack: { step: string }[] }[] }[];
    expect(introduced.map((f) => f.rule)).toEqual(['circular-dependency']);
    expect(sameSet(introduced[0]!.lockdep, ['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map', '&ring->lock'])).toBe(true);
    const steps = introduced[0]!.chain.flatMap((c) => c.stack.map((s) => s.step));
    expect(steps).toContain('if: ring->space < n (else)');
    expect(steps).toContain('call: emit(gfx)');
    // The reverse change fixes it.
    const back = await cli(['diff', '--no-color', after, before, '--format', 'json']);
    expect(back.code).toBe(0);
    expect(JSON.parse(back.out).files[0].findings.fixed.map((f: { rule: string }) => f.rule)).toEqual(['circular-dependency']);
  });

  it('import: check\'s text report of a 1.1 scenario reproduces the finding', async () => {
    const file = fx.write('after/ring-import.yaml', design('{kmalloc: GFP_KERNEL}'));
    const r = await cli(['check', '--no-color', '--no-config', file]);
    expect(r.code).toBe(1);
    expect(r.out).toContain('if: ring->space < n (else)');
    const { reports } = await importLog(r.out, { source: file });
    expect(reports).toHaveLength(1);
    const checked = await checkYaml(reports[0]!.yaml, 'ring-imported.yaml');
    expect(checked.errors).toEqual([]);
    expect(checked.status).toBe('pass');
    expect(checked.findings.some((f) => f.rule === 'circular-dependency' && sameSet(f.lockdep, ['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map', '&ring->lock']))).toBe(true);
  });
});
