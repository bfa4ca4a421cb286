/** drm/dma-buf: attachments, mappings and puts, the exporter's dma_buf_ops and the importer's move_notify. */
import type { Case } from '../case.js';

/** A path named `name` with `steps` (YAML flow items, one per line). */
function path(name: string, ...steps: string[]): string {
  return `  - name: ${name}\n    steps:\n${steps.map((s) => `      - ${s}\n`).join('')}`;
}

/** `steps` inside a ww transaction holding dma_resv[bo] (a BO locked by drm_exec, say). */
function underExec(...steps: string[]): string[] {
  return [
    '{ww_acquire_init: {ctx: ticket, class: reservation_ww_class}}',
    '{dma_resv_lock: {name: "dma_resv[bo]", ctx: ticket}}',
    ...steps,
    '{dma_resv_unlock: "dma_resv[bo]"}',
    '{ww_acquire_fini: ticket}',
  ];
}

/** `steps` with dma_resv[buf] held, locked in a ww transaction as an importer's CS does. */
function underBuf(...steps: string[]): string[] {
  return [
    '{ww_acquire_init: {ctx: ticket, class: reservation_ww_class}}',
    '{dma_resv_lock: {name: "dma_resv[buf]", ctx: ticket}}',
    ...steps,
    '{dma_resv_unlock: "dma_resv[buf]"}',
    '{ww_acquire_fini: ticket}',
  ];
}

/** An exporter filling the dma_buf_ops slots in `ops` (slot -> flow steps), plus the paths given. */
function exporter(ops: Readonly<Record<string, string>>, ...paths: string[]): string {
  const slots = Object.entries(ops);
  const fns = slots.map(([slot, steps]) => `  exp_${slot}: [${steps}]\n`).join('');
  const hooks = slots.map(([slot]) => `  dma_buf_ops.${slot}: [exp_${slot}]\n`).join('');
  return `locks: {exp_lock: mutex}\nfunctions:\n${fns}hooks:\n${hooks}paths:\n${paths.join('')}`;
}

/** A caller that must not hold any reservation: misused inside drm_exec, clean alone. */
function unlockedCall(call: string): Pick<Case, 'bad' | 'badRules' | 'good'> {
  return {
    bad: `paths:\n${path('destroy under exec', ...underExec(`{call: "${call}"}`))}`,
    badRules: ['recursive-locking'],
    good: `paths:\n${path('ioctl', `{call: "${call}"}`)}`,
  };
}

/** A caller that must hold the dma-buf's reservation: misused without it, clean under it. */
function lockedCall(call: string): Pick<Case, 'bad' | 'badRules' | 'good'> {
  return {
    bad: `paths:\n${path('ioctl', `{call: "${call}"}`)}`,
    badRules: ['assert-held'],
    good: `paths:\n${path('cs ioctl', ...underBuf(`{call: "${call}"}`))}`,
  };
}

/** An *_unlocked call that takes the reservation itself: misused with it held, clean without. */
function selfLockingCall(call: string): Pick<Case, 'bad' | 'badRules' | 'good'> {
  return {
    bad: `paths:\n${path('cs ioctl', ...underBuf(`{call: "${call}"}`))}`,
    badRules: ['recursive-locking'],
    good: `paths:\n${path('ioctl', `{call: "${call}"}`)}`,
  };
}

/** An exporter op that takes the dma-buf's reservation. */
const TAKE_BUF = '{dma_resv_lock: "dma_resv[buf]"}, {dma_resv_unlock: "dma_resv[buf]"}';

