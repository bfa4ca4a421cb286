/**
 * A hand-made RunResult covering what the reporters must render: a failing file with a
 * circular dependency (chain, scenario table, held locks) and an unmet expectation; a passing
 * file with an expected recursive-locking finding (lock instances) and a warning; a clean
 * file; a file with input errors.
 */
import type { FileResult, Finding, LockLine, RunResult, TraceStep } from '../../src/model/finding.js';

const F = 'fixtures/userptr.yaml';
const at = (line: number, column: number, step: string, file = F): TraceStep => ({ file, line, column, step });

const lock = (name: string, usage: string, wait: string, where: TraceStep | null, instance: string | null = null, lockdep = name): LockLine => ({
  name,
  lockdep,
  instance,
  usage,
  wait,
  at: where,
});

const signalling = at(28, 9, 'signalling');
const kmalloc = at(31, 13, 'kmalloc: GFP_KERNEL');
const invalidate = [at(12, 9, 'mmu_notifier_invalidate_range_start'), at(20, 7, 'invoke: mmu_interval_notifier.invalidate'), at(24, 13, 'dma_fence_wait: job_fence')];

const circular: Finding = {
  rule: 'circular-dependency',
  severity: 'error',
  message:
    'possible circular locking dependency: fs_reclaim -> mmu_notifier_invalidate_range_start -> dma_fence_map -> fs_reclaim',
  expected: false,
  path: 'scheduler run_job',
  locks: ['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map'],
  lockdep: ['fs_reclaim', 'mmu_notifier_invalidate_range_start', 'dma_fence_map'],
  pattern: 'alloc-in-signalling',
  location: { file: F, line: 31, column: 13 },
  chain: [
    {
      from: 'fs_reclaim',
      to: 'mmu_notifier_invalidate_range_start',
      path: 'kswapd',
      location: { file: 'kernel/reclaim.yaml', line: 40, column: 9 },
      stack: [at(38, 7, 'fs_reclaim_acquire', 'kernel/reclaim.yaml'), at(40, 9, 'mmu_notifier_invalidate_range_start', 'kernel/reclaim.yaml')],
    },
    { from: 'mmu_notifier_invalidate_range_start', to: 'dma_fence_map', path: 'invalidate', location: { file: F, line: 24, column: 13 }, stack: invalidate },
    { from: 'dma_fence_map', to: 'fs_reclaim', path: 'scheduler run_job', location: { file: F, line: 31, column: 13 }, stack: [signalling, kmalloc] },
  ],
  heading: 'WARNING: possible circular locking dependency detected',
  kernel: '6.13',
  report: [
    { kind: 'text', text: 'scheduler run_job/1 is trying to acquire lock:' },
    { kind: 'lock', lock: lock('fs_reclaim', '{+.+.}', '{0:0}', kmalloc) },
    { kind: 'text', text: '' },
    { kind: 'text', text: 'but task is already holding lock:' },
    { kind: 'lock', lock: lock('dma_fence_map', '{++++}', '{0:0}', signalling) },
    { kind: 'text', text: '' },
    { kind: 'text', text: 'which lock already depends on the new lock.' },
    { kind: 'text', text: '' },
    { kind: 'text', text: 'the existing dependency chain (in reverse order) is:' },
    { kind: 'text', text: '' },
    {
      kind: 'chain',
      entries: [
        { index: 2, lock: lock('dma_fence_map', '{++++}', '{0:0}', null), path: 'invalidate', stack: invalidate },
        {
          index: 1,
          lock: lock('mmu_notifier_invalidate_range_start', '{+.+.}', '{0:0}', null),
          path: 'kswapd',
          stack: [at(38, 7, 'fs_reclaim_acquire', 'kernel/reclaim.yaml'), at(40, 9, 'mmu_notifier_invalidate_range_start', 'kernel/reclaim.yaml')],
        },
        { index: 0, lock: lock('fs_reclaim', '{+.+.}', '{0:0}', null), path: 'scheduler run_job', stack: [signalling, kmalloc] },
      ],
    },
    { kind: 'text', text: '' },
    { kind: 'text', text: 'other info that might help us debug this:' },
    { kind: 'text', text: '' },
    { kind: 'text', text: 'Chain exists of:' },
    { kind: 'text', text: '  fs_reclaim --> mmu_notifier_invalidate_range_start --> dma_fence_map' },
    { kind: 'text', text: '' },
    {
      kind: 'scenario',
      title: ' Possible unsafe locking scenario:',
      columns: ['CPU0', 'CPU1'],
      rows: [
        ['rlock(dma_fence_map);', ''],
        ['', 'lock(fs_reclaim);'],
        ['', 'lock(mmu_notifier_invalidate_range_start);'],
        ['lock(fs_reclaim);', ''],
      ],
    },
    { kind: 'text', text: '' },
    { kind: 'text', text: ' *** DEADLOCK ***' },
    { kind: 'text', text: '' },
    { kind: 'held', owner: 'scheduler run_job/1', locks: [lock('dma_fence_map', '{++++}', '{0:0}', signalling)] },
  ],
};

