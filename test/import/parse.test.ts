/** The report parser on the forms people paste: prefixes, quoting, wrapping, several reports. */
import { describe, expect, it } from 'vitest';
import { normalizeLine } from '../../src/import/lines.js';
import { importLog, NoReportError, parseReports } from '../../src/import/index.js';

const AA = [
  '============================================',
  'WARNING: possible recursive locking detected',
  '6.6.0 #1 Not tainted',
  '--------------------------------------------',
  'kworker/0:1/12 is trying to acquire lock:',
  'ffff888005ac8400 (&obj->lock){+.+.}-{4:4}, at: copy_objects+0x10/0x80 [gpu]',
  '',
  'but task is already holding lock:',
  'ffff888005ac8800 (&obj->lock){+.+.}-{4:4}, at: copy_objects+0x8/0x80 [gpu]',
  '',
  'other info that might help us debug this:',
  '1 lock held by kworker/0:1/12:',
  ' #0: ffff888005ac8800 (&obj->lock){+.+.}-{4:4}, at: copy_objects+0x8/0x80 [gpu]',
  '',
  'stack backtrace:',
  'Call Trace:',
  ' dump_stack_lvl+0x5b/0x74',
  ' __lock_acquire+0x12e2/0x1f90',
  ' lock_acquire+0xad/0x290',
  ' __mutex_lock+0x90/0x830',
  ' copy_objects+0x10/0x80 [gpu]',
  ' gpu_ioctl+0x20/0x40 [gpu]',
  ' __x64_sys_ioctl+0x8d/0xc0',
  ' do_syscall_64+0x5b/0x80',
];

describe('line prefixes', () => {
  it.each([
    ['[  234.842048] WARNING: x', 'WARNING: x', null],
    ['<4>[    8.197433] WARNING: x', 'WARNING: x', null],
    ['[   15.181287][ C3] #0: y', '#0: y', 'C3'],
    ['[   92.812882] [    T125] WARNING: x', 'WARNING: x', 'T125'],
    ['kern  :warn  : [   92.812882] [    T125] WARNING: x', 'WARNING: x', 'T125'],
    ['Sep 29 13:29:53 host kernel: WARNING: x', 'WARNING: x', null],
    ['2024-05-01T10:00:00.123456+02:00 host kernel: WARNING: x', 'WARNING: x', null],
    ['> | [ 1.5] WARNING: x', 'WARNING: x', null],
    ['>> WARNING: x', 'WARNING: x', null],
    ['[Mon Jan  1 12:00:00 2024] WARNING: x', 'WARNING: x', null],
  ])('%s', (raw, text, tag) => {
    const l = normalizeLine(raw, 1);
    expect(l.text).toBe(text);
    expect(l.tag).toBe(tag);
  });

  it('keeps a `>` that belongs to the text (a class name wrapped after "-")', () => {
    expect(normalizeLine('> >power.work)){+.+.}-{0:0}', 1).text).toBe('>power.work)){+.+.}-{0:0}');
  });

  it('marks the lines of other programs in a syslog', () => {
    expect(normalizeLine('Mar 12 13:41:36 host systemd[1]: Started x', 1).foreignProgram).toBe(true);
    expect(normalizeLine('Mar 12 13:41:36 host kernel: x', 1).foreignProgram).toBe(false);
  });
});

