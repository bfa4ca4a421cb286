/**
 * "lock held when returning to user space!": lockdep_sys_exit() found the task leaving the kernel
 * (a syscall or ioctl returning) with locks of its held-locks block still held. The path takes
 * them and ends: nothing releases them.
 */
import type { ScenarioBuilder } from '../builder.js';

export function reconstructLockHeldAtExit(b: ScenarioBuilder): void {
  b.currentPath(() => []);
  for (const h of b.report.held ?? []) b.expectLock(h.lock.name);
}
