/** Every rule id of the contract (docs/cli.md), for validating `expect` and `options.warn`: the rules themselves are in src/rules, one file per id. */
export const LOCKDEP_RULE_IDS = [
  'circular-dependency',
  'recursive-locking',
  'irq-inversion',
  'inconsistent-lock-state',
  'bad-unlock',
  'lock-held-at-exit',
  'sleep-in-atomic',
  'invalid-wait-context',
  'assert-held',
  'nest-lock-not-held',
  'lock-depth',
] as const;

export const DESIGN_RULE_IDS = ['ww-edeadlk-unhandled', 'ww-lock-between-reservations', 'ww-misuse', 'sleep-in-nonblocking-interval-notifier'] as const;

/**
 * Warnings of scenario-format revision 1.1 (severity warn): the kernel's syscall-exit irq check,
 * and what the loader notices in the scenario itself.
 */
export const WARNING_RULE_IDS = ['irqs-left-disabled', 'unused-function', 'misspelled-condition'] as const;

export type RuleId = (typeof LOCKDEP_RULE_IDS)[number] | (typeof DESIGN_RULE_IDS)[number] | (typeof WARNING_RULE_IDS)[number];

export const RULE_IDS: readonly RuleId[] = [...LOCKDEP_RULE_IDS, ...DESIGN_RULE_IDS, ...WARNING_RULE_IDS];
