import { ruleTester, yaml } from './rule-tester.js';

const ab = (first: string, second: string, t1: [string, string], t2: [string, string]) => yaml`
  locks:
    A: ${first}
    B: ${second}
  paths:
    - name: t1
      steps:
        - ${t1[0]}
        - ${t1[1]}
        - unlock: B
        - unlock: A
    - name: t2
      steps:
        - ${t2[0]}
        - ${t2[1]}
        - unlock: A
        - unlock: B
`;

ruleTester('circular-dependency', {
  valid: [
    { name: 'one order everywhere', yaml: ab('mutex', 'mutex', ['lock: A', 'lock: B'], ['lock: A', 'lock: B']) },
    { name: 'ABBA of recursive readers (SR then SR is weak)', yaml: ab('rwlock', 'rwlock', ['lock: {name: A, mode: recursive_read}', 'lock: {name: B, mode: recursive_read}'], ['lock: {name: B, mode: recursive_read}', 'lock: {name: A, mode: recursive_read}']) },
    { name: 'W(A)->R(B) against R(B)->W(A) (ER then SN is weak)', yaml: ab('rwlock', 'rwlock', ['lock: A', 'lock: {name: B, mode: recursive_read}'], ['lock: {name: B, mode: recursive_read}', 'lock: A']) },
    { name: 'the inverse order only as a trylock', yaml: ab('mutex', 'mutex', ['lock: A', 'lock: B'], ['lock: B', 'trylock: A']) },
    {
      name: 'irq contexts split chains: no dependency from a process lock to what an interrupt takes',
      yaml: yaml`
        locks: {A: map, B: spinlock}
        paths:
          - name: t1
            steps:
              - lock_map_acquire: A
              - hardirq: [{spin_lock: B}, {spin_unlock: B}]
              - lock_map_release: A
          - name: t2
            steps: [{spin_lock_irqsave: B}, {lock_map_acquire: A}, {lock_map_release: A}, {spin_unlock_irqrestore: B}]
      `,
    },
  ],
  invalid: [
    { name: 'ABBA of mutexes', yaml: ab('mutex', 'mutex', ['lock: A', 'lock: B'], ['lock: B', 'lock: A']), findings: [{ locks: ['A', 'B'], line: 14, path: 't2', message: /A -> B -> A/ }] },
    { name: 'ABBA of rwsem readers (r is not recursive)', yaml: ab('rwsem', 'rwsem', ['down_read: A', 'down_read: B'], ['down_read: B', 'down_read: A']).replace(/unlock: (A|B)/g, 'up_read: $1'), findings: [{ locks: ['A', 'B'], line: 14 }] },
    { name: 'R(A)->W(B) against R(B)->W(A)', yaml: ab('rwlock', 'rwlock', ['lock: {name: A, mode: recursive_read}', 'lock: B'], ['lock: {name: B, mode: recursive_read}', 'lock: A']), findings: [{ locks: ['A', 'B'], line: 14 }] },
    { name: 'W(A)->R(B) against W(B)->W(A) (ER then E* is strong)', yaml: ab('rwlock', 'rwlock', ['lock: A', 'lock: {name: B, mode: recursive_read}'], ['lock: B', 'lock: A']), findings: [{ locks: ['A', 'B'], line: 14 }] },
    {
      name: 'ABBCCA through a function, shortest cycle reported',
      yaml: yaml`
        locks: {A: mutex, B: mutex, C: mutex}
        functions:
          take_c:
            - lock: C
            - unlock: C
        paths:
          - name: ab
            steps: [{lock: A}, {lock: B}, {call: take_c}, {unlock: B}, {unlock: A}]
          - name: ac
            steps: [{lock: A}, {call: take_c}, {unlock: A}]
          - name: ca
            steps:
              - lock: C
              - lock: A
              - unlock: A
              - unlock: C
      `,
      findings: [{ locks: ['A', 'C'], line: 14, path: 'ca', message: /A -> C -> A/ }],
    },
    {
      name: 'dependencies from a trylock and the locks below it',
      yaml: yaml`
        locks: {X: mutex, T: mutex, Y: mutex}
        paths:
          - name: t1
            steps: [{lock: X}, {trylock: T}, {lock: Y}, {unlock: Y}, {unlock: T}, {unlock: X}]
          - name: t2
            steps:
              - lock: Y
              - lock: T
              - unlock: T
              - unlock: Y
      `,
      findings: [{ locks: ['T', 'Y'], line: 8 }],
    },
  ],
});
