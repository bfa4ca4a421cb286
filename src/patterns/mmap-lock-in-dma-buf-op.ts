/**
 * mmap-lock-in-dma-buf-op — an exporter's dma_buf_ops callback that the core runs with the
 * buffer's reservation held (map_dma_buf, unmap_dma_buf, pin, unpin, vmap, by dma-buf.c's
 * locking convention) takes mmap_lock: get_user_pages() of a userptr-backed buffer, or a
 * fault. The kernel's order is mmap_lock before every reservation (a GEM mapping's fault
 * handler reserves under it; dma_resv_lockdep() primes it). Ahead of the generic fault and
 * HMM patterns: the exporter cannot drop the importer's reservation, its remedy differs.
 */
import { isMmapLock, resvCycle } from './analysis.js';
import { definePattern } from './pattern.js';

/** A frame running an exporter's dma_buf_ops callback. */
const EXPORTER_OP = 'dma_buf_ops.';

export default definePattern({
  meta: {
    id: 'mmap-lock-in-dma-buf-op',
    rules: ['circular-dependency'],
    summary: 'an exporter\'s dma_buf_ops callback, run with the reservation held, takes mmap_lock (get_user_pages, a fault)',
    remedy:
      'Pin the user pages before any reservation is held — when the buffer is exported, or in ' +
      'dma_buf_ops.attach, which the core calls without the reservation — and only build and map ' +
      'the sg table in map_dma_buf/pin/vmap; the importer holds the reservation there and the ' +
      'exporter cannot drop it.',
  },
  match(f) {
    const a = resvCycle(f);
    if (!a) return false;
    return a.edges.some((e) => isMmapLock(e, 'to') && e.enclosing.some((s) => s.hook?.startsWith(EXPORTER_OP)));
  },
});
