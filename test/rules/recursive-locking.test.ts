import { ruleTester, yaml } from './rule-tester.js';

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