describe('parsing', () => {
  it('reads a plain report', () => {
    const [r] = parseReports(AA.join('\n')).reports;
    expect(r!.kind).toBe('recursive-locking');
    expect(r!.task).toBe('kworker/0:1/12');
    expect(r!.version).toBe('6.6.0');
    expect(r!.next!.name).toBe('&obj->lock');
    expect(r!.next!.wait).toEqual([4, 4]);
    expect(r!.held!.map((h) => h.lock.name)).toEqual(['&obj->lock']);
    expect(r!.backtrace.map((f) => f.fn)).toContain('copy_objects');
  });

  it('rejoins lines wrapped after "at:", before "at:", inside a class name and around a foreign line', () => {
    const text = [
      'WARNING: possible circular locking dependency detected',
      'kworker/1:1/46 is trying to acquire lock:',
      'ffff92b0c0ee0518 (&cli->mutex){+.+.}-{3:3}, at:',
      'nouveau_vga_lastclose+0x910/0x1030 [nouveau]',
      '',
      'but task is already holding lock:',
      'ffff92b0c4bf35a0 (reservation_ww_class_mutex){+.+.}-{3:3},',
      'at: ttm_bo_wait+0x7d/0x140 [ttm]',
      '3 locks held by kworker/1:1/46:',
      ' #0: ffff92b0c0bb4338',
      'usb 1-1: new device',
      ' ((wq_completion)pm){+.+.}-{0:0}, at: process_one_work+0x1d0/0x560',
      ' #1: ffffa8ffc02dfe80 ((work_completion)(&dev-',
      '>power.work)){+.+.}-{0:0}, at: process_one_work+0x1d0/0x560',
      ' #2: ffff92b0c4bf35a0 (reservation_ww_class_mutex){+.+.}-',
      '{3:3}, at: ttm_bo_wait+0x7d/0x140 [ttm]',
    ].join('\n');
    const [r] = parseReports(text).reports;
    expect(r!.next!.name).toBe('&cli->mutex');
    expect(r!.next!.at[0]!.fn).toBe('nouveau_vga_lastclose');
    expect(r!.prev!.at[0]!.fn).toBe('ttm_bo_wait');
    expect(r!.held!.map((h) => h.lock.name)).toEqual(['(wq_completion)pm', '(work_completion)(&dev->power.work)', 'reservation_ww_class_mutex']);
    expect(r!.held![2]!.lock.wait).toEqual([3, 3]);
  });

  it('drops the lines of another task (caller tags) and keeps untagged continuations', () => {
    const text = AA.map((l, i) => (i === 7 ? l : `[ 1.0] [  T12] ${l}`)).join('\n').replace('[ 1.0] [  T12] kworker', '[ 1.0] [  T12] kworker') + '\n[ 1.1] [  T99] ffff0000 (&other->lock){+.+.}-{4:4}, at: elsewhere+0x1/0x2';
    const [r] = parseReports(text).reports;
    expect(r!.prev!.name).toBe('&obj->lock');
    expect(r!.backtrace.map((f) => f.fn)).not.toContain('elsewhere');
  });

  it('finds several reports in one log, in order', () => {
    const two = `${AA.join('\n')}\nsome other line\n${AA.join('\n').replace('recursive locking', 'recursive locking')}`;
    expect(parseReports(two).reports.map((r) => r.startLine)).toEqual([2, 27]);
  });

  it('does not take prose that names a report for a report', () => {
    expect(parseReports('This triggers a "possible recursive locking detected" warning.\n').reports).toEqual([]);
  });

  it('never throws on garbage', () => {
    let seed = 7;
    const rnd = (): number => ((seed = (seed * 1103515245 + 12345) >>> 0) % 1000) / 1000;
    const pieces = [...AA, '-> #1 (', '#0:', ', at:', '{+.+.}-', '))((', '-> (x){....} {', 'IN-HARDIRQ-W at:', '...', '<IRQ>', 'RIP: 0010:x'];
    for (let n = 0; n < 200; n++) {
      const lines: string[] = [];
      for (let k = 0; k < 40; k++) lines.push(pieces[Math.floor(rnd() * pieces.length)]!);
      expect(() => parseReports(lines.join('\n'))).not.toThrow();
    }
  });
});

