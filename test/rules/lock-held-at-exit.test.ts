import { ruleTester, yaml } from './rule-tester.js';

ruleTester('lock-held-at-exit', {
  valid: [
    {
      name: 'a return inside with/do releases the lock',
      yaml: yaml`
        locks: {A: mutex}
        functions:
          f:
            - with: A
              do:
                - return
                - lock: A
        paths:
          - name: t
            steps: [{call: f}]
      `,
    },
  ],
  invalid: [
    {
      name: 'a path that ends holding a lock (reported where it was taken)',
      yaml: yaml`
        locks: {A: mutex, B: mutex}
        paths:
          - name: t
            steps:
              - lock: A
              - lock: B
              - unlock: B
      `,
      findings: [{ locks: ['A'], line: 5, message: /ends holding A/ }],
    },
    {
      name: 'an RCU section left open',
      yaml: yaml`
        paths:
          - name: t
            steps:
              - rcu_read_lock
      `,
      findings: [{ locks: ['rcu_read_lock'], line: 4 }],
    },
    {
      name: 'a return that skips the unlock',
      yaml: yaml`
        locks: {A: mutex}
        functions:
          f:
            - lock: A
            - return
            - unlock: A
        paths:
          - name: t
            steps: [{call: f}]
      `,
      findings: [{ locks: ['A'], line: 4 }],
    },
  ],
});
