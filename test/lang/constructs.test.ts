/**
 * Revision 1.1 (docs/scenario-format.md §11–§14) construct by construct, RuleTester style: scenarios
 * that must stay clean of a rule and scenarios that must trigger it, with locks and line.
 */
import { ruleTester, yaml } from '../rules/rule-tester.js';

const LOCKS = yaml`
  locks:
    A: mutex
    B: mutex
    S: spinlock
`;

// docs/scenario-format.md §11.1 — if: COND, both branches replayed, each going on with the steps after the if.
ruleTester('circular-dependency', {
  valid: [
    {
      name: 'both branches take A then B',
      yaml: LOCKS + yaml`
        paths:
          - name: ioctl
            steps:
              - if: bo->pinned
                then: [{mutex_lock: A}, {mutex_lock: B}, {mutex_unlock: B}, {mutex_unlock: A}]
                else: [{mutex_lock: A}, {mutex_unlock: A}, {mutex_lock: B}, {mutex_unlock: B}]
      `,
    },
    {
      name: 'the else branch is empty: the then branch alone orders A before B',
      yaml: LOCKS + yaml`
        paths:
          - name: ioctl
            steps:
              - if: "ret == -EAGAIN"
                then: [{mutex_lock: B}, {mutex_unlock: B}]
              - mutex_lock: A
              - mutex_lock: B
              - mutex_unlock: B
              - mutex_unlock: A
      `,
    },
    {
      name: 'if: {mutex_trylock: B} under A records no A -> B (a trylock never waits)',
      yaml: LOCKS + yaml`
        paths:
          - name: a
            steps:
              - mutex_lock: A
              - if: {mutex_trylock: B}
                then: [{mutex_unlock: B}]
              - mutex_unlock: A
          - name: b
            steps: [{mutex_lock: B}, {mutex_lock: A}, {mutex_unlock: A}, {mutex_unlock: B}]
      `,
    },
  ],
  invalid: [
    {
      name: 'the else branch orders B before A, the then branch A before B',
      yaml: LOCKS + yaml`
        paths:
          - name: ioctl
            steps:
              - if: bo->pinned
                then: [{mutex_lock: A}, {mutex_lock: B}, {mutex_unlock: B}, {mutex_unlock: A}]
                else: [{mutex_lock: B}, {mutex_lock: A}, {mutex_unlock: A}, {mutex_unlock: B}]
      `,
      findings: [{ locks: ['A', 'B'], line: 10, message: /A -> B|B -> A/ }],
    },
    {
      name: 'the then branch of a trylock holds it: A taken under B there',
      yaml: LOCKS + yaml`
        paths:
          - name: fallback
            steps:
              - if: {mutex_trylock: B}
                then: [{mutex_lock: A}, {mutex_unlock: A}, {mutex_unlock: B}]
                else: [might_sleep]
          - name: other
            steps: [{mutex_lock: A}, {mutex_lock: B}, {mutex_unlock: B}, {mutex_unlock: A}]
      `,
      findings: [{ locks: ['A', 'B'], line: 12 }],
    },
    {
      name: 'a branch inside a function called with arguments, the other order from a second call',
      yaml: LOCKS + yaml`
        functions:
          nested:
            params: [outer, inner]
            steps:
              - if: "flags & NESTED"
                then: [{mutex_lock: $outer}, {mutex_lock: $inner}, {mutex_unlock: $inner}, {mutex_unlock: $outer}]
        paths:
          - {name: one, steps: [{call: "nested(A, B)"}]}
          - {name: two, steps: [{call: {fn: nested, args: [B, A]}}]}
      `,
      findings: [{ locks: ['A', 'B'], line: 10 }],
    },
  ],
});

