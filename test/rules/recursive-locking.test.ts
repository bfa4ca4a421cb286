import { describe, expect, it } from 'vitest';
import { replayYaml, ruleTester, yaml } from './rule-tester.js';

ruleTester('recursive-locking', {
  valid: [
    {
      name: 'a subclass is another class',
      yaml: yaml`
        locks: {A: mutex}
        paths:
          - name: t
            steps: [{lock: "A[parent]"}, {mutex_lock_nested: {name: "A[child]", nested: 1}}, {unlock: "A[child]"}, {unlock: "A[parent]"}]
      `,
    },
    {
      name: 'rwlock readers in irq context are recursive',
      yaml: yaml`
        locks: {R: rwlock}
        paths:
          - name: t
            steps:
              - softirq: [{read_lock: "R[a]"}, {read_lock: "R[b]"}, {read_unlock: "R[b]"}, {read_unlock: "R[a]"}]
      `,
    },
    {
      name: 'same class under its nest_lock',
      yaml: yaml`
        locks: {N: mutex, A: mutex}
        paths:
          - name: t
            steps: [{lock: N}, {lock: {name: "A[x]", nest_lock: N}}, {lock: {name: "A[y]", nest_lock: N}}, {unlock: "A[y]"}, {unlock: "A[x]"}, {unlock: N}]
      `,
    },
    {
      name: 'a recursive read after a read',
      yaml: yaml`
        locks: {M: map}
        paths:
          - name: t
            steps: [{lock_map_acquire_read: M}, {lock_map_acquire_read: M}, {lock_map_release: M}, {lock_map_release: M}]
      `,
    },
  ],
  invalid: [
    {
      name: 'the same spinlock twice',
      yaml: yaml`
        locks: {A: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock: A
              - spin_lock: A
              - spin_unlock: A
              - spin_unlock: A
      `,
      findings: [{ locks: ['A'], line: 6, message: /taken again/ }],
    },
    {
      name: 'two instances of one class without nesting notation',
      yaml: yaml`
        locks: {A: mutex}
        paths:
          - name: t
            steps:
              - mutex_lock: "A[x]"
              - mutex_lock: "A[y]"
              - mutex_unlock: "A[y]"
              - mutex_unlock: "A[x]"
      `,
      findings: [{ locks: ['A'], line: 6, message: /same class/ }],
    },
    {
      name: 'down_read twice (r is not recursive)',
      yaml: yaml`
        locks: {S: rwsem}
        paths:
          - name: t
            steps:
              - down_read: "S[a]"
              - down_read: "S[b]"
              - up_read: "S[b]"
              - up_read: "S[a]"
      `,
      findings: [{ locks: ['S'], line: 6 }],
    },
    {
      name: 'read_lock twice in process context (queued rwlock reader)',
      yaml: yaml`
        locks: {R: rwlock}
        paths:
          - name: t
            steps:
              - read_lock: R
              - read_lock: R
              - read_unlock: R
              - read_unlock: R
      `,
      findings: [{ locks: ['R'], line: 6 }],
    },
  ],
});

describe('recursive-locking: how sure the deadlock is', () => {
  /** The note lockdep's "May be due to missing lock nesting notation" stands at. */
  const note = async (first: string, second: string, unlock: string): Promise<string[]> => {
    const out = await replayYaml(`version: 1\nname: t\nlocks: {S: rwsem, M: mutex}\npaths:\n  - name: t\n    steps: [{${first}}, {${second}}, {${unlock}}, {${unlock}}]\n`);
    return out.findings.flatMap((f) => f.report).flatMap((b) => (b.kind === 'text' && /instance|nesting/.test(b.text) ? [b.text.trim()] : []));
  };

  it('the same instance read twice: a deadlock once a writer waits between the reads', async () => {
    expect(await note('down_read: S', 'down_read: S', 'up_read: S')).toEqual(['The same lock instance is read twice: a deadlock as soon as a writer waits between the two reads.']);
  });

  it('the same instance taken twice otherwise: certain', async () => {
    expect(await note('mutex_lock: M', 'mutex_lock: M', 'mutex_unlock: M')).toEqual(['The same lock instance is taken twice: a certain self-deadlock.']);
    expect(await note('down_read: S', 'down_write: S', 'up_read: S')).toEqual(['The same lock instance is taken twice: a certain self-deadlock.']);
  });
});
