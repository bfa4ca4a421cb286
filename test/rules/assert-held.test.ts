import { ruleTester, yaml } from './rule-tester.js';

ruleTester('assert-held', {
  valid: [
    {
      name: 'asserted while held, bare name for an instance',
      yaml: yaml`
        locks: {A: mutex}
        functions:
          helper: [{assert_held: A}, {assert_held: "A[obj]"}]
        paths:
          - name: t
            steps: [{lock: "A[obj]"}, {call: helper}, {unlock: "A[obj]"}]
      `,
    },
  ],
  invalid: [
    {
      name: 'a helper called without the lock its callers must hold',
      yaml: yaml`
        locks: {A: mutex}
        functions:
          helper:
            - assert_held: A
        paths:
          - name: t
            steps: [{call: helper}]
      `,
      findings: [{ locks: ['A'], line: 4, message: /lockdep_assert_held\(A\) failed/ }],
    },
    {
      name: 'another instance is held',
      yaml: yaml`
        locks: {A: mutex}
        paths:
          - name: t
            steps:
              - lock: "A[x]"
              - assert_held: "A[y]"
              - unlock: "A[x]"
      `,
      findings: [{ locks: ['A'], line: 6 }],
    },
    {
      name: 'cond_resched_lock on a lock that is not held',
      yaml: yaml`
        locks: {S: spinlock}
        paths:
          - name: t
            steps:
              - cond_resched_lock: S
      `,
      findings: [{ locks: ['S'], line: 5 }],
    },
  ],
});