describe('importLog', () => {
  it('says clearly when there is no report', async () => {
    await expect(importLog('just a log\nnothing here\n')).rejects.toThrow(NoReportError);
    await expect(importLog('just a log\n')).rejects.toThrow(/no lockdep report found/);
  });

  it('imports the report chosen with `report`', async () => {
    const two = `${AA.join('\n')}\n${AA.join('\n').replace(/&obj->lock/g, '&bo->lock')}`;
    const { reports, total } = await importLog(two, { report: 2 });
    expect(total).toBe(2);
    expect(reports.map((r) => r.index)).toEqual([2]);
    expect(reports[0]!.expected.lockdep).toEqual(['&bo->lock']);
    await expect(importLog(two, { report: 3 })).rejects.toThrow(/there is no report 3: the log has 2 reports/);
  });

  it('uses two instances for two pointers of one class (recursive locking)', async () => {
    const { reports } = await importLog(AA.join('\n'));
    expect(reports[0]!.yaml).toMatch(/mutex_lock: "obj->lock\[p\w+\]"/);
    expect(reports[0]!.verification!.reproduced).toBe(true);
  });

  it('does not hold the fs_reclaim that fs_reclaim_acquire() took before the notifier map it reports', async () => {
    // An allocation under the notifier map (kernel 5.11+): fs_reclaim_acquire() takes fs_reclaim
    // (at its caller), then the notifier map, which is held already.
    const report = [
      '============================================',
      'WARNING: possible recursive locking detected',
      '6.8.0-rc1 #1 Not tainted',
      '--------------------------------------------',
      'kworker/3:1/101 is trying to acquire lock:',
      'ffffffff8a2b4e40 (mmu_notifier_invalidate_range_start){+.+.}-{0:0}, at: fs_reclaim_acquire+0x7d/0xf0',
      '',
      'but task is already holding lock:',
      'ffffffff8a2b4e40 (mmu_notifier_invalidate_range_start){+.+.}-{0:0}, at: unmap_vmas+0x95/0x1f0',
      '',
      'other info that might help us debug this:',
      ' Possible unsafe locking scenario:',
      '',
      '       CPU0',
      '       ----',
      '  lock(mmu_notifier_invalidate_range_start);',
      '  lock(mmu_notifier_invalidate_range_start);',
      '',
      ' *** DEADLOCK ***',
      '',
      ' May be due to missing lock nesting notation',
      '',
      '3 locks held by kworker/3:1/101:',
      ' #0: ffff888104a3c1a8 (&mm->mmap_lock){++++}-{4:4}, at: exit_mmap+0x6c/0x3c0',
      ' #1: ffffffff8a2b4e40 (mmu_notifier_invalidate_range_start){+.+.}-{0:0}, at: unmap_vmas+0x95/0x1f0',
      ' #2: ffffffff8a2b4f00 (fs_reclaim){+.+.}-{0:0}, at: __kmalloc+0x53/0x330',
      '',
      'stack backtrace:',
      'Call Trace:',
      ' <TASK>',
      ' dump_stack_lvl+0x6e/0x90',
      ' __lock_acquire+0x1b6c/0x2000',
      ' lock_acquire+0xd1/0x2e0',
      ' fs_reclaim_acquire+0x7d/0xf0',
      ' __kmalloc+0x53/0x330',
      ' drv_invalidate_range_start+0x41/0x90 [drv]',
      ' __mmu_notifier_invalidate_range_start+0x7a/0x1f0',
      ' unmap_vmas+0x95/0x1f0',
      ' exit_mmap+0xa5/0x3c0',
      ' </TASK>',
    ].join('\n');
    const r = (await importLog(report)).reports[0]!;
    expect(r.error).toBeNull();
    expect(r.yaml).not.toMatch(/reclaim:|fs_reclaim_acquire/);
    expect(r.yaml).toMatch(/kmalloc/);
    expect(r.verification!.reproduced).toBe(true);
  });

  it('an inconsistent lock state found where irqs are enabled with the lock held replays that, however deep lockdep\'s frames go', async () => {
    const header = [
      '================================',
      'WARNING: inconsistent lock state',
      '6.9.0 #1 Not tainted',
      '--------------------------------',
      'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.',
      'kworker/1:2/40 [HC0[0]:SC0[0]:HE1:SE1] takes:',
      'ffff888012340000 (&ring->lock){?.+.}-{2:2}, at: ring_kick+0x21/0x90',
      '{IN-HARDIRQ-W} state was registered at:',
      '  lock_acquire+0x10/0x20',
      '  _raw_spin_lock+0x2a/0x40',
      '  ring_irq+0x13/0x50',
      '  __handle_irq_event_percpu+0x88/0x2a0',
      '',
      'other info that might help us debug this:',
      ' *** DEADLOCK ***',
      '',
      '1 lock held by kworker/1:2/40:',
      ' #0: ffff888012340000 (&ring->lock){?.+.}-{2:2}, at: ring_kick+0x21/0x90',
      '',
      'stack backtrace:',
      'Call Trace:',
      ' <TASK>',
    ];
    // syzbot prints the inlined frames too: lockdep's own run seven deep before the irq enable.
    const lockdepFrames = [
      ' __dump_stack lib/dump_stack.c:88 [inline]',
      ' dump_stack_lvl+0x116/0x1b0 lib/dump_stack.c:106',
      ' print_usage_bug kernel/locking/lockdep.c:3980 [inline]',
      ' valid_state kernel/locking/lockdep.c:4022 [inline]',
      ' mark_lock_irq kernel/locking/lockdep.c:4225 [inline]',
      ' mark_lock.part.0+0x1be/0x2210 kernel/locking/lockdep.c:4687',
      ' mark_held_locks+0x9f/0xe0 kernel/locking/lockdep.c:4272',
      ' __trace_hardirqs_on_caller kernel/locking/lockdep.c:4290 [inline]',
      ' lockdep_hardirqs_on_prepare+0x137/0x420 kernel/locking/lockdep.c:4357',
      ' trace_hardirqs_on+0x36/0x40',
      ' _raw_spin_unlock_irq+0x23/0x50',
    ];
    const tail = [' ring_kick+0x61/0x90', ' process_one_work+0x9a1/0x1b50', ' worker_thread+0x67e/0xe90', ' </TASK>'];
    const r = (await importLog([...header, ...lockdepFrames, ...tail].join('\n'))).reports[0]!;
    expect(r.error).toBeNull();
    expect(r.yaml).toMatch(/- local_irq_enable {2}# irqs enabled with &ring->lock held/);
    expect(r.verification!.reproduced).toBe(true);
  });

  it('reports a report cut before the lock as not importable, without throwing', async () => {
    const { reports } = await importLog(AA.slice(0, 5).join('\n'));
    expect(reports[0]!.error).toMatch(/cut short/);
  });
});
