/** One reconstruction per kind of kernel report, each building its scenario with the shared builder. */
import type { ScenarioBuilder } from '../builder.js';
import type { ReportKind } from '../report.js';
import { reconstructBadUnlock } from './bad-unlock.js';
import { reconstructCircular } from './circular.js';
import { reconstructInconsistent } from './inconsistent.js';
import { reconstructInvalidWait } from './invalid-wait.js';
import { reconstructIrqInversion } from './irq-inversion.js';
import { reconstructLockHeldAtExit } from './lock-held-at-exit.js';
import { reconstructRecursive } from './recursive.js';
import { reconstructSafeToUnsafe } from './safe-to-unsafe.js';
import { reconstructSleepInAtomic } from './sleep-in-atomic.js';

export const RECONSTRUCT: Readonly<Record<ReportKind, (b: ScenarioBuilder) => void>> = {
  'circular-dependency': reconstructCircular,
  'recursive-locking': reconstructRecursive,
  'inconsistent-lock-state': reconstructInconsistent,
  'safe-to-unsafe': reconstructSafeToUnsafe,
  'irq-inversion': reconstructIrqInversion,
  'invalid-wait-context': reconstructInvalidWait,
  'bad-unlock': reconstructBadUnlock,
  'lock-held-at-exit': reconstructLockHeldAtExit,
  'sleep-in-atomic': reconstructSleepInAtomic,
};