export const CASES: readonly Case[] = [
  { name: 'dma_buf_dynamic_attach (under a reservation held by drm_exec)', ...unlockedCall('dma_buf_dynamic_attach(buf, importer)') },
  { name: 'dma_buf_attach (under a reservation held by drm_exec)', ...unlockedCall('dma_buf_attach(buf, dev)') },
  { name: 'dma_buf_detach (a BO destroyed under drm_exec detaches its import)', ...unlockedCall('dma_buf_detach(buf, attach)') },
  { name: 'drm_prime_gem_destroy (an imported BO destroyed under drm_exec)', ...unlockedCall('drm_prime_gem_destroy(buf)') },
  { name: 'dma_buf_put (under a reservation held by drm_exec: the locking convention)', ...unlockedCall('dma_buf_put(buf)') },
  { name: 'dma_buf_map_attachment (without the reservation)', ...lockedCall('dma_buf_map_attachment(buf, dir)') },
  { name: 'dma_buf_pin (without the reservation)', ...lockedCall('dma_buf_pin(buf)') },
  { name: 'dma_buf_unpin (without the reservation)', ...lockedCall('dma_buf_unpin(buf)') },
  { name: 'dma_buf_begin_cpu_access (under a reservation held by drm_exec)', ...unlockedCall('dma_buf_begin_cpu_access(buf, dir)') },
  { name: 'dma_buf_end_cpu_access (under a reservation held by drm_exec)', ...unlockedCall('dma_buf_end_cpu_access(buf, dir)') },
  { name: 'dma_buf_unmap_attachment (without the reservation)', ...lockedCall('dma_buf_unmap_attachment(buf, sgt, dir)') },
  { name: 'dma_buf_vmap (without the reservation)', ...lockedCall('dma_buf_vmap(buf, map)') },
  { name: 'dma_buf_move_notify (an exporter that does not hold the reservation)', ...lockedCall('dma_buf_move_notify(buf)') },
  { name: 'dma_buf_map_attachment_unlocked (with the reservation already held)', ...selfLockingCall('dma_buf_map_attachment_unlocked(buf, dir)') },
  { name: 'dma_buf_unmap_attachment_unlocked (with the reservation already held)', ...selfLockingCall('dma_buf_unmap_attachment_unlocked(buf, sgt, dir)') },
  { name: 'dma_buf_vmap_unlocked (with the reservation already held)', ...selfLockingCall('dma_buf_vmap_unlocked(buf, map)') },
  {
    name: 'dma_buf_attach_ops.move_notify (takes a lock the importer holds around its reservations)',
    bad: `locks: {vm_lock: mutex}\nfunctions:\n  imp_move_notify: [{mutex_lock: vm_lock}, {mutex_unlock: vm_lock}]\nhooks:\n  dma_buf_attach_ops.move_notify: [imp_move_notify]\npaths:\n${path('importer cs', '{mutex_lock: vm_lock}', ...underBuf(), '{mutex_unlock: vm_lock}')}`,
    badRules: ['circular-dependency'],
    good: `fences: {imp_job: {}}\nfunctions:\n  imp_move_notify: [{dma_resv_wait_timeout: imp_job}]\nhooks:\n  dma_buf_attach_ops.move_notify: [imp_move_notify]\npaths:\n${path('exporter evict', '{dma_resv_lock: "dma_resv[buf]"}', '{call: "dma_buf_move_notify(buf)"}', '{dma_resv_unlock: "dma_resv[buf]"}')}`,
  },
  {
    name: 'dma_buf_attach_ops.move_notify (run by the kernel model\'s exporter move, reservation held)',
    bad: 'functions:\n  imp_move_notify: [{dma_resv_lock: "dma_resv[mine]"}, {dma_resv_unlock: "dma_resv[mine]"}]\nhooks:\n  dma_buf_attach_ops.move_notify: [imp_move_notify]\n',
    badRules: ['recursive-locking'],
    good: 'fences: {imp_job: {}}\nfunctions:\n  imp_move_notify: [{dma_resv_wait_timeout: imp_job}]\nhooks:\n  dma_buf_attach_ops.move_notify: [imp_move_notify]\n',
  },
  {
    name: 'dma_buf_move_notify (runs callbacks registered under the kernel model\'s name dma_buf.move_notify too)',
    bad: 'functions:\n  imp_move_notify: [{dma_resv_lock: "dma_resv[mine]"}, {dma_resv_unlock: "dma_resv[mine]"}]\nhooks:\n  dma_buf.move_notify: [imp_move_notify]\n',
    badRules: ['recursive-locking'],
    good: `fences: {imp_job: {}}\nfunctions:\n  imp_move_notify: [{dma_resv_wait_timeout: imp_job}]\nhooks:\n  dma_buf.move_notify: [imp_move_notify]\npaths:\n${path('exporter evict', '{dma_resv_lock: "dma_resv[buf]"}', '{call: "dma_buf_move_notify(buf)"}', '{dma_resv_unlock: "dma_resv[buf]"}')}`,
  },
  ...(
    [
      ['map_dma_buf', 'dma_buf_map_attachment(buf, dir)'],
      ['unmap_dma_buf', 'dma_buf_unmap_attachment(buf, sgt, dir)'],
      ['pin', 'dma_buf_pin(buf)'],
      ['unpin', 'dma_buf_unpin(buf)'],
    ] as const
  ).map(([slot, call]) => {
    const cs = path('cs ioctl', ...underBuf(`{call: "${call}"}`));
    return {
      name: `dma_buf_ops.${slot} (takes the reservation the core holds)`,
      bad: exporter({ [slot]: TAKE_BUF }, cs),
      badRules: ['recursive-locking'],
      good: exporter({ [slot]: '{kmalloc: GFP_KERNEL}' }, cs),
    };
  }),
  {
    name: 'dma_buf_ops.vmap (takes the reservation the core holds)',
    bad: exporter({ vmap: TAKE_BUF }, path('ioctl', '{call: "dma_buf_vmap_unlocked(buf, map)"}')),
    badRules: ['recursive-locking'],
    good: exporter({ vmap: '{vmalloc: GFP_KERNEL}' }, path('ioctl', '{call: "dma_buf_vmap_unlocked(buf, map)"}')),
  },
  // attach, detach and release run without the reservation and may take it — but in one order
  // with the exporter's own lock, which its map_dma_buf takes under the reservation.
  ...(
    [
      ['attach', path('attach', '{call: "dma_buf_attach(buf, dev)"}')],
      ['detach', path('detach', '{call: "dma_buf_detach(buf, attach)"}')],
      ['release', ''],
      ['begin_cpu_access', path('cpu access', '{call: "dma_buf_begin_cpu_access(buf, dir)"}')],
      ['end_cpu_access', path('cpu access', '{call: "dma_buf_end_cpu_access(buf, dir)"}')],
    ] as const
  ).map(([slot, caller]) => ({
    name: `dma_buf_ops.${slot} (takes the reservation inside the exporter's lock, which map_dma_buf takes under it)`,
    bad: exporter(
      { [slot]: `{mutex_lock: exp_lock}, ${TAKE_BUF}, {mutex_unlock: exp_lock}`, map_dma_buf: '{mutex_lock: exp_lock}, {mutex_unlock: exp_lock}' },
      caller,
      path('cs ioctl', ...underBuf('{call: "dma_buf_map_attachment(buf, dir)"}')),
    ),
    badRules: ['circular-dependency'],
    good: exporter(
      { [slot]: TAKE_BUF, map_dma_buf: '{mutex_lock: exp_lock}, {mutex_unlock: exp_lock}' },
      caller,
      path('cs ioctl', ...underBuf('{call: "dma_buf_map_attachment(buf, dir)"}')),
    ),
  })),
  { name: 'dma_buf_mmap (under a reservation held by drm_exec: the locking convention)', ...unlockedCall('dma_buf_mmap(buf, vma, 0)') },
  {
    name: 'dma_buf_mmap in 6.3 (the core holds the reservation around the exporter\'s mmap, which takes it again)',
    bad: `options: {kernel: "6.3"}\n${exporter({ mmap: TAKE_BUF }, path('importer mmap', 'mmap_write_lock', '{call: "dma_buf_mmap(buf, vma, 0)"}', 'mmap_write_unlock'))}`,
    badRules: ['recursive-locking'],
    good: `options: {kernel: "6.3"}\n${exporter({ mmap: '{might_sleep}' }, path('importer mmap', 'mmap_write_lock', '{call: "dma_buf_mmap(buf, vma, 0)"}', 'mmap_write_unlock'))}`,
  },
  {
    // since 6.5 the exporter's mmap may take the reservation; it still runs under mmap_lock,
    // which the exporter's ioctl takes (copy_to_user) inside exp_lock
    name: 'dma_buf_ops.mmap (runs under mmap_lock held for write: a lock held around copy_to_user)',
    bad: exporter({ mmap: `{mutex_lock: exp_lock}, ${TAKE_BUF}, {mutex_unlock: exp_lock}` }, path('exporter ioctl', '{mutex_lock: exp_lock}', '{copy_to_user: args}', '{mutex_unlock: exp_lock}')),
    badRules: ['circular-dependency'],
    good: exporter({ mmap: `{mutex_lock: exp_lock}, ${TAKE_BUF}, {mutex_unlock: exp_lock}` }, path('exporter ioctl', '{mutex_lock: exp_lock}', '{mutex_unlock: exp_lock}', '{copy_to_user: args}')),
  },
  {
    name: 'dma_resv_reserve_fences (inside the signalling section, after drm_sched_job_arm)',
    bad: `paths:\n${path('submit', '{dma_resv_lock: "dma_resv[bo]"}', '{signalling: [{call: "dma_resv_reserve_fences(bo, 1)"}]}', '{dma_resv_unlock: "dma_resv[bo]"}')}`,
    badRules: ['circular-dependency'],
    good: `paths:\n${path('submit', '{dma_resv_lock: "dma_resv[bo]"}', '{call: "dma_resv_reserve_fences(bo, 1)"}', '{signalling: [{call: "dma_resv_add_fence(bo, job, DMA_RESV_USAGE_WRITE)"}]}', '{dma_resv_unlock: "dma_resv[bo]"}')}`,
  },
  {
    name: 'dma_resv_add_fence (without the reservation)',
    bad: `paths:\n${path('submit', '{call: "dma_resv_add_fence(bo, job, DMA_RESV_USAGE_WRITE)"}')}`,
    badRules: ['assert-held'],
    good: `paths:\n${path('submit', '{dma_resv_lock: "dma_resv[bo]"}', '{call: "dma_resv_add_fence(bo, job, DMA_RESV_USAGE_WRITE)"}', '{dma_resv_unlock: "dma_resv[bo]"}')}`,
  },
];
