/**
 * The sizes of lockdep's tables here. Far above the kernel's own (its defaults below), so a
 * kernel-sized graph (5,000 classes, 25,000 dependencies, 100,000 chains) reaches none; they
 * only bound the memory a runaway input can take.
 */

/** Lock classes: twelve times MAX_LOCKDEP_KEYS (8,192), twenty times a kernel's ~5,000. */
export const MAX_LOCK_CLASSES = 100_000;
/** Dependencies: the kernel keeps MAX_LOCKDEP_ENTRIES / 2 (16,384 with CONFIG_LOCKDEP_BITS=15). */
export const MAX_LOCK_DEPENDENCIES = 1_000_000;
/** Chains of held classes: the kernel keeps MAX_LOCKDEP_CHAINS (65,536 with CONFIG_LOCKDEP_CHAINS_BITS=16). */
export const MAX_LOCK_CHAINS = 4_000_000;

export interface LockdepLimits {
  readonly classes: number;
  readonly dependencies: number;
  readonly chains: number;
}

export const LOCKDEP_LIMITS: LockdepLimits = { classes: MAX_LOCK_CLASSES, dependencies: MAX_LOCK_DEPENDENCIES, chains: MAX_LOCK_CHAINS };

const count = (n: number): string => n.toLocaleString('en-US');

/** The error for a file or stream declaring more locks and fences than MAX_LOCK_CLASSES. */
export function tooManyDeclaredClasses(): string {
  return `too many lock classes: more than ${count(MAX_LOCK_CLASSES)} locks and fences declared (lockdep itself tracks at most 8,192)`;
}

/** The error when the replay fills one of lockdep's tables, as the kernel's "BUG: MAX_... too low!". */
export function tableFull(table: keyof LockdepLimits, limits: LockdepLimits): string {
  switch (table) {
    case 'classes':
      // The kernel turns lockdep off here too; the classes already known stay checked.
      return `too many lock classes (more than ${count(limits.classes)}): the classes past it are not checked`;
    case 'dependencies':
      return `too many lock dependencies (more than ${count(limits.dependencies)}; the kernel's lockdep keeps 16,384 by default): lockdep is off from here, as the kernel turns it off ("BUG: MAX_LOCKDEP_ENTRIES too low!"), so no lockdep check runs after this step`;
    case 'chains':
      return `too many lock chains (more than ${count(limits.chains)}; the kernel's lockdep keeps 65,536 by default): lockdep is off from here, as the kernel turns it off ("BUG: MAX_LOCKDEP_CHAINS too low!"), so no lockdep check runs after this step`;
  }
}