// docs/scenario-format.md §11.1 — the trylock branches: then holds X (exactly as `trylock: X`), else does not.
ruleTester('lock-held-at-exit', {
  valid: [
    {
      name: 'then unlocks what the trylock took; else never had it',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - if: {spin_trylock: S}
                then: [{spin_unlock: S}]
                else: [might_sleep]
      `,
    },
  ],
  invalid: [
    {
      name: 'the then branch forgets the unlock: reported where the trylock took it',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - if: {mutex_trylock: A}
                then: [might_sleep]
      `,
      findings: [{ locks: ['A'], line: 8 }],
    },
    {
      name: 'break leaves the loop before the unlock (an error path)',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - loop:
                  - mutex_lock: A
                  - if: "err"
                    then: [break]
                  - mutex_unlock: A
      `,
      findings: [{ locks: ['A'], line: 9 }],
    },
  ],
});

ruleTester('bad-unlock', {
  valid: [],
  invalid: [
    {
      name: 'the else branch of a trylock does not hold it',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - if: {mutex_trylock: A}
                then: [might_sleep]
              - mutex_unlock: A
      `,
      findings: [{ locks: ['A'], line: 10 }],
    },
  ],
});

// docs/scenario-format.md §11.2 — loops taken 0, 1 and 2 times; per-iteration objects.
ruleTester('recursive-locking', {
  valid: [
    {
      name: 'a loop that takes and releases a lock each iteration',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - loop: [{mutex_lock: A}, {mutex_unlock: A}]
      `,
    },
    {
      name: 'continue skips the second lock in that iteration only',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - loop:
                  - mutex_lock: A
                  - mutex_unlock: A
                  - if: "!bo->dirty"
                    then: [continue]
                  - mutex_lock: B
                  - mutex_unlock: B
      `,
    },
  ],
  invalid: [
    {
      name: 'a loop that takes a lock and releases it after the loop: the second iteration takes it again',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - loop: [{mutex_lock: A}]
              - mutex_unlock: A
      `,
      findings: [{ locks: ['A'], line: 8 }],
    },
  ],
});

ruleTester('ww-edeadlk-unhandled', {
  valid: [
    {
      name: 'for: bo — each iteration reserves its own BO, with the -EDEADLK back-off',
      yaml: yaml`
        include: [kernel]
        paths:
          - name: exec
            steps:
              - ww_acquire_init: {ctx: ticket, class: reservation_ww_class}
              - loop:
                  for: bo
                  do:
                    - dma_resv_lock: {name: "dma_resv[$bo]", ctx: ticket, on_edeadlk: [{dma_resv_unlock: "dma_resv[$bo]"}]}
              - loop:
                  for: bo
                  do: [{dma_resv_unlock: "dma_resv[$bo]"}]
              - ww_acquire_fini: ticket
      `,
    },
  ],
  invalid: [
    {
      name: 'for: bo — the second iteration reserves bo.2 while holding bo.1, with no back-off',
      yaml: yaml`
        include: [kernel]
        paths:
          - name: exec
            steps:
              - ww_acquire_init: {ctx: ticket, class: reservation_ww_class}
              - loop:
                  for: bo
                  do: [{dma_resv_lock: {name: "dma_resv[$bo]", ctx: ticket}}]
              - loop:
                  for: bo
                  do: [{dma_resv_unlock: "dma_resv[$bo]"}]
              - ww_acquire_fini: ticket
      `,
      findings: [{ locks: ['dma_resv'], line: 8, message: /bo\.2/ }],
    },
  ],
});

// Interplay with irq blocks and signalling sections.
ruleTester('sleep-in-atomic', {
  valid: [
    {
      name: 'a branch that sleeps only outside the spinlock',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - if: "need_alloc"
                then: [{kmalloc: GFP_KERNEL}]
              - spin_lock: S
              - spin_unlock: S
      `,
    },
  ],
  invalid: [
    {
      name: 'an if inside a hardirq block: its else branch sleeps',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - hardirq:
                  - if: "status & IRQ_DONE"
                    then: [{spin_lock: S}, {spin_unlock: S}]
                    else: [{mutex_lock: A}, {mutex_unlock: A}]
      `,
      findings: [{ locks: ['A'], line: 11 }],
    },
    {
      name: 'a with block around a loop whose second iteration sleeps under the spinlock',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - with: S
                do:
                  - loop: [{if: "!first", then: [might_sleep]}]
      `,
      findings: [{ locks: ['S'], line: 10 }],
    },
  ],
});

