/**
 * A rule: the stable id of a kind of finding, its heading, its documentation and examples,
 * and how a detection is turned into a finding (message, locks, lockdep-style report body).
 * One rule per file in this folder, named by its id; docs beside it as `<id>.md`.
 */
import type { Finding, Severity } from '../model/finding.js';

export type RuleGroup = 'lockdep' | 'design';

export interface RuleMeta {
  readonly id: string;
  /** What lockdep (or the kernel) prints as the title of such a report. */
  readonly heading: string;
  readonly group: RuleGroup;
  /** One line for `fencedep rules`. */
  readonly description: string;
  readonly defaultSeverity: Severity;
  /** Opt-in rules only report when named in `options.warn`. */
  readonly optIn?: boolean;
}

/** The part of a finding a rule computes; the pipeline adds `expected` and severity policy. */
export type FindingDraft = Omit<Finding, 'expected' | 'severity' | 'rule' | 'heading'> & {
  /** When a finding's title differs from the rule's (lockdep prints several for irq-inversion). */
  readonly heading?: string;
  /**
   * What, besides the rule and the lock set, tells two findings apart (a function's name, a
   * path's): findings about no lock would otherwise be reported once per file.
   */
  readonly distinct?: string;
};

export interface Rule<D> {
  readonly meta: RuleMeta;
  /** Turn the engine's detection into a finding. Pure. */
  readonly build: (detection: D) => FindingDraft;
}

export function defineRule<D>(rule: Rule<D>): Rule<D> {
  return rule;
}