const A = 'fixtures/aa.yaml';
const lockA = at(9, 9, 'lock: dma_resv[bo_a]', A);
const lockB = at(10, 9, 'lock: dma_resv[bo_b]', A);

const recursive: Finding = {
  rule: 'recursive-locking',
  severity: 'error',
  message: 'possible recursive locking: dma_resv[bo_b] while holding dma_resv[bo_a] (same class, no nesting annotation)',
  expected: true,
  path: 'evict',
  locks: ['dma_resv'],
  lockdep: ['reservation_ww_class_mutex'],
  location: { file: A, line: 10, column: 9 },
  chain: [{ from: 'dma_resv', to: 'dma_resv', path: 'evict', location: { file: A, line: 10, column: 9 }, stack: [lockA, lockB] }],
  heading: 'WARNING: possible recursive locking detected',
  report: [
    { kind: 'text', text: 'evict/1 is trying to acquire lock:' },
    { kind: 'lock', lock: lock('dma_resv', '{+.+.}', '{4:4}', lockB, 'bo_b', 'reservation_ww_class_mutex') },
    { kind: 'text', text: '' },
    { kind: 'text', text: 'but task is already holding lock:' },
    { kind: 'lock', lock: lock('dma_resv', '{+.+.}', '{4:4}', lockA, 'bo_a', 'reservation_ww_class_mutex') },
    { kind: 'text', text: '' },
    { kind: 'text', text: 'other info that might help us debug this:' },
    {
      kind: 'scenario',
      title: ' Possible unsafe locking scenario:',
      columns: ['CPU0'],
      rows: [['lock(reservation_ww_class_mutex);'], ['lock(reservation_ww_class_mutex);']],
    },
    { kind: 'text', text: '' },
    { kind: 'text', text: ' *** DEADLOCK ***' },
    { kind: 'text', text: '' },
    { kind: 'text', text: ' May be due to missing lock nesting notation' },
    { kind: 'text', text: '' },
    { kind: 'held', owner: 'evict/1', locks: [lock('dma_resv', '{+.+.}', '{4:4}', lockA, 'bo_a', 'reservation_ww_class_mutex')] },
  ],
};

const warning: Finding = {
  rule: 'ww-lock-between-reservations',
  severity: 'warn',
  message: 'lock vm->lock taken inside a ww transaction between two reservations',
  expected: false,
  path: 'evict',
  locks: ['vm->lock'],
  lockdep: ['&vm->lock'],
  location: { file: A, line: 12, column: 9 },
  chain: [],
  heading: 'WARNING: lock taken between reservations',
  report: [
    { kind: 'trace', title: 'taken here:', path: 'evict', stack: [at(8, 5, 'ww_acquire_init: ctx', A), at(12, 9, 'lock: vm->lock', A)] },
    { kind: 'held', owner: 'evict/1', locks: [] },
  ],
};

const results: FileResult[] = [
  {
    file: F,
    scenario: 'userptr-notifier-waits-on-job-fence',
    status: 'fail',
    findings: [circular],
    unmet: [{ rule: 'sleep-in-atomic', involves: [], path: 'oom reaper', location: { file: F, line: 45, column: 5 } }],
    errors: [],
  },
  { file: A, scenario: 'aa', status: 'pass', findings: [recursive, warning], unmet: [], errors: [] },
  { file: 'fixtures/clean.yaml', scenario: 'clean', status: 'pass', findings: [], unmet: [], errors: [] },
  {
    file: 'fixtures/bad.yaml',
    scenario: 'bad',
    status: 'error',
    findings: [],
    unmet: [],
    errors: [
      { message: 'unknown key "lokcs" (did you mean "locks"?)', file: 'fixtures/bad.yaml', line: 3, column: 1 },
      { message: 'not valid YAML' , file: 'fixtures/bad.yaml' },
    ],
  },
];

export const RUN: RunResult = {
  results,
  summary: { files: 4, passed: 2, failed: 1, errors: 1, findings: 3 },
};

/** A run where everything passed. */
export const PASSING: RunResult = {
  results: [results[1], results[2]],
  summary: { files: 2, passed: 2, failed: 0, errors: 0, findings: 2 },
};