ruleTester('irqs-left-disabled', {
  valid: [
    {
      name: 'every branch restores',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - spin_lock_irqsave: S
              - if: "err"
                then: [{spin_unlock_irqrestore: S}, return]
              - spin_unlock_irqrestore: S
      `,
    },
    {
      name: 'a path that starts with irqs disabled may end so',
      yaml: LOCKS + yaml`
        paths:
          - {name: p, irqs: disabled, steps: [{spin_lock: S}, {spin_unlock: S}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'the error path returns with irqs off',
      yaml: LOCKS + yaml`
        paths:
          - name: p
            steps:
              - spin_lock_irq: S
              - if: "err"
                then: [{spin_unlock: S}, return]
              - spin_unlock_irq: S
      `,
      findings: [{ locks: [], line: 10, path: 'p' }],
    },
    {
      name: 'bottom halves left disabled',
      yaml: LOCKS + yaml`
        paths:
          - {name: p, steps: [local_bh_disable]}
      `,
      findings: [{ locks: [], line: 6 }],
    },
  ],
});

ruleTester('unused-function', {
  valid: [
    {
      name: 'called with arguments, registered on an invoked hook, a fence operation',
      yaml: LOCKS + yaml`
        fences:
          f: {release: release_fn}
        functions:
          lock_one: {params: [l], steps: [{mutex_lock: $l}, {mutex_unlock: $l}]}
          on_hook: [might_sleep]
          release_fn: []
        hooks:
          drv.reset: [on_hook]
        paths:
          - {name: p, steps: [{call: lock_one(A)}, {invoke: drv.reset}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'two functions nothing reaches, one only from the other',
      yaml: LOCKS + yaml`
        functions:
          orphan: [{call: helper}]
          helper: [might_sleep]
        paths:
          - {name: p, steps: [might_sleep]}
      `,
      findings: [
        { locks: [], line: 6, message: /"orphan"/ },
        { locks: [], line: 7, message: /"helper"/ },
      ],
    },
  ],
});

ruleTester('misspelled-condition', {
  valid: [
    {
      name: 'free text far from any keyword',
      yaml: LOCKS + yaml`
        paths:
          - {name: p, steps: [{if: "range->event == MMU_NOTIFY_UNMAP", then: [might_sleep]}]}
      `,
    },
  ],
  invalid: [
    {
      name: 'blockabel',
      yaml: LOCKS + yaml`
        paths:
          - {name: p, steps: [{if: blockabel, then: [might_sleep]}]}
      `,
      findings: [{ locks: [], line: 6, message: /"blockable"/ }],
    },
  ],
});

// docs/scenario-format.md §11.1 — if: {since: R}: one branch, chosen by the kernel release of options.kernel.
const SINCE_LOCKS = (kernel: string | null) => (kernel ? yaml`\n  options: {kernel: "${kernel}"}` : '') + LOCKS;
const SINCE_PATHS = yaml`
  paths:
    - name: submit
      steps:
        - mutex_lock: A
        - if: {since: "6.8"}
          then: [{mutex_lock: B}, {mutex_unlock: B}]
          else: [might_sleep]
        - mutex_unlock: A
    - name: reset
      steps: [{mutex_lock: B}, {mutex_lock: A}, {mutex_unlock: A}, {mutex_unlock: B}]
`;
ruleTester('circular-dependency', {
  valid: [
    { name: 'since 6.8, on 6.6: only the else branch runs', yaml: SINCE_LOCKS('6.6') + SINCE_PATHS },
    { name: 'since 6.8, on 6.7 (the release before)', yaml: SINCE_LOCKS('6.7') + SINCE_PATHS },
  ],
  invalid: [
    { name: 'since 6.8, on 6.8 itself: the then branch runs', yaml: SINCE_LOCKS('6.8') + SINCE_PATHS, findings: [{ locks: ['A', 'B'], line: 15 }] },
    { name: 'since 6.8, on 6.13', yaml: SINCE_LOCKS('6.13') + SINCE_PATHS, findings: [{ locks: ['A', 'B'], line: 15 }] },
    { name: 'since 6.8, no kernel option (current mainline)', yaml: SINCE_LOCKS(null) + SINCE_PATHS, findings: [{ locks: ['A', 'B'], line: 14 }] },
  ],
});
