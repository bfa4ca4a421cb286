import { ruleTester, yaml } from './rule-tester.js';

ruleTester('sleep-in-atomic', {
  valid: [
    {
      name: 'trylocks never sleep',
      yaml: yaml`
        locks: {S: spinlock, M: mutex}
        paths:
          - name: t
            steps: [{spin_lock: S}, {mutex_trylock: M}, {mutex_unlock: M}, {spin_unlock: S}]
      `,
    },
    {
      name: 'cond_resched_lock may drop the lock it is given',
      yaml: yaml`
        locks: {S: spinlock}
        paths:
          - name: t
            steps: [{spin_lock: S}, {cond_resched_lock: S}, {spin_unlock: S}]
      `,
    },
    {
      name: 'sleeping after the atomic section ends',
      yaml: yaml`
        locks: {S: spinlock}
        paths:
          - name: t
            steps: [preempt_disable, preempt_enable, {spin_lock_irq: S}, {spin_unlock_irq: S}, msleep, {non_block: [{spin_lock: S}, {spin_unlock: S}]}, might_sleep]
      `,
    },
  ],
  invalid: [
    {
      name: 'msleep under a spinlock',
      yaml: yaml`
        locks: {S: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock: S
              - msleep
              - spin_unlock: S
      `,
      findings: [{ locks: ['S'], line: 6, message: /msleep while holding S \(in_atomic\)/ }],
    },
    {
      name: 'a mutex with preemption disabled',
      yaml: yaml`
        locks: {M: mutex}
        paths:
          - name: t
            steps:
              - preempt_disable
              - mutex_lock: M
              - mutex_unlock: M
              - preempt_enable
      `,
      findings: [{ locks: ['M'], line: 6, message: /\(in_atomic\)/ }],
    },
    {
      name: 'might_sleep with irqs disabled (in_atomic is 0)',
      yaml: yaml`
        paths:
          - name: t
            steps:
              - local_irq_disable
              - might_sleep
              - local_irq_enable
      `,
      findings: [{ locks: [], line: 5, message: /\(irqs_disabled\)/ }],
    },
    {
      name: 'sleeping in a non-blocking section',
      yaml: yaml`
        paths:
          - name: oom reaper
            steps:
              - non_block:
                  - might_sleep
      `,
      findings: [{ locks: [], line: 5, message: /\(non_block\)/, path: 'oom reaper' }],
    },
    {
      name: 'sleeping in an RCU read-side section',
      yaml: yaml`
        paths:
          - name: t
            steps:
              - rcu:
                  - schedule
      `,
      findings: [{ locks: ['rcu_read_lock'], line: 5, message: /\(rcu\)/ }],
    },
    {
      name: 'sleeping in a hardirq handler',
      yaml: yaml`
        paths:
          - name: t
            steps:
              - hardirq:
                  - wait_for_completion
      `,
      findings: [{ locks: [], line: 5, message: /irq_context/ }],
    },
    {
      name: 'cond_resched_lock with another spinlock held',
      yaml: yaml`
        locks: {S: spinlock, T: spinlock}
        paths:
          - name: t
            steps:
              - spin_lock: T
              - spin_lock: S
              - cond_resched_lock: S
              - spin_unlock: S
              - spin_unlock: T
      `,
      findings: [{ locks: ['T'], line: 7 }],
    },
  ],
});
