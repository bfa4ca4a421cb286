import { ruleTester, yaml } from './rule-tester.js';

ruleTester('inconsistent-lock-state', {
  valid: [
    {
      name: 'irq-safe everywhere: spin_lock_irqsave in process context',
      yaml: yaml`
        locks: {A: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock_irqsave: A
              - spin_unlock_irqrestore: A
              - hardirq: [{spin_lock: A}, {spin_unlock: A}]
      `,
    },
    {
      name: 'a trylock in hardirq does not make the lock irq-safe',
      yaml: yaml`
        locks: {A: spinlock}
        paths:
          - name: t
            steps: [{spin_lock: A}, {spin_unlock: A}, {hardirq: [{spin_trylock: A}, {spin_unlock: A}]}]
      `,
    },
    {
      name: 'recursive readers in irq and readers with irqs on',
      yaml: yaml`
        locks: {R: rwlock}
        paths:
          - name: t
            steps: [{read_lock: R}, {read_unlock: R}, {hardirq: [{read_lock: R}, {read_unlock: R}]}]
      `,
    },
  ],
  invalid: [
    {
      name: 'taken with irqs on, then in a hardirq handler',
      yaml: yaml`
        locks: {A: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock: A
              - spin_unlock: A
              - hardirq:
                  - spin_lock: A
                  - spin_unlock: A
      `,
      findings: [{ locks: ['A'], line: 8, message: /\{HARDIRQ-ON-W\} -> \{IN-HARDIRQ-W\}/ }],
    },
    {
      name: 'taken in a softirq, then with softirqs on',
      yaml: yaml`
        locks: {A: spinlock}
        paths:
          - name: t
            steps:
              - softirq: [{spin_lock: A}, {spin_unlock: A}]
              - spin_lock: A
              - spin_unlock: A
      `,
      findings: [{ locks: ['A'], line: 6, message: /\{IN-SOFTIRQ-W\} -> \{SOFTIRQ-ON-W\}/ }],
    },
    {
      name: 'a writer with irqs on against a reader in irq',
      yaml: yaml`
        locks: {R: rwlock}
        paths:
          - name: t
            steps:
              - write_lock: R
              - write_unlock: R
              - hardirq:
                  - read_lock: R
                  - read_unlock: R
      `,
      findings: [{ locks: ['R'], line: 8, message: /\{HARDIRQ-ON-W\} -> \{IN-HARDIRQ-R\}/ }],
    },
  ],
});
