/**
 * lock-depth: the report dumps the stack of the acquisition that reached MAX_LOCK_DEPTH after
 * the held locks, as lockdep does (dump_stack()), so the finding is traced to the scenario's step.
 */
import { describe, expect, it } from 'vitest';
import { MAX_LOCK_DEPTH } from '../../src/replay/lockdep.js';
import { userLocation } from '../../src/report/findings.js';
import { replayYaml } from './rule-tester.js';

describe('lock-depth', () => {
  it('dumps the stack of the acquisition that reached the limit', async () => {
    const n = MAX_LOCK_DEPTH + 1;
    const locks = Array.from({ length: n }, (_, i) => `  L${i}: mutex\n`).join('');
    const body = Array.from({ length: n }, (_, i) => `    - mutex_lock: L${i}\n`).join('');
    const out = await replayYaml(`version: 1\nname: t\nlocks:\n${locks}functions:\n  take_all:\n${body}paths:\n  - name: p\n    steps: [{ call: take_all }]\n`);
    const f = out.findings.find((x) => x.rule === 'lock-depth')!;
    const trace = f.report.find((b) => b.kind === 'trace');
    expect(trace).toMatchObject({ path: 'p' });
    const stack = trace && trace.kind === 'trace' ? trace.stack : [];
    // The 48th: __lock_acquire() compares the depth with MAX_LOCK_DEPTH after counting the new lock.
    expect(stack.map((s) => s.step)).toEqual(['call: take_all', `mutex_lock: L${MAX_LOCK_DEPTH - 1}`]);
    expect(userLocation(f)).toEqual(f.location); // in the scenario itself: where it is
  });
});
