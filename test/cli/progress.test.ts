/** Progress on stderr: only on a terminal, never in CI, never for a quick run; erased before the report. */
import { describe, expect, it } from 'vitest';
import { expandInputs } from '../../src/check/run.js';
import { Progress, progressWanted } from '../../src/cli/shared.js';
import { runIn } from './gate-helpers.js';

function sink(isTTY = true) {
  const writes: string[] = [];
  return { writes, stream: { write: (s: string) => writes.push(s), isTTY } };
}

describe('progressWanted', () => {
  it('a terminal, outside CI', () => {
    expect(progressWanted({ write: () => 0, isTTY: true }, {})).toBe(true);
    expect(progressWanted({ write: () => 0, isTTY: false }, {})).toBe(false);
    expect(progressWanted({ write: () => 0 }, {})).toBe(false);
    expect(progressWanted({ write: () => 0, isTTY: true }, { CI: 'true' })).toBe(false);
    expect(progressWanted({ write: () => 0, isTTY: true }, { CI: '1' })).toBe(false);
    expect(progressWanted({ write: () => 0, isTTY: true }, { CI: 'false' })).toBe(true);
    expect(progressWanted({ write: () => 0, isTTY: true }, { GITHUB_ACTIONS: 'true' })).toBe(false);
    expect(progressWanted({ write: () => 0, isTTY: true }, { TERM: 'dumb' })).toBe(false);
  });
});

describe('Progress', () => {
  it('draws in place after the delay, at most once per interval, the last file always; clear erases it', () => {
    let now = 0;
    const { writes, stream } = sink();
    const p = new Progress(stream, { delayMs: 250, intervalMs: 100, now: () => now });
    p.files(1, 4);
    expect(writes).toEqual([]); // a quick run never flashes a line
    now = 300;
    p.files(2, 4);
    now = 350;
    p.files(3, 4); // within the interval: skipped
    now = 360;
    p.trace('big.jsonl', 1_200_000);
    p.files(4, 4); // the last one is always drawn
    p.clear();
    expect(writes).toEqual(['\r\u001b[Kchecked 2/4 files', '\r\u001b[Kchecked 4/4 files', '\r\u001b[K']);
  });

  it('a long stream: events read so far', () => {
    let now = 1000;
    const { writes, stream } = sink();
    const p = new Progress(stream, { delayMs: 0, intervalMs: 0, now: () => now });
    p.files(0, 3);
    p.trace('big.jsonl', 1_200_000);
    expect(writes.at(-1)).toBe('\r\u001b[Kreading big.jsonl: 1,200,000 events (file 1/3)');
    now += 1;
    p.clear();
    p.clear();
    expect(writes.at(-1)).toBe('\r\u001b[K');
    expect(writes.filter((w) => w === '\r\u001b[K')).toHaveLength(1);
  });

  it('nothing on stderr when it is not a terminal, or in CI', async () => {
    const cases: { stderrTTY: boolean; env: Record<string, string> }[] = [
      { stderrTTY: false, env: {} },
      { stderrTTY: true, env: { CI: 'true' } },
    ];
    for (const opts of cases) {
      const r = await runIn(process.cwd(), ['check', 'fixtures'], opts);
      expect(r.code).toBe(0);
      expect(r.err).toBe('');
    }
  });

  it('on a terminal, a run long enough shows `checked N/M files`, erased before the report', async () => {
    // The count is the directory walk's own, so the test follows the selftest port as it grows.
    const total = (await expandInputs(['test/selftest'])).length;
    const quiet = await runIn(process.cwd(), ['check', '--quiet', 'test/selftest']);
    const started = performance.now();
    const r = await runIn(process.cwd(), ['check', '--quiet', 'test/selftest'], { stderrTTY: true });
    const took = performance.now() - started;
    expect(r.code).toBe(0);
    expect(r.out).toBe(quiet.out);
    expect(r.err).toMatch(new RegExp(`^((\\r\\u001b\\[Kchecked \\d+/${total} files)+\\r\\u001b\\[K)?$`));
    // Past the 250 ms delay (always, so far, under vitest), the last count is always drawn.
    if (took > 400) expect(r.err).toContain(`checked ${total}/${total} files`);
  });
});
