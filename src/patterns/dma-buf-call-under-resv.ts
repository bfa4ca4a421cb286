/**
 * dma-buf-call-under-resv — a reservation locked without the acquire context while a ww
 * transaction holds another: the dma-buf calls that lock the buffer's reservation themselves
 * (dma_buf_detach, dma_buf_dynamic_attach, dma_buf_put by the locking convention, the
 * *_unlocked variants, drm_prime_gem_destroy) called under drm_exec, typically a BO destroyed
 * when drm_exec drops its last reference (xe, 2024).
 */
import { modelDisplayPath } from '../load/models.js';
import { analyze, lockedWithoutContext } from './analysis.js';
import { definePattern } from './pattern.js';

/** The drm/dma-buf model: its calls that lock the buffer's reservation themselves. */
const DMA_BUF_MODEL = modelDisplayPath('drm/dma-buf');

export default definePattern({
  meta: {
    id: 'dma-buf-call-under-resv',
    rules: ['recursive-locking'],
    summary: 'a reservation taken without the acquire context inside a ww transaction (dma-buf detach, put, *_unlocked)',
    remedy:
      'Call dma_buf_detach/dma_buf_put and the *_unlocked variants with no reservation held: defer ' +
      'the destroy of an imported BO to a worker (TTM\'s delayed delete, as xe\'s fix does), or drop ' +
      'the transaction first; inside it use the locked variants (dma_buf_map_attachment, ' +
      'dma_buf_vmap) on a reservation locked with the transaction\'s context.',
  },
  // Only when a dma-buf call took it: any other ctx-less reservation is resv-lock-without-ctx.
  match(f) {
    return lockedWithoutContext(f) && analyze(f).frames.some((s) => s.file === DMA_BUF_MODEL);
  },
});
