/**
 * drm/dma-buf's profiles: dma-buf's locking convention as of v6.2 (options.kernel "6.2" and
 * later, and no option), the older behaviour before it.
 */
import { describe, expect, it } from 'vitest';
import { replayYaml } from '../rules/rule-tester.js';

async function rules(kernel: string | null, steps: string): Promise<string[]> {
  const options = kernel ? `options: {kernel: "${kernel}"}\n` : '';
  const out = await replayYaml(`version: 1\nname: t\n${options}include: [kernel, drm]\npaths:\n  - name: p\n    steps: [${steps}]\n`);
  expect(out.errors.map((e) => e.message)).toEqual([]);
  return out.findings.map((f) => f.rule);
}

describe('dma-buf locking convention, 6.2 and later', () => {
  for (const kernel of [null, '6.2', '6.13']) {
    it(`${kernel ?? 'default'}: importers hold the reservation to map and vmap`, async () => {
      expect(await rules(kernel, '{call: "dma_buf_map_attachment(buf, dir)"}')).toEqual(['assert-held']);
      expect(await rules(kernel, '{call: "dma_buf_vmap(buf, map)"}')).toEqual(['assert-held']);
    });
  }
});

describe('before 6.2', () => {
  for (const kernel of ['5.10', '6.1']) {
    it(`${kernel}: a static importer maps and vmaps without the reservation; vmap takes dmabuf->lock`, async () => {
      expect(await rules(kernel, '{call: "dma_buf_map_attachment(buf, dir)"}, {call: "dma_buf_vmap(buf, map)"}')).toEqual([]);
      expect(await rules(kernel, '{spin_lock_irq: "dma_fence_chain:lock"}, {call: "dma_buf_vmap(buf, map)"}, {spin_unlock_irq: "dma_fence_chain:lock"}')).toEqual([
        'sleep-in-atomic',
        'invalid-wait-context',
      ]);
    });

    it(`${kernel}: dma_buf_detach already locked the reservation without a context`, async () => {
      const steps = '{ww_acquire_init: {ctx: t, class: reservation_ww_class}}, {dma_resv_lock: {name: "dma_resv[bo]", ctx: t}}, {call: "dma_buf_detach(buf, a)"}, {dma_resv_unlock: "dma_resv[bo]"}, {ww_acquire_fini: t}';
      expect(await rules(kernel, steps)).toEqual(['recursive-locking']);
    });
  }
});
