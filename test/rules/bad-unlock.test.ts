import { ruleTester, yaml } from './rule-tester.js';

ruleTester('bad-unlock', {
  valid: [
    {
      name: 'out-of-order unlock',
      yaml: yaml`
        locks: {A: mutex, B: mutex, C: mutex}
        paths:
          - name: t
            steps: [{lock: A}, {lock: B}, {lock: C}, {unlock: B}, {unlock: C}, {unlock: A}]
      `,
    },
    {
      // find_held_lock() matches the top entry whatever its irq context.
      name: 'an interrupt releasing the lock on top of the stack',
      yaml: yaml`
        locks: {A: spinlock}
        paths:
          - name: t
            steps: [{spin_lock_irqsave: A}, {spin_unlock_irqrestore: A}, {spin_lock: A}, {hardirq: [{spin_unlock: A}]}]
      `,
    },
  ],
  invalid: [
    {
      name: 'unlocking what is not held',
      yaml: yaml`
        locks: {A: mutex}
        paths:
          - name: t
            steps:
              - mutex_unlock: A
      `,
      findings: [{ locks: ['A'], line: 5, message: /no locks held/ }],
    },
    {
      name: 'double unlock',
      yaml: yaml`
        locks: {A: mutex}
        paths:
          - name: t
            steps:
              - mutex_lock: A
              - mutex_unlock: A
              - mutex_unlock: A
      `,
      findings: [{ locks: ['A'], line: 7 }],
    },
    {
      name: 'non_block_end without non_block_start',
      yaml: yaml`
        paths:
          - name: t
            steps:
              - non_block_end
      `,
      findings: [{ locks: [], line: 4 }],
    },
    {
      name: 'an interrupt releasing a process-context lock below its own',
      yaml: yaml`
        locks: {A: spinlock, B: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock_irqsave: B
              - spin_unlock_irqrestore: B
              - spin_lock: A
              - hardirq:
                  - spin_lock: B
                  - spin_unlock: A
                  - spin_unlock: B
              - spin_unlock: A
      `,
      findings: [{ locks: ['A'], line: 10 }],
    },
    {
      name: 'rcu_read_unlock outside a read-side section',
      yaml: yaml`
        paths:
          - name: t
            steps:
              - rcu_read_unlock
      `,
      findings: [{ locks: ['rcu_read_lock'], line: 4 }],
    },
  ],
});
