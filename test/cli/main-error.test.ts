/** An unexpected exception in main: "fencedep: internal error: …", exit 2, stack only with FENCEDEP_DEBUG=1. */
import { describe, expect, it, vi } from 'vitest';
import { cli, c } from './helpers.js';

vi.mock('../../src/check/run.js', () => ({
  checkInputs: () => Promise.reject(new RangeError('kaboom')),
}));

describe('internal errors in main', () => {
  it('print one line and exit 2', async () => {
    const r = await cli([c('good')]);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toBe('fencedep: internal error: kaboom\n');
  });

  it('print the stack with FENCEDEP_DEBUG=1', async () => {
    const r = await cli([c('good')], { env: { FENCEDEP_DEBUG: '1' } });
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/^fencedep: internal error: kaboom\nRangeError: kaboom\n\s+at /);
  });
});
