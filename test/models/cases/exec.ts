/** drm/exec: the drm_exec locking loop, its back-off and the allocations under the reservations. */
import { callback, type Case } from '../case.js';

/** An ioctl that locks two objects with drm_exec (`inside`: steps while both are locked). */
export function execIoctl(inside = '', before = ''): string {
  return `paths:
  - name: exec ioctl
    steps:
${before}      - call: drm_exec_init(exec, 0, 0)
      - call: drm_exec_until_all_locked(exec)
      - call: drm_exec_prepare_obj(exec, bo_a, 1)
      - call: drm_exec_lock_obj(exec, bo_b)
${inside}      - call: drm_exec_fini(exec)
`;
}

/** The steps of a drm_exec transaction on one object (exec initialised beforehand), for a callback. */
const lockBos = `    - call: drm_exec_until_all_locked(exec)
    - call: drm_exec_prepare_obj(exec, bo_a, 1)
    - call: drm_exec_fini(exec)
`;

export const CASES: readonly Case[] = [
  {
    name: 'drm_exec_init (in run_job: allocates in the signalling path)',
    bad: callback('drm_sched_backend_ops.run_job', '    - call: drm_exec_init(exec, 0, 0)\n'),
    badRules: ['circular-dependency'],
    good: execIoctl(),
  },
  {
    name: 'drm_exec_until_all_locked (a ww transaction started in a shrinker)',
    bad: `functions:\n  scan:\n    - call: drm_exec_until_all_locked(exec)\n    - call: drm_exec_fini(exec)\nhooks:\n  shrinker.scan: [scan]\n`,
    badRules: ['circular-dependency'],
    good: execIoctl(),
  },
  {
    name: 'drm_exec_lock_obj (a reservation taken in the signalling path)',
    bad: callback('drm_sched_backend_ops.timedout_job', lockBos.replace('drm_exec_prepare_obj(exec, bo_a, 1)', 'drm_exec_lock_obj(exec, bo_a)')),
    badRules: ['circular-dependency'],
    good: execIoctl(),
  },
  {
    name: 'drm_exec_prepare_obj (a reservation and its fence slots taken in the signalling path)',
    bad: callback('drm_sched_backend_ops.run_job', lockBos),
    badRules: ['circular-dependency'],
    good: execIoctl('      - call: drm_exec_prepare_obj(exec, bo_c, 2)\n'),
  },
  {
    name: 'drm_exec_unlock_obj (the reservations are no longer held afterwards)',
    bad: execIoctl('      - call: drm_exec_unlock_obj(exec, bo_b)\n      - call: drm_exec_unlock_obj(exec, bo_a)\n      - dma_resv_assert_held: "dma_resv[bo_a]"\n'),
    badRules: ['assert-held'],
    good: execIoctl('      - call: drm_exec_unlock_obj(exec, bo_b)\n      - dma_resv_assert_held: "dma_resv[bo_a]"\n'),
  },
  {
    name: 'drm_exec_fini (unlocks every object: a reservation used after it is not held)',
    bad: `${execIoctl()}      - dma_resv_assert_held: "dma_resv[bo_a]"\n`,
    badRules: ['assert-held'],
    good: execIoctl('      - dma_resv_assert_held: "dma_resv[bo_a]"\n'),
  },
];
