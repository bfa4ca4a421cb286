/**
 * Limits the replay enforces (src/replay/).
 *
 * 1. MAX_LOCK_DEPTH. Lockdep holds at most 48 locks per task; at 48 the kernel prints
 *    "BUG: MAX_LOCK_DEPTH too low!" and turns itself off. The replay has no limit: a path
 *    that takes `lock: A` 10,000 times (each a recursive-locking finding whose report lists
 *    the whole held stack) is quadratic (6,000: 2.4 s; 30,000: minutes), and so is a path
 *    holding 30,000 distinct locks (10 s). So in Lockdep.acquire(): when a task's held
 *    stack reaches MAX_LOCK_DEPTH (48), report a warning finding once per path (rule
 *    `lock-depth`, severity warn, heading "BUG: MAX_LOCK_DEPTH too low!", the held locks as
 *    its locks) and stop validating that task: further acquisitions of the path are not
 *    pushed, checked or recorded (releases of locks it never pushed are not `bad-unlock`);
 *    in a stream, until the task's held stack is back under the limit.
 * 2. Classes the replay creates by itself (`(work_completion)W` and `(wq_completion)Q` per
 *    name, `<ww_class>_acquire`, `fence:F`, subclasses) are not counted against the loader's
 *    MAX_LOCK_CLASSES (100,000): a stream of distinct `flush_work` names grew the class
 *    table without bound. So in ClassTable: past MAX_LOCK_CLASSES classes, an input
 *    error "too many lock classes (more than 100,000)" once, and new classes untracked.
 *    Dependencies and chains have no limit of their own yet (each needs a new class or a new
 *    chain of held classes, both bounded by the class limit and MAX_LOCK_DEPTH).
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { checkJson, scratch } from '../fuzz/harness.js';

const fx = scratch('replay-limits');
afterAll(() => fx.cleanup());
const BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'fencedep.js');

const nested = (n: number) =>
  `locks:\n${Array.from({ length: n }, (_, i) => `  L${i}: mutex\n`).join('')}paths:\n  - name: p\n    steps:\n` +
  `${Array.from({ length: n }, (_, i) => `      - lock: L${i}\n`).join('')}${Array.from({ length: n }, (_, i) => `      - unlock: L${n - 1 - i}\n`).join('')}`;

describe('limits the replay enforces', () => {
  it('47 locks held at once is fine', async () => {
    const { report } = await checkJson([fx.write('depth47.yaml', nested(47))]);
    expect(report.results[0]!.findings).toEqual([]);
  });

  it('48 locks held at once: a warning, "MAX_LOCK_DEPTH too low", as lockdep prints', async () => {
    const { run, report } = await checkJson([fx.write('depth48.yaml', nested(48))]);
    const f = report.results[0]!.findings;
    expect(f.some((x) => x.severity === 'warn' && /MAX_LOCK_DEPTH/.test(x.message))).toBe(true);
    expect(run.code).toBe(0); // a warning does not fail the file
  });

  it('10,000 acquisitions of one lock on one path end within seconds', () => {
    const file = fx.write('aa10k.yaml', `locks: {A: mutex}\npaths:\n  - name: p\n    steps:\n${'      - lock: A\n'.repeat(10_000)}`);
    const r = spawnSync(process.execPath, [BIN, 'check', '--no-config', '--quiet', file], { encoding: 'utf8', timeout: 3000 });
    expect(r.error, 'killed by the timeout').toBeUndefined();
    expect(r.status).toBe(1);
  });

  it('a stream naming 110,000 work items: "too many lock classes", not a class table without bound', async () => {
    const events = Array.from({ length: 110_000 }, (_, i) => `{"path":"t","op":"flush_work","name":"w${i}"}`).join('\n');
    const { report } = await checkJson([fx.write('work-items.jsonl', events)]);
    expect(report.results[0]!.errors.some((e) => /too many lock classes/.test(e.message))).toBe(true);
  });
});
