import { ruleTester, yaml } from './rule-tester.js';

const tx = (...steps: string[]) => yaml`
  include: [kernel]
  options: {warn: [ww-lock-between-reservations]}
  locks: {M: mutex}
  paths:
    - name: execbuf
      steps:
        - ww_acquire_init: {ctx: c, class: reservation_ww_class}
${steps.map((s) => `        - ${s}`).join('\n')}
`;
// Line of the n-th step after ww_acquire_init (1-based).
const at = (n: number) => 7 + n;

ruleTester('ww-edeadlk-unhandled', {
  valid: [
    { name: 'one reservation', yaml: tx('dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'dma_resv_unlock: "dma_resv[a]"', 'ww_acquire_fini: c') },
    {
      name: 'a back-off path; the retry inside it is exempt',
      yaml: tx(
        'dma_resv_lock: {name: "dma_resv[a]", ctx: c}',
        'dma_resv_lock: {name: "dma_resv[b]", ctx: c, on_edeadlk: [{dma_resv_unlock: "dma_resv[a]"}, {dma_resv_lock_slow: {name: "dma_resv[b]", ctx: c}}, {dma_resv_lock: {name: "dma_resv[a]", ctx: c}}]}',
        'dma_resv_unlock: "dma_resv[b]"', 'dma_resv_unlock: "dma_resv[a]"', 'ww_acquire_fini: c',
      ),
    },
    { name: 'the same object twice is -EALREADY', yaml: tx('dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'dma_resv_unlock: "dma_resv[a]"', 'ww_acquire_fini: c') },
  ],
  invalid: [
    {
      name: 'a second reservation without back-off',
      yaml: tx('dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'dma_resv_lock: {name: "dma_resv[b]", ctx: c}', 'dma_resv_unlock: "dma_resv[b]"', 'dma_resv_unlock: "dma_resv[a]"', 'ww_acquire_fini: c'),
      findings: [{ locks: ['dma_resv'], line: at(2), message: /dma_resv\[b\] is taken in ww context c, which already holds dma_resv\[a\]/ }],
    },
  ],
});

ruleTester('ww-misuse', {
  valid: [
    {
      name: 'the back-off protocol',
      yaml: tx(
        'dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'dma_resv_lock: {name: "dma_resv[b]", ctx: c, result: edeadlk}', 'dma_resv_unlock: "dma_resv[a]"',
        'dma_resv_lock_slow: {name: "dma_resv[b]", ctx: c}', 'ww_acquire_done: c', 'dma_resv_unlock: "dma_resv[b]"', 'ww_acquire_fini: c',
      ),
    },
  ],
  invalid: [
    {
      name: 'slow path while still holding a lock of the context',
      yaml: tx('dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'dma_resv_lock: {name: "dma_resv[b]", ctx: c, result: edeadlk}', 'dma_resv_lock_slow: {name: "dma_resv[b]", ctx: c}', 'dma_resv_unlock: "dma_resv[b]"', 'dma_resv_unlock: "dma_resv[a]"', 'ww_acquire_fini: c'),
      findings: [{ locks: ['dma_resv'], line: at(3), message: /still holds dma_resv\[a\]/ }],
    },
    {
      name: 'a different lock after -EDEADLK',
      yaml: tx('dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'dma_resv_lock: {name: "dma_resv[b]", ctx: c, result: edeadlk}', 'dma_resv_unlock: "dma_resv[a]"', 'dma_resv_lock_slow: {name: "dma_resv[x]", ctx: c}', 'dma_resv_unlock: "dma_resv[x]"', 'ww_acquire_fini: c'),
      findings: [{ locks: ['dma_resv'], line: at(4), message: /after -EDEADLK on dma_resv\[b\], dma_resv\[x\] is taken instead/ }],
    },
    {
      name: 'slow path with no -EDEADLK; lock after done; fini with locks held',
      yaml: tx('dma_resv_lock_slow: {name: "dma_resv[a]", ctx: c}', 'ww_acquire_done: c', 'dma_resv_lock: {name: "dma_resv[b]", ctx: c, on_edeadlk: [return]}', 'ww_acquire_fini: c', 'dma_resv_unlock: "dma_resv[b]"', 'dma_resv_unlock: "dma_resv[a]"'),
      findings: [
        { locks: ['dma_resv'], line: at(1), message: /no -EDEADLK before it/ },
        { locks: [], line: at(4), message: /ww_acquire_fini\(\) while the context still holds/ },
      ],
    },
  ],
});

ruleTester('ww-lock-between-reservations', {
  valid: [
    { name: 'the lock after every reservation', yaml: tx('dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'dma_resv_lock: {name: "dma_resv[b]", ctx: c, on_edeadlk: [return]}', 'mutex_lock: M', 'mutex_unlock: M', 'dma_resv_unlock: "dma_resv[b]"', 'dma_resv_unlock: "dma_resv[a]"', 'ww_acquire_fini: c') },
  ],
  invalid: [
    {
      name: 'a mutex between two reservations (lockdep is silent)',
      yaml: tx('dma_resv_lock: {name: "dma_resv[a]", ctx: c}', 'mutex_lock: M', 'dma_resv_lock: {name: "dma_resv[b]", ctx: c, on_edeadlk: [return]}', 'mutex_unlock: M', 'dma_resv_unlock: "dma_resv[b]"', 'dma_resv_unlock: "dma_resv[a]"', 'ww_acquire_fini: c'),
      findings: [{ locks: ['M', 'dma_resv'], line: at(3) }],
    },
  ],
});
