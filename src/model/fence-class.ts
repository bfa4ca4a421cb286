/**
 * The lockdep class a fence's signalling is tracked as. Under `fence_model: lockdep` (the
 * kernel's) every fence shares one, `dma_fence_map`; under `fence_model: precise` each fence
 * has its own, `fence:F`, so that signalling one fence while waiting on another is no cycle.
 */
export const DMA_FENCE_MAP = 'dma_fence_map';

const PRECISE_PREFIX = 'fence:';

/** The class of fence `fence` under `fence_model: precise`. */
export function preciseFenceClass(fence: string): string {
  return `${PRECISE_PREFIX}${fence}`;
}

/** Whether a class the replay made (not a declared lock) is a fence's precise class. */
export function isPreciseFenceClass(name: string): boolean {
  return name.startsWith(PRECISE_PREFIX);
}
