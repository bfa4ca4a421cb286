/**
 * The rule registry: id → rule, sorted by id. A rule lives in `./<id>.ts` with its docs in
 * `./<id>.md`; adding one means adding both files and a line here.
 */
import type { Rule } from './rule.js';
import assertHeld from './assert-held.js';
import badUnlock from './bad-unlock.js';
import circularDependency from './circular-dependency.js';
import inconsistentLockState from './inconsistent-lock-state.js';
import invalidWaitContext from './invalid-wait-context.js';
import irqInversion from './irq-inversion.js';
import irqsLeftDisabled from './irqs-left-disabled.js';
import lockDepth from './lock-depth.js';
import lockHeldAtExit from './lock-held-at-exit.js';
import misspelledCondition from './misspelled-condition.js';
import nestLockNotHeld from './nest-lock-not-held.js';
import recursiveLocking from './recursive-locking.js';
import sleepInAtomic from './sleep-in-atomic.js';
import sleepInNonblockingIntervalNotifier from './sleep-in-nonblocking-interval-notifier.js';
import unusedFunction from './unused-function.js';
import wwEdeadlkUnhandled from './ww-edeadlk-unhandled.js';
import wwLockBetweenReservations from './ww-lock-between-reservations.js';
import wwMisuse from './ww-misuse.js';

// Each rule is typed by its own detection; the registry holds them side by side.
export const RULES: readonly Rule<any>[] = [
  assertHeld, badUnlock, circularDependency, inconsistentLockState, invalidWaitContext, irqInversion, irqsLeftDisabled,
  lockDepth, lockHeldAtExit, misspelledCondition, nestLockNotHeld, recursiveLocking, sleepInAtomic, sleepInNonblockingIntervalNotifier, unusedFunction,
  wwEdeadlkUnhandled, wwLockBetweenReservations, wwMisuse,
];

const byId = new Map<string, Rule<any>>(RULES.map((r) => [r.meta.id, r]));

export function ruleById(id: string): Rule<any> | undefined {
  return byId.get(id);
}
