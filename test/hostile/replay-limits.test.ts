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
 * 3. Dependencies (1,000,000) and chains (4,000,000): bounded by neither of the above (the
 *    dependencies grow with the square of the classes, the chains with their combinations).
 *    When one is full, an input error at the step that filled it, and lockdep is off from
 *    there for every task, as the kernel's "BUG: MAX_LOCKDEP_ENTRIES too low!" (and
 *    "..._CHAINS too low!") turn it off. Shown here with small tables (ReplayTuning.limits).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadScenario } from '../../src/load/index.js';
import { LOCKDEP_LIMITS } from '../../src/model/limits.js';
import { MAX_LOCK_DEPTH } from '../../src/replay/lockdep.js';
import { analyzeScenario } from '../../src/analyze/index.js';
import { checkJson, scratch } from '../fuzz/harness.js';

const fx = scratch('replay-limits');
afterAll(() => fx.cleanup());

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

  it('past MAX_LOCK_DEPTH, a lock taken later is neither asserted nor downgraded against the held locks', async () => {
    const n = 49;
    const yaml = `locks:\n${Array.from({ length: n }, (_, i) => `  L${i}: rwsem\n`).join('')}paths:\n  - name: p\n    steps:\n` +
      `${Array.from({ length: n }, (_, i) => `      - down_write: L${i}\n`).join('')}      - lockdep_assert_held: L48\n      - downgrade_write: L48\n      - up_read: L48\n`;
    const { report } = await checkJson([fx.write('depth-assert.yaml', yaml)]);
    expect(report.results[0]!.findings.map((f) => f.rule)).toEqual(['lock-depth']);
  });

  it('10,000 acquisitions of one lock on one path: the held stack stops at MAX_LOCK_DEPTH, so do the chains validated', async () => {
    const scenario = await loadScenario(fx.write('aa10k.yaml', `locks: {A: mutex}\npaths:\n  - name: p\n    steps:\n${'      - lock: A\n'.repeat(10_000)}`));
    const out = analyzeScenario(scenario);
    // Each acquisition pushed would be a new chain (and a report listing the whole stack): quadratic.
    expect(out.stats.chains).toBeLessThanOrEqual(MAX_LOCK_DEPTH);
    expect(out.findings.map((f) => f.rule)).toEqual(['recursive-locking', 'lock-depth']);
  });

  it('a stream naming 110,000 work items: "too many lock classes", not a class table without bound', async () => {
    const events = Array.from({ length: 110_000 }, (_, i) => `{"path":"t","op":"flush_work","name":"w${i}"}`).join('\n');
    const { report } = await checkJson([fx.write('work-items.jsonl', events)]);
    expect(report.results[0]!.errors.some((e) => /too many lock classes/.test(e.message))).toBe(true);
  });

  describe('full dependency and chain tables', () => {
    /** An ABBA (two dependencies, one cycle), then paths pK taking L{K} then L{K+1} (one dependency and chain each). */
    const ladder = (n: number) =>
      `locks:\n${Array.from({ length: n + 1 }, (_, i) => `  L${i}: mutex\n`).join('')}  A: mutex\n  B: mutex\npaths:\n` +
      '  - name: ab\n    steps: [{lock: A}, {lock: B}, {unlock: B}, {unlock: A}]\n' +
      '  - name: ba\n    steps: [{lock: B}, {lock: A}, {unlock: A}, {unlock: B}]\n' +
      Array.from({ length: n }, (_, i) => `  - name: p${i}\n    steps: [{lock: L${i}}, {lock: L${i + 1}}, {unlock: L${i + 1}}, {unlock: L${i}}]\n`).join('');
    const replay = async (n: number, limits: Partial<typeof LOCKDEP_LIMITS>) =>
      analyzeScenario(await loadScenario(fx.write(`ladder-${n}.yaml`, ladder(n))), { limits: { ...LOCKDEP_LIMITS, ...limits } });
    const errors = (out: Awaited<ReturnType<typeof replay>>) => out.errors.map((e) => [e.message, e.loc?.line, e.loc?.column]);

    it('room for every dependency: no error', async () => {
      const out = await replay(10, { dependencies: 12 });
      expect(out.errors).toEqual([]);
      expect(out.stats.edges).toBe(12);
      expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
    });

    it('one dependency too many: an error at the step that needs it, lockdep off from there, the findings before it kept', async () => {
      const out = await replay(10, { dependencies: 11 });
      expect(errors(out)).toEqual([
        [
          'too many lock dependencies (more than 11; the kernel\'s lockdep keeps 16,384 by default): lockdep is off from here, as the kernel turns ' +
            'it off ("BUG: MAX_LOCKDEP_ENTRIES too low!"), so no lockdep check runs after this step',
          39, 26,
        ],
      ]);
      expect(out.stats.edges).toBe(11);
      expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
      // Off for every task: the cycle a later path closes is not found.
      const late = await loadScenario(fx.write('ladder-late.yaml', `${ladder(10)}  - name: back\n    steps: [{lock: L1}, {lock: L0}, {unlock: L0}, {unlock: L1}]\n`));
      expect(analyzeScenario(late, { limits: { ...LOCKDEP_LIMITS, dependencies: 11 } }).findings).toHaveLength(1);
      expect(analyzeScenario(late, { limits: { ...LOCKDEP_LIMITS, dependencies: 13 } }).findings).toHaveLength(2);
    });

    it('with lockdep off, the held locks are still kept: a sleep under a spinlock is still reported, as the kernel reads preempt_count', async () => {
      const late = await loadScenario(fx.write('ladder-sleep.yaml', `${ladder(10).replace('locks:\n', 'locks:\n  S: spinlock\n')}  - name: sleeper\n    steps: [{lock: L3}, {spin_lock: S}, msleep, {spin_unlock: S}, {unlock: L3}]\n`));
      for (const limits of [{ dependencies: 11 }, { chains: 8 }]) {
        const out = analyzeScenario(late, { limits: { ...LOCKDEP_LIMITS, ...limits } });
        expect(out.errors).toHaveLength(1);
        expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency', 'sleep-in-atomic']);
      }
    });

    it('one chain too many: the same, for "MAX_LOCKDEP_CHAINS too low"', async () => {
      // Chains: [A], [A, B], [B], [B, A], then [Li], [Li, Li+1] for each path.
      const out = await replay(10, { chains: 8 });
      expect(errors(out)).toEqual([
        [
          'too many lock chains (more than 8; the kernel\'s lockdep keeps 65,536 by default): lockdep is off from here, as the kernel turns ' +
            'it off ("BUG: MAX_LOCKDEP_CHAINS too low!"), so no lockdep check runs after this step',
          25, 14,
        ],
      ]);
      expect(out.findings.map((f) => f.rule)).toEqual(['circular-dependency']);
      expect((await replay(10, { chains: 24 })).errors).toEqual([]);
    });
  });
});
