import { ruleTester, yaml } from './rule-tester.js';

ruleTester('nest-lock-not-held', {
  valid: [
    {
      name: 'the nest lock is held',
      yaml: yaml`
        locks: {N: mutex, A: mutex}
        paths:
          - name: t
            steps: [{lock: N}, {lock: {name: "A[x]", nest_lock: N}}, {unlock: "A[x]"}, {unlock: N}]
      `,
    },
  ],
  invalid: [
    {
      name: 'taking a lock under a nest lock that is not held',
      yaml: yaml`
        locks: {N: mutex, A: mutex}
        paths:
          - name: t
            steps:
              - lock: {name: "A[x]", nest_lock: N}
              - unlock: "A[x]"
      `,
      findings: [{ locks: ['A', 'N'], line: 5, message: /nest_lock N, which is not held/ }],
    },
  ],
});
