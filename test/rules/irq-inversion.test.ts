import { ruleTester, yaml } from './rule-tester.js';

ruleTester('irq-inversion', {
  valid: [
    {
      name: 'both locks irq-safe',
      yaml: yaml`
        locks: {A: spinlock, B: spinlock}
        paths:
          - name: t
            steps:
              - hardirq: [{spin_lock: A}, {spin_unlock: A}]
              - spin_lock_irqsave: A
              - spin_lock: B
              - spin_unlock: B
              - spin_unlock_irqrestore: A
              - spin_lock_irqsave: B
              - spin_unlock_irqrestore: B
      `,
    },
  ],
  invalid: [
    {
      name: 'HARDIRQ-safe -> HARDIRQ-unsafe on a new dependency',
      yaml: yaml`
        locks: {A: spinlock, B: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock: B
              - spin_unlock: B
              - hardirq: [{spin_lock: A}, {spin_unlock: A}]
              - spin_lock_irqsave: A
              - spin_lock: B
              - spin_unlock: B
              - spin_unlock_irqrestore: A
      `,
      findings: [{ locks: ['A', 'B'], line: 9, message: /HARDIRQ-safe -> HARDIRQ-unsafe lock order: A .* -> B/ }],
    },
    {
      name: 'SOFTIRQ-safe -> SOFTIRQ-unsafe',
      yaml: yaml`
        locks: {A: spinlock, B: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock: B
              - spin_unlock: B
              - softirq: [{spin_lock: A}, {spin_unlock: A}]
              - spin_lock_bh: A
              - spin_lock: B
              - spin_unlock: B
              - spin_unlock_bh: A
      `,
      findings: [{ locks: ['A', 'B'], line: 9, message: /SOFTIRQ-safe -> SOFTIRQ-unsafe/ }],
    },
    {
      name: 'a lock becomes irq-safe after it took an irq-unsafe lock',
      yaml: yaml`
        locks: {A: spinlock, B: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock: B
              - spin_unlock: B
              - spin_lock_irq: A
              - spin_lock: B
              - spin_unlock: B
              - spin_unlock_irq: A
              - hardirq:
                  - spin_lock: A
                  - spin_unlock: A
      `,
      findings: [{ locks: ['A', 'B'], line: 12, message: /became HARDIRQ-safe but took the HARDIRQ-unsafe B/ }],
    },
  ],
});
