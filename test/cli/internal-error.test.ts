/** A bug while checking one file is that file's error, never a stack trace, and the run goes on. */
import { describe, expect, it, vi } from 'vitest';
import { cli, c, NO_STACK } from './helpers.js';

vi.mock('../../src/replay/index.js', () => {
  const boom = (): never => {
    throw new TypeError('boom');
  };
  class Replayer {
    constructor() {
      boom();
    }
  }
  return { Replayer, replayScenario: boom };
});

describe('internal errors while checking a file', () => {
  it('become "internal error: …" results, exit 2, and the other files are still checked', async () => {
    const r = await cli(['--format', 'json', c('good', 'ordered.yaml'), c('good', 'trace.jsonl'), c('nope.yaml')]);
    expect(r.code).toBe(2);
    expect(r.err).toBe('');
    const results = JSON.parse(r.out).results;
    expect(results.map((x: { status: string }) => x.status)).toEqual(['error', 'error', 'error']);
    expect(results[0].errors).toEqual([{ message: 'internal error: boom', file: c('good', 'ordered.yaml') }]);
    expect(results[1].errors).toEqual([{ message: 'internal error: boom', file: c('good', 'trace.jsonl') }]);
    expect(results[2].errors[0].message).toBe('no such file or directory');
    expect(r.out).not.toMatch(NO_STACK);
  });
});
