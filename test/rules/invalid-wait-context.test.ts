import { ruleTester, yaml } from './rule-tester.js';

const nest = (outer: string, inner: string, options = '{}') => yaml`
  options: ${options}
  locks: {O: ${outer}, I: ${inner}}
  paths:
    - name: t
      steps:
        - lock: O
        - lock: I
        - unlock: I
        - unlock: O
`;

ruleTester('invalid-wait-context', {
  valid: [
    { name: 'spinlock_t inside raw_spinlock_t before PROVE_RAW_LOCK_NESTING (5.10 profile)', yaml: nest('raw_spinlock', 'spinlock', '{kernel: "5.10"}') },
    { name: 'raw_spinlock_t inside spinlock_t', yaml: nest('spinlock', 'raw_spinlock') },
    { name: 'a mutex under a pseudo-lock (fs_reclaim has no wait type)', yaml: nest('map', 'mutex') },
    {
      name: 'mutex_trylock under a spinlock',
      yaml: yaml`
        locks: {S: spinlock, M: mutex}
        paths:
          - name: t
            steps: [{spin_lock: S}, {mutex_trylock: M}, {mutex_unlock: M}, {spin_unlock: S}]
      `,
    },
    {
      name: 'spinlock_t in a threadable hardirq handler',
      yaml: yaml`
        locks: {S: spinlock}
        paths:
          - name: t
            steps: [{hardirq: [{spin_lock: S}, {spin_unlock: S}]}]
      `,
    },
  ],
  invalid: [
    { name: 'a mutex under a spinlock', yaml: nest('spinlock', 'mutex'), findings: [{ locks: ['I', 'O'], line: 7 }] },
    { name: 'spinlock_t under raw_spinlock_t (6.13 profile)', yaml: nest('raw_spinlock', 'spinlock'), findings: [{ locks: ['I', 'O'], line: 7 }] },
    {
      name: 'spinlock_t in a hardirq handler that cannot be threaded',
      yaml: yaml`
        locks: {S: spinlock}
        paths:
          - name: t
            steps:
              - hardirq:
                  threaded: false
                  do:
                    - spin_lock: S
                    - spin_unlock: S
      `,
      findings: [{ locks: ['S'], line: 8, message: /in hardirq context/ }],
    },
    {
      name: 'a mutex in an RCU read-side section',
      yaml: yaml`
        locks: {M: mutex}
        paths:
          - name: t
            steps:
              - rcu_read_lock
              - mutex_lock: M
              - mutex_unlock: M
              - rcu_read_unlock
      `,
      findings: [{ locks: ['M', 'rcu_read_lock'], line: 6 }],
    },
  ],
});
